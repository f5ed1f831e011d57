import { describe, expect, it } from 'vitest';
import { buildEventPattern } from '../../functions/config/event-pattern.js';
import {
  assertEventPattern,
  EventPatternError,
  eventPatternProblems,
  matchesEventPattern,
} from '../../local/event-pattern-match.js';

const push = (detail: Record<string, unknown>): Record<string, unknown> => ({
  version: '0',
  id: 'e1',
  'detail-type': 'ECR Image Action',
  source: 'aws.ecr',
  account: '123456789012',
  time: '2026-11-25T15:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    result: 'SUCCESS',
    'action-type': 'PUSH',
    'repository-name': 'team/app',
    'image-digest': 'sha256:00',
    'image-tag': 'v1',
    ...detail,
  },
});

describe('EventBridge pattern matching', () => {
  it.each([
    { name: 'exact string', pattern: { source: ['aws.ecr'] }, event: { source: 'aws.ecr' }, match: true },
    { name: 'exact string, other value', pattern: { source: ['aws.ecr'] }, event: { source: 'aws.s3' }, match: false },
    { name: 'list is OR', pattern: { source: ['aws.s3', 'aws.ecr'] }, event: { source: 'aws.ecr' }, match: true },
    {
      name: 'fields are AND',
      pattern: { source: ['aws.ecr'], region: ['eu-west-1'] },
      event: { source: 'aws.ecr', region: 'us-east-1' },
      match: false,
    },
    { name: 'absent field', pattern: { account: ['123456789012'] }, event: { source: 'aws.ecr' }, match: false },
    { name: 'number is not string', pattern: { n: [1] }, event: { n: '1' }, match: false },
    { name: 'number exact', pattern: { n: [1] }, event: { n: 1 }, match: true },
    { name: 'null literal', pattern: { n: [null] }, event: { n: null }, match: true },
    { name: 'boolean literal', pattern: { b: [true] }, event: { b: true }, match: true },
    { name: 'prefix', pattern: { r: [{ prefix: 'team/' }] }, event: { r: 'team/app' }, match: true },
    { name: 'prefix miss', pattern: { r: [{ prefix: 'team/' }] }, event: { r: 'other/app' }, match: false },
    {
      name: 'prefix ignore case',
      pattern: { r: [{ prefix: { 'equals-ignore-case': 'TEAM/' } }] },
      event: { r: 'team/app' },
      match: true,
    },
    { name: 'suffix', pattern: { t: [{ suffix: '-deployable' }] }, event: { t: 'v1-deployable' }, match: true },
    {
      name: 'suffix ignore case',
      pattern: { t: [{ suffix: { 'equals-ignore-case': '-DEPLOYABLE' } }] },
      event: { t: 'v1-deployable' },
      match: true,
    },
    { name: 'wildcard', pattern: { r: [{ wildcard: 'team/*/svc-*' }] }, event: { r: 'team/a/svc-1' }, match: true },
    { name: 'wildcard miss', pattern: { r: [{ wildcard: 'team/*/svc-*' }] }, event: { r: 'team/a/web-1' }, match: false },
    { name: 'escaped star is literal', pattern: { r: [{ wildcard: 'a\\*b' }] }, event: { r: 'axxb' }, match: false },
    { name: 'equals-ignore-case', pattern: { s: [{ 'equals-ignore-case': 'AWS.ECR' }] }, event: { s: 'aws.ecr' }, match: true },
    { name: 'exists true', pattern: { t: [{ exists: true }] }, event: { t: '' }, match: true },
    { name: 'exists true on absent', pattern: { t: [{ exists: true }] }, event: {}, match: false },
    { name: 'exists false on absent', pattern: { t: [{ exists: false }] }, event: {}, match: true },
    { name: 'exists false on present', pattern: { t: [{ exists: false }] }, event: { t: 'v1' }, match: false },
    { name: 'exists true on an object is false', pattern: { d: [{ exists: true }] }, event: { d: { a: 1 } }, match: false },
    { name: 'anything-but value', pattern: { t: [{ 'anything-but': 'latest' }] }, event: { t: 'v1' }, match: true },
    { name: 'anything-but value hit', pattern: { t: [{ 'anything-but': 'latest' }] }, event: { t: 'latest' }, match: false },
    { name: 'anything-but list', pattern: { t: [{ 'anything-but': ['a', 'b'] }] }, event: { t: 'b' }, match: false },
    { name: 'anything-but on absent field', pattern: { t: [{ 'anything-but': 'x' }] }, event: {}, match: false },
    {
      name: 'anything-but prefix',
      pattern: { t: [{ 'anything-but': { prefix: 'tmp-' } }] },
      event: { t: 'tmp-1' },
      match: false,
    },
    {
      name: 'anything-but suffix list',
      pattern: { t: [{ 'anything-but': { suffix: ['-a', '-b'] } }] },
      event: { t: 'v1-b' },
      match: false,
    },
    {
      name: 'anything-but suffix list passes',
      pattern: { t: [{ 'anything-but': { suffix: ['-a', '-b'] } }] },
      event: { t: 'v1-c' },
      match: true,
    },
    {
      name: 'anything-but wildcard',
      pattern: { t: [{ 'anything-but': { wildcard: '*-rc*' } }] },
      event: { t: 'v2-rc1' },
      match: false,
    },
    {
      name: 'anything-but equals-ignore-case',
      pattern: { t: [{ 'anything-but': { 'equals-ignore-case': ['LATEST'] } }] },
      event: { t: 'latest' },
      match: false,
    },
    { name: 'numeric range', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: { n: 5 }, match: true },
    { name: 'numeric out of range', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: { n: 6 }, match: false },
    { name: 'cidr', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: '10.0.0.7' }, match: true },
    {
      name: 'event array: any element',
      pattern: { resources: ['arn:b'] },
      event: { resources: ['arn:a', 'arn:b'] },
      match: true,
    },
    {
      name: 'nested fields',
      pattern: { detail: { result: ['SUCCESS'] } },
      event: { detail: { result: 'SUCCESS' } },
      match: true,
    },
    { name: 'nested on absent object', pattern: { detail: { result: ['SUCCESS'] } }, event: {}, match: false },
    {
      name: '$or alternatives',
      pattern: { $or: [{ source: ['aws.s3'] }, { detail: { result: ['SUCCESS'] } }] },
      event: { source: 'aws.ecr', detail: { result: 'SUCCESS' } },
      match: true,
    },
    { name: '$or none', pattern: { $or: [{ a: ['1'] }, { b: ['2'] }] }, event: { a: '2', b: '1' }, match: false },
  ])('$name: $match', ({ pattern, event, match }) => {
    // Act
    const result = matchesEventPattern(assertEventPattern(pattern), event);

    // Assess
    expect(result).toBe(match);
  });

  it.each([
    { name: 'a scalar leaf', pattern: { source: 'aws.ecr' }, problem: /must be a list of matchers/ },
    { name: 'an empty list', pattern: { source: [] }, problem: /must not be an empty list/ },
    { name: 'an unknown matcher', pattern: { source: [{ startsWith: 'a' }] }, problem: /exactly one of/ },
    { name: 'two keys in one matcher', pattern: { source: [{ prefix: 'a', suffix: 'b' }] }, problem: /exactly one of/ },
    { name: 'numeric without pairs', pattern: { n: [{ numeric: ['>'] }] }, problem: /numeric/ },
    { name: 'a lonely $or', pattern: { $or: [{ a: ['1'] }] }, problem: /at least two/ },
    { name: 'anything-but with an object list', pattern: { a: [{ 'anything-but': { prefix: [1] } }] }, problem: /anything-but/ },
    { name: 'an empty pattern', pattern: {}, problem: /must not be empty/ },
  ])('refuses $name', ({ pattern, problem }) => {
    // Act
    const problems = eventPatternProblems(pattern);

    // Assess
    expect(problems.join('; ')).toMatch(problem);
    expect(() => assertEventPattern(pattern)).toThrow(EventPatternError);
  });

  describe("the guard's own pattern (buildEventPattern)", () => {
    const pattern = assertEventPattern(
      buildEventPattern({
        includeRepositories: ['team/*', 'billing', 'svc-*-api'],
      }),
    );

    it.each([
      { name: 'a push to a watched repository', detail: {}, match: true },
      { name: 'an untagged child push', detail: { 'image-tag': '' }, match: true },
      // Guard tags are checked whoever wrote them: the handler verifies them and never writes back.
      { name: 'a push of a guard tag (deployable)', detail: { 'image-tag': 'v1-deployable' }, match: true },
      { name: 'a push of a guard tag (quarantined)', detail: { 'image-tag': 'v1-quarantined' }, match: true },
      { name: 'a tag that only contains the suffix', detail: { 'image-tag': 'deployable-v1' }, match: true },
      { name: 'an exact repository', detail: { 'repository-name': 'billing' }, match: true },
      { name: 'a wildcard repository', detail: { 'repository-name': 'svc-orders-api' }, match: true },
      { name: 'an unwatched repository', detail: { 'repository-name': 'other/app' }, match: false },
      { name: 'a failed push', detail: { result: 'FAILURE' }, match: false },
      { name: 'a delete', detail: { 'action-type': 'DELETE' }, match: false },
    ])('$name matches: $match', ({ detail, match }) => {
      // Act
      const result = matchesEventPattern(pattern, push(detail));

      // Assess
      expect(result).toBe(match);
    });

    it('watches every repository when told *', () => {
      // Prepare
      const everything = assertEventPattern(buildEventPattern({ includeRepositories: ['*'] }));

      // Act
      const result = matchesEventPattern(everything, push({ 'repository-name': 'anything/at/all' }));

      // Assess
      expect(result).toBe(true);
    });
  });
});
