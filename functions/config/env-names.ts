/**
 * Names of the guard's environment variables: the one contract between `infra/` (which sets them)
 * and `functions/` (which reads them, once, in `loadConfig`). Both import this file.
 */
export const ENV = {
  /** SNS topic ARN to publish verdicts to. Required. */
  TOPIC_ARN: 'GUARD_TOPIC_ARN',
  /** `x86_64`, `arm64`, or `x86_64,arm64`: the architectures your functions use. Default `x86_64,arm64`. */
  TARGET_ARCHITECTURES: 'GUARD_TARGET_ARCHITECTURES',
  /** Tag template for quarantined pushes. Default `{tag}-quarantined`. */
  QUARANTINE_TAG_TEMPLATE: 'GUARD_QUARANTINE_TAG_TEMPLATE',
  /** Tag template for deployable pushes and for the runnable child of a quarantined index. Default `{tag}-deployable`. */
  DEPLOYABLE_TAG_TEMPLATE: 'GUARD_DEPLOYABLE_TAG_TEMPLATE',
  /** `true` to write tags (default); `false` to only notify. */
  WRITE_TAGS: 'GUARD_WRITE_TAGS',
  /** `true` to also notify about deployable pushes. Default `false`. */
  NOTIFY_ON_DEPLOYABLE: 'GUARD_NOTIFY_ON_DEPLOYABLE',
  /** `true` to quarantine on warnings too. Default `false`. */
  STRICT: 'GUARD_STRICT',
  /** `true` to check untagged pushes (index children, pushes by digest) too; they are never tagged. Default `false`. */
  CHECK_UNTAGGED: 'GUARD_CHECK_UNTAGGED',
  /** Comma-separated repository name patterns (`*` wildcard) to watch. Default `*`. */
  INCLUDE_REPOSITORIES: 'GUARD_INCLUDE_REPOSITORIES',
  /** Comma-separated repository name patterns to ignore. Default empty. */
  EXCLUDE_REPOSITORIES: 'GUARD_EXCLUDE_REPOSITORIES',
  /** Largest provenance statement to read, in bytes; `0` disables. Default 1048576. */
  PROVENANCE_MAX_BYTES: 'GUARD_PROVENANCE_MAX_BYTES',
  /** Secrets Manager secret id (name or ARN) holding the Slack incoming-webhook URL. Optional. */
  SLACK_WEBHOOK_SECRET_ID: 'GUARD_SLACK_WEBHOOK_SECRET_ID',
  /** SSM SecureString parameter name holding the Slack incoming-webhook URL. Optional. */
  SLACK_WEBHOOK_PARAMETER: 'GUARD_SLACK_WEBHOOK_PARAMETER',
  /** CloudWatch namespace for the embedded metrics. Default `EcrLambdaGuard`. */
  METRICS_NAMESPACE: 'GUARD_METRICS_NAMESPACE',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Defaults, shared with infra so the construct documents the same values. */
export const DEFAULTS = {
  TARGET_ARCHITECTURES: 'x86_64,arm64',
  QUARANTINE_TAG_TEMPLATE: '{tag}-quarantined',
  DEPLOYABLE_TAG_TEMPLATE: '{tag}-deployable',
  PROVENANCE_MAX_BYTES: 1024 * 1024,
  METRICS_NAMESPACE: 'EcrLambdaGuard',
} as const;
