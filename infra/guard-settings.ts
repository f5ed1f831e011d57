import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FUNCTION_DEFAULTS } from '../functions/config/function-defaults.js';
import { type FunctionSettings, validateSettings } from '../functions/config/settings.js';
import type { LambdaArchitecture } from '../functions/core/platform.js';
import { guardTagSuffixes, type TagTemplate } from '../functions/core/tag-template.js';
import type { EcrLambdaGuardProps } from './ecr-lambda-guard-props.js';
import { GuardConfigError } from './guard-config-error.js';
import type { SlackChannel } from './slack-options.js';
import { resolveWatchedRepositories } from './watched-repositories.js';

/** The guard's props with every default applied and every value checked. */
export interface GuardSettings {
  /** The function's settings, checked by the validator the function itself uses. */
  readonly function: FunctionSettings;
  /** Include patterns in effect (`['*']` for all; the CDK asset pattern added when it applies). */
  readonly watched: readonly string[];
  /** Exclude patterns, applied by the function. */
  readonly excluded: readonly string[];
  /** Target architectures, deduplicated. */
  readonly architectures: readonly LambdaArchitecture[];
  /** Quarantine tag template. */
  readonly quarantine: TagTemplate;
  /** Deployable tag template. */
  readonly deployable: TagTemplate;
  /** Every suffix the guard's own tags can end with. */
  readonly guardTagSuffixes: readonly string[];
  /** Wildcard exclusion filters covering the guard's tags, one per template. */
  readonly tagMutabilityExclusionFilters: readonly string[];
  /** Whether the function writes tags. */
  readonly writeTags: boolean;
  /** Whether deployable pushes are notified too. */
  readonly notifyOnDeployable: boolean;
  /** Whether warnings quarantine. */
  readonly strict: boolean;
  /** Whether untagged pushes are checked. */
  readonly checkUntagged: boolean;
  /** Largest provenance statement read, in bytes. */
  readonly provenanceMaxBytes: number;
  /** CloudWatch namespace of the embedded metrics. */
  readonly metricsNamespace: string;
  /** Email addresses subscribed to the topic. */
  readonly emailSubscriptions: readonly string[];
  /** The Chatbot channel, checked. */
  readonly slackChannel?: SlackChannel;
  /** Whether alarms notify the topic. */
  readonly alarmsNotifyTopic: boolean;
  /** Log retention. */
  readonly logRetention: logs.RetentionDays;
  /** Function memory in MB. */
  readonly memorySize: number;
  /** Function timeout. */
  readonly timeout: Duration;
  /** Reserved concurrency. */
  readonly reservedConcurrency: number;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// AWS::Chatbot::SlackChannelConfiguration patterns.
const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,255}$/;

const integerIn = (value: number, min: number, max: number, setting: string): number => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GuardConfigError(`${setting} must be an integer from ${min} to ${max}, found ${value}`);
  }
  return value;
};

const timeoutOf = (given: Duration | undefined): Duration => {
  const timeout = given ?? Duration.seconds(FUNCTION_DEFAULTS.timeoutSeconds);
  integerIn(timeout.toSeconds(), 1, 900, 'timeout (seconds)');
  return timeout;
};

const slackChannelOf = (channel: SlackChannel | undefined): { slackChannel?: SlackChannel } => {
  if (channel === undefined) return {};
  if (!SLACK_WORKSPACE_ID.test(channel.workspaceId)) {
    throw new GuardConfigError(`slackChannel.workspaceId "${channel.workspaceId}" is not a Slack workspace id`);
  }
  if (!SLACK_CHANNEL_ID.test(channel.channelId)) {
    throw new GuardConfigError(`slackChannel.channelId "${channel.channelId}" is not a Slack channel id`);
  }
  return { slackChannel: channel };
};

/**
 * Applies the defaults and refuses, naming the setting, anything that would only fail later in
 * CloudFormation or in the function's first cold start: the function's own settings go through the
 * function's validator (`functions/config/settings.ts`), so the two cannot drift apart.
 */
export const resolveGuardSettings = (props: EcrLambdaGuardProps): GuardSettings => {
  const validated = validateSettings(
    {
      targetArchitectures: props.targetArchitectures,
      quarantineTagTemplate: props.quarantineTagTemplate,
      deployableTagTemplate: props.deployableTagTemplate,
      writeTags: props.writeTags,
      notifyOnDeployable: props.notifyOnDeployable,
      strict: props.strict,
      checkUntagged: props.checkUntagged,
      includeRepositories: props.watchRepositories,
      excludeRepositories: props.excludeRepositories,
      provenanceMaxBytes: props.provenanceMaxBytes,
      metricsNamespace: props.metricsNamespace,
      sweepIntervalHours: props.sweepIntervalHours,
      sweepMaxTags: props.sweepMaxTags,
    },
    'prop',
  );
  if (!validated.ok) throw new GuardConfigError(validated.message);
  const checked = validated.settings;
  const watched = resolveWatchedRepositories(checked.includeRepositories, props.includeCdkAssetRepositories ?? true);
  const quarantine = checked.quarantineTagTemplate;
  const deployable = checked.deployableTagTemplate;
  const emailSubscriptions = props.emailSubscriptions ?? [];
  for (const address of emailSubscriptions) {
    if (!EMAIL.test(address)) throw new GuardConfigError(`emailSubscriptions: "${address}" is not an email address`);
  }
  return {
    function: { ...checked, includeRepositories: watched },
    watched,
    excluded: checked.excludeRepositories,
    architectures: checked.targetArchitectures,
    quarantine,
    deployable,
    guardTagSuffixes: guardTagSuffixes([quarantine, deployable], checked.targetArchitectures),
    // `{arch}` becomes `*`: ECR allows at most five exclusion filters per repository, this needs two.
    tagMutabilityExclusionFilters: [...new Set([quarantine, deployable].map((t) => `*${t.suffix.replaceAll('{arch}', '*')}`))],
    writeTags: checked.writeTags,
    notifyOnDeployable: checked.notifyOnDeployable,
    strict: checked.strict,
    checkUntagged: checked.checkUntagged,
    provenanceMaxBytes: checked.provenanceMaxBytes,
    metricsNamespace: checked.metricsNamespace,
    emailSubscriptions,
    ...slackChannelOf(props.slackChannel),
    alarmsNotifyTopic: props.alarmsNotifyTopic ?? true,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    memorySize: integerIn(props.memorySize ?? FUNCTION_DEFAULTS.memoryMb, 128, 10240, 'memorySize'),
    timeout: timeoutOf(props.timeout),
    reservedConcurrency: integerIn(
      props.reservedConcurrency ?? FUNCTION_DEFAULTS.reservedConcurrency,
      1,
      1000,
      'reservedConcurrency',
    ),
  };
};
