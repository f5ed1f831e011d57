import { ENV } from '../functions/config/env-names.js';
import { settingsEnvironment } from '../functions/config/settings.js';
import type { GuardSettings } from './guard-settings.js';

/**
 * The function's environment: every setting written by its row in `settings.ts`, named through `ENV`, the one contract with
 * `functions/config/load-config.ts`, and source-mapped stack traces when asked for. Slack variables
 * come from the grant that gives access to the secret or parameter, so the two cannot drift apart.
 */
export const guardEnvironment = (
  settings: GuardSettings,
  topicArn: string,
  slackVariables: Readonly<Record<string, string>>,
  sourceMaps = false,
): Record<string, string> => ({
  [ENV.TOPIC_ARN]: topicArn,
  ...settingsEnvironment(settings.function),
  ...slackVariables,
  // Node parses the handler's source map at every cold start when this is set (npm run bench).
  ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
});
