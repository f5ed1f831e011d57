import type { Digest } from '../core/digest.js';

/** A manifest as a registry or file returned it: exact bytes plus the media type it was served with. */
export interface RawManifest {
  readonly digest: Digest;
  readonly bytes: Uint8Array;
  /** The media type declared out of band (ECR `imageManifestMediaType`, OCI layout descriptor). */
  readonly mediaType?: string;
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
