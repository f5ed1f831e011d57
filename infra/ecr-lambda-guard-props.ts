import type { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { LambdaArchitecture } from '../functions/core/platform.js';
import type { GuardOrganization } from './organization-options.js';
import type { SlackChannel, SlackWebhookSecret } from './slack-options.js';

/** Settings of an {@link EcrLambdaGuard}; every one has a default that suits a first deployment. */
export interface EcrLambdaGuardProps {
  /**
   * Repositories to check: exact names and patterns where `*` stands for any run of characters
   * (`team-a/*`, `*-lambda`). `['*']` checks every repository in the account and Region.
   * @default ['*']
   */
  readonly watchRepositories?: readonly string[];
  /**
   * Also watch the CDK bootstrap asset repositories (`cdk-*-container-assets-*`) when
   * `watchRepositories` names only some repositories.
   * @default true
   */
  readonly includeCdkAssetRepositories?: boolean;
  /**
   * Repositories to ignore even when a watch pattern matches them (same pattern syntax). The
   * function applies them, so they narrow no IAM permission.
   * @default []
   */
  readonly excludeRepositories?: readonly string[];
  /**
   * The architectures your Lambda functions use; an image index with a runnable child for one of
   * them gets that child tagged deployable.
   * @default ['x86_64', 'arm64']
   */
  readonly targetArchitectures?: readonly LambdaArchitecture[];
  /**
   * Tag written on quarantined pushes: `{tag}` followed by a suffix (which may use `{arch}`).
   * @default '{tag}-quarantined'
   */
  readonly quarantineTagTemplate?: string;
  /**
   * Tag written on deployable pushes and on the runnable child of a quarantined index.
   * @default '{tag}-deployable'
   */
  readonly deployableTagTemplate?: string;
  /**
   * Write the deployable/quarantined tags. `false` only notifies, and drops `ecr:PutImage` from the
   * function's permissions.
   * @default true
   */
  readonly writeTags?: boolean;
  /**
   * Also notify about deployable pushes, not only quarantined ones.
   * @default false
   */
  readonly notifyOnDeployable?: boolean;
  /**
   * Quarantine on warnings too (e.g. zstd layers, which Lambda has not documented as supported).
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Also check untagged pushes (index children, pushes by digest); they are never tagged.
   * @default false
   */
  readonly checkUntagged?: boolean;
  /**
   * Largest provenance attestation to read, in bytes (at most 16 MiB); `0` stops reading them.
   * @default 1048576
   */
  readonly provenanceMaxBytes?: number;
  /**
   * Hours between scheduled sweeps that check, as if just pushed, the tags whose push event was
   * lost (each sweep looks back two intervals); `0` deploys no schedule.
   * @default 24
   */
  readonly sweepIntervalHours?: number;
  /**
   * Most tags one sweep checks; the rest are checked by the next sweeps, oldest first.
   * @default 300
   */
  readonly sweepMaxTags?: number;
  /**
   * CloudWatch namespace of the function's embedded metrics.
   * @default 'EcrLambdaGuard'
   */
  readonly metricsNamespace?: string;
  /**
   * An existing standard (not FIFO) topic to publish to. Its KMS key, if imported with one, is
   * granted to the function; alarm notifications need that key's policy to allow CloudWatch.
   * @default - a new topic encrypted with a new customer managed KMS key
   */
  readonly topic?: sns.ITopic;
  /**
   * Where the Slack incoming-webhook URL is stored, for posting to Slack directly.
   * @default - no webhook; use `slackChannel` or subscribe to the topic
   */
  readonly slackWebhook?: SlackWebhookSecret;
  /**
   * A Slack channel subscribed to the topic through AWS Chatbot.
   * @default - no Chatbot channel configuration
   */
  readonly slackChannel?: SlackChannel;
  /**
   * Email addresses subscribed to the topic; each must confirm the subscription once.
   * @default []
   */
  readonly emailSubscriptions?: readonly string[];
  /**
   * Send the guard's own alarms (function errors, messages in a dead-letter queue) to the topic.
   * @default true
   */
  readonly alarmsNotifyTopic?: boolean;
  /**
   * How long the function's log group keeps logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The function's memory in MB (128 to 10240); CPU grows with it.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * The function's timeout: room for SDK retries under ECR throttling and a Slack `Retry-After`.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency. ECR allows 10 `PutImage` calls per second per account and Region, shared
   * with `docker push`; each check makes at most two among several sequential reads, so five
   * concurrent checks keep at most ten tag writes in flight and a sustained rate well below the
   * quota. Excess events wait in Lambda's async queue. Lambda keeps 100 executions unreserved
   * (PutFunctionConcurrency), so the account's concurrency quota must be at least 100 plus this value.
   * @default 5
   */
  readonly reservedConcurrency?: number;
  /**
   * Runs the function with `--enable-source-maps`, so stack traces in CloudWatch name source files
   * and lines. Node then parses the handler's source map at every cold start, which costs more than
   * the guard's own code (`npm run bench`: cold start with and without); without it, traces name
   * positions in the minified bundle and `npm run symbolicate` maps them back with the asset's maps.
   * @default false
   */
  readonly sourceMaps?: boolean;
  /**
   * Central mode: one guard for every account and Region of an AWS Organization, fed by a central
   * event bus that admits only the organization; member accounts deploy the member template.
   * @default - single-account mode
   */
  readonly organization?: GuardOrganization;
}
