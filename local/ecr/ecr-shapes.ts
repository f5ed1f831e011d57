import type { StringRule } from '../input-reader.js';
import { ServiceError } from '../service-error.js';

/** The validation error every ECR operation models. */
export const INVALID_PARAMETER = 'InvalidParameterException';

/** `RepositoryName`: 2-256 characters of the model's pattern. */
export const REPOSITORY_NAME_RULE: StringRule = {
  min: 2,
  max: 256,
  pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
  patternText: '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*',
};

/** `RegistryId`: twelve digits. */
export const REGISTRY_ID_RULE: StringRule = { pattern: /^[0-9]{12}$/, patternText: '[0-9]{12}' };

/**
 * `ImageTag`: the model says 1-300 characters. ECR also refuses characters outside
 * `[a-zA-Z0-9-_.]+`, the expression its validation error names (as reported in
 * https://github.com/alexjurkiewicz/ecr-scan-image/issues/40); a leading "-" or "." is accepted.
 */
export const IMAGE_TAG_RULE: StringRule = {
  min: 1,
  max: 300,
  pattern: /^[A-Za-z0-9_.-]+$/,
  patternText: '[a-zA-Z0-9-_.]+',
};

/** `LayerDigest` (also how GetDownloadUrlForLayer and CompleteLayerUpload read digests). */
export const LAYER_DIGEST_RULE: StringRule = {
  pattern: /^[a-zA-Z0-9_+.-]+:[a-fA-F0-9]+$/,
  patternText: '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+',
};

/** `ImageManifest`: 1-4,194,304 characters. */
export const IMAGE_MANIFEST_RULE: StringRule = { min: 1, max: 4_194_304 };

/** `UploadId`: a UUID. */
export const UPLOAD_ID_RULE: StringRule = {
  pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  patternText: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
};

/** An image digest ECR can resolve: `sha256:` and 64 lowercase hex characters. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `MaxResults` for the paginated reads: 1-1000; 100 when absent. */
export const MAX_RESULTS = { min: 1, max: 1000 } as const;
/** What a paginated read returns per page when `maxResults` is absent. */
export const DEFAULT_PAGE_SIZE = 100;

/** The manifest media types PutImage stores. */
export const MANIFEST_MEDIA_TYPES = {
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** The comparable form of a media type: parameters dropped, lower case. */
export const baseType = (mediaType: string): string => {
  const semicolon = mediaType.indexOf(';');
  return (semicolon === -1 ? mediaType : mediaType.slice(0, semicolon)).trim().toLowerCase();
};

/** `RepositoryNotFoundException` in ECR's wording. */
export const repositoryNotFound = (name: string, registryId: string): ServiceError =>
  new ServiceError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  );
