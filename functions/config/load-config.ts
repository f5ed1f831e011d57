import { DEFAULT_FETCH_LIMITS, type FetchLimits } from '../core/fetch-plan.js';
import type { LambdaArchitecture } from '../core/platform.js';
import { guardTagSuffixes, type TagTemplate } from '../core/tag-template.js';
import { ENV } from './env-names.js';
import { settingsFromEnvironment, topicArnProblem, validateSettings } from './settings.js';

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

const endpoint = (env: Env, service: string): { value?: string } => {
  const value = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return value === undefined || value === '' ? {} : { value };
};

const optional = <K extends string>(key: K, found: { value?: string }): { [P in K]?: string } =>
  (found.value === undefined ? {} : { [key]: found.value }) as { [P in K]?: string };

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
    region,
    endpoints: {
      ...optional('ecr', endpoint(env, 'ECR')),
      ...optional('sns', endpoint(env, 'SNS')),
      ...optional('secretsManager', endpoint(env, 'SECRETS_MANAGER')),
      ...optional('ssm', endpoint(env, 'SSM')),
    },
  };
};
