import * as logs from 'aws-cdk-lib/aws-logs';
import { type LambdaArchitecture, parseLambdaArchitecture } from '../functions/core/platform.js';
import type { EcrLambdaGuardProps } from './ecr-lambda-guard.js';
import { GuardConfigError } from './guard-config-error.js';
import type { ExistingTopic, GuardStackProps } from './guard-stack.js';
import type { SlackWebhookSecret } from './slack-options.js';

/**
 * The CDK context keys the app reads (`npx cdk synth -c watch=team-a/*,api -c strict=true`, or
 * `"context"` in cdk.json). Lists are comma-separated; flags are `true`/`false`.
 */
export const CONTEXT_KEYS = {
  /** Stack name. Default `EcrLambdaGuard`. */
  stackName: 'stackName',
  /** Repositories to watch: names and `*` patterns, or `*` for all. Default `*`. */
  watch: 'watch',
  /** Repositories to ignore (patterns). Default none. */
  exclude: 'exclude',
  /** Also watch `cdk-*-container-assets-*` when `watch` names some repositories. Default `true`. */
  cdkAssetRepositories: 'cdkAssetRepositories',
  /** `x86_64`, `arm64` or both. Default both. */
  architectures: 'architectures',
  /** Default `{tag}-quarantined`. */
  quarantineTagTemplate: 'quarantineTagTemplate',
  /** Default `{tag}-deployable`. */
  deployableTagTemplate: 'deployableTagTemplate',
  /** Write tags (`false`: notify only). Default `true`. */
  writeTags: 'writeTags',
  /** Notify about deployable pushes too. Default `false`. */
  notifyOnDeployable: 'notifyOnDeployable',
  /** Quarantine on warnings. Default `false`. */
  strict: 'strict',
  /** Check untagged pushes too. Default `false`. */
  checkUntagged: 'checkUntagged',
  /** Existing standard SNS topic ARN. Default: a new encrypted topic. */
  topicArn: 'topicArn',
  /** KMS key ARN of that existing topic, if it is encrypted with a customer managed key. */
  topicKeyArn: 'topicKeyArn',
  /** Secrets Manager secret name or ARN holding the Slack webhook URL. */
  slackWebhookSecret: 'slackWebhookSecret',
  /** SSM SecureString parameter name holding the Slack webhook URL. */
  slackWebhookParameter: 'slackWebhookParameter',
  /** Chatbot: Slack workspace id (with `slackChannelId`). */
  slackWorkspaceId: 'slackWorkspaceId',
  /** Chatbot: Slack channel id (with `slackWorkspaceId`). */
  slackChannelId: 'slackChannelId',
  /** Email addresses to subscribe. */
  email: 'email',
  /** Send the guard's alarms to the topic. Default `true`. */
  alarmsNotifyTopic: 'alarmsNotifyTopic',
  /** Log retention in days (a value CloudWatch Logs accepts, e.g. 30, 90, 365). Default 30. */
  logRetentionDays: 'logRetentionDays',
  /** Function memory in MB. Default 512. */
  memorySize: 'memorySize',
  /** Reserved concurrency. Default 5. */
  reservedConcurrency: 'reservedConcurrency',
  /** Source-mapped stack traces (`--enable-source-maps`; slower cold starts). Default `false`. */
  sourceMaps: 'sourceMaps',
  /** Hours between scheduled sweeps; `0` deploys none. Default 24. */
  sweepIntervalHours: 'sweepIntervalHours',
  /** Most tags one sweep checks. Default 300. */
  sweepMaxTags: 'sweepMaxTags',
  /** Largest provenance statement read, in bytes; `0` reads none. Default 1 MiB. */
  provenanceMaxBytes: 'provenanceMaxBytes',
  /** CloudWatch namespace of the guard's metrics. Default `EcrLambdaGuard`. */
  metricsNamespace: 'metricsNamespace',
  /** Run the AWS Solutions checks (cdk-nag) on synth. Default `true`. */
  nag: 'nag',
  /** `single` (one account, default) or `organization` (a central stack and the member template). */
  variant: 'variant',
  /** Organization variant: the organization id; without it the central template takes it as a parameter. */
  organizationId: 'organizationId',
  /** Organization variant: the only account ids the guard acts for. Default: any the bus admits. */
  memberAccounts: 'memberAccounts',
  /** Organization variant: `111111111111=payments,…`, names notifications show next to account ids. */
  accountAliases: 'accountAliases',
} as const;

/** What the app needs besides the guard's props. */
export interface AppSettings {
  /** The stack's name. */
  readonly stackName: string;
  /** Whether to run the AWS Solutions checks on synth. */
  readonly nag: boolean;
  /** The guard's props; an existing topic is imported by the stack, in its own scope. */
  readonly guard: Omit<EcrLambdaGuardProps, 'topic'>;
  /** An existing topic to publish to instead of a new one. */
  readonly existingTopic?: ExistingTopic;
  /** The organization variant's settings; absent for the single-account variant. */
  readonly organization?: NonNullable<GuardStackProps['organization']>;
}

/** Reads one context value as CDK hands it over (strings from `-c`, JSON values from cdk.json). */
export type ContextReader = (key: string) => unknown;

const text = (read: ContextReader, key: string): string | undefined => {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new GuardConfigError(`context "${key}" must be a string`);
};

const list = (read: ContextReader, key: string): string[] | undefined => {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (items === undefined || !items.every((item): item is string => typeof item === 'string')) {
    throw new GuardConfigError(`context "${key}" must be a comma-separated string or a list of strings`);
  }
  const trimmed = items.map((item) => item.trim()).filter((item) => item !== '');
  return trimmed.length === 0 ? undefined : trimmed;
};

const flag = (read: ContextReader, key: string): boolean | undefined => {
  const value = text(read, key)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new GuardConfigError(`context "${key}" must be true or false, found "${value}"`);
};

const integer = (read: ContextReader, key: string): number | undefined => {
  const value = text(read, key);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new GuardConfigError(`context "${key}" must be an integer, found "${value}"`);
  return parsed;
};

const retention = (read: ContextReader): logs.RetentionDays | undefined => {
  const days = integer(read, CONTEXT_KEYS.logRetentionDays);
  if (days === undefined) return undefined;
  const known = Object.values(logs.RetentionDays).find((value) => value === days);
  if (known === undefined || typeof known === 'string') {
    throw new GuardConfigError(`context "${CONTEXT_KEYS.logRetentionDays}": CloudWatch Logs does not offer ${days} days`);
  }
  return known;
};

const architectures = (read: ContextReader): LambdaArchitecture[] | undefined =>
  list(read, CONTEXT_KEYS.architectures)?.map((item) => {
    const arch = parseLambdaArchitecture(item);
    if (arch === undefined)
      throw new GuardConfigError(`context "${CONTEXT_KEYS.architectures}": "${item}" is not x86_64 or arm64`);
    return arch;
  });

const slackWebhook = (read: ContextReader): SlackWebhookSecret | undefined => {
  const secretId = text(read, CONTEXT_KEYS.slackWebhookSecret);
  const parameterName = text(read, CONTEXT_KEYS.slackWebhookParameter);
  if (secretId !== undefined && parameterName !== undefined) {
    throw new GuardConfigError(
      `set only one of context "${CONTEXT_KEYS.slackWebhookSecret}" and "${CONTEXT_KEYS.slackWebhookParameter}"`,
    );
  }
  if (secretId !== undefined) return { secretId };
  if (parameterName !== undefined) return { parameterName };
  return undefined;
};

/** Drops the keys whose value is undefined, as `exactOptionalPropertyTypes` wants for optional props. */
const defined = <T extends object>(value: { [K in keyof T]: T[K] | undefined }): T =>
  Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;

const organization = (read: ContextReader): AppSettings['organization'] => {
  const variant = text(read, CONTEXT_KEYS.variant) ?? 'single';
  if (variant !== 'single' && variant !== 'organization') {
    throw new GuardConfigError(`context "${CONTEXT_KEYS.variant}" must be single or organization, found "${variant}"`);
  }
  const organizationId = text(read, CONTEXT_KEYS.organizationId);
  const memberAccounts = list(read, CONTEXT_KEYS.memberAccounts);
  const aliases = list(read, CONTEXT_KEYS.accountAliases);
  if (variant === 'single') {
    if (organizationId !== undefined || memberAccounts !== undefined || aliases !== undefined) {
      throw new GuardConfigError(`the organization settings need context "${CONTEXT_KEYS.variant}=organization"`);
    }
    return undefined;
  }
  const accountAliases = Object.fromEntries(
    (aliases ?? []).map((item) => {
      const [account, alias, ...rest] = item.split('=');
      if (account === undefined || alias === undefined || rest.length > 0) {
        throw new GuardConfigError(`context "${CONTEXT_KEYS.accountAliases}": "${item}" is not <account id>=<alias>`);
      }
      return [account.trim(), alias.trim()];
    }),
  );
  return defined<NonNullable<AppSettings['organization']>>({
    organizationId,
    memberAccounts,
    accountAliases: aliases === undefined ? undefined : accountAliases,
  });
};

/** Turns the app's context into stack settings, naming the key of any value it cannot use. */
export const readAppSettings = (read: ContextReader): AppSettings => {
  const workspaceId = text(read, CONTEXT_KEYS.slackWorkspaceId);
  const channelId = text(read, CONTEXT_KEYS.slackChannelId);
  if ((workspaceId === undefined) !== (channelId === undefined)) {
    throw new GuardConfigError(
      `set both context "${CONTEXT_KEYS.slackWorkspaceId}" and "${CONTEXT_KEYS.slackChannelId}", or neither`,
    );
  }
  const topicArn = text(read, CONTEXT_KEYS.topicArn);
  const topicKeyArn = text(read, CONTEXT_KEYS.topicKeyArn);
  if (topicKeyArn !== undefined && topicArn === undefined) {
    throw new GuardConfigError(`context "${CONTEXT_KEYS.topicKeyArn}" needs "${CONTEXT_KEYS.topicArn}"`);
  }
  const guard = defined<Omit<EcrLambdaGuardProps, 'topic'>>({
    watchRepositories: list(read, CONTEXT_KEYS.watch),
    excludeRepositories: list(read, CONTEXT_KEYS.exclude),
    includeCdkAssetRepositories: flag(read, CONTEXT_KEYS.cdkAssetRepositories),
    targetArchitectures: architectures(read),
    quarantineTagTemplate: text(read, CONTEXT_KEYS.quarantineTagTemplate),
    deployableTagTemplate: text(read, CONTEXT_KEYS.deployableTagTemplate),
    writeTags: flag(read, CONTEXT_KEYS.writeTags),
    notifyOnDeployable: flag(read, CONTEXT_KEYS.notifyOnDeployable),
    strict: flag(read, CONTEXT_KEYS.strict),
    checkUntagged: flag(read, CONTEXT_KEYS.checkUntagged),
    slackWebhook: slackWebhook(read),
    slackChannel: workspaceId !== undefined && channelId !== undefined ? { workspaceId, channelId } : undefined,
    emailSubscriptions: list(read, CONTEXT_KEYS.email),
    alarmsNotifyTopic: flag(read, CONTEXT_KEYS.alarmsNotifyTopic),
    logRetention: retention(read),
    memorySize: integer(read, CONTEXT_KEYS.memorySize),
    reservedConcurrency: integer(read, CONTEXT_KEYS.reservedConcurrency),
    sourceMaps: flag(read, CONTEXT_KEYS.sourceMaps),
    sweepIntervalHours: integer(read, CONTEXT_KEYS.sweepIntervalHours),
    sweepMaxTags: integer(read, CONTEXT_KEYS.sweepMaxTags),
    provenanceMaxBytes: integer(read, CONTEXT_KEYS.provenanceMaxBytes),
    metricsNamespace: text(read, CONTEXT_KEYS.metricsNamespace),
  });
  return {
    stackName: text(read, CONTEXT_KEYS.stackName) ?? 'EcrLambdaGuard',
    nag: flag(read, CONTEXT_KEYS.nag) ?? true,
    guard,
    ...(() => {
      const org = organization(read);
      return org === undefined ? {} : { organization: org };
    })(),
    ...(topicArn === undefined
      ? {}
      : { existingTopic: topicKeyArn === undefined ? { topicArn } : { topicArn, keyArn: topicKeyArn } }),
  };
};
