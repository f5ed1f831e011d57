import type { Descriptor } from './descriptor.js';
import type { Digest } from './digest.js';
import { type ParseResult, parseManifest } from './manifest.js';

/** Everything known about a subject, as bytes: the subject and whatever children and blobs could be read. */
export interface Evidence {
  readonly subject: Uint8Array;
  /** The media type the registry or file declared for the subject. */
  readonly declaredMediaType?: string;
  /** The digest the subject was requested by. */
  readonly expectedDigest?: Digest;
  /** The size the descriptor that named the subject promised (an OCI layout's index.json), when there is one. */
  readonly expectedSize?: number;
  /** Child manifests by digest, as raw bytes. */
  readonly manifests?: ReadonlyMap<string, Uint8Array>;
  /** Config blobs and attestation statements by digest, as raw bytes. */
  readonly blobs?: ReadonlyMap<string, Uint8Array>;
}

/** A child manifest, parsed once against the index entry that first named it. */
export interface ParsedChild {
  readonly bytes: Uint8Array;
  readonly parsed: ParseResult;
  /** The media type and size it was parsed against (an entry naming it with others is parsed again). */
  readonly declaredMediaType: string;
  readonly expectedSize: number;
}

/** Evidence with every manifest parsed once: the fetch planner and `classify` share it. */
export interface ParsedEvidence {
  readonly subject: ParseResult;
  /** The media type declared for the subject, reported when its bytes cannot be read. */
  readonly declaredMediaType?: string;
  readonly children: ReadonlyMap<string, ParsedChild>;
  readonly blobs: ReadonlyMap<string, Uint8Array>;
}

/** How manifests are parsed; injectable so a test can count the parses of one push. */
export type ManifestParser = typeof parseManifest;

const EMPTY_BLOBS = new Map<string, Uint8Array>();

/** The index entries of a parsed subject, first entry per digest. */
const entriesByDigest = (subject: ParseResult): Map<string, Descriptor> => {
  const entries = new Map<string, Descriptor>();
  if (subject.ok && subject.manifest.kind === 'index') {
    for (const entry of subject.manifest.manifests) if (!entries.has(entry.digest)) entries.set(entry.digest, entry);
  }
  return entries;
};

/**
 * Adds child manifests to parsed evidence, parsing each new one once against the index entry that
 * names it. Children the subject does not name are ignored: they are not evidence about it.
 */
export const withChildren = (
  evidence: ParsedEvidence,
  manifests: ReadonlyMap<string, Uint8Array>,
  parse: ManifestParser = parseManifest,
): ParsedEvidence => {
  if (manifests.size === 0) return evidence;
  const entries = entriesByDigest(evidence.subject);
  const children = new Map(evidence.children);
  for (const [digest, bytes] of manifests) {
    const entry = entries.get(digest);
    if (entry === undefined || children.has(digest)) continue;
    children.set(digest, {
      bytes,
      parsed: parse(bytes, { declaredMediaType: entry.mediaType, expectedDigest: entry.digest, expectedSize: entry.size }),
      declaredMediaType: entry.mediaType,
      expectedSize: entry.size,
    });
  }
  return { ...evidence, children };
};

/** Adds blobs (configs, attestation statements) to parsed evidence. */
export const withBlobs = (evidence: ParsedEvidence, blobs: ReadonlyMap<string, Uint8Array>): ParsedEvidence =>
  blobs.size === 0 ? evidence : { ...evidence, blobs: new Map([...evidence.blobs, ...blobs]) };

/** Parses the subject and every child once. */
export const parseEvidence = (evidence: Evidence, parse: ManifestParser = parseManifest): ParsedEvidence => {
  const subject = parse(evidence.subject, {
    ...(evidence.declaredMediaType === undefined ? {} : { declaredMediaType: evidence.declaredMediaType }),
    ...(evidence.expectedDigest === undefined ? {} : { expectedDigest: evidence.expectedDigest }),
    ...(evidence.expectedSize === undefined ? {} : { expectedSize: evidence.expectedSize }),
  });
  return withChildren(
    {
      subject,
      ...(evidence.declaredMediaType === undefined ? {} : { declaredMediaType: evidence.declaredMediaType }),
      children: new Map(),
      blobs: evidence.blobs ?? EMPTY_BLOBS,
    },
    evidence.manifests ?? new Map(),
    parse,
  );
};

/**
 * The child an index entry names, as that entry describes it: the shared parse when the entry
 * agrees with the one it was parsed against, a parse of its own otherwise (an index may name one
 * digest twice with different media types or sizes, and each claim is checked).
 */
export const childFor = (evidence: ParsedEvidence, entry: Descriptor): ParseResult | undefined => {
  const child = evidence.children.get(entry.digest);
  if (child === undefined) return undefined;
  if (child.declaredMediaType === entry.mediaType && child.expectedSize === entry.size) return child.parsed;
  return parseManifest(child.bytes, {
    declaredMediaType: entry.mediaType,
    expectedDigest: entry.digest as Digest,
    expectedSize: entry.size,
  });
};
