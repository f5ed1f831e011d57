import { InputError } from '../functions/adapters/input-error.js';

/** Fields of which a manifest of any kind (OCI, Docker v2, schema1, index/list) has at least one. */
const MANIFEST_FIELDS = ['schemaVersion', 'mediaType', 'manifests', 'layers', 'fsLayers', 'config'] as const;

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
};

/**
 * The input-error policy, the same for every source kind (file, layout, archive, ECR): exit 2
 * (InputError) when the bytes cannot be a manifest document at all — not JSON, not a JSON object,
 * or an object with none of a manifest's fields; anything that *is* a manifest document goes to
 * the rules, and one that breaks them is quarantined (exit 1). The message names the source and,
 * for a parse failure, where in the document.
 */
export const requireManifestDocument = (bytes: Uint8Array, where: string): void => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : 'not UTF-8 text';
    throw new InputError(`${where} is not a manifest: not JSON (${why})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(`${where} is not a manifest: the document is ${describe(parsed)}, not a JSON object`);
  }
  if (!MANIFEST_FIELDS.some((field) => field in parsed)) {
    throw new InputError(`${where} is not a manifest: it has none of the fields ${MANIFEST_FIELDS.join(', ')}`);
  }
};
