import { digestHex } from '../core/digest.js';
import { MAX_MANIFEST_BYTES } from '../core/manifest.js';
import { InputError } from './input-error.js';
import {
  type BlobReader,
  contentSourceFromBlobs,
  declaredMediaTypes,
  type OpenedLayout,
  parseLayoutIndex,
} from './oci-layout-source.js';
import { findTarFile, indexTar, readTarEntry, type TarIndex } from './tar-index.js';

/**
 * An OCI image layout packed in a tar file: what `docker buildx build --output type=oci,dest=x.tar`,
 * `skopeo copy … oci-archive:x.tar` and Docker 25+'s `docker save` write. The archive is indexed
 * once and blobs are read in place; layers are never touched.
 */

/**
 * Where the layout starts inside the archive: at the root, or under a single folder when someone
 * tarred the layout directory itself (`tar cf x.tar layout/`).
 */
const layoutPrefix = (index: TarIndex): string | undefined => {
  if (findTarFile(index, 'index.json') !== undefined) return '';
  const candidates = [...index.entries.keys()]
    .filter((name) => name.endsWith('/index.json') && name.split('/').length === 2)
    .map((name) => name.slice(0, -'index.json'.length));
  return candidates.length === 1 ? candidates[0] : undefined;
};

const archiveBlobReader =
  (index: TarIndex, prefix: string): BlobReader =>
  async (digest, maxBytes) => {
    const name = `${prefix}blobs/${digest.slice(0, digest.indexOf(':'))}/${digestHex(digest)}`;
    const entry = findTarFile(index, name);
    if (entry === undefined) return { ok: false, reason: 'not-found', message: `${name} is not in the archive` };
    if (entry.size > maxBytes) {
      return { ok: false, reason: 'too-large', message: `${name} is ${entry.size} bytes, more than the ${maxBytes} allowed` };
    }
    try {
      return { ok: true, bytes: await readTarEntry(index, entry, maxBytes) };
    } catch (error) {
      return {
        ok: false,
        reason: 'unavailable',
        message: `cannot read ${name}: ${error instanceof Error ? error.message : error}`,
      };
    }
  };

/**
 * Opens an OCI archive. Throws {@link InputError} when the file is compressed, is not a tar, or
 * holds no OCI layout (a legacy `docker save` tar has only `manifest.json`).
 */
export const openOciArchive = async (path: string, where: string = path): Promise<OpenedLayout> => {
  const index = await indexTar(path, where);
  const prefix = layoutPrefix(index);
  if (prefix === undefined) {
    const legacy = findTarFile(index, 'manifest.json') !== undefined;
    throw new InputError(
      legacy
        ? `${where} is a legacy docker save archive without an OCI layout (no index.json); save it with Docker 25 or later, or copy it with skopeo to oci-archive:`
        : `${where} is a tar archive but not an OCI archive: it has no index.json`,
    );
  }
  const indexEntry = findTarFile(index, `${prefix}index.json`);
  if (indexEntry === undefined || indexEntry.size > MAX_MANIFEST_BYTES) {
    throw new InputError(`${where}: index.json is missing or too large`);
  }
  const layoutIndex = parseLayoutIndex(await readTarEntry(index, indexEntry, MAX_MANIFEST_BYTES), where);
  const readBlob = archiveBlobReader(index, prefix);
  return { index: layoutIndex, readBlob, source: contentSourceFromBlobs(readBlob, declaredMediaTypes(layoutIndex)) };
};
