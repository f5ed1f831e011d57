import { describeValue, isJsonObject, type JsonObject } from './json-value.js';
import { ServiceError } from './service-error.js';

/** Constraints the Smithy models put on string members. */
export interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** How the pattern is written in the model, quoted in the error message. */
  readonly patternText?: string;
  readonly enum?: readonly string[];
}

/** Constraints the Smithy models put on list members. */
export interface ListRule {
  readonly min?: number;
  readonly max?: number;
}

/**
 * Reads members of a JSON request and raises the service's validation error with the member's name,
 * in the wording AWS JSON services use ("Invalid parameter at 'x' failed to satisfy constraint: ...").
 */
export interface InputReader {
  readonly input: JsonObject;
  requiredString(name: string, rule?: StringRule): string;
  optionalString(name: string, rule?: StringRule): string | undefined;
  optionalBoolean(name: string): boolean | undefined;
  optionalInteger(name: string, range?: { readonly min?: number; readonly max?: number }): number | undefined;
  requiredInteger(name: string, range?: { readonly min?: number; readonly max?: number }): number;
  requiredList(name: string, rule?: ListRule): readonly unknown[];
  optionalList(name: string, rule?: ListRule): readonly unknown[] | undefined;
  optionalObject(name: string): JsonObject | undefined;
  /** Raises the validation error for `name` with a free-form constraint text. */
  fail(name: string, constraint: string): never;
}

/** Validates a string against a rule; returns the constraint it breaks, or undefined. */
export const brokenStringRule = (value: string, rule: StringRule): string | undefined => {
  if (rule.min !== undefined && value.length < rule.min) return `Member must have length greater than or equal to ${rule.min}`;
  if (rule.max !== undefined && value.length > rule.max) return `Member must have length less than or equal to ${rule.max}`;
  if (rule.enum !== undefined && !rule.enum.includes(value))
    return `Member must satisfy enum value set: [${rule.enum.join(', ')}]`;
  if (rule.pattern !== undefined && !rule.pattern.test(value)) {
    return `must satisfy regular expression '${rule.patternText ?? rule.pattern.source}'`;
  }
  return undefined;
};

/**
 * A reader over `body` raising `errorCode` (e.g. `InvalidParameterException`) on any violation. `prefix`
 * names the enclosing member for nested structures (`imageIds.1`).
 */
export const createInputReader = (body: unknown, errorCode: string, prefix = ''): InputReader => {
  const input: JsonObject = isJsonObject(body) ? body : {};
  const path = (name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
  const fail = (name: string, constraint: string): never => {
    throw new ServiceError(errorCode, `Invalid parameter at '${path(name)}' failed to satisfy constraint: '${constraint}'`);
  };
  const stringValue = (name: string, rule: StringRule | undefined, required: boolean): string | undefined => {
    const value = input[name];
    if (value === undefined || value === null) {
      if (required) fail(name, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') return fail(name, `Member must be a string, found ${describeValue(value)}`);
    const broken = rule === undefined ? undefined : brokenStringRule(value, rule);
    if (broken !== undefined) fail(name, broken);
    return value;
  };
  const integerValue = (
    name: string,
    range: { readonly min?: number; readonly max?: number } | undefined,
    required: boolean,
  ): number | undefined => {
    const value = input[name];
    if (value === undefined || value === null) {
      if (required) fail(name, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) return fail(name, 'Member must be an integer');
    if (range?.min !== undefined && value < range.min) fail(name, `Member must have value greater than or equal to ${range.min}`);
    if (range?.max !== undefined && value > range.max) fail(name, `Member must have value less than or equal to ${range.max}`);
    return value;
  };
  const listValue = (name: string, rule: ListRule | undefined, required: boolean): readonly unknown[] | undefined => {
    const value = input[name];
    if (value === undefined || value === null) {
      if (required) fail(name, 'Member must not be null');
      return undefined;
    }
    if (!Array.isArray(value)) return fail(name, `Member must be a list, found ${describeValue(value)}`);
    if (rule?.min !== undefined && value.length < rule.min)
      fail(name, `Member must have length greater than or equal to ${rule.min}`);
    if (rule?.max !== undefined && value.length > rule.max)
      fail(name, `Member must have length less than or equal to ${rule.max}`);
    return value;
  };
  return {
    input,
    fail,
    requiredString: (name, rule) => stringValue(name, rule, true) ?? '',
    optionalString: (name, rule) => stringValue(name, rule, false),
    optionalBoolean: (name) => {
      const value = input[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'boolean') return fail(name, 'Member must be a boolean');
      return value;
    },
    optionalInteger: (name, range) => integerValue(name, range, false),
    requiredInteger: (name, range) => integerValue(name, range, true) ?? 0,
    requiredList: (name, rule) => listValue(name, rule, true) ?? [],
    optionalList: (name, rule) => listValue(name, rule, false),
    optionalObject: (name) => {
      const value = input[name];
      if (value === undefined || value === null) return undefined;
      if (!isJsonObject(value)) return fail(name, `Member must be a structure, found ${describeValue(value)}`);
      return value;
    },
  };
};
