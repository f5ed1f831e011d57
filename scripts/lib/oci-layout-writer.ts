import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Blob, type BlobDescriptor, jsonBytes } from './oci-bytes.js';

/** An OCI image layout as files: `oci-layout`, `index.json`, `blobs/sha256/<hex>`. */

/** The layout's content: blobs to store, and the entries index.json lists. */
export interface LayoutContent {
  readonly blobs: readonly Blob[];
  readonly manifests: readonly BlobDescriptor[];
}

/** Relative path → bytes, sorted by path so writing and comparing are stable. */
export type FileTree = ReadonlyMap<string, Uint8Array>;

/** The files of an image layout (duplicate blobs are stored once). */
export const layoutFiles = (content: LayoutContent): FileTree => {
  const files = new Map<string, Uint8Array>();
  files.set('oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' }));
  files.set(
    'index.json',
    jsonBytes({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: content.manifests }),
  );
  for (const blob of content.blobs) {
    const [algorithm, hex] = blob.descriptor.digest.split(':');
    files.set(`blobs/${algorithm}/${hex}`, blob.bytes);
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};

/** Prefixes every path of a tree with a folder name. */
export const underFolder = (folder: string, tree: FileTree): FileTree =>
  new Map([...tree.entries()].map(([path, bytes]) => [`${folder}/${path}`, bytes]));

/** Writes a file tree under `root`, creating folders as needed. */
export const writeFileTree = async (root: string, tree: FileTree): Promise<void> => {
  for (const [path, bytes] of tree) {
    const target = join(root, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
};
