import type * as events from 'aws-cdk-lib/aws-events';
import { GuardConfigError } from './guard-config-error.js';

const stringList = (value: unknown, key: string): string[] => {
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) return [...value];
  throw new GuardConfigError(`event pattern: "${key}" must be a list of strings`);
};

/**
 * Turns a raw EventBridge pattern (as `buildEventPattern` writes it, with `detail-type`) into
 * CDK's camel-cased `EventPattern`, refusing keys it would otherwise drop: the rule must carry the
 * shared pattern unchanged.
 */
export const toCdkEventPattern = (pattern: Readonly<Record<string, unknown>>): events.EventPattern => {
  const { source, 'detail-type': detailType, detail, ...rest } = pattern;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new GuardConfigError(`event pattern: unsupported top-level keys ${unknownKeys.join(', ')}`);
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new GuardConfigError('event pattern: "detail" must be an object');
  }
  return { source: stringList(source, 'source'), detailType: stringList(detailType, 'detail-type'), detail: { ...detail } };
};
