import { DEFAULT_FETCH_LIMITS, type FetchLimits } from '../core/fetch-plan.js';
import { type LambdaArchitecture, parseLambdaArchitecture } from '../core/platform.js';
import { guardTagSuffixes, parseTagTemplate, type TagTemplate } from '../core/tag-template.js';
import { DEFAULTS, ENV } from './env-names.js';

/** Where the Slack incoming-webhook URL is kept. Never in a plain environment variable. */
export type SlackWebhookSource =
  | { readonly kind: 'secrets-manager'; readonly secretId: string }
  | { readonly kind: 'ssm'; readonly parameterName: string };

/** The guard's configuration, parsed once per cold start. */
export interface GuardConfig {
  readonly topicArn: string;
  readonly architectures: readonly LambdaArchitecture[];
  readonly quarantineTemplate: TagTemplate;
  readonly deployableTemplate: TagTemplate;
  /** Suffixes of every tag the guard writes (events for them are skipped as GUARD_TAG). */
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
  readonly region: string;
  /** Endpoint overrides (`AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`), for the local stack. */
  readonly endpoints: {
    readonly ecr?: string;
    readonly sns?: string;
    readonly secretsManager?: string;
    readonly ssm?: string;
  };
}

/** A configuration problem, naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

const flag = (env: Env, name: string, fallback: boolean): boolean => {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigError(`${name} must be true or false, found "${raw}"`);
};

const list = (env: Env, name: string, fallback: string): string[] =>
  (env[name] ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const template = (env: Env, name: string, fallback: string): TagTemplate => {
  const parsed = parseTagTemplate((env[name] ?? fallback).trim());
  if (!parsed.ok) throw new ConfigError(`${name}: ${parsed.message}`);
  return parsed.template;
};

const integer = (env: Env, name: string, fallback: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ConfigError(`${name} must be an integer from 0 to ${max}, found "${raw}"`);
  }
  return value;
};

const endpoint = (env: Env, service: string): { value?: string } => {
  const value = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return value === undefined || value === '' ? {} : { value };
};

const optional = <K extends string>(key: K, found: { value?: string }): { [P in K]?: string } =>
  (found.value === undefined ? {} : { [key]: found.value }) as { [P in K]?: string };

/**
 * Reads and validates the guard's environment (names from {@link ENV}). Pure: takes the
 * environment as data, so tests and the local stack pass their own.
 */
export const loadConfig = (env: Env): GuardConfig => {
  const topicArn = env[ENV.TOPIC_ARN]?.trim() ?? '';
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicArn)) {
    throw new ConfigError(`${ENV.TOPIC_ARN} must be an SNS topic ARN, found "${topicArn}"`);
  }
  if (topicArn.endsWith('.fifo')) {
    throw new ConfigError(
      `${ENV.TOPIC_ARN} is a FIFO topic; Chatbot and email cannot subscribe to FIFO topics, use a standard topic`,
    );
  }
  const architectures = list(env, ENV.TARGET_ARCHITECTURES, DEFAULTS.TARGET_ARCHITECTURES).map((item) => {
    const arch = parseLambdaArchitecture(item);
    if (arch === undefined) throw new ConfigError(`${ENV.TARGET_ARCHITECTURES}: "${item}" is not x86_64 or arm64`);
    return arch;
  });
  const unique = [...new Set(architectures)];
  const quarantineTemplate = template(env, ENV.QUARANTINE_TAG_TEMPLATE, DEFAULTS.QUARANTINE_TAG_TEMPLATE);
  const deployableTemplate = template(env, ENV.DEPLOYABLE_TAG_TEMPLATE, DEFAULTS.DEPLOYABLE_TAG_TEMPLATE);
  if (quarantineTemplate.suffix === deployableTemplate.suffix) {
    throw new ConfigError(`${ENV.QUARANTINE_TAG_TEMPLATE} and ${ENV.DEPLOYABLE_TAG_TEMPLATE} must differ`);
  }
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
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? topicArn.split(':')[3] ?? 'us-east-1';
  return {
    topicArn,
    architectures: unique,
    quarantineTemplate,
    deployableTemplate,
    guardSuffixes: guardTagSuffixes([quarantineTemplate, deployableTemplate], unique),
    writeTags: flag(env, ENV.WRITE_TAGS, true),
    notifyOnDeployable: flag(env, ENV.NOTIFY_ON_DEPLOYABLE, false),
    strict: flag(env, ENV.STRICT, false),
    checkUntagged: flag(env, ENV.CHECK_UNTAGGED, false),
    includeRepositories: list(env, ENV.INCLUDE_REPOSITORIES, '*'),
    excludeRepositories: list(env, ENV.EXCLUDE_REPOSITORIES, ''),
    limits: {
      ...DEFAULT_FETCH_LIMITS,
      maxProvenanceBytes: integer(env, ENV.PROVENANCE_MAX_BYTES, DEFAULTS.PROVENANCE_MAX_BYTES, 16 * 1024 * 1024),
    },
    slack,
    metricsNamespace: env[ENV.METRICS_NAMESPACE]?.trim() || DEFAULTS.METRICS_NAMESPACE,
    region,
    endpoints: {
      ...optional('ecr', endpoint(env, 'ECR')),
      ...optional('sns', endpoint(env, 'SNS')),
      ...optional('secretsManager', endpoint(env, 'SECRETS_MANAGER')),
      ...optional('ssm', endpoint(env, 'SSM')),
    },
  };
};
