import { isJsonObject, type JsonObject } from '../json-value.js';
import { ServiceError } from '../service-error.js';
import { baseType, INVALID_PARAMETER, MANIFEST_MEDIA_TYPES } from './ecr-shapes.js';

/** What ECR derives from a pushed manifest, before it knows the repository. */
export interface ManifestFacts {
  /** The effective media type: the body's `mediaType`, else the declared `imageManifestMediaType`. */
  readonly mediaType: string;
  readonly kind: 'image' | 'index' | 'schema1';
  /** Config media type of an image manifest; null otherwise. */
  readonly artifactMediaType: string | null;
  readonly blobDigests: readonly string[];
  readonly childDigests: readonly string[];
  readonly subjectDigest: string | null;
  /** Sum of layer sizes (compressed), as DescribeImages reports for an image manifest. */
  readonly layerBytes: number;
}

const DESCRIPTOR_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const invalid = (member: string, constraint: string): ServiceError =>
  new ServiceError(INVALID_PARAMETER, `Invalid parameter at '${member}' failed to satisfy constraint: '${constraint}'`);

const KIND_BY_TYPE: ReadonlyMap<string, ManifestFacts['kind']> = new Map([
  [MANIFEST_MEDIA_TYPES.dockerManifest, 'image'],
  [MANIFEST_MEDIA_TYPES.ociManifest, 'image'],
  [MANIFEST_MEDIA_TYPES.dockerManifestList, 'index'],
  [MANIFEST_MEDIA_TYPES.ociIndex, 'index'],
  [MANIFEST_MEDIA_TYPES.dockerSchema1, 'schema1'],
  [MANIFEST_MEDIA_TYPES.dockerSchema1Signed, 'schema1'],
]);

const descriptorDigest = (value: unknown, where: string): string => {
  if (!isJsonObject(value)) throw invalid('imageManifest', `${where} must be a descriptor object`);
  const { digest, mediaType, size } = value;
  if (typeof digest !== 'string' || !DESCRIPTOR_DIGEST.test(digest)) {
    throw invalid('imageManifest', `${where}.digest must be a digest such as sha256:<64 hex>`);
  }
  if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw invalid('imageManifest', `${where}.digest is not a valid sha256 digest`);
  }
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid('imageManifest', `${where}.mediaType must be a string`);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw invalid('imageManifest', `${where}.size must be a non-negative integer`);
  }
  return digest;
};

const descriptorSize = (value: unknown): number => (isJsonObject(value) && typeof value.size === 'number' ? value.size : 0);

const imageFacts = (body: JsonObject, mediaType: string): ManifestFacts => {
  if (body.schemaVersion !== 2) throw invalid('imageManifest', `schemaVersion must be 2 for ${mediaType}`);
  const configDigest = descriptorDigest(body.config, 'config');
  const config = body.config as JsonObject;
  if (!Array.isArray(body.layers)) throw invalid('imageManifest', 'layers must be an array');
  const layers = body.layers.map((layer, index) => descriptorDigest(layer, `layers[${index}]`));
  return {
    mediaType,
    kind: 'image',
    artifactMediaType: typeof config.mediaType === 'string' ? config.mediaType : null,
    blobDigests: [configDigest, ...layers],
    childDigests: [],
    subjectDigest: body.subject === undefined ? null : descriptorDigest(body.subject, 'subject'),
    layerBytes: body.layers.reduce((sum: number, layer) => sum + descriptorSize(layer), 0),
  };
};

const indexFacts = (body: JsonObject, mediaType: string): ManifestFacts => {
  if (body.schemaVersion !== 2) throw invalid('imageManifest', `schemaVersion must be 2 for ${mediaType}`);
  if (!Array.isArray(body.manifests)) throw invalid('imageManifest', 'manifests must be an array');
  return {
    mediaType,
    kind: 'index',
    artifactMediaType: null,
    blobDigests: [],
    childDigests: body.manifests.map((child, index) => descriptorDigest(child, `manifests[${index}]`)),
    subjectDigest: body.subject === undefined ? null : descriptorDigest(body.subject, 'subject'),
    layerBytes: 0,
  };
};

const schema1Facts = (body: JsonObject, mediaType: string): ManifestFacts => {
  if (body.schemaVersion !== 1) throw invalid('imageManifest', `schemaVersion must be 1 for ${mediaType}`);
  const layers = Array.isArray(body.fsLayers) ? body.fsLayers : [];
  const blobDigests = layers.flatMap((layer) =>
    isJsonObject(layer) && typeof layer.blobSum === 'string' ? [layer.blobSum] : [],
  );
  return {
    mediaType,
    kind: 'schema1',
    artifactMediaType: null,
    blobDigests,
    childDigests: [],
    subjectDigest: null,
    layerBytes: 0,
  };
};

/**
 * Reads a pushed manifest the way PutImage does: valid JSON, a media type from the body or (only when
 * the body has none) from `imageManifestMediaType`, the two agreeing when both are given, and the
 * structure that media type requires. The manifest string itself is never changed.
 */
export const readManifestFacts = (manifest: string, declaredMediaType: string | undefined): ManifestFacts => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch {
    throw invalid('imageManifest', 'Invalid JSON syntax');
  }
  if (!isJsonObject(parsed)) throw invalid('imageManifest', 'Invalid JSON syntax: the manifest must be a JSON object');
  const bodyMediaType = typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  if (parsed.mediaType !== undefined && bodyMediaType === undefined) throw invalid('imageManifest', 'mediaType must be a string');
  if (bodyMediaType !== undefined && declaredMediaType !== undefined && baseType(bodyMediaType) !== baseType(declaredMediaType)) {
    throw invalid(
      'imageManifestMediaType',
      `imageManifestMediaType '${declaredMediaType}' does not match the mediaType '${bodyMediaType}' in the manifest`,
    );
  }
  // A schema1 manifest has no mediaType field; ECR recognises it by schemaVersion 1 (and the
  // AWS CLI pushes one without imageManifestMediaType), signed when it carries JWS signatures.
  const schema1 =
    parsed.schemaVersion === 1
      ? Array.isArray(parsed.signatures)
        ? MANIFEST_MEDIA_TYPES.dockerSchema1Signed
        : MANIFEST_MEDIA_TYPES.dockerSchema1
      : undefined;
  const effective = bodyMediaType ?? declaredMediaType ?? schema1;
  if (effective === undefined) {
    throw invalid('imageManifestMediaType', 'the manifest has no mediaType field, so imageManifestMediaType is required');
  }
  const kind = KIND_BY_TYPE.get(baseType(effective));
  if (kind === undefined) {
    throw invalid('imageManifestMediaType', `unsupported manifest media type '${effective}'`);
  }
  const mediaType = baseType(effective);
  if (kind === 'image') return imageFacts(parsed, mediaType);
  if (kind === 'index') return indexFacts(parsed, mediaType);
  return schema1Facts(parsed, mediaType);
};
