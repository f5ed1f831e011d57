import { ServiceError } from '../service-error.js';
import type { QueryParams } from './query-params.js';
import { INVALID_PARAMETER_VALUE } from './sns-context.js';

/** A validated message attribute. `value` is the string value, or the base64 text of a Binary value. */
export interface MessageAttribute {
  readonly name: string;
  readonly dataType: string;
  readonly value: string;
  /** Bytes the attribute adds to the message size (name + type + value). */
  readonly size: number;
}

/** SNS's limit on attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;

const invalid = (message: string): ServiceError => new ServiceError(INVALID_PARAMETER_VALUE, message);

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;

const nameProblem = (name: string): string | null => {
  if (!NAME.test(name)) return 'names may hold 1-256 letters, digits, "_", "-" and "."';
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..'))
    return 'names must not start or end with "." or hold ".."';
  if (/^(aws\.|amazon\.)/i.test(name)) return 'names must not start with "AWS." or "Amazon."';
  return null;
};

const isStringArray = (text: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      Array.isArray(parsed) &&
      parsed.every((item) => item === null || typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')
    );
  } catch {
    return false;
  }
};

/**
 * Reads `MessageAttributes.entry.N.{Name, Value.DataType, Value.StringValue, Value.BinaryValue}` and
 * checks what SNS checks: at most 10, names, data types (`String`, `String.Array`, `Number`, `Binary`,
 * each optionally with a `.custom` label), non-empty values, numbers that parse, and String.Array
 * values that are JSON arrays.
 */
export const readMessageAttributes = (params: QueryParams): readonly MessageAttribute[] => {
  const attributes: MessageAttribute[] = [];
  for (let index = 1; params.has(`MessageAttributes.entry.${index}.Name`); index += 1) {
    const prefix = `MessageAttributes.entry.${index}`;
    const name = params.get(`${prefix}.Name`) ?? '';
    const dataType = params.get(`${prefix}.Value.DataType`) ?? '';
    const stringValue = params.get(`${prefix}.Value.StringValue`);
    const binaryValue = params.get(`${prefix}.Value.BinaryValue`);
    const problem = nameProblem(name);
    if (problem !== null) throw invalid(`The message attribute name '${name}' is invalid: ${problem}.`);
    if (attributes.some((attribute) => attribute.name === name)) throw invalid(`The message attribute '${name}' is given twice.`);
    const base = dataType.split('.')[0] ?? '';
    const kind = dataType.startsWith('String.Array') ? 'String.Array' : base;
    if (!['String', 'Number', 'Binary'].includes(base)) {
      throw invalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const value = kind === 'Binary' ? binaryValue : stringValue;
    if (value === undefined || value === '') {
      throw invalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
      );
    }
    if (kind === 'Number' && !Number.isFinite(Number(value))) {
      throw invalid(`The message attribute '${name}' with type 'Number' must hold a number, not '${value}'.`);
    }
    if (kind === 'String.Array' && !isStringArray(value)) {
      throw invalid(
        `The message attribute '${name}' with type 'String.Array' must hold a JSON array of strings, numbers, booleans or null.`,
      );
    }
    const valueBytes = kind === 'Binary' ? Buffer.from(value, 'base64').byteLength : Buffer.byteLength(value, 'utf8');
    attributes.push({ name, dataType, value, size: Buffer.byteLength(name) + Buffer.byteLength(dataType) + valueBytes });
  }
  if (attributes.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalid(`Number of message attributes [${attributes.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  }
  return attributes;
};

/** The value an attribute contributes to filter-policy matching (Binary attributes never match). */
export const filterValue = (attribute: MessageAttribute): unknown => {
  if (attribute.dataType.startsWith('Binary')) return undefined;
  if (attribute.dataType.startsWith('Number')) return Number(attribute.value);
  if (attribute.dataType.startsWith('String.Array')) return JSON.parse(attribute.value) as unknown;
  return attribute.value;
};
