import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  type ECRClient,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { toGuardError } from '../functions/adapters/aws-error.js';
import type { ContentSource, RawManifest } from '../functions/app/ports.js';
import { assertNever } from '../functions/core/assert-never.js';
import type { Digest } from '../functions/core/digest.js';
import { type Manifest, parseManifest } from '../functions/core/manifest.js';
import { isIndex } from '../functions/core/media-type.js';

/** What a push did, step by step. */
export interface PushReport {
  readonly blobsUploaded: number;
  readonly blobsPresent: number;
  /** Blobs the source does not hold (a sparse layout): skipped, as the local endpoint allows. */
  readonly blobsMissing: number;
  readonly manifests: readonly {
    readonly digest: string;
    readonly tag: string | null;
    readonly outcome: 'created' | 'unchanged';
  }[];
}

const MAX_PUSH_BLOB = 2 * 1024 * 1024 * 1024;
const PART = 10 * 1024 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: true });

const blobsOf = (manifest: Manifest): { digest: Digest; size: number }[] => {
  switch (manifest.kind) {
    case 'image':
      return [manifest.config, ...manifest.layers].map(({ digest, size }) => ({ digest, size }));
    case 'artifact':
      return manifest.blobs.map(({ digest, size }) => ({ digest, size }));
    case 'index':
    case 'schema1':
      return [];
    default:
      return assertNever(manifest, 'manifest kind');
  }
};

/**
 * Pushes an image from a local source through the ECR API, as a registry client does: blobs
 * first (layer upload API), then child manifests untagged, then the subject with its tag.
 * Manifests are sent as their exact bytes.
 */
export const pushToEcr = async (
  client: ECRClient,
  source: ContentSource,
  subject: RawManifest,
  target: { readonly repository: string; readonly tag: string; readonly createRepository?: boolean },
): Promise<PushReport> => {
  const { repository } = target;
  if (target.createRepository === true) {
    try {
      await client.send(new CreateRepositoryCommand({ repositoryName: repository }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'RepositoryAlreadyExistsException') throw toGuardError(error, 'CreateRepository');
    }
  }
  const parsed = parseManifest(subject.bytes, subject.mediaType === undefined ? {} : { declaredMediaType: subject.mediaType });
  if (!parsed.ok) throw new Error(`cannot push: the manifest ${parsed.problem.path} ${parsed.problem.message}`);
  const children: RawManifest[] = [];
  if (parsed.manifest.kind === 'index') {
    const wanted = parsed.manifest.manifests.filter((entry) => !isIndex(entry.mediaType)).map((entry) => entry.digest);
    const found = await source.getManifests(wanted);
    for (const entry of parsed.manifest.manifests) {
      const child = found.get(entry.digest);
      if (child !== undefined) children.push({ ...child, mediaType: child.mediaType ?? entry.mediaType });
    }
  }
  const all = [...children, subject];
  const blobs = new Map<string, number>();
  for (const manifest of all) {
    const child = parseManifest(
      manifest.bytes,
      manifest.mediaType === undefined ? {} : { declaredMediaType: manifest.mediaType },
    );
    if (child.ok) for (const blob of blobsOf(child.manifest)) blobs.set(blob.digest, blob.size);
  }

  let uploaded = 0;
  let present = 0;
  let missing = 0;
  const digests = [...blobs.keys()];
  const availability = new Map<string, boolean>();
  for (let i = 0; i < digests.length; i += 100) {
    try {
      const output = await client.send(
        new BatchCheckLayerAvailabilityCommand({ repositoryName: repository, layerDigests: digests.slice(i, i + 100) }),
      );
      for (const layer of output.layers ?? []) {
        if (layer.layerDigest !== undefined) availability.set(layer.layerDigest, layer.layerAvailability === 'AVAILABLE');
      }
    } catch (error) {
      throw toGuardError(error, 'BatchCheckLayerAvailability');
    }
  }
  for (const digest of digests) {
    if (availability.get(digest) === true) {
      present += 1;
      continue;
    }
    const blob = await source.getBlob(digest as Digest, MAX_PUSH_BLOB);
    if (!blob.ok) {
      missing += 1;
      continue;
    }
    if (blob.bytes.byteLength === 0) {
      missing += 1;
      continue;
    }
    try {
      const { uploadId } = await client.send(new InitiateLayerUploadCommand({ repositoryName: repository }));
      for (let offset = 0; offset < blob.bytes.byteLength; offset += PART) {
        const chunk = blob.bytes.subarray(offset, Math.min(offset + PART, blob.bytes.byteLength));
        await client.send(
          new UploadLayerPartCommand({
            repositoryName: repository,
            uploadId,
            partFirstByte: offset,
            partLastByte: offset + chunk.byteLength - 1,
            layerPartBlob: chunk,
          }),
        );
      }
      await client.send(new CompleteLayerUploadCommand({ repositoryName: repository, uploadId, layerDigests: [digest] }));
      uploaded += 1;
    } catch (error) {
      throw toGuardError(error, `upload of ${digest}`);
    }
  }

  const manifests: PushReport['manifests'][number][] = [];
  for (const manifest of all) {
    const tag = manifest === subject ? target.tag : null;
    try {
      await client.send(
        new PutImageCommand({
          repositoryName: repository,
          imageManifest: decoder.decode(manifest.bytes),
          ...(manifest.mediaType === undefined ? {} : { imageManifestMediaType: manifest.mediaType }),
          imageDigest: manifest.digest,
          ...(tag === null ? {} : { imageTag: tag }),
        }),
      );
      manifests.push({ digest: manifest.digest, tag, outcome: 'created' });
    } catch (error) {
      if ((error as { name?: string }).name === 'ImageAlreadyExistsException') {
        manifests.push({ digest: manifest.digest, tag, outcome: 'unchanged' });
        continue;
      }
      throw toGuardError(error, `PutImage ${repository}${tag === null ? '' : `:${tag}`}`);
    }
  }
  return { blobsUploaded: uploaded, blobsPresent: present, blobsMissing: missing, manifests };
};
