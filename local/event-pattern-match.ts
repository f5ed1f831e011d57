import { isJsonObject, type JsonObject } from './json-value.js';

/** An EventBridge event pattern (JSON object). */
export type EventPattern = Readonly<Record<string, unknown>>;

/** A pattern EventBridge would refuse (`InvalidEventPatternException`). */
export class EventPatternError extends Error {
  override readonly name = 'EventPatternError';
}

const NUMERIC_OPERATORS = ['<', '<=', '=', '>', '>='] as const;
const MATCHER_KEYS = ['prefix', 'suffix', 'wildcard', 'equals-ignore-case', 'anything-but', 'exists', 'numeric', 'cidr'] as const;

const wildcardRegExp = (pattern: string, flags = ''): RegExp => {
  // `\*` is a literal star; every other `*` matches any run of characters.
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern.charAt(index);
    if (char === '\\' && pattern.charAt(index + 1) === '*') {
      source += '\\*';
      index += 1;
    } else if (char === '*') {
      source += '.*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, `s${flags}`);
};

const ipv4 = (text: string): number | null => {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return null;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
};

const inCidr = (cidr: string, value: string): boolean => {
  const [network = '', bitsText = '32'] = cidr.split('/');
  const base = ipv4(network);
  const address = ipv4(value);
  const bits = Number(bitsText);
  if (base === null || address === null) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(base / size) === Math.floor(address / size);
};

const stringList = (value: unknown): readonly string[] | null => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value as string[];
  return null;
};

/** Checks one matcher object (`{prefix: ...}`, `{numeric: [...]}`, ...) and returns what is wrong with it. */
const matcherProblem = (matcher: JsonObject, path: string): string | null => {
  const keys = Object.keys(matcher);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined || !(MATCHER_KEYS as readonly string[]).includes(key)) {
    return `${path}: a matcher object needs exactly one of ${MATCHER_KEYS.join(', ')}`;
  }
  const value = matcher[key];
  switch (key) {
    case 'prefix':
    case 'suffix':
      if (typeof value === 'string') return null;
      if (isJsonObject(value) && typeof value['equals-ignore-case'] === 'string' && Object.keys(value).length === 1) return null;
      return `${path}.${key} must be a string or {"equals-ignore-case": string}`;
    case 'wildcard':
    case 'equals-ignore-case':
    case 'cidr':
      return typeof value === 'string' ? null : `${path}.${key} must be a string`;
    case 'exists':
      return typeof value === 'boolean' ? null : `${path}.exists must be true or false`;
    case 'numeric': {
      if (!Array.isArray(value) || value.length === 0 || value.length % 2 !== 0)
        return `${path}.numeric must be [operator, number, ...]`;
      for (let index = 0; index < value.length; index += 2) {
        if (!(NUMERIC_OPERATORS as readonly unknown[]).includes(value[index]) || typeof value[index + 1] !== 'number') {
          return `${path}.numeric must pair operators (${NUMERIC_OPERATORS.join(' ')}) with numbers`;
        }
      }
      return null;
    }
    case 'anything-but': {
      if (typeof value === 'string' || typeof value === 'number') return null;
      if (Array.isArray(value)) {
        return value.length > 0 && value.every((item) => typeof item === 'string' || typeof item === 'number')
          ? null
          : `${path}.anything-but list must hold strings or numbers`;
      }
      if (isJsonObject(value)) {
        const [inner, ...rest] = Object.keys(value);
        if (inner === undefined || rest.length > 0 || !['prefix', 'suffix', 'wildcard', 'equals-ignore-case'].includes(inner)) {
          return `${path}.anything-but object needs exactly one of prefix, suffix, wildcard, equals-ignore-case`;
        }
        return stringList(value[inner]) === null ? `${path}.anything-but.${inner} must be a string or a list of strings` : null;
      }
      return `${path}.anything-but must be a value, a list, or {prefix|suffix|wildcard|equals-ignore-case}`;
    }
    default:
      return `${path}: unknown matcher ${key}`;
  }
};

const patternProblems = (pattern: unknown, path: string, problems: string[]): void => {
  if (!isJsonObject(pattern)) {
    problems.push(`${path} must be an object`);
    return;
  }
  if (Object.keys(pattern).length === 0) problems.push(`${path} must not be empty`);
  for (const [key, value] of Object.entries(pattern)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) problems.push(`${here} must be a list of at least two patterns`);
      else for (const [index, alternative] of value.entries()) patternProblems(alternative, `${here}[${index}]`, problems);
    } else if (Array.isArray(value)) {
      if (value.length === 0) problems.push(`${here} must not be an empty list`);
      value.forEach((matcher, index) => {
        if (isJsonObject(matcher)) {
          const problem = matcherProblem(matcher, `${here}[${index}]`);
          if (problem !== null) problems.push(problem);
        } else if (Array.isArray(matcher)) {
          problems.push(`${here}[${index}] must not be a nested list`);
        }
      });
    } else if (isJsonObject(value)) {
      patternProblems(value, here, problems);
    } else {
      problems.push(`${here} must be a list of matchers or a nested pattern, found ${typeof value}`);
    }
  }
};

/** Every reason EventBridge would refuse the pattern; empty when it is valid. */
export const eventPatternProblems = (pattern: unknown): readonly string[] => {
  const problems: string[] = [];
  patternProblems(pattern, '', problems);
  return problems;
};

/** Throws {@link EventPatternError} unless the pattern is valid. */
export const assertEventPattern = (pattern: unknown): EventPattern => {
  const problems = eventPatternProblems(pattern);
  if (problems.length > 0) throw new EventPatternError(`invalid event pattern: ${problems.join('; ')}`);
  return pattern as EventPattern;
};

const isLeaf = (value: unknown): boolean => value !== undefined && !isJsonObject(value);

const anythingBut = (spec: unknown, value: unknown): boolean => {
  if (typeof spec === 'string' || typeof spec === 'number') return value !== spec;
  if (Array.isArray(spec)) return !spec.includes(value);
  if (!isJsonObject(spec)) return false;
  const [kind = ''] = Object.keys(spec);
  const list = stringList(spec[kind]) ?? [];
  if (typeof value !== 'string') return true;
  switch (kind) {
    case 'prefix':
      return !list.some((item) => value.startsWith(item));
    case 'suffix':
      return !list.some((item) => value.endsWith(item));
    case 'wildcard':
      return !list.some((item) => wildcardRegExp(item).test(value));
    case 'equals-ignore-case':
      return !list.some((item) => item.toLowerCase() === value.toLowerCase());
    default:
      return false;
  }
};

const affix = (spec: unknown, value: unknown, test: (text: string, part: string) => boolean): boolean => {
  if (typeof value !== 'string') return false;
  if (typeof spec === 'string') return test(value, spec);
  if (isJsonObject(spec) && typeof spec['equals-ignore-case'] === 'string') {
    return test(value.toLowerCase(), spec['equals-ignore-case'].toLowerCase());
  }
  return false;
};

const numeric = (spec: readonly unknown[], value: unknown): boolean => {
  if (typeof value !== 'number') return false;
  for (let index = 0; index < spec.length; index += 2) {
    const bound = spec[index + 1] as number;
    const holds =
      spec[index] === '<'
        ? value < bound
        : spec[index] === '<='
          ? value <= bound
          : spec[index] === '='
            ? value === bound
            : spec[index] === '>'
              ? value > bound
              : value >= bound;
    if (!holds) return false;
  }
  return true;
};

/** One matcher against one (leaf) value of the event. */
const matchesValue = (matcher: unknown, value: unknown): boolean => {
  if (!isJsonObject(matcher)) return matcher === value;
  const [key = ''] = Object.keys(matcher);
  const spec = matcher[key];
  switch (key) {
    case 'prefix':
      return affix(spec, value, (text, part) => text.startsWith(part));
    case 'suffix':
      return affix(spec, value, (text, part) => text.endsWith(part));
    case 'wildcard':
      return typeof value === 'string' && typeof spec === 'string' && wildcardRegExp(spec).test(value);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof spec === 'string' && value.toLowerCase() === spec.toLowerCase();
    case 'anything-but':
      return anythingBut(spec, value);
    case 'numeric':
      return Array.isArray(spec) && numeric(spec, value);
    case 'cidr':
      return typeof value === 'string' && typeof spec === 'string' && inCidr(spec, value);
    case 'exists':
      return spec === true && isLeaf(value);
    default:
      return false;
  }
};

const matchesField = (matchers: readonly unknown[], field: unknown): boolean => {
  if (field === undefined) return matchers.some((matcher) => isJsonObject(matcher) && matcher.exists === false);
  // A list in the event matches when any of its elements does.
  const values = Array.isArray(field) ? field : [field];
  return matchers.some((matcher) => {
    if (isJsonObject(matcher) && matcher.exists !== undefined) return matcher.exists === true && isLeaf(field);
    return values.some((value) => matchesValue(matcher, value));
  });
};

const matchesObject = (pattern: EventPattern, subject: unknown): boolean =>
  Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or')
      return Array.isArray(sub) && sub.some((alternative) => matchesObject(alternative as EventPattern, subject));
    const field = isJsonObject(subject) ? subject[key] : undefined;
    if (Array.isArray(sub)) return matchesField(sub, field);
    if (!isJsonObject(sub)) return false;
    if (Array.isArray(field)) return field.some((element) => matchesObject(sub, element));
    // A nested pattern over an absent object: only "does not exist" tests inside it can hold.
    return matchesObject(sub, isJsonObject(field) ? field : undefined);
  });

/**
 * EventBridge content filtering: fields AND, values in a list OR, `$or` alternatives; exact, prefix,
 * suffix, wildcard, equals-ignore-case, anything-but (value, list, prefix/suffix/wildcard/equals-ignore-case),
 * numeric, cidr (IPv4) and exists. A field the event does not have only matches `{"exists": false}`.
 */
export const matchesEventPattern = (pattern: EventPattern, event: unknown): boolean => matchesObject(pattern, event);
