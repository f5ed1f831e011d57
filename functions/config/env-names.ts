/**
 * Names of the guard's environment variables: the one contract between `infra/` (which sets them)
 * and `functions/` (which reads them, once, in `loadConfig`). What each setting means, its default
 * and its checks are in `settings.ts` (one row per setting); the rest are read by `loadConfig`.
 */
export const ENV = {
  /** SNS topic ARN to publish verdicts to. Required. */
  TOPIC_ARN: 'GUARD_TOPIC_ARN',
  TARGET_ARCHITECTURES: 'GUARD_TARGET_ARCHITECTURES',
  QUARANTINE_TAG_TEMPLATE: 'GUARD_QUARANTINE_TAG_TEMPLATE',
  DEPLOYABLE_TAG_TEMPLATE: 'GUARD_DEPLOYABLE_TAG_TEMPLATE',
  WRITE_TAGS: 'GUARD_WRITE_TAGS',
  NOTIFY_ON_DEPLOYABLE: 'GUARD_NOTIFY_ON_DEPLOYABLE',
  STRICT: 'GUARD_STRICT',
  CHECK_UNTAGGED: 'GUARD_CHECK_UNTAGGED',
  INCLUDE_REPOSITORIES: 'GUARD_INCLUDE_REPOSITORIES',
  EXCLUDE_REPOSITORIES: 'GUARD_EXCLUDE_REPOSITORIES',
  PROVENANCE_MAX_BYTES: 'GUARD_PROVENANCE_MAX_BYTES',
  /** Secrets Manager secret id (name or ARN) holding the Slack incoming-webhook URL. Optional. */
  SLACK_WEBHOOK_SECRET_ID: 'GUARD_SLACK_WEBHOOK_SECRET_ID',
  /** SSM SecureString parameter name holding the Slack incoming-webhook URL. Optional. */
  SLACK_WEBHOOK_PARAMETER: 'GUARD_SLACK_WEBHOOK_PARAMETER',
  METRICS_NAMESPACE: 'GUARD_METRICS_NAMESPACE',
  SWEEP_INTERVAL_HOURS: 'GUARD_SWEEP_INTERVAL_HOURS',
  SWEEP_MAX_TAGS: 'GUARD_SWEEP_MAX_TAGS',
  /**
   * Organization mode: the name of the role the member template creates in every member account;
   * the guard assumes it to read and tag images there. Unset: single-account mode.
   */
  MEMBER_ROLE_NAME: 'GUARD_MEMBER_ROLE_NAME',
  /** Organization mode: the guard's own account (its pushes use the function's role). Required with the role name. */
  HOME_ACCOUNT: 'GUARD_HOME_ACCOUNT',
  /** Organization mode: comma-separated account ids the guard acts for; other accounts are ignored. Default: any the bus admits. */
  MEMBER_ACCOUNTS: 'GUARD_MEMBER_ACCOUNTS',
  /** Organization mode: `111111111111=payments,222222222222=data`, the names notifications give accounts. Optional. */
  ACCOUNT_ALIASES: 'GUARD_ACCOUNT_ALIASES',
} as const;
