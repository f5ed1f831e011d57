import { createHash } from 'node:crypto';

declare const digestBrand: unique symbol;

/** A validated `sha256:<64 lowercase hex>` string. Only {@link parseDigest} and {@link digestOf} make one. */
export type Digest = string & { readonly [digestBrand]: true };

/**
 * The OCI digest grammar (image-spec descriptor.md): `algorithm ":" encoded`, where
 * `algorithm = component ([+._-] component)*` and `encoded = [a-zA-Z0-9=_-]+`.
 */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const SHA512 = /^sha512:[a-f0-9]{128}$/;

/** Why a string is not a usable digest. */
export type DigestProblem = 'grammar' | 'unsupported-algorithm' | 'bad-encoding';

/**
 * Parses a digest. ECR stores sha256 only; sha512 is registered by the OCI spec and accepted as
 * syntax, but anything else cannot be verified and is refused.
 */
export const parseDigest = (value: string): { ok: true; digest: Digest } | { ok: false; problem: DigestProblem } => {
  if (!DIGEST_GRAMMAR.test(value)) return { ok: false, problem: 'grammar' };
  if (SHA256.test(value) || SHA512.test(value)) return { ok: true, digest: value as Digest };
  const algorithm = value.slice(0, value.indexOf(':'));
  return { ok: false, problem: algorithm === 'sha256' || algorithm === 'sha512' ? 'bad-encoding' : 'unsupported-algorithm' };
};

/** True when the string is a digest the guard can verify. */
export const isDigest = (value: unknown): value is Digest => typeof value === 'string' && parseDigest(value).ok;

/** The sha256 digest of exactly these bytes. */
export const digestOf = (bytes: Uint8Array): Digest => `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;

/** True when `bytes` hash to `expected` (sha512 digests are verified with sha512). */
export const matchesDigest = (bytes: Uint8Array, expected: Digest): boolean => {
  if (expected.startsWith('sha512:')) {
    return `sha512:${createHash('sha512').update(bytes).digest('hex')}` === expected;
  }
  return digestOf(bytes) === expected;
};

/** The hex part of a digest, e.g. for blob file names. */
export const digestHex = (digest: Digest): string => digest.slice(digest.indexOf(':') + 1);

/** A short form for people: `sha256:0123456789ab`. */
export const shortDigest = (digest: string): string => digest.slice(0, digest.indexOf(':') + 13);
