import { createInputReader } from '../input-reader.js';
import { ServiceError } from '../service-error.js';
import type { EcrContext } from './ecr-context.js';
import { findRepository } from './ecr-context.js';
import { INVALID_PARAMETER } from './ecr-shapes.js';
import { type ImageIdentifier, readImageIds, resolve, tagsOf } from './image-reads.js';
import { repositoryShape } from './repositories.js';

/**
 * BatchDeleteImage: a tag removes that tag (and the image with its last tag); a digest removes the
 * image and all its tags. An image an index in the repository references is refused
 * (`ImageReferencedByManifestList`). Failures per identifier, as for BatchGetImage.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
 * (The guard itself never deletes; this is the endpoint answering what ECR answers.)
 */
export const batchDeleteImage = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const ids = readImageIds(body, true) ?? [];
  const deleted: ImageIdentifier[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const found = resolve(entry, id);
    if (!found.ok) {
      failures.push({ imageId: id, failureCode: found.code, failureReason: found.reason });
      continue;
    }
    const digest = found.image.digest;
    const tags = tagsOf(entry, digest);
    const removesImage = id.imageTag === undefined || tags.length === 1;
    const parent = [...entry.images.values()].find((image) => image.childDigests.includes(digest));
    if (removesImage && parent !== undefined) {
      failures.push({
        imageId: id,
        failureCode: 'ImageReferencedByManifestList',
        failureReason: `Requested image is referenced by manifest list: [${parent.digest}]`,
      });
      continue;
    }
    if (removesImage) {
      for (const tag of tags) {
        entry.tags.delete(tag);
        deleted.push({ imageDigest: digest, imageTag: tag });
      }
      entry.images.delete(digest);
      if (tags.length === 0) deleted.push({ imageDigest: digest });
    } else if (id.imageTag !== undefined) {
      entry.tags.delete(id.imageTag);
      deleted.push({ imageDigest: digest, imageTag: id.imageTag });
    }
  }
  context.state.markDirty();
  return { imageIds: deleted, failures };
};

/**
 * DeleteRepository: refused with `RepositoryNotEmptyException` while it holds images, unless `force`.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
 */
export const deleteRepository = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const force = reader.input.force === true;
  if (entry.images.size > 0 && !force) {
    throw new ServiceError(
      'RepositoryNotEmptyException',
      `The repository with name '${entry.repository.name}' in registry with id '${entry.repository.registryId}' cannot be deleted because it still contains images`,
    );
  }
  context.state.repositories.delete(entry.repository.name);
  context.state.markDirty();
  return { repository: repositoryShape(entry.repository) };
};
