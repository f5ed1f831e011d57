import { assertNever } from './assert-never.js';
import {
  type Descriptor,
  expectArray,
  expectMediaType,
  expectObject,
  optionalAnnotations,
  optionalString,
  parseDescriptor,
  truncate,
} from './descriptor.js';
import { type Digest, digestOf, matchesDigest } from './digest.js';
import { baseMediaType, familyOf, isInClosedLayerNamespace, isKnownMediaType, MediaType, roleOf } from './media-type.js';
import { ShapeError } from './shape-error.js';

/** ECR's PutImage accepts manifests of at most 4,194,304 characters (API_PutImage `imageManifest`). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

interface ManifestBase {
  /** The exact bytes the registry or file gave us. Never re-serialised. */
  readonly raw: Uint8Array;
  /** sha256 over {@link raw}. */
  readonly digest: Digest;
  readonly size: number;
  /** The canonical media type (from the body, the declaration, or sniffed). */
  readonly mediaType: string;
  /** How the media type was learnt: written in the body, declared by the caller, or inferred from the shape. */
  readonly mediaTypeFrom: 'body' | 'declared' | 'sniffed';
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An OCI image index or Docker manifest list. */
export interface IndexManifest extends ManifestBase {
  readonly kind: 'index';
  readonly manifests: readonly Descriptor[];
  readonly artifactType?: string;
  readonly subject?: Descriptor;
}

/** An OCI image manifest or Docker v2 schema 2 manifest (images and OCI 1.1 artifacts alike). */
export interface ImageManifest extends ManifestBase {
  readonly kind: 'image';
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly artifactType?: string;
  readonly subject?: Descriptor;
}

/** A Docker v2 schema 1 manifest (deprecated; Lambda never accepts it). */
export interface Schema1Manifest extends ManifestBase {
  readonly kind: 'schema1';
  readonly signed: boolean;
  readonly name?: string;
  readonly tag?: string;
  readonly architecture?: string;
}

/** The withdrawn OCI 1.1-rc artifact manifest or the ORAS artifact manifest (`blobs`, `subject`). */
export interface ArtifactManifest extends ManifestBase {
  readonly kind: 'artifact';
  readonly artifactType?: string;
  readonly blobs: readonly Descriptor[];
  readonly subject?: Descriptor;
}

/** A parsed manifest: one variant per kind, each keeping its raw bytes and digest. */
export type Manifest = IndexManifest | ImageManifest | Schema1Manifest | ArtifactManifest;

/** Why bytes are not a manifest the guard can reason about. */
export interface ManifestProblem {
  readonly code: 'MALFORMED_MANIFEST' | 'DIGEST_MISMATCH';
  /** Location of the first offending field (`''` for the whole document). */
  readonly path: string;
  readonly message: string;
  /** sha256 of the bytes actually received. */
  readonly digest: Digest;
  readonly size: number;
}

export type ParseResult =
  | { readonly ok: true; readonly manifest: Manifest }
  | { readonly ok: false; readonly problem: ManifestProblem };

/** What the caller knows about the bytes before reading them. */
export interface ParseHints {
  /** Media type declared out of band: HTTP Content-Type, ECR `imageManifestMediaType`, or a parent descriptor. */
  readonly declaredMediaType?: string;
  /** Digest the bytes were fetched by; a difference is `DIGEST_MISMATCH`. */
  readonly expectedDigest?: Digest;
  /** Size a parent descriptor promised; a difference is `DIGEST_MISMATCH`. */
  readonly expectedSize?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses manifest bytes without ever throwing.
 *
 * The digest is computed over the exact bytes; a missing `mediaType` is sniffed the way
 * regclient's `fromCommon` does (`schemaVersion: 1`, `manifests[]`, `layers[]`); a declared media
 * type that disagrees with the body is an error; every descriptor is validated as the OCI
 * image-spec and Docker schema 2 define it.
 *
 * @example
 * const result = parseManifest(bytes, { expectedDigest });
 * if (result.ok && result.manifest.kind === 'index') console.log(result.manifest.manifests.length);
 */
export const parseManifest = (raw: Uint8Array, hints: ParseHints = {}): ParseResult => {
  const size = raw.byteLength;
  if (size > MAX_MANIFEST_BYTES) {
    // Hashing 4 MiB+ is cheap, but the digest of rejected input still helps the reader find it.
    return fail('MALFORMED_MANIFEST', '', `is ${size} bytes; ECR accepts manifests of at most ${MAX_MANIFEST_BYTES} bytes`, raw);
  }
  const digest = digestOf(raw);
  if (hints.expectedDigest !== undefined && !(digest === hints.expectedDigest || matchesDigest(raw, hints.expectedDigest))) {
    return {
      ok: false,
      problem: {
        code: 'DIGEST_MISMATCH',
        path: '',
        message: `hashes to ${digest}, not the requested ${hints.expectedDigest}`,
        digest,
        size,
      },
    };
  }
  if (hints.expectedSize !== undefined && hints.expectedSize !== size) {
    return {
      ok: false,
      problem: {
        code: 'DIGEST_MISMATCH',
        path: '',
        message: `is ${size} bytes, but its descriptor says ${hints.expectedSize}`,
        digest,
        size,
      },
    };
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return fail('MALFORMED_MANIFEST', '', 'is not valid UTF-8', raw, digest);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('MALFORMED_MANIFEST', '', `is not valid JSON (${(error as Error).message})`, raw, digest);
  }
  try {
    return { ok: true, manifest: interpret(json, raw, digest, hints.declaredMediaType) };
  } catch (error) {
    if (error instanceof ShapeError) return fail('MALFORMED_MANIFEST', error.path, error.problem, raw, digest);
    // Anything else (a stack overflow on absurd nesting, say) is still the input's fault.
    return fail('MALFORMED_MANIFEST', '', `could not be read (${(error as Error).message})`, raw, digest);
  }
};

const fail = (
  code: ManifestProblem['code'],
  path: string,
  message: string,
  raw: Uint8Array,
  digest: Digest = digestOf(raw),
): ParseResult => ({ ok: false, problem: { code, path, message, digest, size: raw.byteLength } });

const interpret = (json: unknown, raw: Uint8Array, digest: Digest, declared: string | undefined): Manifest => {
  const doc = expectObject(json, '');
  const bodyType = doc.mediaType === undefined ? undefined : expectMediaType(doc.mediaType, 'mediaType');
  const declaredType = declared === undefined || declared.trim() === '' ? undefined : declared;

  let mediaType: string;
  let mediaTypeFrom: ManifestBase['mediaTypeFrom'];
  if (bodyType !== undefined) {
    if (declaredType !== undefined && baseMediaType(declaredType) !== baseMediaType(bodyType)) {
      throw new ShapeError(
        'mediaType',
        `says "${truncate(bodyType)}" but the manifest was declared as "${truncate(declaredType)}"`,
      );
    }
    mediaType = baseMediaType(bodyType);
    mediaTypeFrom = 'body';
  } else {
    const sniffed = sniff(doc);
    if (declaredType !== undefined) {
      const declaredBase = baseMediaType(declaredType);
      if (sniffed !== undefined && roleOf(sniffed) !== roleOf(declaredBase)) {
        throw new ShapeError(
          '',
          `was declared as "${truncate(declaredType)}" but its fields are those of ${describeRole(sniffed)}`,
        );
      }
      mediaType = declaredBase;
      mediaTypeFrom = 'declared';
    } else if (sniffed !== undefined) {
      mediaType = sniffed;
      mediaTypeFrom = 'sniffed';
    } else {
      throw new ShapeError('', notAManifestHint(doc));
    }
  }

  // A descriptor that names a manifest (`mediaType`, `digest`, `size`) is the pointer, not the document.
  const looksLikeDescriptor = doc.digest !== undefined && doc.size !== undefined;
  if (looksLikeDescriptor && doc.schemaVersion === undefined && doc.layers === undefined && doc.manifests === undefined) {
    throw new ShapeError('', 'is a content descriptor (mediaType, digest, size), not a manifest');
  }

  const base = { raw, digest, size: raw.byteLength, mediaType, mediaTypeFrom };
  const role = roleOf(mediaType);
  switch (role) {
    case 'index':
      return parseIndex(doc, base);
    case 'image-manifest':
      return parseImage(doc, base);
    case 'schema1-manifest':
      return parseSchema1(doc, base);
    case 'artifact-manifest':
      return parseArtifactManifest(doc, base);
    case 'image-config':
    case 'layer':
    case 'empty':
    case 'artifact':
    case undefined:
      throw new ShapeError('mediaType', `"${truncate(mediaType)}" is not a manifest media type`);
    default:
      return assertNever(role, 'media type role');
  }
};

const describeRole = (mediaType: string): string => {
  const role = roleOf(mediaType);
  if (role === 'index') return 'an image index';
  if (role === 'schema1-manifest') return 'a schema 1 manifest';
  return 'an image manifest';
};

/** A short, bounded rendering of a JSON value for messages (never `JSON.stringify`: input may nest 100k deep). */
const shown = (value: unknown): string => {
  if (typeof value === 'string') return `"${truncate(value, 40)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return truncate(String(value), 40);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : 'an object';
};

/**
 * Infers the media type of a body without `mediaType`, as regclient and containers/image do:
 * `schemaVersion: 1` is schema 1, a `manifests` array an index, a `layers` array an image manifest.
 * The shape decides even when `schemaVersion` is missing, so the parser can then name that field.
 */
const sniff = (doc: Record<string, unknown>): string | undefined => {
  if (doc.schemaVersion !== undefined && doc.schemaVersion !== 1 && doc.schemaVersion !== 2) {
    throw new ShapeError('schemaVersion', `must be 1 or 2, found ${shown(doc.schemaVersion)}`);
  }
  if (doc.schemaVersion === 1) {
    return doc.signatures === undefined ? MediaType.DockerSchema1 : MediaType.DockerSchema1Signed;
  }
  if (doc.manifests !== undefined) {
    const first = Array.isArray(doc.manifests) ? (doc.manifests[0] as { mediaType?: unknown } | undefined) : undefined;
    const childType = typeof first?.mediaType === 'string' ? first.mediaType : undefined;
    return childType !== undefined && familyOf(childType) === 'docker' ? MediaType.DockerManifestList : MediaType.OciIndex;
  }
  // Image configs also have a `config` field (the runtime config), so `layers` decides.
  if (doc.layers !== undefined) {
    const config = doc.config as { mediaType?: unknown } | undefined;
    const configType = typeof config?.mediaType === 'string' ? baseMediaType(config.mediaType) : undefined;
    return configType === MediaType.DockerConfig ? MediaType.DockerManifest : MediaType.OciManifest;
  }
  return undefined;
};

/** Names what the document looks like when it is not a manifest at all. */
const notAManifestHint = (doc: Record<string, unknown>): string => {
  if (typeof doc._type === 'string' && doc._type.includes('in-toto')) {
    return 'is an in-toto statement (an attestation blob), not a manifest';
  }
  if (doc.buildType !== undefined || doc.buildDefinition !== undefined) {
    return 'is a bare SLSA provenance predicate (an attestation blob), not a manifest';
  }
  if (doc.rootfs !== undefined || (doc.architecture !== undefined && doc.os !== undefined)) {
    return 'is an image config blob, not a manifest';
  }
  if (doc.digest !== undefined && doc.size !== undefined)
    return 'is a content descriptor (mediaType, digest, size), not a manifest';
  return 'is not a manifest: it has no mediaType, schemaVersion, manifests or layers';
};

const expectSchemaVersion = (doc: Record<string, unknown>, expected: 1 | 2): void => {
  if (doc.schemaVersion === undefined) throw new ShapeError('schemaVersion', 'is required');
  if (doc.schemaVersion !== expected) {
    throw new ShapeError('schemaVersion', `must be ${expected}, found ${shown(doc.schemaVersion)}`);
  }
};

type Base = Omit<ManifestBase, 'annotations'>;

const parseIndex = (doc: Record<string, unknown>, base: Base): IndexManifest => {
  expectSchemaVersion(doc, 2);
  if (doc.manifests === undefined) throw new ShapeError('manifests', 'is required');
  const isDockerList = base.mediaType === MediaType.DockerManifestList;
  const manifests = expectArray(doc.manifests, 'manifests').map((entry, i) => {
    const descriptor = parseDescriptor(entry, `manifests[${i}]`, true);
    // Docker's manifest list spec makes `platform` mandatory; the OCI index makes it optional.
    if (isDockerList && descriptor.platform === undefined) {
      throw new ShapeError(`manifests[${i}].platform`, 'is required in a Docker manifest list');
    }
    return descriptor;
  });
  const annotations = optionalAnnotations(doc.annotations, 'annotations');
  const artifactType = doc.artifactType === undefined ? undefined : expectMediaType(doc.artifactType, 'artifactType');
  const subject = doc.subject === undefined ? undefined : parseDescriptor(doc.subject, 'subject');
  return {
    kind: 'index',
    ...base,
    manifests,
    ...(annotations === undefined ? {} : { annotations }),
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(subject === undefined ? {} : { subject }),
  };
};

const parseLayer = (entry: unknown, path: string): Descriptor => {
  const layer = parseDescriptor(entry, path);
  // The OCI spec and Docker schema 2 enumerate their layer types; an unknown member of those
  // namespaces (`…layer.v1.tar+unknown`) is a broken manifest, as containers/image also rules.
  if (isInClosedLayerNamespace(layer.mediaType) && !isKnownMediaType(layer.mediaType)) {
    throw new ShapeError(
      `${path}.mediaType`,
      `"${truncate(layer.mediaType)}" is not a layer media type the OCI or Docker specs define`,
    );
  }
  return layer;
};

const parseImage = (doc: Record<string, unknown>, base: Base): ImageManifest => {
  expectSchemaVersion(doc, 2);
  if (doc.config === undefined) throw new ShapeError('config', 'is required');
  if (doc.layers === undefined) throw new ShapeError('layers', 'is required');
  const config = parseDescriptor(doc.config, 'config');
  const layerList = expectArray(doc.layers, 'layers');
  // image-spec 1.1 schema: `layers` has minItems 1 (artifacts without content use the empty descriptor).
  if (layerList.length === 0 && base.mediaType === MediaType.OciManifest) {
    throw new ShapeError('layers', 'must have at least one entry (image-spec manifest.md)');
  }
  const layers = layerList.map((entry, i) => parseLayer(entry, `layers[${i}]`));
  const annotations = optionalAnnotations(doc.annotations, 'annotations');
  const artifactType = doc.artifactType === undefined ? undefined : expectMediaType(doc.artifactType, 'artifactType');
  const subject = doc.subject === undefined ? undefined : parseDescriptor(doc.subject, 'subject');
  return {
    kind: 'image',
    ...base,
    config,
    layers,
    ...(annotations === undefined ? {} : { annotations }),
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(subject === undefined ? {} : { subject }),
  };
};

const parseSchema1 = (doc: Record<string, unknown>, base: Base): Schema1Manifest => {
  expectSchemaVersion(doc, 1);
  const name = optionalString(doc.name, 'name');
  const tag = optionalString(doc.tag, 'tag');
  const architecture = optionalString(doc.architecture, 'architecture');
  if (doc.fsLayers !== undefined) {
    expectArray(doc.fsLayers, 'fsLayers').forEach((layer, i) => {
      expectObject(layer, `fsLayers[${i}]`);
    });
  }
  return {
    kind: 'schema1',
    ...base,
    signed: doc.signatures !== undefined,
    ...(name === undefined ? {} : { name }),
    ...(tag === undefined ? {} : { tag }),
    ...(architecture === undefined ? {} : { architecture }),
  };
};

const parseArtifactManifest = (doc: Record<string, unknown>, base: Base): ArtifactManifest => {
  const blobs =
    doc.blobs === undefined ? [] : expectArray(doc.blobs, 'blobs').map((entry, i) => parseDescriptor(entry, `blobs[${i}]`));
  const annotations = optionalAnnotations(doc.annotations, 'annotations');
  const artifactType = doc.artifactType === undefined ? undefined : expectMediaType(doc.artifactType, 'artifactType');
  const subject = doc.subject === undefined ? undefined : parseDescriptor(doc.subject, 'subject');
  return {
    kind: 'artifact',
    ...base,
    blobs,
    ...(annotations === undefined ? {} : { annotations }),
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(subject === undefined ? {} : { subject }),
  };
};
