import { GuardConfigError } from './guard-config-error.js';

/**
 * The repositories `cdk deploy` pushes container assets to (`cdk-<qualifier>-container-assets-<account>-<region>`).
 * Watched by default: most "image manifest ... is not supported" failures happen on images pushed there.
 */
export const CDK_ASSET_REPOSITORY_PATTERN = 'cdk-*-container-assets-*';

// ECR repository names are lowercase letters, digits and `._-/`, at most 256 characters
// (CreateRepository API); `*` is our wildcard.
const PATTERN_GRAMMAR = /^[a-z0-9._/*-]{1,256}$/;

/** Rejects a repository pattern that ECR, EventBridge or IAM would read differently from the guard. */
export const validateRepositoryPattern = (pattern: string, setting: string): string => {
  if (!PATTERN_GRAMMAR.test(pattern)) {
    throw new GuardConfigError(
      `${setting}: "${pattern}" is not a repository name or pattern (lowercase letters, digits, ".", "_", "-", "/" and "*")`,
    );
  }
  // EventBridge wildcard patterns refuse consecutive wildcards; "**" would mean the same as "*" anyway.
  if (pattern.includes('**')) throw new GuardConfigError(`${setting}: "${pattern}" has consecutive "*"`);
  return pattern;
};

/**
 * The include patterns the guard actually watches: `['*']` for every repository, otherwise the
 * given names and patterns (deduplicated) plus the CDK asset repositories unless turned off.
 */
export const resolveWatchedRepositories = (
  watch: readonly string[] | undefined,
  includeCdkAssets: boolean,
): readonly string[] => {
  const given = (watch ?? ['*']).map((pattern) => validateRepositoryPattern(pattern.trim(), 'watchRepositories'));
  if (given.length === 0 || given.includes('*')) return ['*'];
  const withAssets = includeCdkAssets ? [...given, CDK_ASSET_REPOSITORY_PATTERN] : given;
  return [...new Set(withAssets)];
};

/**
 * The `repository/<name>` part of the ECR ARNs the function may touch. IAM's `*` matches any run
 * of characters like the guard's and EventBridge's, so a pattern maps to itself.
 */
export const repositoryArnResourceNames = (watched: readonly string[]): readonly string[] =>
  watched.includes('*') ? ['*'] : watched;
