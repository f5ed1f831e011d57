import { type Digest, parseDigest } from './digest.js';
import { isWellFormedMediaType } from './media-type.js';
import { normalizePlatform, type Platform } from './platform.js';
import { ShapeError } from './shape-error.js';

/** An OCI content descriptor (image-spec descriptor.md), validated. */
export interface Descriptor {
  /** The media type exactly as written. */
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  /** Normalised platform, for index entries. */
  readonly platform?: Platform;
  /** Embedded content (base64), as the descriptor carried it. */
  readonly data?: string;
}

type Json = unknown;

const typeName = (value: Json): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
};

/** Narrows to a plain JSON object or throws a {@link ShapeError} naming the path. */
export const expectObject = (value: Json, path: string): Record<string, Json> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(path, `must be an object, found ${typeName(value)}`);
  }
  return value as Record<string, Json>;
};

export const expectArray = (value: Json, path: string): readonly Json[] => {
  if (!Array.isArray(value)) throw new ShapeError(path, `must be an array, found ${typeName(value)}`);
  return value;
};

export const expectString = (value: Json, path: string): string => {
  if (typeof value !== 'string') throw new ShapeError(path, `must be a string, found ${typeName(value)}`);
  return value;
};

export const optionalString = (value: Json, path: string): string | undefined =>
  value === undefined ? undefined : expectString(value, path);

export const expectMediaType = (value: Json, path: string): string => {
  const mediaType = expectString(value, path);
  if (!isWellFormedMediaType(mediaType)) {
    throw new ShapeError(path, `"${truncate(mediaType)}" is not a valid media type (RFC 6838 type/subtype)`);
  }
  return mediaType;
};

export const expectDigest = (value: Json, path: string): Digest => {
  const text = expectString(value, path);
  const parsed = parseDigest(text);
  if (parsed.ok) return parsed.digest;
  const why = {
    grammar: 'is not a digest (algorithm:encoded)',
    'unsupported-algorithm': 'uses an algorithm other than sha256 or sha512',
    'bad-encoding': 'has the wrong length or non-lowercase-hex characters for its algorithm',
  }[parsed.problem];
  throw new ShapeError(path, `"${truncate(text)}" ${why}`);
};

/** A descriptor size: an integer from 0 to 2^53-1 (OCI says int64; JSON numbers past 2^53 lose precision). */
export const expectSize = (value: Json, path: string): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(
      path,
      `must be a non-negative integer, found ${typeName(value) === 'number' ? String(value) : typeName(value)}`,
    );
  }
  return value;
};

/**
 * The path of a member: `annotations.a`, or `annotations["org.opencontainers.image.created"]` when
 * the key is not an identifier (annotation keys are dotted, and may be hostile or huge).
 */
export const memberPath = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$]{0,63}$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(truncate(key, 80))}]`;

/** Annotations: a map whose keys and values are strings (image-spec annotations.md). */
export const optionalAnnotations = (value: Json, path: string): Readonly<Record<string, string>> | undefined => {
  if (value === undefined) return undefined;
  const object = expectObject(value, path);
  for (const [key, entry] of Object.entries(object)) {
    expectString(entry, memberPath(path, key));
  }
  return object as Record<string, string>;
};

const optionalStringArray = (value: Json, path: string): readonly string[] | undefined => {
  if (value === undefined) return undefined;
  const array = expectArray(value, path);
  array.forEach((entry, i) => {
    expectString(entry, `${path}[${i}]`);
  });
  return array as readonly string[];
};

/** Parses an index entry's `platform` (architecture and os are required). */
export const parsePlatform = (value: Json, path: string): Platform => {
  const object = expectObject(value, path);
  if (object.architecture === undefined) throw new ShapeError(`${path}.architecture`, 'is required');
  if (object.os === undefined) throw new ShapeError(`${path}.os`, 'is required');
  const architecture = expectString(object.architecture, `${path}.architecture`);
  const os = expectString(object.os, `${path}.os`);
  const variant = optionalString(object.variant, `${path}.variant`);
  const osVersion = optionalString(object['os.version'], `${path}["os.version"]`);
  optionalStringArray(object['os.features'], `${path}["os.features"]`);
  optionalStringArray(object.features, `${path}.features`);
  return normalizePlatform({
    os,
    architecture,
    ...(variant === undefined ? {} : { variant }),
    ...(osVersion === undefined ? {} : { osVersion }),
  });
};

/** Parses a descriptor; `withPlatform` allows the `platform` field (index entries only). */
export const parseDescriptor = (value: Json, path: string, withPlatform = false): Descriptor => {
  const object = expectObject(value, path);
  if (object.mediaType === undefined) throw new ShapeError(`${path}.mediaType`, 'is required');
  if (object.digest === undefined) throw new ShapeError(`${path}.digest`, 'is required');
  if (object.size === undefined) throw new ShapeError(`${path}.size`, 'is required');
  const mediaType = expectMediaType(object.mediaType, `${path}.mediaType`);
  const digest = expectDigest(object.digest, `${path}.digest`);
  const size = expectSize(object.size, `${path}.size`);
  const urls = optionalStringArray(object.urls, `${path}.urls`);
  const annotations = optionalAnnotations(object.annotations, `${path}.annotations`);
  const artifactType =
    object.artifactType === undefined ? undefined : expectMediaType(object.artifactType, `${path}.artifactType`);
  const data = optionalString(object.data, `${path}.data`);
  const platform = withPlatform && object.platform !== undefined ? parsePlatform(object.platform, `${path}.platform`) : undefined;
  return {
    mediaType,
    digest,
    size,
    ...(urls === undefined ? {} : { urls }),
    ...(annotations === undefined ? {} : { annotations }),
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(platform === undefined ? {} : { platform }),
    ...(data === undefined ? {} : { data }),
  };
};

/** Shortens hostile or huge strings before they reach a message. */
export const truncate = (text: string, max = 120): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
