import { DEFAULT_LOG_LEVEL, LOG_LEVEL_VARIABLE, LOG_LEVELS, type LogLevel, parseLogLevel } from '../app/log-level.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from '../core/fetch-plan.js';
import type { LambdaArchitecture } from '../core/platform.js';
import { guardTagSuffixes, type TagTemplate } from '../core/tag-template.js';
import { ENV } from './env-names.js';
import { settingsFromEnvironment, topicArnProblem, validateSettings } from './settings.js';

/** Where the Slack incoming-webhook URL is kept. Never in a plain environment variable. */
export type SlackWebhookSource =
  | { readonly kind: 'secrets-manager'; readonly secretId: string }
  | { readonly kind: 'ssm'; readonly parameterName: string };

/** Organization mode: one guard reads and tags images in the member accounts through their role. */
export interface OrganizationConfig {
  /** The role the member template creates in each member account. */
  readonly memberRoleName: string;
  /** The guard's own account: its pushes are handled with the function's own role. */
  readonly homeAccount: string;
  /** Accounts the guard acts for besides its own; `null`: any account the central bus admits. */
  readonly memberAccounts: ReadonlySet<string> | null;
  /** Names for accounts, shown next to the id in notifications. */
  readonly aliases: ReadonlyMap<string, string>;
}

/** The guard's configuration, parsed once per cold start. */
export interface GuardConfig {
  readonly topicArn: string;
  readonly architectures: readonly LambdaArchitecture[];
  readonly quarantineTemplate: TagTemplate;
  readonly deployableTemplate: TagTemplate;
  /** Suffixes of every tag the guard writes (the infrastructure lists them as tag-immutability exclusions). */
  readonly guardSuffixes: readonly string[];
  readonly writeTags: boolean;
  readonly notifyOnDeployable: boolean;
  readonly strict: boolean;
  readonly checkUntagged: boolean;
  readonly includeRepositories: readonly string[];
  readonly excludeRepositories: readonly string[];
  readonly limits: FetchLimits;
  readonly slack: SlackWebhookSource | null;
  readonly metricsNamespace: string;
  /** The scheduled sweep: hours between runs (0: off) and the most tags one run checks. */
  readonly sweep: { readonly intervalHours: number; readonly maxTags: number };
  /** The application log level Lambda was given (`AWS_LAMBDA_LOG_LEVEL`), INFO when unset. */
  readonly logLevel: LogLevel;
  readonly region: string;
  /** `null` in single-account mode. */
  readonly organization: OrganizationConfig | null;
  /** Endpoint overrides (`AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`), for the local stack. */
  readonly endpoints: {
    readonly ecr?: string;
    readonly sns?: string;
    readonly secretsManager?: string;
    readonly ssm?: string;
    readonly sts?: string;
  };
}

/** A configuration problem, naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const endpoint = (env: Env, service: string): { value?: string } => {
  const value = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return value === undefined || value === '' ? {} : { value };
};

const optional = <K extends string>(key: K, found: { value?: string }): { [P in K]?: string } =>
  (found.value === undefined ? {} : { [key]: found.value }) as { [P in K]?: string };

const list = (env: Env, name: string): string[] =>
  (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const ACCOUNT_ID = /^\d{12}$/;
// IAM role names: 1-64 characters of [\w+=,.@-] (API_CreateRole `RoleName`).
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// Account aliases (API_CreateAccountAlias): lowercase letters, digits and single hyphens, 3-63 characters.
const ALIAS = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

const organization = (env: Env): OrganizationConfig | null => {
  const memberRoleName = env[ENV.MEMBER_ROLE_NAME]?.trim() ?? '';
  if (memberRoleName === '') {
    for (const name of [ENV.MEMBER_ACCOUNTS, ENV.ACCOUNT_ALIASES]) {
      if ((env[name]?.trim() ?? '') !== '') throw new ConfigError(`${name} needs ${ENV.MEMBER_ROLE_NAME} (organization mode)`);
    }
    return null;
  }
  if (!ROLE_NAME.test(memberRoleName))
    throw new ConfigError(`${ENV.MEMBER_ROLE_NAME} "${memberRoleName}" is not an IAM role name`);
  const homeAccount = env[ENV.HOME_ACCOUNT]?.trim() ?? '';
  if (!ACCOUNT_ID.test(homeAccount)) {
    throw new ConfigError(`${ENV.HOME_ACCOUNT} must be the guard's 12-digit account id, found "${homeAccount}"`);
  }
  const accounts = list(env, ENV.MEMBER_ACCOUNTS);
  for (const account of accounts) {
    if (!ACCOUNT_ID.test(account)) throw new ConfigError(`${ENV.MEMBER_ACCOUNTS}: "${account}" is not a 12-digit account id`);
  }
  const aliases = new Map<string, string>();
  for (const item of list(env, ENV.ACCOUNT_ALIASES)) {
    const [account = '', alias = '', ...rest] = item.split('=').map((part) => part.trim());
    if (!ACCOUNT_ID.test(account) || !ALIAS.test(alias) || rest.length > 0) {
      throw new ConfigError(`${ENV.ACCOUNT_ALIASES}: "${item}" is not <12-digit account id>=<account alias>`);
    }
    aliases.set(account, alias);
  }
  return { memberRoleName, homeAccount, memberAccounts: accounts.length === 0 ? null : new Set(accounts), aliases };
};

/**
 * Reads and validates the guard's environment (names from {@link ENV}; the settings through the
 * validator the CDK construct uses too). Pure: takes the environment as data, so tests and the local stack pass their own.
 */
export const loadConfig = (env: Env): GuardConfig => {
  const topicArn = env[ENV.TOPIC_ARN]?.trim() ?? '';
  const topicProblem = topicArnProblem(topicArn);
  if (topicProblem !== undefined) throw new ConfigError(`${ENV.TOPIC_ARN} ${topicProblem}`);
  const validated = validateSettings(settingsFromEnvironment(env), 'env');
  if (!validated.ok) throw new ConfigError(validated.message);
  const { settings } = validated;
  const secretId = env[ENV.SLACK_WEBHOOK_SECRET_ID]?.trim();
  const parameterName = env[ENV.SLACK_WEBHOOK_PARAMETER]?.trim();
  if (secretId && parameterName) {
    throw new ConfigError(`set only one of ${ENV.SLACK_WEBHOOK_SECRET_ID} and ${ENV.SLACK_WEBHOOK_PARAMETER}`);
  }
  const slack: SlackWebhookSource | null = secretId
    ? { kind: 'secrets-manager', secretId }
    : parameterName
      ? { kind: 'ssm', parameterName }
      : null;
  const levelText = env[LOG_LEVEL_VARIABLE]?.trim() ?? '';
  const logLevel = levelText === '' ? DEFAULT_LOG_LEVEL : parseLogLevel(levelText);
  if (logLevel === undefined) {
    throw new ConfigError(`${LOG_LEVEL_VARIABLE} must be one of ${LOG_LEVELS.join(', ')}, found "${levelText}"`);
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? topicArn.split(':')[3] ?? 'us-east-1';
  return {
    topicArn,
    architectures: settings.targetArchitectures,
    quarantineTemplate: settings.quarantineTagTemplate,
    deployableTemplate: settings.deployableTagTemplate,
    guardSuffixes: guardTagSuffixes(
      [settings.quarantineTagTemplate, settings.deployableTagTemplate],
      settings.targetArchitectures,
    ),
    writeTags: settings.writeTags,
    notifyOnDeployable: settings.notifyOnDeployable,
    strict: settings.strict,
    checkUntagged: settings.checkUntagged,
    includeRepositories: settings.includeRepositories,
    excludeRepositories: settings.excludeRepositories,
    limits: { ...DEFAULT_FETCH_LIMITS, maxProvenanceBytes: settings.provenanceMaxBytes },
    slack,
    metricsNamespace: settings.metricsNamespace,
    sweep: { intervalHours: settings.sweepIntervalHours, maxTags: settings.sweepMaxTags },
    logLevel,
    region,
    organization: organization(env),
    endpoints: {
      ...optional('ecr', endpoint(env, 'ECR')),
      ...optional('sns', endpoint(env, 'SNS')),
      ...optional('secretsManager', endpoint(env, 'SECRETS_MANAGER')),
      ...optional('ssm', endpoint(env, 'SSM')),
      ...optional('sts', endpoint(env, 'STS')),
    },
  };
};
