/**
 * The EventBridge pattern for the guard's rule, built from configuration. Shared by `infra/`
 * (the real rule) and the local stack (which matches events with the same pattern), so what the
 * tests exercise is what is deployed.
 */
export interface EventPatternOptions {
  /** Repository name patterns; `*` is a wildcard. `['*']` (or empty) watches every repository. */
  readonly includeRepositories: readonly string[];
}

type Matcher = string | Record<string, unknown>;

const repositoryMatcher = (pattern: string): Matcher => {
  if (!pattern.includes('*')) return pattern;
  const star = pattern.indexOf('*');
  // A single trailing star is a prefix match, which every EventBridge feature supports.
  if (star === pattern.length - 1 && pattern.indexOf('*') === pattern.lastIndexOf('*')) return { prefix: pattern.slice(0, -1) };
  return { wildcard: pattern };
};

/**
 * `ECR Image Action` / `PUSH` / `SUCCESS`, for the watched repositories, guard tags included: a tag
 * ending in a guard suffix is checked whoever wrote it (the handler verifies that its image earns
 * it and never writes in response, so each tag the guard writes costs one short invocation and
 * cannot loop). The handler repeats every check (EventBridge filtering is an optimisation, not a
 * guarantee).
 */
export const buildEventPattern = (options: EventPatternOptions): Record<string, unknown> => {
  const watchAll = options.includeRepositories.length === 0 || options.includeRepositories.includes('*');
  return {
    source: ['aws.ecr'],
    'detail-type': ['ECR Image Action'],
    detail: {
      'action-type': ['PUSH'],
      result: ['SUCCESS'],
      ...(watchAll ? {} : { 'repository-name': options.includeRepositories.map(repositoryMatcher) }),
    },
  };
};
