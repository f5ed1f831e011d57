/** Small, total helpers for reading untrusted JSON. */

/** A JSON object as parsed from a request body. */
export type JsonObject = Record<string, unknown>;

/** True for a plain (non-array, non-null) object. */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short description of a value for error messages (never the whole value). */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 60 ? `'${value.slice(0, 57)}...'` : `'${value}'`;
  return typeof value;
};
