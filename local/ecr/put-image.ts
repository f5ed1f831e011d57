import { createInputReader } from '../input-reader.js';
import { ServiceError } from '../service-error.js';
import { type ImageRecord, sha256Digest } from '../state.js';
import { type EcrContext, findRepository } from './ecr-context.js';
import { IMAGE_MANIFEST_RULE, IMAGE_TAG_RULE, INVALID_PARAMETER, SHA256_DIGEST } from './ecr-shapes.js';
import { imageActionEvent } from './image-action-event.js';
import { readManifestFacts } from './manifest-facts.js';
import { isTagImmutable } from './tag-mutability.js';

/**
 * PutImage. The digest is the sha256 of the exact UTF-8 bytes of `imageManifest`: the string is stored
 * and served back unchanged. A push that changes nothing is `ImageAlreadyExistsException`; a push that
 * does emits one `ECR Image Action` event, after the answer.
 */
export const putImage = (context: EcrContext, body: unknown): unknown => {
  if (context.putImageLimiter !== null && !context.putImageLimiter.tryTake()) {
    throw new ServiceError('ThrottlingException', 'Rate exceeded');
  }
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const manifest = reader.requiredString('imageManifest', IMAGE_MANIFEST_RULE);
  const declared = reader.optionalString('imageManifestMediaType', { min: 1, max: 255 });
  const tag = reader.optionalString('imageTag', IMAGE_TAG_RULE);
  const expectedDigest = reader.optionalString('imageDigest');
  if (expectedDigest !== undefined && !SHA256_DIGEST.test(expectedDigest)) {
    reader.fail('imageDigest', 'must be a sha256 digest: sha256:<64 lowercase hex>');
  }
  const facts = readManifestFacts(manifest, declared);
  const digest = sha256Digest(Buffer.from(manifest, 'utf8'));
  if (expectedDigest !== undefined && expectedDigest !== digest) {
    throw new ServiceError(
      'ImageDigestDoesNotMatchException',
      `The specified image digest '${expectedDigest}' does not match the digest '${digest}' that Amazon ECR calculated for the manifest`,
    );
  }
  const missingChildren = facts.childDigests.filter((child) => !entry.images.has(child));
  if (missingChildren.length > 0) {
    throw new ServiceError(
      'ReferencedImagesNotFoundException',
      `The manifest list is referencing an image that does not exist: ${missingChildren.join(', ')}`,
    );
  }
  if (context.requireLayers) {
    const missingBlobs = facts.blobDigests.filter((blob) => !entry.blobs.has(blob) || !context.state.blobs.has(blob));
    if (missingBlobs.length > 0) {
      throw new ServiceError(
        'LayersNotFoundException',
        `The following layers were not found in the repository: ${missingBlobs.join(', ')}`,
      );
    }
  }
  const repositoryName = entry.repository.name;
  const registryId = entry.repository.registryId;
  const existing = entry.images.get(digest);
  const tagTarget = tag === undefined ? undefined : entry.tags.get(tag);
  if (existing !== undefined && (tag === undefined || tagTarget === digest)) {
    throw new ServiceError(
      'ImageAlreadyExistsException',
      tag === undefined
        ? `Image with digest '${digest}' already exists in the repository with name '${repositoryName}' in registry with id '${registryId}'`
        : `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${repositoryName}' in registry with id '${registryId}'`,
    );
  }
  if (tag !== undefined && tagTarget !== undefined && tagTarget !== digest && isTagImmutable(entry.repository, tag)) {
    throw new ServiceError(
      'ImageTagAlreadyExistsException',
      `The image tag '${tag}' already exists in the '${repositoryName}' repository and cannot be overwritten because the tag is immutable.`,
    );
  }
  const now = context.now();
  const image: ImageRecord = existing ?? {
    digest,
    manifest,
    mediaType: facts.mediaType,
    artifactMediaType: facts.kind === 'image' ? facts.artifactMediaType : null,
    blobDigests: facts.blobDigests,
    childDigests: facts.childDigests,
    subjectDigest: facts.subjectDigest,
    sizeInBytes: facts.layerBytes,
    pushedAtEpochMs: now,
  };
  entry.images.set(digest, image);
  // Moving a tag leaves the previous image in place, untagged if that was its last tag.
  if (tag !== undefined) entry.tags.set(tag, digest);
  context.state.markDirty();
  context.emit(
    imageActionEvent({
      account: context.state.account,
      region: context.state.region,
      repository: repositoryName,
      digest,
      tag: tag ?? null,
      manifestMediaType: image.mediaType,
      artifactMediaType: image.artifactMediaType,
      atEpochMs: now,
    }),
  );
  return {
    image: {
      registryId,
      repositoryName,
      imageId: { imageDigest: digest, ...(tag === undefined ? {} : { imageTag: tag }) },
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType,
    },
  };
};
