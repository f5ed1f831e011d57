import { basename, dirname, join } from 'node:path';
import type { ContentSource, RawManifest } from '../app/ports.js';
import { type Digest, digestHex, digestOf, matchesDigest, shortDigest } from '../core/digest.js';
import { MAX_MANIFEST_BYTES } from '../core/manifest.js';
import { InputError } from './input-error.js';
import { type BlobReader, chainBlobReaders, contentSourceFromBlobs, readBoundedFile } from './oci-layout-source.js';

/**
 * A single manifest JSON file, with its children and configs resolved from folders of blobs named
 * by digest: the file's own folder (skopeo's `dir:` transport writes `manifest.json` next to blobs
 * named by hex, and child manifests of a list as `<hex>.manifest.json`) and any `--blobs` folder.
 */

/**
 * A reader for a folder of blobs named by digest. Accepts the spellings tools produce: `<hex>`,
 * `sha256:<hex>`, `sha256/<hex>`, a nested layout store `blobs/sha256/<hex>`, and skopeo's
 * `<hex>.manifest.json` for the children of a list.
 */
export const blobFolderReader =
  (folder: string): BlobReader =>
  async (digest, maxBytes) => {
    const algorithm = digest.slice(0, digest.indexOf(':'));
    const hex = digestHex(digest);
    const candidates = [
      join(folder, hex),
      join(folder, `${algorithm}:${hex}`),
      join(folder, algorithm, hex),
      join(folder, 'blobs', algorithm, hex),
      join(folder, `${hex}.manifest.json`),
    ];
    for (const candidate of candidates) {
      const result = await readBoundedFile(candidate, maxBytes);
      if (result.ok || result.reason !== 'not-found') return result;
    }
    return { ok: false, reason: 'not-found', message: `${digest} is not in ${folder}` };
  };

/** The manifest file that was opened, and where the rest of its content is read from. */
export interface OpenedManifestFile {
  readonly subject: RawManifest;
  readonly source: ContentSource;
  readonly readBlob: BlobReader;
  /** True when the file sits in a skopeo `dir:` folder (a `version` file names the transport). */
  readonly skopeoDir: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Opens a manifest JSON file. `digest`, when given, picks another manifest from the blob folders
 * (e.g. one child of a list in a skopeo `dir:` copy). Throws {@link InputError} for a missing,
 * oversized or non-JSON file, or a digest found nowhere.
 */
export const openManifestFile = async (
  file: string,
  options: { readonly blobsDir?: string | undefined; readonly digest?: Digest | undefined; readonly where?: string } = {},
): Promise<OpenedManifestFile> => {
  const where = options.where ?? file;
  const read = await readBoundedFile(file, MAX_MANIFEST_BYTES);
  if (!read.ok) {
    if (read.reason === 'too-large') {
      throw new InputError(`${where} is larger than ECR's ${MAX_MANIFEST_BYTES}-byte manifest limit, so it is not a manifest`);
    }
    throw new InputError(read.reason === 'not-found' ? `no such file: ${where}` : `cannot read ${where}: ${read.message}`);
  }
  try {
    JSON.parse(utf8.decode(read.bytes));
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : 'not UTF-8 text';
    throw new InputError(`${where} is not JSON (${why}), an OCI image layout or an OCI archive`);
  }

  const folders = [dirname(file), ...(options.blobsDir === undefined ? [] : [options.blobsDir])];
  const readBlob = chainBlobReaders(folders.map(blobFolderReader));
  const version = await readBoundedFile(join(dirname(file), 'version'), 1024);
  const skopeoDir =
    basename(file) === 'manifest.json' && version.ok && new TextDecoder().decode(version.bytes).startsWith('Directory Transport');

  const own = digestOf(read.bytes);
  let subject: RawManifest = { digest: options.digest ?? own, bytes: read.bytes };
  if (options.digest !== undefined && !matchesDigest(read.bytes, options.digest)) {
    const other = await readBlob(options.digest, MAX_MANIFEST_BYTES);
    if (!other.ok) {
      throw new InputError(
        `${options.digest} is neither ${where} (${shortDigest(own)}) nor a manifest in ${folders.join(' or ')}`,
      );
    }
    subject = { digest: options.digest, bytes: other.bytes };
  }
  return { subject, source: contentSourceFromBlobs(readBlob), readBlob, skopeoDir };
};
