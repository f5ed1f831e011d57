import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobResult, ContentSource, RawManifest } from '../app/ports.js';
import { type Descriptor, expectArray, expectObject, parseDescriptor } from '../core/descriptor.js';
import { type Digest, digestHex, shortDigest } from '../core/digest.js';
import { MAX_MANIFEST_BYTES } from '../core/manifest.js';
import { ShapeError } from '../core/shape-error.js';
import { InputError } from './input-error.js';

/**
 * An OCI image layout on disk (image-spec image-layout.md): `oci-layout`, `index.json`, and a
 * content-addressed store `blobs/<alg>/<encoded>`. Only the blobs asked for are opened, so a sparse
 * layout (manifests and configs, no layers) is as good as a full one.
 */

/** Looks up one blob by digest in some store, refusing more than `maxBytes`. */
export type BlobReader = (digest: Digest, maxBytes: number) => Promise<BlobResult>;

/** The annotation tools write the tag into (image-spec annotations.md). */
export const REF_NAME = 'org.opencontainers.image.ref.name';
/** containerd, BuildKit's OCI exporter and `docker save` record the full image name here. */
export const CONTAINERD_NAME = 'io.containerd.image.name';

/** A layout's `index.json`: the entry points into its blob store. */
export interface LayoutIndex {
  readonly entries: readonly Descriptor[];
}

/** Which manifest of a layout to open. */
export type LayoutSelector =
  | { readonly kind: 'only' }
  | { readonly kind: 'ref'; readonly ref: string }
  | { readonly kind: 'digest'; readonly digest: Digest };

/** A layout (folder or archive) ready to read. */
export interface OpenedLayout {
  readonly index: LayoutIndex;
  readonly readBlob: BlobReader;
  readonly source: ContentSource;
}

const errnoOf = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** Reads a regular file whole if it is at most `maxBytes`; a missing file is `not-found`, never an exception. */
export const readBoundedFile = async (path: string, maxBytes: number): Promise<BlobResult> => {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'not-found', message: `${path} does not exist` };
    return { ok: false, reason: 'unavailable', message: `cannot open ${path}: ${code ?? String(error)}` };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, reason: 'not-found', message: `${path} is not a regular file` };
    if (stats.size > maxBytes) {
      return { ok: false, reason: 'too-large', message: `${path} is ${stats.size} bytes, more than the ${maxBytes} allowed` };
    }
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < stats.size) {
      const { bytesRead } = await handle.read(bytes, filled, stats.size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { ok: true, bytes: bytes.subarray(0, filled) };
  } catch (error) {
    return { ok: false, reason: 'unavailable', message: `cannot read ${path}: ${errnoOf(error) ?? String(error)}` };
  } finally {
    await handle.close();
  }
};

/** The first answer from `readers` that is not `not-found` (e.g. a layout, then a `--blobs` folder). */
export const chainBlobReaders =
  (readers: readonly BlobReader[]): BlobReader =>
  async (digest, maxBytes) => {
    let last: BlobResult = { ok: false, reason: 'not-found', message: `${digest} is not in any blob store` };
    for (const read of readers) {
      last = await read(digest, maxBytes);
      if (last.ok || last.reason !== 'not-found') return last;
    }
    return last;
  };

/**
 * A {@link ContentSource} over a blob store: manifests are blobs too. `declared` carries media types
 * the store's own catalogue states (a layout's index.json) for manifests read by digest.
 */
export const contentSourceFromBlobs = (
  readBlob: BlobReader,
  declared: ReadonlyMap<string, string> = new Map(),
): ContentSource => ({
  getManifests: async (digests) => {
    const found = new Map<string, RawManifest>();
    const results = await Promise.all(
      digests.map(async (digest) => ({ digest, result: await readBlob(digest, MAX_MANIFEST_BYTES) })),
    );
    for (const { digest, result } of results) {
      if (!result.ok) continue;
      const mediaType = declared.get(digest);
      found.set(digest, { digest, bytes: result.bytes, ...(mediaType === undefined ? {} : { mediaType }) });
    }
    return found;
  },
  getBlob: readBlob,
});

/** The reader for a layout's `blobs/<alg>/<encoded>` store rooted at `root`. */
export const layoutBlobReader =
  (root: string): BlobReader =>
  (digest, maxBytes) =>
    readBoundedFile(join(root, 'blobs', digest.slice(0, digest.indexOf(':')), digestHex(digest)), maxBytes);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses `index.json`; a broken one is the user's input problem, named with `where`. */
export const parseLayoutIndex = (bytes: Uint8Array, where: string): LayoutIndex => {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new InputError(`${where}/index.json is not valid JSON`);
  }
  try {
    const document = expectObject(json, 'index.json');
    const manifests = document.manifests === undefined ? [] : expectArray(document.manifests, 'index.json.manifests');
    return { entries: manifests.map((entry, i) => parseDescriptor(entry, `manifests[${i}]`, true)) };
  } catch (error) {
    if (error instanceof ShapeError) throw new InputError(`${where}/index.json: ${error.message}`);
    throw error;
  }
};

/** Declared media types by digest, from index.json. */
export const declaredMediaTypes = (index: LayoutIndex): ReadonlyMap<string, string> =>
  new Map(index.entries.map((entry) => [entry.digest, entry.mediaType]));

/** The names an entry answers to: its ref name and its full image name. */
const namesOf = (entry: Descriptor): string[] =>
  [entry.annotations?.[REF_NAME], entry.annotations?.[CONTAINERD_NAME]].filter(
    (name): name is string => name !== undefined && name !== '',
  );

/** Docker Hub short names (`app:v7`) as containerd spells them in full (`docker.io/library/app:v7`). */
const fullNamesOf = (ref: string): readonly string[] => [ref, `docker.io/${ref}`, `docker.io/library/${ref}`];

const matchesRef = (entry: Descriptor, ref: string): boolean => {
  const names = namesOf(entry);
  return fullNamesOf(ref).some((candidate) => names.includes(candidate));
};

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** The tag part of `name[:tag]`, ignoring a registry port (`host:5000/app`). */
const tagOfName = (name: string): string | null => {
  if (TAG.test(name)) return name;
  const withoutDigest = name.split('@')[0] ?? name;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon === -1 || withoutDigest.indexOf('/', colon) !== -1) return null;
  const tag = withoutDigest.slice(colon + 1);
  return TAG.test(tag) ? tag : null;
};

/** The tag a layout entry carries, from its ref name or else its full image name. */
export const tagOfEntry = (entry: Descriptor): string | null => {
  for (const name of namesOf(entry)) {
    const tag = tagOfName(name);
    if (tag !== null) return tag;
  }
  return null;
};

/** "available refs: v7, v8", or the digests when nothing is named, for error messages. */
export const describeAvailable = (index: LayoutIndex): string => {
  const refs = [...new Set(index.entries.flatMap((entry) => namesOf(entry).slice(0, 1)))];
  if (refs.length > 0) return `available refs: ${refs.slice(0, 20).join(', ')}${refs.length > 20 ? ', …' : ''}`;
  if (index.entries.length === 0) return 'index.json lists no manifests';
  const digests = index.entries.map((entry) => `@${entry.digest}`);
  return `no refs; pick one by digest: ${digests.slice(0, 10).join(', ')}${digests.length > 10 ? ', …' : ''}`;
};

const distinctDigests = (entries: readonly Descriptor[]): number => new Set(entries.map((entry) => entry.digest)).size;

/**
 * Picks the manifest a selector names and reads it. The subject keeps the digest the layout
 * promised, so content that does not hash to it surfaces as `DIGEST_MISMATCH`, not as a silent swap.
 */
export const resolveLayoutSubject = async (
  layout: OpenedLayout,
  selector: LayoutSelector,
  where: string,
): Promise<{ readonly subject: RawManifest; readonly tag: string | null; readonly label: string }> => {
  const { entries } = layout.index;
  let chosen: Descriptor | undefined;
  let label: string;
  switch (selector.kind) {
    case 'only': {
      if (entries.length === 0) throw new InputError(`${where} holds no images: its index.json lists no manifests`);
      if (distinctDigests(entries) > 1) {
        throw new InputError(
          `${where} holds ${entries.length} manifests; name one as ${where}:<ref> or ${where}@<digest> (${describeAvailable(layout.index)})`,
        );
      }
      chosen = entries[0];
      label = chosen === undefined ? '' : (namesOf(chosen)[0] ?? shortDigest(chosen.digest));
      break;
    }
    case 'ref': {
      const matches = entries.filter((entry) => matchesRef(entry, selector.ref));
      if (matches.length === 0) {
        throw new InputError(`${where} has no manifest named "${selector.ref}" (${describeAvailable(layout.index)})`);
      }
      if (distinctDigests(matches) > 1) {
        throw new InputError(
          `${where} has ${matches.length} different manifests named "${selector.ref}"; pick one by digest: ${matches.map((entry) => `@${entry.digest}`).join(', ')}`,
        );
      }
      chosen = matches[0];
      label = selector.ref;
      break;
    }
    case 'digest': {
      chosen = entries.find((entry) => entry.digest === selector.digest);
      label = shortDigest(selector.digest);
      break;
    }
  }

  const digest = chosen?.digest ?? (selector.kind === 'digest' ? selector.digest : undefined);
  if (digest === undefined) throw new InputError(`${where} holds no images`);
  const read = await layout.readBlob(digest, MAX_MANIFEST_BYTES);
  if (!read.ok) {
    if (chosen === undefined) throw new InputError(`${where} does not contain ${digest} (${describeAvailable(layout.index)})`);
    const why =
      read.reason === 'too-large'
        ? `is larger than ECR's ${MAX_MANIFEST_BYTES}-byte manifest limit`
        : 'is missing from its blobs';
    throw new InputError(`${where}: the manifest ${digest} ${why}`);
  }
  return {
    subject: {
      digest,
      bytes: read.bytes,
      ...(chosen === undefined ? {} : { mediaType: chosen.mediaType, descriptorSize: chosen.size }),
    },
    tag: selector.kind === 'ref' && TAG.test(selector.ref) ? selector.ref : chosen === undefined ? null : tagOfEntry(chosen),
    label,
  };
};

/**
 * Opens an OCI image layout folder. Throws {@link InputError} when it is not one (no `oci-layout`
 * or `index.json`) or its index.json is broken.
 */
export const openOciLayout = async (root: string, where: string = root): Promise<OpenedLayout> => {
  const marker = await readBoundedFile(join(root, 'oci-layout'), 64 * 1024);
  if (!marker.ok && marker.reason === 'not-found') {
    throw new InputError(`${where} is not an OCI image layout: it has no oci-layout file`);
  }
  const indexFile = await readBoundedFile(join(root, 'index.json'), MAX_MANIFEST_BYTES);
  if (!indexFile.ok) {
    throw new InputError(
      indexFile.reason === 'not-found'
        ? `${where} is not an OCI image layout: it has no index.json`
        : `${where}/index.json cannot be read: ${indexFile.message}`,
    );
  }
  const index = parseLayoutIndex(indexFile.bytes, where);
  const readBlob = layoutBlobReader(root);
  return { index, readBlob, source: contentSourceFromBlobs(readBlob, declaredMediaTypes(index)) };
};
