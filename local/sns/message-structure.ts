import { isJsonObject } from '../json-value.js';
import { ServiceError } from '../service-error.js';
import { INVALID_PARAMETER } from './sns-context.js';

/** Protocol keys a `MessageStructure=json` message may carry (unknown keys are ignored). */
export const PROTOCOL_KEYS = [
  'default',
  'email',
  'email-json',
  'http',
  'https',
  'sqs',
  'lambda',
  'sms',
  'firehose',
  'application',
] as const;

/**
 * The first key that appears twice in one object of a (syntactically valid) JSON text, or null.
 * `JSON.parse` silently keeps the last duplicate; SNS refuses the message instead.
 */
export const findDuplicateKey = (text: string): string | null => {
  let position = 0;
  const skip = (): void => {
    while (/\s/.test(text.charAt(position))) position += 1;
  };
  const readString = (): string => {
    const start = position;
    position += 1;
    while (text.charAt(position) !== '"') position += text.charAt(position) === '\\' ? 2 : 1;
    position += 1;
    return JSON.parse(text.slice(start, position)) as string;
  };
  const readValue = (): string | null => {
    skip();
    const char = text.charAt(position);
    if (char === '"') {
      readString();
      return null;
    }
    if (char === '{' || char === '[') {
      const isObject = char === '{';
      const keys = new Set<string>();
      position += 1;
      skip();
      if (text.charAt(position) === (isObject ? '}' : ']')) {
        position += 1;
        return null;
      }
      for (;;) {
        skip();
        if (isObject) {
          const key = readString();
          if (keys.has(key)) return key;
          keys.add(key);
          skip();
          position += 1; // ':'
        }
        const inner = readValue();
        if (inner !== null) return inner;
        skip();
        const separator = text.charAt(position);
        position += 1;
        if (separator !== ',') return null;
      }
    }
    while (position < text.length && !/[\s,}\]]/.test(text.charAt(position))) position += 1;
    return null;
  };
  return readValue();
};

/**
 * Splits a `MessageStructure=json` message into per-protocol texts, as SNS documents it: a JSON object
 * with a string `default`; protocol keys with non-string values are ignored; duplicate keys are refused;
 * any failure refuses the whole Publish (no partial delivery).
 */
export const splitMessageStructure = (message: string): Readonly<Record<string, string>> & { readonly default: string } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new ServiceError(INVALID_PARAMETER, 'Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  if (!isJsonObject(parsed)) {
    throw new ServiceError(INVALID_PARAMETER, 'Invalid parameter: Message Structure - JSON message body must be an object');
  }
  const duplicate = findDuplicateKey(message);
  if (duplicate !== null) {
    throw new ServiceError(
      INVALID_PARAMETER,
      `Invalid parameter: Message Structure - Duplicate key '${duplicate}' in JSON message body`,
    );
  }
  const fallback = parsed.default;
  if (typeof fallback !== 'string') {
    throw new ServiceError(INVALID_PARAMETER, 'Invalid parameter: Message Structure - No default entry in JSON message body');
  }
  const texts: Record<string, string> = {};
  for (const key of PROTOCOL_KEYS) {
    const value = parsed[key];
    if (typeof value === 'string') texts[key] = value;
  }
  return { ...texts, default: fallback };
};
