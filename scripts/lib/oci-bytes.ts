import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * Small byte builders for OCI content: exact JSON bytes, descriptors computed from those bytes, and
 * a gzip that is the same on every machine.
 */

/** An OCI descriptor as tools write it (field order: mediaType, digest, size, then the optional ones). */
export interface BlobDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string };
}

/** A blob and the descriptor that names it. */
export interface Blob {
  readonly bytes: Uint8Array;
  readonly descriptor: BlobDescriptor;
}

const encoder = new TextEncoder();

/** Compact JSON as Go's encoding/json writes it (no spaces, insertion order), UTF-8. */
export const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** `sha256:<hex>` of the bytes. */
export const sha256Digest = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A blob with its descriptor; `extra` adds annotations, platform or artifactType after the size. */
export const blobOf = (
  mediaType: string,
  bytes: Uint8Array,
  extra: Pick<BlobDescriptor, 'artifactType' | 'annotations' | 'platform'> = {},
): Blob => ({ bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.byteLength, ...extra } });

/** The same blob named by another descriptor (annotations or platform for an index entry). */
export const entryOf = (
  blob: Blob,
  extra: Pick<BlobDescriptor, 'annotations' | 'platform' | 'artifactType'>,
): BlobDescriptor => ({
  mediaType: blob.descriptor.mediaType,
  digest: blob.descriptor.digest,
  size: blob.descriptor.size,
  ...extra,
});

/**
 * gzip with no compression (stored deflate blocks), mtime 0 and the Unix OS byte. Compressed output
 * depends on the zlib build (Node bundles Chromium's, whose match finder differs by CPU features),
 * and the OS byte differs on macOS; stored blocks and a fixed header are identical everywhere.
 */
export const deterministicGzip = (bytes: Uint8Array): Uint8Array => {
  const gz = new Uint8Array(gzipSync(bytes, { level: 0 }));
  gz[9] = 3;
  return gz;
};
