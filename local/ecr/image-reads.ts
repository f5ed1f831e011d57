import { createInputReader } from '../input-reader.js';
import { isJsonObject } from '../json-value.js';
import { ServiceError } from '../service-error.js';
import type { ImageRecord, RepositoryState } from '../state.js';
import { type EcrContext, epochSeconds, findRepository } from './ecr-context.js';
import {
  baseType,
  DEFAULT_PAGE_SIZE,
  IMAGE_TAG_RULE,
  INVALID_PARAMETER,
  MANIFEST_MEDIA_TYPES,
  MAX_RESULTS,
  SHA256_DIGEST,
} from './ecr-shapes.js';
import { pageOf } from './pagination.js';

/** `ImageFailureCode` values BatchGetImage can produce locally, as the model enumerates them. */
export type ImageFailureCode =
  | 'InvalidImageDigest'
  | 'InvalidImageTag'
  | 'ImageTagDoesNotMatchDigest'
  | 'ImageNotFound'
  | 'MissingDigestAndTag';

export interface ImageIdentifier {
  readonly imageDigest?: string;
  readonly imageTag?: string;
}

/**
 * What BatchGetImage accepts when `acceptedMediaTypes` is omitted: the three values the API reference
 * lists as valid. An index is therefore only returned when the caller asks for index types.
 */
const DEFAULT_ACCEPTED = [
  MANIFEST_MEDIA_TYPES.dockerSchema1,
  MANIFEST_MEDIA_TYPES.dockerManifest,
  MANIFEST_MEDIA_TYPES.ociManifest,
];

const TAG_STATUSES = ['TAGGED', 'UNTAGGED', 'ANY'] as const;

export const readImageIds = (body: unknown, required: boolean): readonly ImageIdentifier[] | undefined => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const raw = required
    ? reader.requiredList('imageIds', { min: 1, max: 100 })
    : reader.optionalList('imageIds', { min: 1, max: 100 });
  return raw?.map((entry, index) => {
    if (!isJsonObject(entry)) return reader.fail(`imageIds.${index + 1}`, 'Member must be a structure');
    const item = createInputReader(entry, INVALID_PARAMETER, `imageIds.${index + 1}`);
    const imageDigest = item.optionalString('imageDigest');
    const imageTag = item.optionalString('imageTag', { min: 1, max: 300 });
    return { ...(imageDigest === undefined ? {} : { imageDigest }), ...(imageTag === undefined ? {} : { imageTag }) };
  });
};

const sameId = (a: ImageIdentifier, b: ImageIdentifier): boolean => a.imageDigest === b.imageDigest && a.imageTag === b.imageTag;

export const tagsOf = (entry: RepositoryState, digest: string): string[] =>
  [...entry.tags.entries()].filter(([, target]) => target === digest).map(([tag]) => tag);

type Resolution =
  | { readonly ok: true; readonly image: ImageRecord }
  | { readonly ok: false; readonly code: ImageFailureCode; readonly reason: string };

const NOT_FOUND = 'Requested image not found';

/** Finds the image an identifier names, or the `ImageFailure` BatchGetImage reports for it. */
export const resolve = (entry: RepositoryState, id: ImageIdentifier): Resolution => {
  if (id.imageDigest === undefined && id.imageTag === undefined) {
    return { ok: false, code: 'MissingDigestAndTag', reason: 'Invalid request parameters: both tag and digest cannot be null' };
  }
  if (id.imageDigest !== undefined && !SHA256_DIGEST.test(id.imageDigest)) {
    return {
      ok: false,
      code: 'InvalidImageDigest',
      reason: `Invalid image digest '${id.imageDigest}': expected sha256:<64 lowercase hex>`,
    };
  }
  if (id.imageTag !== undefined && IMAGE_TAG_RULE.pattern?.test(id.imageTag) === false) {
    return { ok: false, code: 'InvalidImageTag', reason: `Invalid image tag '${id.imageTag}'` };
  }
  const tagged = id.imageTag === undefined ? undefined : entry.tags.get(id.imageTag);
  if (id.imageDigest !== undefined && id.imageTag !== undefined && tagged !== undefined && tagged !== id.imageDigest) {
    return {
      ok: false,
      code: 'ImageTagDoesNotMatchDigest',
      reason: `Invalid request parameters: image tag '${id.imageTag}' does not refer to digest '${id.imageDigest}'`,
    };
  }
  const digest = id.imageDigest ?? tagged;
  const image = digest === undefined ? undefined : entry.images.get(digest);
  if (image === undefined || (id.imageTag !== undefined && tagged === undefined)) {
    return { ok: false, code: 'ImageNotFound', reason: NOT_FOUND };
  }
  return { ok: true, image };
};

const isAccepted = (mediaType: string, accepted: readonly string[]): boolean => {
  const wanted = new Set(accepted.map(baseType));
  // The signed and unsigned schema 1 types name the same format.
  if (wanted.has(MANIFEST_MEDIA_TYPES.dockerSchema1)) wanted.add(MANIFEST_MEDIA_TYPES.dockerSchema1Signed);
  return wanted.has(baseType(mediaType));
};

/** BatchGetImage. */
export const batchGetImage = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const ids = readImageIds(body, true) ?? [];
  const acceptedRaw = reader.optionalList('acceptedMediaTypes', { min: 1, max: 100 });
  const accepted = (acceptedRaw ?? DEFAULT_ACCEPTED).map((value, index) =>
    typeof value === 'string' ? value : reader.fail(`acceptedMediaTypes.${index + 1}`, 'Member must be a string'),
  );
  const images: unknown[] = [];
  const failures: unknown[] = [];
  const seen: ImageIdentifier[] = [];
  for (const id of ids) {
    if (seen.some((other) => sameId(other, id))) continue;
    seen.push(id);
    const found = resolve(entry, id);
    if (!found.ok) {
      failures.push({ imageId: id, failureCode: found.code, failureReason: found.reason });
      continue;
    }
    if (context.acceptedMediaTypes === 'strict' && !isAccepted(found.image.mediaType, accepted)) {
      failures.push({
        imageId: id,
        failureCode: 'ImageNotFound',
        failureReason: `${NOT_FOUND}: its manifest media type ${found.image.mediaType} is not in acceptedMediaTypes`,
      });
      continue;
    }
    images.push({
      registryId: entry.repository.registryId,
      repositoryName: entry.repository.name,
      imageId: { imageDigest: found.image.digest, ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }) },
      imageManifest: found.image.manifest,
      imageManifestMediaType: found.image.mediaType,
    });
  }
  return { images, failures };
};

/** DescribeImages reports an index's size as the largest of its (stored) children. */
const sizeOf = (entry: RepositoryState, image: ImageRecord): number =>
  image.childDigests.length === 0
    ? image.sizeInBytes
    : Math.max(0, ...image.childDigests.map((digest) => entry.images.get(digest)?.sizeInBytes ?? 0));

const imageDetail = (entry: RepositoryState, image: ImageRecord): Record<string, unknown> => {
  const tags = tagsOf(entry, image.digest);
  return {
    registryId: entry.repository.registryId,
    repositoryName: entry.repository.name,
    imageDigest: image.digest,
    ...(tags.length === 0 ? {} : { imageTags: tags }),
    imageSizeInBytes: sizeOf(entry, image),
    imagePushedAt: epochSeconds(image.pushedAtEpochMs),
    imageManifestMediaType: image.mediaType,
    ...(image.artifactMediaType === null ? {} : { artifactMediaType: image.artifactMediaType }),
    ...(image.subjectDigest === null ? {} : { subjectManifestDigest: image.subjectDigest }),
    imageStatus: 'ACTIVE',
  };
};

const inPushOrder = (entry: RepositoryState): ImageRecord[] =>
  [...entry.images.values()].sort((a, b) => a.pushedAtEpochMs - b.pushedAtEpochMs || a.digest.localeCompare(b.digest));

const tagStatusOf = (body: unknown): (typeof TAG_STATUSES)[number] => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const filter = reader.optionalObject('filter');
  const filterReader = createInputReader(filter ?? {}, INVALID_PARAMETER, 'filter');
  return (filterReader.optionalString('tagStatus', { enum: TAG_STATUSES }) ?? 'ANY') as (typeof TAG_STATUSES)[number];
};

const passes = (entry: RepositoryState, image: ImageRecord, status: (typeof TAG_STATUSES)[number]): boolean => {
  if (status === 'ANY') return true;
  const tagged = tagsOf(entry, image.digest).length > 0;
  return status === 'TAGGED' ? tagged : !tagged;
};

/** DescribeImages. */
export const describeImages = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const ids = readImageIds(body, false);
  const maxResults = reader.optionalInteger('maxResults', MAX_RESULTS);
  const nextToken = reader.optionalString('nextToken');
  const status = tagStatusOf(body);
  if (ids !== undefined) {
    if (maxResults !== undefined || nextToken !== undefined) {
      reader.fail('maxResults', 'maxResults and nextToken cannot be used when you specify images with imageIds');
    }
    const details = new Map<string, Record<string, unknown>>();
    for (const id of ids) {
      const found = resolve(entry, id);
      if (!found.ok) {
        throw new ServiceError(
          'ImageNotFoundException',
          `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${entry.repository.name}' in the registry with id '${entry.repository.registryId}'`,
        );
      }
      details.set(found.image.digest, imageDetail(entry, found.image));
    }
    return { imageDetails: [...details.values()] };
  }
  const images = inPushOrder(entry).filter((image) => passes(entry, image, status));
  const page = pageOf(images, maxResults ?? DEFAULT_PAGE_SIZE, nextToken, reader);
  return {
    imageDetails: page.items.map((image) => imageDetail(entry, image)),
    ...(page.nextToken === null ? {} : { nextToken: page.nextToken }),
  };
};

/** ListImages: one `imageId` per (digest, tag) pair, untagged images once with the digest only. */
export const listImages = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const maxResults = reader.optionalInteger('maxResults', MAX_RESULTS);
  const nextToken = reader.optionalString('nextToken');
  const status = tagStatusOf(body);
  const ids = inPushOrder(entry).flatMap((image) => {
    const tags = tagsOf(entry, image.digest);
    if (tags.length === 0) return status === 'TAGGED' ? [] : [{ imageDigest: image.digest }];
    return status === 'UNTAGGED' ? [] : tags.map((imageTag) => ({ imageDigest: image.digest, imageTag }));
  });
  const page = pageOf(ids, maxResults ?? DEFAULT_PAGE_SIZE, nextToken, reader);
  return { imageIds: page.items, ...(page.nextToken === null ? {} : { nextToken: page.nextToken }) };
};
