import { type FileHandle, open } from 'node:fs/promises';
import { InputError } from './input-error.js';

/**
 * Random access to an uncompressed POSIX tar file: one pass over the headers (never the member
 * data), then reads of single members by offset. Handles ustar (with `prefix`), pax extended
 * headers (`path`, `linkpath`, `size`) and GNU long names (`././@LongLink`), so an OCI archive of
 * many gigabytes costs a few hundred small reads, not its size in memory.
 *
 * Compressed tars are refused with a message saying how to decompress them: random access into a
 * gzip stream means inflating everything before the wanted member, layers included, which is the
 * cost this reader exists to avoid.
 */

/** What a tar member is, as far as an OCI reader cares. */
export type TarEntryType = 'file' | 'directory' | 'hardlink' | 'symlink' | 'other';

/** One member of the archive. */
export interface TarEntry {
  /** Normalised: no leading `./` or `/`, no trailing `/`. */
  readonly name: string;
  readonly type: TarEntryType;
  /** Byte offset of the member's data in the archive. */
  readonly offset: number;
  readonly size: number;
  /** Target of a hard or symbolic link, normalised like `name`. */
  readonly linkName?: string;
}

/** The members of one archive by normalised name; a later member of the same name wins, as in tar. */
export interface TarIndex {
  readonly path: string;
  readonly entries: ReadonlyMap<string, TarEntry>;
}

const BLOCK = 512;
/** pax and GNU long-name records hold names, not data; anything larger is a damaged archive. */
const MAX_META_BYTES = 1024 * 1024;
const MAX_ENTRIES = 1_000_000;
const WINDOW = 64 * 1024;

const COMPRESSION_MAGIC: readonly { readonly name: string; readonly bytes: readonly number[]; readonly tool: string }[] = [
  { name: 'gzip', bytes: [0x1f, 0x8b], tool: 'gunzip -k' },
  { name: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd], tool: 'unzstd' },
  { name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], tool: 'unxz -k' },
  { name: 'bzip2', bytes: [0x42, 0x5a, 0x68], tool: 'bunzip2 -k' },
];

/** The compression format whose magic number starts `head`, if any. */
export const compressionOf = (head: Uint8Array): { readonly name: string; readonly tool: string } | undefined =>
  COMPRESSION_MAGIC.find((magic) => magic.bytes.every((byte, i) => head[i] === byte));

const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated header field as text. */
const field = (block: Uint8Array, start: number, length: number): string => {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return utf8.decode(end === -1 ? slice : slice.subarray(0, end));
};

/** A numeric header field: octal text, or GNU/star base-256 when the high bit of the first byte is set. */
const numeric = (block: Uint8Array, start: number, length: number): number | undefined => {
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) {
    // Base-256: the remaining bits big-endian; a set sign bit (0xff) means a negative number.
    if (first === 0xff) return undefined;
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i += 1) value = value * 256 + (block[i] ?? 0);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = field(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  const value = Number.parseInt(text, 8);
  return Number.isSafeInteger(value) ? value : undefined;
};

/** ustar checksum: the header's bytes summed with the checksum field read as spaces (some writers sum signed bytes). */
const checksumMatches = (block: Uint8Array): boolean => {
  const stored = numeric(block, 148, 8);
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i += 1) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
};

const isZeroBlock = (block: Uint8Array): boolean => block.every((byte) => byte === 0);

/** True when `block` is a plausible tar header (the checksum holds), e.g. the first 512 bytes of a file. */
export const looksLikeTarHeader = (block: Uint8Array): boolean =>
  block.byteLength >= BLOCK && !isZeroBlock(block.subarray(0, BLOCK)) && checksumMatches(block.subarray(0, BLOCK));

/** Archive member names as OCI readers compare them: `./blobs//sha256/x/` → `blobs/sha256/x`. */
export const normaliseTarName = (name: string): string =>
  name
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');

/** pax records are `"<length> <key>=<value>\n"`, the length counting the whole record in bytes. */
const parsePax = (data: Uint8Array): Map<string, string> => {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.byteLength) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number.parseInt(utf8.decode(data.subarray(at, space)), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.byteLength) break;
    const record = utf8.decode(data.subarray(space + 1, at + length - 1));
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
};

const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

/** Reads ranges of a file through a window, so runs of small members cost one read per 64 KiB. */
const windowedReader = (handle: FileHandle) => {
  let windowStart = 0;
  let window = new Uint8Array(0);
  return async (position: number, length: number): Promise<Uint8Array> => {
    if (position >= windowStart && position + length <= windowStart + window.byteLength) {
      return window.subarray(position - windowStart, position - windowStart + length);
    }
    const buffer = new Uint8Array(Math.max(length, WINDOW));
    const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
    windowStart = position;
    window = buffer.subarray(0, bytesRead);
    return window.subarray(0, Math.min(length, bytesRead));
  };
};

const typeOf = (flag: string): TarEntryType => {
  switch (flag) {
    case '0':
    case '':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
};

/** Member types that carry no data blocks whatever their size field says (as Python's tarfile reads them). */
const NO_DATA = new Set(['1', '2', '3', '4', '5', '6']);

/**
 * Scans an archive's headers once and returns where each member's data lives. Throws
 * {@link InputError} for a compressed, truncated or non-tar file; `display` names it in messages.
 */
export const indexTar = async (path: string, display: string = path): Promise<TarIndex> => {
  const handle = await open(path, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const readAt = windowedReader(handle);
    const head = await readAt(0, BLOCK);
    const compression = compressionOf(head);
    if (compression !== undefined) {
      throw new InputError(
        `${display} is ${compression.name}-compressed; OCI archives are read without unpacking, so decompress it first (${compression.tool} ${display})`,
      );
    }
    if (!looksLikeTarHeader(head)) throw new InputError(`${display} is not a tar archive`);

    const entries = new Map<string, TarEntry>();
    let position = 0;
    let pending: { path?: string; linkPath?: string; size?: number } = {};
    while (position + BLOCK <= fileSize) {
      const block = await readAt(position, BLOCK);
      if (block.byteLength < BLOCK) break;
      if (isZeroBlock(block)) return { path, entries };
      if (!checksumMatches(block)) throw new InputError(`${display} is damaged: bad tar header checksum at byte ${position}`);
      const flag = field(block, 156, 1);
      const headerSize = numeric(block, 124, 12);
      if (headerSize === undefined) throw new InputError(`${display} is damaged: bad size field at byte ${position}`);
      const size = pending.size ?? headerSize;
      const dataOffset = position + BLOCK;
      const carriesData = !NO_DATA.has(flag);
      const next = dataOffset + (carriesData ? padded(size) : 0);
      if (carriesData && dataOffset + size > fileSize) {
        throw new InputError(`${display} is truncated: a member at byte ${position} runs past the end of the file`);
      }

      if (flag === 'x' || flag === 'L' || flag === 'K') {
        if (size > MAX_META_BYTES) throw new InputError(`${display} is damaged: a ${size}-byte extended header`);
        const data = await readAt(dataOffset, size);
        if (flag === 'x') {
          const records = parsePax(data);
          const paxPath = records.get('path');
          const paxLink = records.get('linkpath');
          const paxSize = records.get('size');
          const parsedSize = paxSize === undefined ? undefined : Number(paxSize);
          if (parsedSize !== undefined && !(Number.isSafeInteger(parsedSize) && parsedSize >= 0)) {
            throw new InputError(`${display} is damaged: bad pax size "${paxSize}" at byte ${position}`);
          }
          pending = {
            ...pending,
            ...(paxPath === undefined ? {} : { path: paxPath }),
            ...(paxLink === undefined ? {} : { linkPath: paxLink }),
            ...(parsedSize === undefined ? {} : { size: parsedSize }),
          };
        } else {
          const end = data.indexOf(0);
          const text = utf8.decode(end === -1 ? data : data.subarray(0, end));
          pending = flag === 'L' ? { ...pending, path: text } : { ...pending, linkPath: text };
        }
        position = next;
        continue;
      }
      if (flag === 'g') {
        // Global pax headers set defaults (uid, mtime, …) that never matter for locating a member.
        position = next;
        continue;
      }

      // POSIX ustar splits long names into prefix + name; GNU's "ustar  " magic reuses that space.
      const magic = field(block, 257, 6);
      const prefix = magic === 'ustar' ? field(block, 345, 155) : '';
      const headerName = prefix === '' ? field(block, 0, 100) : `${prefix}/${field(block, 0, 100)}`;
      const name = normaliseTarName(pending.path ?? headerName);
      const linkTarget = pending.linkPath ?? field(block, 157, 100);
      const type = typeOf(flag);
      pending = {};
      position = next;
      if (name === '') continue;
      if (entries.size >= MAX_ENTRIES && !entries.has(name)) {
        throw new InputError(`${display} has more than ${MAX_ENTRIES} members; that is not an OCI archive`);
      }
      entries.set(name, {
        name,
        type,
        offset: dataOffset,
        size: carriesData ? size : 0,
        ...(type === 'hardlink' || type === 'symlink' ? { linkName: normaliseTarName(linkTarget) } : {}),
      });
    }
    // Missing end-of-archive blocks are tolerated, as GNU tar does; half a header is not.
    if (position < fileSize) throw new InputError(`${display} is truncated: it ends inside a tar header at byte ${position}`);
    return { path, entries };
  } finally {
    await handle.close();
  }
};

/** The regular-file member `name` refers to, following hard links (symlinks are not followed). */
export const findTarFile = (index: TarIndex, name: string): TarEntry | undefined => {
  let entry = index.entries.get(normaliseTarName(name));
  for (let hops = 0; entry?.type === 'hardlink' && hops < 8; hops += 1) {
    entry = entry.linkName === undefined ? undefined : index.entries.get(entry.linkName);
  }
  return entry?.type === 'file' ? entry : undefined;
};

/** Reads one member's data; refuses (RangeError) a member larger than `maxBytes` before reading anything. */
export const readTarEntry = async (index: TarIndex, entry: TarEntry, maxBytes: number): Promise<Uint8Array> => {
  if (entry.size > maxBytes) throw new RangeError(`${entry.name} is ${entry.size} bytes, more than ${maxBytes}`);
  const handle = await open(index.path, 'r');
  try {
    const bytes = new Uint8Array(entry.size);
    let filled = 0;
    while (filled < entry.size) {
      const { bytesRead } = await handle.read(bytes, filled, entry.size - filled, entry.offset + filled);
      if (bytesRead === 0) throw new Error(`${index.path} changed while being read: ${entry.name} is cut short`);
      filled += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
};
