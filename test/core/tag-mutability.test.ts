import { describe, expect, it } from 'vitest';
import { isTagImmutable, type TagPolicy } from '../../functions/core/tag-mutability.js';
import { isRepositoryWatched, matchesWildcard } from '../../functions/core/wildcard.js';

describe('matchesWildcard', () => {
  it.each([
    ['v7-quarantined', '*-quarantined', true],
    ['v7-quarantined', '*-deployable', false],
    ['cdk-hnb659fds-container-assets-123456789012-us-east-1', 'cdk-*-container-assets-*', true],
    ['cdk-hnb659fds-assets-123456789012-us-east-1', 'cdk-*-container-assets-*', false],
    ['team-a/api', 'team-a/*', true],
    ['team-ab/api', 'team-a/*', false],
    ['abc', 'a*b*c', true],
    ['acb', 'a*b*c', false],
    ['aXbXc', 'a*b*c*', true],
    ['ab', 'a*b*b', false],
    ['exact', 'exact', true],
    ['exactly', 'exact', false],
    ['anything', '*', true],
  ])('%s ~ %s is %s', (name, pattern, expected) => {
    expect(matchesWildcard(name, pattern)).toBe(expected);
  });

  it('stays linear on a hostile pattern', () => {
    expect(matchesWildcard('a'.repeat(50_000), `${'a*'.repeat(1_000)}b`)).toBe(false);
  });

  it.each([
    ['api', ['*'], [], true],
    ['api', ['*'], ['a*'], false],
    ['web', ['api', 'team-*'], [], false],
    ['team-x', ['api', 'team-*'], ['team-x'], false],
    ['team-y', ['api', 'team-*'], ['team-x'], true],
  ])('repository %s with include %j and exclude %j is watched: %s', (name, include, exclude, expected) => {
    expect(isRepositoryWatched(name, include, exclude)).toBe(expected);
  });
});

describe('isTagImmutable (ECR tag mutability with exclusion filters)', () => {
  const policy = (mutability: TagPolicy['mutability'], exclusionFilters: string[] = []): TagPolicy => ({
    mutability,
    exclusionFilters,
  });
  it.each([
    [policy('MUTABLE'), 'v7-quarantined', false],
    [policy('UNKNOWN'), 'v7-quarantined', false],
    [policy('IMMUTABLE'), 'v7-quarantined', true],
    [policy('IMMUTABLE_WITH_EXCLUSION', ['*-quarantined', '*-deployable']), 'v7-quarantined', false],
    [policy('IMMUTABLE_WITH_EXCLUSION', ['*-quarantined']), 'v7-deployable', true],
    [policy('MUTABLE_WITH_EXCLUSION', ['release-*']), 'release-1', true],
    [policy('MUTABLE_WITH_EXCLUSION', ['release-*']), 'v7-quarantined', false],
  ])('%j refuses to move %s: %s', (given, tag, expected) => {
    expect(isTagImmutable(given, tag)).toBe(expected);
  });
});
