import { ENV } from '../functions/config/env-names.js';
import type { GuardSettings } from './guard-settings.js';

/**
 * The function's environment: every variable named through `ENV`, the one contract with
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
  [ENV.TARGET_ARCHITECTURES]: settings.architectures.join(','),
  [ENV.QUARANTINE_TAG_TEMPLATE]: settings.quarantine.text,
  [ENV.DEPLOYABLE_TAG_TEMPLATE]: settings.deployable.text,
  [ENV.WRITE_TAGS]: String(settings.writeTags),
  [ENV.NOTIFY_ON_DEPLOYABLE]: String(settings.notifyOnDeployable),
  [ENV.STRICT]: String(settings.strict),
  [ENV.CHECK_UNTAGGED]: String(settings.checkUntagged),
  [ENV.INCLUDE_REPOSITORIES]: settings.watched.join(','),
  [ENV.EXCLUDE_REPOSITORIES]: settings.excluded.join(','),
  [ENV.PROVENANCE_MAX_BYTES]: String(settings.provenanceMaxBytes),
  [ENV.METRICS_NAMESPACE]: settings.metricsNamespace,
  ...slackVariables,
  // Node parses the handler's source map at every cold start when this is set (npm run bench).
  ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
});
