import {
  BatchGetImageCommand,
  type BatchGetImageCommandOutput,
  DescribeImagesCommand,
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
  /** Longest wait for one blob download (config, provenance statement). */
  readonly downloadTimeoutMs?: number;
  /** How long, in all, PutImage keeps retrying retryable failures after the SDK's own attempts. */
  readonly tagRetryBudgetMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const TAG_RETRY_BUDGET_MS = 20_000;
const TAG_RETRY_BASE_MS = 250;
const TAG_RETRY_MAX_MS = 4_000;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The ECR adapter of the {@link Registry} port. Manifests are read with all five accepted media
 * types and returned as the exact bytes ECR stored; tags are written by re-sending those bytes.
 */
export const createEcrRegistry = (client: ECRClient, options: EcrRegistryOptions = {}): Registry => {
  const registryId = options.registryId === undefined ? {} : { registryId: options.registryId };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
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
      return boundedDownload(url, maxBytes, options.downloadTimeoutMs);
    },
  });

  // Tags are written after the notification went out, so a tag write that gives up sends the event
  // back to Lambda, whose retry cannot know it already notified and notifies again. PutImage is
  // ECR's scarcest quota (10 per second per account and Region, shared with every pusher), so a
  // retryable failure is retried here, with jittered backoff, well past the SDK's few attempts.
  const putTag = async (repository: string, tag: string, manifest: RawManifest): Promise<PutTagResult> => {
    const input = {
      ...registryId,
      repositoryName: repository,
      // The exact string ECR returned: re-serialising would create a different image.
      imageManifest: decoder.decode(manifest.bytes),
      ...(manifest.mediaType === undefined ? {} : { imageManifestMediaType: manifest.mediaType }),
      imageDigest: manifest.digest,
      imageTag: tag,
    };
    const started = now();
    for (let round = 0; ; round += 1) {
      try {
        await client.send(new PutImageCommand(input));
        return 'created';
      } catch (error) {
        const name = (error as { name?: string }).name;
        // A retry after a lost answer finds the tag already written: the same outcome.
        if (name === 'ImageAlreadyExistsException') return 'unchanged';
        if (name === 'ImageTagAlreadyExistsException') return 'immutable';
        const mapped = toGuardError(error, `PutImage ${repository}:${tag}`);
        const ceiling = Math.min(TAG_RETRY_MAX_MS, TAG_RETRY_BASE_MS * 2 ** round);
        const delay = ceiling / 2 + random() * (ceiling / 2);
        if (!mapped.retryable || now() - started + delay > (options.tagRetryBudgetMs ?? TAG_RETRY_BUDGET_MS)) throw mapped;
        await sleep(delay);
      }
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

  const pushedAt = async (repository: string, digests: readonly Digest[]): Promise<ReadonlyMap<string, number>> => {
    if (digests.length === 0) return new Map();
    try {
      // DescribeImages takes at most 100 image ids (API_DescribeImages); a note names a handful.
      const output = await client.send(
        new DescribeImagesCommand({
          ...registryId,
          repositoryName: repository,
          imageIds: digests.slice(0, BATCH).map((digest) => ({ imageDigest: digest })),
        }),
      );
      return new Map(
        (output.imageDetails ?? []).flatMap((detail) =>
          detail.imageDigest === undefined || detail.imagePushedAt === undefined
            ? []
            : [[detail.imageDigest, detail.imagePushedAt.getTime()] as const],
        ),
      );
    } catch (error) {
      throw toGuardError(error, `DescribeImages ${repository}`);
    }
  };

  return { getImages: batchGet, source, putTag, tagPolicy, pushedAt };
};
