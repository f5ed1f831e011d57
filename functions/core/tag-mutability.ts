import { matchesWildcard } from './wildcard.js';

/** A repository's tag mutability as ECR describes it (DescribeRepositories). */
export interface TagPolicy {
  readonly mutability: 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION' | 'UNKNOWN';
  /** Wildcard filters (`*`) that reverse the mutability for matching tags. */
  readonly exclusionFilters: readonly string[];
}

/**
 * True when the repository refuses to move this tag: `IMMUTABLE`, or `IMMUTABLE_WITH_EXCLUSION`
 * for a tag no filter matches, or `MUTABLE_WITH_EXCLUSION` for a tag a filter matches.
 */
export const isTagImmutable = (policy: TagPolicy, tag: string): boolean => {
  const excluded = policy.exclusionFilters.some((filter) => matchesWildcard(tag, filter));
  switch (policy.mutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    case 'MUTABLE':
    case 'UNKNOWN':
      return false;
  }
};
