// Written independently of the guard's functions/core/tag-mutability.ts on purpose: this is the
// witness the guard is tested against, so sharing the code would let one mistake pass both.
import { assertNever } from '../../functions/core/assert-never.js';
import type { ExclusionFilter, RepositoryRecord } from '../state.js';

/** True when a `WILDCARD` exclusion filter (`*` = any run of characters) matches the tag. */
export const exclusionFilterMatches = (filter: ExclusionFilter, tag: string): boolean => {
  const pattern = filter.filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(tag);
};

/**
 * Whether an existing tag may not be moved to another image, per the repository's setting:
 * `IMMUTABLE_WITH_EXCLUSION` makes matching tags mutable, `MUTABLE_WITH_EXCLUSION` makes them immutable.
 */
export const isTagImmutable = (repository: RepositoryRecord, tag: string): boolean => {
  const excluded = repository.exclusionFilters.some((filter) => exclusionFilterMatches(filter, tag));
  switch (repository.imageTagMutability) {
    case 'MUTABLE':
      return false;
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    default:
      return assertNever(repository.imageTagMutability, 'image tag mutability');
  }
};
