import type { Digest } from '../core/digest.js';
import type { PublishRequest } from '../core/publish-request.js';
import type { TagPolicy } from '../core/tag-mutability.js';
import type { MetricCall } from './metric-names.js';

export type { PublishRequest, TagPolicy };

/** A manifest as a registry or file returned it: exact bytes plus the media type it was served with. */
export interface RawManifest {
  readonly digest: Digest;
  readonly bytes: Uint8Array;
  /** The media type declared out of band (ECR `imageManifestMediaType`, OCI layout descriptor). */
  readonly mediaType?: string;
  /** The size the descriptor that named it promised (an OCI layout's index.json); registries send none. */
  readonly descriptorSize?: number;
}

/** Why a blob could not be read. Missing evidence lowers confidence; it never fails a check. */
export type BlobUnavailable = 'not-found' | 'too-large' | 'digest-mismatch' | 'unavailable';

export type BlobResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly reason: BlobUnavailable; readonly message: string };

/**
 * Reads the content of one repository (ECR, an OCI layout, an archive, a folder of blobs).
 * The port is read-only and knows nothing about verdicts.
 */
export interface ContentSource {
  /** Reads manifests by digest. Digests it cannot find are simply absent from the result. */
  getManifests(digests: readonly Digest[]): Promise<ReadonlyMap<string, RawManifest>>;
  /** Reads a blob (config or attestation statement), refusing more than `maxBytes`. */
  getBlob(digest: Digest, maxBytes: number): Promise<BlobResult>;
}

/** An image identifier as ECR takes it. */
export type ImageId = { readonly digest: Digest } | { readonly tag: string };

/** One image BatchGetImage returned: which id asked for it, and the manifest. */
export interface FoundImage {
  readonly requested: ImageId;
  readonly manifest: RawManifest;
}

/** What writing one tag did. */
export type PutTagResult = 'created' | 'unchanged' | 'immutable';

/**
 * The registry the guard checks and tags (ECR). Failures are thrown as `GuardError` (see
 * `guard-error.ts`) with `retryable` set, computed once in the adapter.
 */
export interface Registry {
  /** One BatchGetImage call for up to 100 ids (the subject and probes of the guard's own tags). */
  getImages(repository: string, ids: readonly ImageId[]): Promise<readonly FoundImage[]>;
  /** The repository's content, for evidence gathering. */
  source(repository: string): ContentSource;
  /** Puts the exact manifest bytes under a tag: tagging never rewrites a manifest. */
  putTag(repository: string, tag: string, manifest: RawManifest): Promise<PutTagResult>;
  /** The repository's tag mutability (cached by the adapter). */
  tagPolicy(repository: string): Promise<TagPolicy>;
  /**
   * When each image was pushed, in epoch milliseconds (one DescribeImages call), for the digests
   * the registry knows; only asked when a notification names an earlier image.
   */
  pushedAt(repository: string, digests: readonly Digest[]): Promise<ReadonlyMap<string, number>>;
}

/** Publishes notifications (SNS). Throws a retryable `GuardError` on throttling and outages. */
export interface Notifier {
  publish(request: PublishRequest): Promise<{ readonly messageId: string }>;
}

/** Posts to a Slack incoming webhook. Optional; never fails a check. */
export interface ChatPoster {
  post(message: {
    readonly text: string;
    readonly blocks: readonly unknown[];
  }): Promise<{ readonly ok: boolean; readonly detail: string }>;
}

/** One structured log line per call. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** CloudWatch metrics (embedded metric format in Lambda), named only from the `METRICS` table. */
export interface Metrics {
  count(...call: MetricCall): void;
  flush(): void;
}

/** A repository as a registry lists it (ECR DescribeRepositories). */
export interface ListedRepository {
  readonly name: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  readonly uri: string;
}

/** A tagged image as a registry lists it (ECR DescribeImages). */
export interface ListedImage {
  readonly digest: string;
  readonly tags: readonly string[];
  /** Push time in epoch milliseconds, when the registry says. */
  readonly pushedAt: number | null;
}

/**
 * What a registry holds, page by page: for the audit and the scheduled sweep, which must find tags
 * no event announced. Failures are thrown as `GuardError`.
 */
export interface RegistryCatalog {
  /** Every repository of the registry. */
  repositories(): AsyncIterable<ListedRepository>;
  /** The repository's tagged images, oldest push first where the registry orders them so. */
  taggedImages(repository: string): AsyncIterable<ListedImage>;
}
