import { randomUUID } from 'node:crypto';
import { createInputReader } from '../input-reader.js';
import { ServiceError } from '../service-error.js';
import { type RepositoryState, sha256Digest } from '../state.js';
import { type EcrContext, findRepository } from './ecr-context.js';
import { INVALID_PARAMETER, LAYER_DIGEST_RULE, UPLOAD_ID_RULE } from './ecr-shapes.js';

/** `partSize` InitiateLayerUpload announces. */
const PART_SIZE = 10 * 1024 * 1024;
/** `LayerPartBlob`: at most 20,971,520 bytes per part. */
const MAX_PART = 20_971_520;
/** LayerPartTooSmallException: "Layer parts must be at least 5 MiB in size" (all but the last). */
const MIN_PART = 5 * 1024 * 1024;

const isReferenced = (entry: RepositoryState, digest: string): boolean =>
  [...entry.images.values()].some((image) => image.blobDigests.includes(digest));

/**
 * GetDownloadUrlForLayer: "You can only get URLs for image layers that are referenced in an image."
 * A blob that is absent, or unknown to this repository, is `LayersNotFoundException`; one uploaded here
 * but referenced by no image is `LayerInaccessibleException` (the model's "not associated with an image").
 */
export const getDownloadUrlForLayer = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const layerDigest = reader.requiredString('layerDigest', LAYER_DIGEST_RULE);
  const present = context.state.blobs.has(layerDigest);
  if (present && isReferenced(entry, layerDigest)) {
    return { downloadUrl: context.downloadUrl(entry.repository.name, layerDigest), layerDigest };
  }
  if (present && entry.blobs.has(layerDigest)) {
    throw new ServiceError(
      'LayerInaccessibleException',
      `The layer '${layerDigest}' is not available because it is not associated with an image in the repository '${entry.repository.name}'.`,
    );
  }
  throw new ServiceError(
    'LayersNotFoundException',
    `The layer '${layerDigest}' could not be found in the repository with name '${entry.repository.name}' in the registry with id '${entry.repository.registryId}'`,
  );
};

/** BatchCheckLayerAvailability. */
export const batchCheckLayerAvailability = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const digests = reader.requiredList('layerDigests', { min: 1, max: 100 });
  const layers: unknown[] = [];
  const failures: unknown[] = [];
  for (const [index, value] of digests.entries()) {
    if (typeof value !== 'string') reader.fail(`layerDigests.${index + 1}`, 'Member must be a string');
    const digest = value as string;
    if (digest.length > 1000) reader.fail(`layerDigests.${index + 1}`, 'Member must have length less than or equal to 1000');
    if (digest === '') {
      failures.push({ layerDigest: digest, failureCode: 'MissingLayerDigest', failureReason: 'The layer digest is empty' });
      continue;
    }
    if (LAYER_DIGEST_RULE.pattern?.test(digest) === false) {
      failures.push({
        layerDigest: digest,
        failureCode: 'InvalidLayerDigest',
        failureReason: `Invalid layer digest '${digest}'`,
      });
      continue;
    }
    const bytes = context.state.blobs.get(digest);
    const available = bytes !== undefined && (entry.blobs.has(digest) || isReferenced(entry, digest));
    layers.push({
      layerDigest: digest,
      layerAvailability: available ? 'AVAILABLE' : 'UNAVAILABLE',
      ...(available && bytes !== undefined ? { layerSize: bytes.byteLength } : {}),
    });
  }
  return { layers, failures };
};

/** InitiateLayerUpload. */
export const initiateLayerUpload = (context: EcrContext, body: unknown): unknown => {
  const entry = findRepository(context, createInputReader(body, INVALID_PARAMETER));
  const id = randomUUID();
  entry.uploads.set(id, { id, parts: [], received: 0 });
  return { uploadId: id, partSize: PART_SIZE };
};

const findUpload = (entry: RepositoryState, uploadId: string) => {
  const upload = entry.uploads.get(uploadId);
  if (upload === undefined) {
    throw new ServiceError(
      'UploadNotFoundException',
      `The upload with id '${uploadId}' could not be found in the repository with name '${entry.repository.name}'`,
    );
  }
  return upload;
};

/** UploadLayerPart: parts must arrive in order, each starting right after the previous one. */
export const uploadLayerPart = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const uploadId = reader.requiredString('uploadId', UPLOAD_ID_RULE);
  const first = reader.requiredInteger('partFirstByte', { min: 0 });
  const last = reader.requiredInteger('partLastByte', { min: 0 });
  const encoded = reader.requiredString('layerPartBlob');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) reader.fail('layerPartBlob', 'Member must be base64-encoded');
  const bytes = new Uint8Array(Buffer.from(encoded, 'base64'));
  if (bytes.byteLength > MAX_PART) reader.fail('layerPartBlob', `Member must have length less than or equal to ${MAX_PART}`);
  const upload = findUpload(entry, uploadId);
  const partError = (message: string): ServiceError =>
    new ServiceError('InvalidLayerPartException', message, 400, {
      registryId: entry.repository.registryId,
      repositoryName: entry.repository.name,
      uploadId,
      lastValidByteReceived: Math.max(0, upload.received - 1),
    });
  if (first !== upload.received) {
    throw partError(`The part starts at byte ${first}, but the next expected byte is ${upload.received}`);
  }
  if (bytes.byteLength === 0 || last !== first + bytes.byteLength - 1) {
    throw partError(`partLastByte ${last} does not match a part of ${bytes.byteLength} bytes starting at ${first}`);
  }
  upload.parts.push(bytes);
  upload.received += bytes.byteLength;
  return {
    registryId: entry.repository.registryId,
    repositoryName: entry.repository.name,
    uploadId,
    lastByteReceived: upload.received - 1,
  };
};

/** CompleteLayerUpload: verifies the digest and stores the blob in the repository. */
export const completeLayerUpload = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const uploadId = reader.requiredString('uploadId', UPLOAD_ID_RULE);
  const digests = reader
    .requiredList('layerDigests', { min: 1, max: 100 })
    .map((value, index) =>
      typeof value === 'string' && LAYER_DIGEST_RULE.pattern?.test(value) === true
        ? value
        : reader.fail(`layerDigests.${index + 1}`, `must satisfy regular expression '${LAYER_DIGEST_RULE.patternText ?? ''}'`),
    );
  const upload = findUpload(entry, uploadId);
  if (upload.received === 0) throw new ServiceError('EmptyUploadException', `The upload '${uploadId}' contains no layer parts.`);
  if (upload.parts.slice(0, -1).some((part) => part.byteLength < MIN_PART)) {
    throw new ServiceError('LayerPartTooSmallException', 'Layer parts must be at least 5 MiB in size.');
  }
  const bytes = new Uint8Array(Buffer.concat(upload.parts));
  const actual = sha256Digest(bytes);
  if (!digests.includes(actual)) {
    throw new ServiceError(
      'InvalidLayerException',
      `The layer digest calculation performed by Amazon ECR (${actual}) does not match the digest specified (${digests.join(', ')})`,
    );
  }
  entry.uploads.delete(uploadId);
  if (entry.blobs.has(actual) && context.state.blobs.has(actual)) {
    throw new ServiceError('LayerAlreadyExistsException', `The image layer '${actual}' already exists in the repository.`);
  }
  context.state.putBlob(bytes);
  entry.blobs.add(actual);
  context.state.markDirty();
  return { registryId: entry.repository.registryId, repositoryName: entry.repository.name, uploadId, layerDigest: actual };
};
