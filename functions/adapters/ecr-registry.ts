import {
  BatchGetImageCommand,
  type BatchGetImageCommandOutput,
  DescribeRepositoriesCommand,
  type ECRClient,
  GetDownloadUrlForLayerCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { GuardError } from '../app/guard-error.js';
import type {
  BlobResult,
  ContentSource,
  FoundImage,
  ImageId,
  PutTagResult,
  RawManifest,
  Registry,
  TagPolicy,
} from '../app/ports.js';
import { type Digest, parseDigest } from '../core/digest.js';
import { ACCEPTED_MANIFEST_MEDIA_TYPES } from '../core/media-type.js';
import { toGuardError } from './aws-error.js';
import { boundedDownload } from './bounded-download.js';

/** BatchGetImage takes at most 100 image ids per call (API_BatchGetImage). */
const BATCH = 100;
const POLICY_TTL_MS = 5 * 60 * 1000;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const toSdkId = (id: ImageId) => ('digest' in id ? { imageDigest: id.digest } : { imageTag: id.tag });

/** Failure codes that mean "not there" rather than "broken" (API_ImageFailure). */
const ABSENT = new Set(['ImageNotFound', 'ImageTagDoesNotMatchDigest']);
const TRANSIENT = new Set(['UpstreamTooManyRequests', 'UpstreamUnavailable', 'KmsError']);

/** Options for {@link createEcrRegistry}. */
export interface EcrRegistryOptions {
  /** Registry (account) id; defaults to the caller's. */
  readonly registryId?: string;
  /** Cache lifetime for tag-mutability lookups. */
  readonly policyTtlMs?: number;
  readonly now?: () => number;
}

/**
 * The ECR adapter of the {@link Registry} port. Manifests are read with all five accepted media
 * types and returned as the exact bytes ECR stored; tags are written by re-sending those bytes.
 */
export const createEcrRegistry = (client: ECRClient, options: EcrRegistryOptions = {}): Registry => {
  const registryId = options.registryId === undefined ? {} : { registryId: options.registryId };
  const now = options.now ?? Date.now;
  const policies = new Map<string, { at: number; policy: TagPolicy }>();

  const batchGet = async (repository: string, ids: readonly ImageId[]): Promise<FoundImage[]> => {
    const chunks: ImageId[][] = [];
    for (let i = 0; i < ids.length; i += BATCH) chunks.push(ids.slice(i, i + BATCH));
    const results = await Promise.all(
      chunks.map(async (chunk) => {
        let output: BatchGetImageCommandOutput;
        try {
          output = await client.send(
            new BatchGetImageCommand({
              ...registryId,
              repositoryName: repository,
              imageIds: chunk.map(toSdkId),
              acceptedMediaTypes: [...ACCEPTED_MANIFEST_MEDIA_TYPES],
            }),
          );
        } catch (error) {
          throw toGuardError(error, `BatchGetImage ${repository}`);
        }
        const images = output.images ?? [];
        const failures = output.failures ?? [];
        const transient = failures.find((failure) => failure.failureCode !== undefined && TRANSIENT.has(failure.failureCode));
        if (transient !== undefined) {
          throw new GuardError(
            'UNAVAILABLE',
            `BatchGetImage ${repository}: ${transient.failureCode} ${transient.failureReason ?? ''}`,
            true,
          );
        }
        const found: FoundImage[] = [];
        for (const image of images) {
          const digestText = image.imageId?.imageDigest;
          const parsed = digestText === undefined ? undefined : parseDigest(digestText);
          if (image.imageManifest === undefined || parsed === undefined || !parsed.ok) continue;
          // ECR echoes the tag of images asked for by tag; the same digest can be asked for both ways
          // (a deployable push and its own `-deployable` probe), so the tag decides first.
          const tagged = image.imageId?.imageTag;
          const requested =
            tagged === undefined
              ? chunk.find((id) => 'digest' in id && id.digest === parsed.digest)
              : chunk.find((id) => 'tag' in id && id.tag === tagged);
          if (requested === undefined) continue;
          found.push({
            requested,
            manifest: {
              digest: parsed.digest,
              bytes: encoder.encode(image.imageManifest),
              ...(image.imageManifestMediaType === undefined ? {} : { mediaType: image.imageManifestMediaType }),
            },
          });
        }
        const unexpected = failures.find((failure) => failure.failureCode !== undefined && !ABSENT.has(failure.failureCode));
        if (unexpected !== undefined && found.length === 0) {
          throw new GuardError(
            'INVALID_REQUEST',
            `BatchGetImage ${repository}: ${unexpected.failureCode} ${unexpected.failureReason ?? ''}`,
            false,
          );
        }
        return found;
      }),
    );
    return results.flat();
  };

  const source = (repository: string): ContentSource => ({
    getManifests: async (digests: readonly Digest[]) => {
      const found = await batchGet(
        repository,
        digests.map((digest) => ({ digest })),
      );
      return new Map(found.map((image) => [image.manifest.digest, image.manifest]));
    },
    getBlob: async (digest: Digest, maxBytes: number): Promise<BlobResult> => {
      let url: string | undefined;
      try {
        const output = await client.send(
          new GetDownloadUrlForLayerCommand({ ...registryId, repositoryName: repository, layerDigest: digest }),
        );
        url = output.downloadUrl;
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'LayersNotFoundException' || name === 'LayerInaccessibleException') {
          return { ok: false, reason: 'not-found', message: `${name} for ${digest}` };
        }
        throw toGuardError(error, `GetDownloadUrlForLayer ${repository}`);
      }
      if (url === undefined) return { ok: false, reason: 'not-found', message: 'no download URL returned' };
      return boundedDownload(url, maxBytes);
    },
  });

  const putTag = async (repository: string, tag: string, manifest: RawManifest): Promise<PutTagResult> => {
    try {
      await client.send(
        new PutImageCommand({
          ...registryId,
          repositoryName: repository,
          // The exact string ECR returned: re-serialising would create a different image.
          imageManifest: decoder.decode(manifest.bytes),
          ...(manifest.mediaType === undefined ? {} : { imageManifestMediaType: manifest.mediaType }),
          imageDigest: manifest.digest,
          imageTag: tag,
        }),
      );
      return 'created';
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ImageAlreadyExistsException') return 'unchanged';
      if (name === 'ImageTagAlreadyExistsException') return 'immutable';
      throw toGuardError(error, `PutImage ${repository}:${tag}`);
    }
  };

  const tagPolicy = async (repository: string): Promise<TagPolicy> => {
    const cached = policies.get(repository);
    if (cached !== undefined && now() - cached.at < (options.policyTtlMs ?? POLICY_TTL_MS)) return cached.policy;
    try {
      const output = await client.send(new DescribeRepositoriesCommand({ ...registryId, repositoryNames: [repository] }));
      const repo = output.repositories?.[0];
      const policy: TagPolicy = {
        mutability: (repo?.imageTagMutability as TagPolicy['mutability'] | undefined) ?? 'UNKNOWN',
        exclusionFilters: (repo?.imageTagMutabilityExclusionFilters ?? [])
          .map((filter) => filter.filter ?? '')
          .filter((filter) => filter !== ''),
      };
      policies.set(repository, { at: now(), policy });
      return policy;
    } catch (error) {
      const mapped = toGuardError(error, `DescribeRepositories ${repository}`);
      // Without ecr:DescribeRepositories the guard still works: PutImage reports immutability itself.
      if (mapped.code === 'ACCESS_DENIED') return { mutability: 'UNKNOWN', exclusionFilters: [] };
      throw mapped;
    }
  };

  return { getImages: batchGet, source, putTag, tagPolicy };
};
