import { expectObject, expectString, optionalString } from './descriptor.js';
import { type Digest, digestOf, matchesDigest } from './digest.js';
import { normalizePlatform, type Platform } from './platform.js';
import { ShapeError } from './shape-error.js';

/** The platform an image config declares, or why it could not be read. */
export type ConfigResult =
  | { readonly ok: true; readonly platform: Platform }
  | {
      readonly ok: false;
      readonly code: 'MALFORMED_CONFIG' | 'DIGEST_MISMATCH';
      readonly path: string;
      /** Completes a sentence that starts with the path. */
      readonly problem: string;
    };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads `os` / `architecture` / `variant` from an OCI or Docker image config blob
 * (image-spec config.md: `architecture` and `os` are REQUIRED), after checking its digest and size.
 */
export const readImageConfig = (bytes: Uint8Array, expected: { digest: Digest; size: number }): ConfigResult => {
  // sha512 config digests are legal (descriptor.md) and verified with sha512, never waved through.
  if (!matchesDigest(bytes, expected.digest)) {
    return {
      ok: false,
      code: 'DIGEST_MISMATCH',
      path: 'config',
      problem: `blob hashes to ${digestOf(bytes)}, not ${expected.digest}`,
    };
  }
  if (bytes.byteLength !== expected.size) {
    return {
      ok: false,
      code: 'DIGEST_MISMATCH',
      path: 'config.size',
      problem: `is ${expected.size} in the manifest, but the config blob is ${bytes.byteLength} bytes`,
    };
  }
  try {
    const doc = expectObject(JSON.parse(utf8.decode(bytes)), 'config');
    if (doc.architecture === undefined) throw new ShapeError('config.architecture', 'is required');
    if (doc.os === undefined) throw new ShapeError('config.os', 'is required');
    const architecture = expectString(doc.architecture, 'config.architecture');
    const os = expectString(doc.os, 'config.os');
    const variant = optionalString(doc.variant, 'config.variant');
    const osVersion = optionalString(doc['os.version'], 'config["os.version"]');
    return {
      ok: true,
      platform: normalizePlatform({
        os,
        architecture,
        ...(variant === undefined ? {} : { variant }),
        ...(osVersion === undefined ? {} : { osVersion }),
      }),
    };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, code: 'MALFORMED_CONFIG', path: error.path, problem: error.problem };
    return { ok: false, code: 'MALFORMED_CONFIG', path: 'config', problem: 'blob is not valid JSON' };
  }
};
