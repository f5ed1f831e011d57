/**
 * The repositories `cdk deploy` pushes container assets to (`cdk-<qualifier>-container-assets-<account>-<region>`).
 * Watched by default: most "image manifest ... is not supported" failures happen on images pushed there.
 */
export const CDK_ASSET_REPOSITORY_PATTERN = 'cdk-*-container-assets-*';

/**
 * The include patterns the guard actually watches (`watch` already checked and never empty): `['*']` for every repository, otherwise the
 * given names and patterns (deduplicated) plus the CDK asset repositories unless turned off.
 */
export const resolveWatchedRepositories = (watch: readonly string[], includeCdkAssets: boolean): readonly string[] => {
  if (watch.includes('*')) return ['*'];
  const withAssets = includeCdkAssets ? [...watch, CDK_ASSET_REPOSITORY_PATTERN] : watch;
  return [...new Set(withAssets)];
};

/**
 * The `repository/<name>` part of the ECR ARNs the function may touch. IAM's `*` matches any run
 * of characters like the guard's and EventBridge's, so a pattern maps to itself.
 */
export const repositoryArnResourceNames = (watched: readonly string[]): readonly string[] =>
  watched.includes('*') ? ['*'] : watched;
