import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ContentSource, RawManifest } from '../app/ports.js';
import { parseDigest, shortDigest } from '../core/digest.js';
import { InputError } from './input-error.js';
import { blobFolderReader, openManifestFile } from './manifest-file-source.js';
import { openOciArchive } from './oci-archive-source.js';
import {
  chainBlobReaders,
  contentSourceFromBlobs,
  declaredMediaTypes,
  type LayoutSelector,
  type OpenedLayout,
  openOciLayout,
  resolveLayoutSubject,
} from './oci-layout-source.js';
import { compressionOf, looksLikeTarHeader } from './tar-index.js';

/** A local image opened for inspection: where to read from, and the manifest to judge. */
export interface LocalSubject {
  readonly source: ContentSource;
  /** The manifest the spec names (for a layout: the one its ref points at, not index.json). */
  readonly subject: RawManifest;
  /** For people: "OCI layout examples/seed-v7 (v7)". */
  readonly description: string;
  readonly tag: string | null;
}

/** A spec split into the path that exists and what follows it. */
interface SplitSpec {
  readonly path: string;
  readonly suffix: { readonly kind: 'none' } | { readonly kind: 'ref' | 'digest'; readonly text: string };
}

/**
 * Splits `path`, `path:ref` and `path@sha256:…`. A suffix is split off only when the whole spec is
 * not itself a path and the part before it is, so files with colons in their names still open.
 * Colons are tried from the right, which keeps `./dir:v7` simple and still lets a ref be a full
 * image name (`./dir:docker.io/library/app:v7`).
 */
const splitSpec = (spec: string): SplitSpec | undefined => {
  if (spec === '') return undefined;
  if (existsSync(spec)) return { path: spec, suffix: { kind: 'none' } };
  const at = spec.lastIndexOf('@');
  if (at > 0 && existsSync(spec.slice(0, at))) {
    return { path: spec.slice(0, at), suffix: { kind: 'digest', text: spec.slice(at + 1) } };
  }
  for (let colon = spec.lastIndexOf(':'); colon > 0; colon = spec.lastIndexOf(':', colon - 1)) {
    const path = spec.slice(0, colon);
    if (existsSync(path)) return { path, suffix: { kind: 'ref', text: spec.slice(colon + 1) } };
  }
  return undefined;
};

/**
 * True when the spec (or its path part, before `:ref` / `@digest`) exists on this machine, so a
 * shell can tell a local image from an ECR reference such as `repo:tag` or an ECR URI.
 */
export const looksLikeLocalPath = (spec: string): boolean => splitSpec(spec) !== undefined;

const selectorOf = (split: SplitSpec, spec: string): LayoutSelector => {
  const { suffix } = split;
  if (suffix.kind === 'none') return { kind: 'only' };
  if (suffix.kind === 'digest') {
    const parsed = parseDigest(suffix.text);
    if (!parsed.ok) throw new InputError(`${spec}: "${suffix.text}" is not a digest (expected sha256:<64 hex digits>)`);
    return { kind: 'digest', digest: parsed.digest };
  }
  if (suffix.text === '') throw new InputError(`${spec}: nothing after ":"; write ${split.path}:<ref> or just ${split.path}`);
  return { kind: 'ref', ref: suffix.text };
};

const errnoOf = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

const unreadable = (path: string, error: unknown): InputError => {
  const code = errnoOf(error);
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
  return new InputError(`cannot read ${path}: ${why}`, { cause: error });
};

const readHead = async (path: string, length: number): Promise<Uint8Array> => {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
};

const withBlobsDir = (layout: OpenedLayout, blobsDir: string | undefined): OpenedLayout => {
  if (blobsDir === undefined) return layout;
  const readBlob = chainBlobReaders([layout.readBlob, blobFolderReader(blobsDir)]);
  return { ...layout, readBlob, source: contentSourceFromBlobs(readBlob, declaredMediaTypes(layout.index)) };
};

const fromLayout = async (
  kind: 'OCI layout' | 'OCI archive',
  layout: OpenedLayout,
  selector: LayoutSelector,
  where: string,
  blobsDir: string | undefined,
): Promise<LocalSubject> => {
  const opened = withBlobsDir(layout, blobsDir);
  const { subject, tag, label } = await resolveLayoutSubject(opened, selector, where);
  return { source: opened.source, subject, description: `${kind} ${where} (${label})`, tag };
};

const fromManifestFile = async (
  file: string,
  selector: LayoutSelector,
  where: string,
  blobsDir: string | undefined,
): Promise<LocalSubject> => {
  if (selector.kind === 'ref') {
    throw new InputError(`${where} is a manifest file; ":${selector.ref}" selects only within an OCI layout or archive`);
  }
  const opened = await openManifestFile(file, {
    blobsDir,
    where,
    ...(selector.kind === 'digest' ? { digest: selector.digest } : {}),
  });
  const what = opened.skopeoDir ? 'skopeo dir' : 'manifest file';
  const picked = selector.kind === 'digest' ? ` (${shortDigest(selector.digest)})` : '';
  return { source: opened.source, subject: opened.subject, description: `${what} ${where}${picked}`, tag: null };
};

/**
 * Opens a local image: an OCI image layout folder, an OCI archive tar, a single manifest JSON file
 * or a skopeo `dir:` folder, optionally suffixed `:ref` or `@sha256:…` (layouts and archives).
 * `blobsDir` is a folder of blobs named by digest that resolves children and configs the source
 * itself lacks. Every problem the user can fix throws {@link InputError} with one line.
 */
export const openLocalSource = async (
  spec: string,
  options: { readonly blobsDir?: string | undefined } = {},
): Promise<LocalSubject> => {
  const { blobsDir } = options;
  if (blobsDir !== undefined) {
    const info = await stat(blobsDir).catch(() => undefined);
    if (info === undefined) throw new InputError(`--blobs ${blobsDir}: no such folder`);
    if (!info.isDirectory()) throw new InputError(`--blobs ${blobsDir} is not a folder`);
  }
  const split = splitSpec(spec);
  if (split === undefined) throw new InputError(`no such file or directory: ${spec}`);
  const selector = selectorOf(split, spec);
  const where = split.path;

  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(where);
  } catch (error) {
    throw unreadable(where, error);
  }

  if (info.isDirectory()) {
    if (existsSync(join(where, 'oci-layout')) || existsSync(join(where, 'index.json'))) {
      return fromLayout('OCI layout', await openOciLayout(where, where), selector, where, blobsDir);
    }
    if (existsSync(join(where, 'manifest.json'))) {
      return fromManifestFile(join(where, 'manifest.json'), selector, where, blobsDir);
    }
    throw new InputError(
      `${where} is a folder but neither an OCI image layout (no oci-layout and index.json) nor a skopeo dir: copy (no manifest.json)`,
    );
  }
  if (!info.isFile()) throw new InputError(`${where} is neither a file nor a folder`);

  // index.json names the layout around it; reading it alone would judge the layout's catalogue.
  if (basename(where) === 'index.json' && existsSync(join(dirname(where), 'oci-layout'))) {
    return fromLayout('OCI layout', await openOciLayout(dirname(where), dirname(where)), selector, dirname(where), blobsDir);
  }

  let head: Uint8Array;
  try {
    head = await readHead(where, 512);
  } catch (error) {
    throw unreadable(where, error);
  }
  // Judged by what reads back, not by stat: /proc and other pseudo-files report size 0.
  if (head.byteLength === 0) throw new InputError(`${where} is empty`);
  if (compressionOf(head) !== undefined || looksLikeTarHeader(head)) {
    return fromLayout('OCI archive', await openOciArchive(where, where), selector, where, blobsDir);
  }
  // Any other file is read as a manifest: its parser names what is wrong (JSON `null` is JSON).
  return fromManifestFile(where, selector, where, blobsDir);
};
