/**
 * Writes tar archives byte for byte the same on every machine: fixed mtime, uid/gid 0, no user
 * names. Long names can be stored the three ways readers meet in the wild (ustar prefix, pax
 * `path` record, GNU `././@LongLink`), so tests can exercise each.
 */

/** One member to write. */
export interface TarEntrySpec {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'hardlink' | 'symlink';
  readonly data?: Uint8Array;
  readonly mode?: number;
  readonly linkName?: string;
}

/** How to write the archive. */
export interface TarOptions {
  /** Seconds since the epoch for every member. */
  readonly mtime?: number;
  /** How names longer than 100 bytes are stored. */
  readonly longNames?: 'ustar-prefix' | 'pax' | 'gnu';
  /** Also record every file's size in a pax header (and 0 in the ustar field), as writers do past 8 GiB. */
  readonly paxSize?: boolean;
}

const BLOCK = 512;
const encoder = new TextEncoder();

const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, '0')}\0`;

const put = (block: Uint8Array, offset: number, length: number, text: string): void => {
  const bytes = encoder.encode(text);
  if (bytes.byteLength > length) throw new RangeError(`"${text}" does not fit a ${length}-byte tar field`);
  block.set(bytes, offset);
};

/** ustar's 11 octal digits stop just short of 8 GiB; larger sizes need a pax `size` record or base-256. */
const MAX_OCTAL_SIZE = 0o77777777777;

const TYPE_FLAGS = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const;

const header = (fields: {
  name: string;
  prefix?: string;
  mode: number;
  size: number;
  mtime: number;
  flag: string;
  linkName?: string;
  gnu?: boolean;
}): Uint8Array => {
  const block = new Uint8Array(BLOCK);
  put(block, 0, 100, fields.name);
  put(block, 100, 8, octal(fields.mode, 8));
  put(block, 108, 8, octal(0, 8));
  put(block, 116, 8, octal(0, 8));
  if (fields.size > MAX_OCTAL_SIZE) {
    // GNU's base-256 form: the high bit of the first byte set, then the value big-endian.
    block[124] = 0x80;
    let rest = fields.size;
    for (let i = 135; i > 124; i -= 1) {
      block[i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
  } else {
    put(block, 124, 12, octal(fields.size, 12));
  }
  put(block, 136, 12, octal(fields.mtime, 12));
  put(block, 156, 1, fields.flag);
  put(block, 157, 100, fields.linkName ?? '');
  if (fields.gnu === true) {
    put(block, 257, 8, 'ustar  \0');
  } else {
    put(block, 257, 6, 'ustar\0');
    put(block, 263, 2, '00');
    put(block, 329, 8, octal(0, 8));
    put(block, 337, 8, octal(0, 8));
    put(block, 345, 155, fields.prefix ?? '');
  }
  // The checksum is computed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
};

const padding = (size: number): Uint8Array => new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);

/** One pax record: `"<length> <key>=<value>\n"`, where the length counts its own digits. */
const paxRecord = (key: string, value: string): string => {
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).byteLength;
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return `${length}${body}`;
};

const splitForPrefix = (name: string): { prefix: string; name: string } | undefined => {
  for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) {
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (encoder.encode(prefix).byteLength <= 155 && encoder.encode(rest).byteLength <= 100 && rest !== '') {
      return { prefix, name: rest };
    }
  }
  return undefined;
};

/** The header blocks (any pax or GNU long-name blocks, then the ustar header) of one member declaring `size` bytes. */
const entryHeaders = (entry: TarEntrySpec, size: number, options: TarOptions): Uint8Array[] => {
  const mtime = options.mtime ?? 0;
  const type = entry.type ?? 'file';
  const mode = entry.mode ?? (type === 'directory' ? 0o755 : 0o644);
  const long = encoder.encode(entry.name).byteLength > 100;
  const parts: Uint8Array[] = [];
  const records: string[] = [];
  let name = entry.name;
  let prefix = '';
  if (long && (options.longNames ?? 'pax') === 'ustar-prefix') {
    const split = splitForPrefix(entry.name);
    if (split === undefined) throw new RangeError(`${entry.name} cannot be split into ustar prefix and name`);
    ({ prefix, name } = split);
  } else if (long && options.longNames === 'gnu') {
    const longName = encoder.encode(`${entry.name}\0`);
    parts.push(header({ name: '././@LongLink', mode: 0o644, size: longName.byteLength, mtime: 0, flag: 'L', gnu: true }));
    parts.push(longName, padding(longName.byteLength));
    name = entry.name.slice(0, 100);
  } else if (long) {
    records.push(paxRecord('path', entry.name));
    name = entry.name.slice(-100);
  }
  // Past 8 GiB, pax archives record the size in a pax header and GNU ones in base-256.
  const paxSize = type === 'file' && (options.paxSize === true || (size > MAX_OCTAL_SIZE && options.longNames !== 'gnu'));
  if (paxSize) records.push(paxRecord('size', String(size)));
  if (records.length > 0) {
    const pax = encoder.encode(records.join(''));
    parts.push(header({ name: 'PaxHeader', mode: 0o644, size: pax.byteLength, mtime, flag: 'x' }));
    parts.push(pax, padding(pax.byteLength));
  }
  parts.push(
    header({
      name,
      prefix,
      mode,
      size: paxSize ? 0 : size,
      mtime,
      flag: TYPE_FLAGS[type],
      ...(entry.linkName === undefined ? {} : { linkName: entry.linkName }),
      gnu: options.longNames === 'gnu',
    }),
  );
  return parts;
};

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
};

/**
 * Only the header blocks of one file member declaring `size` bytes, for archives whose data is
 * written separately (a sparse multi-gigabyte test file). The data must follow, padded to 512.
 */
export const tarFileHeader = (name: string, size: number, options: TarOptions = {}): Uint8Array =>
  concat(entryHeaders({ name }, size, options));

/** Builds a tar archive ending with the two zero blocks POSIX asks for. */
export const buildTar = (entries: readonly TarEntrySpec[], options: TarOptions = {}): Uint8Array => {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const data = (entry.type ?? 'file') === 'file' ? (entry.data ?? new Uint8Array(0)) : new Uint8Array(0);
    parts.push(...entryHeaders(entry, data.byteLength, options), data, padding(data.byteLength));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return concat(parts);
};
