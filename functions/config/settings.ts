import { type LambdaArchitecture, parseLambdaArchitecture } from '../core/platform.js';
import { parseTagTemplate, type TagTemplate } from '../core/tag-template.js';
import { ENV } from './env-names.js';

/**
 * The function's settings: ONE row each, read by the CDK construct (from its props, at synth time)
 * and by the function (from its environment, at cold start) through {@link validateSettings}, so a
 * value the construct accepts is a value the function accepts. A row names the environment variable,
 * the construct prop, the default, how a value is read (from a typed prop or from the variable's
 * text) and how it is written back into the environment.
 */

/** Raised by a row's reader; {@link validateSettings} prefixes the setting's name. */
class SettingProblem extends Error {}

const describe = (value: unknown): string => JSON.stringify(value) ?? String(value);

const FLAG_TRUE = new Set(['1', 'true', 'yes', 'on']);
const FLAG_FALSE = new Set(['0', 'false', 'no', 'off']);

const readFlag = (value: unknown): boolean => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const folded = value.trim().toLowerCase();
    if (FLAG_TRUE.has(folded)) return true;
    if (FLAG_FALSE.has(folded)) return false;
  }
  throw new SettingProblem(`must be true or false, found ${describe(value)}`);
};

/** A list prop, or the variable's comma-separated text. */
const readList = (value: unknown): string[] => {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    throw new SettingProblem(`must be a list of strings, found ${describe(value)}`);
  }
  return items.map((item) => item.trim()).filter((item) => item !== '');
};

const readArchitectures = (value: unknown): LambdaArchitecture[] => {
  const items = readList(value);
  if (items.length === 0) throw new SettingProblem('must name at least one architecture (x86_64, arm64)');
  // The one parser of architecture names (also the CLI's and the CDK context's): Lambda's names
  // plus the OCI aliases (`amd64`, `aarch64`), folded to Lambda's.
  const parsed = items.map((item) => {
    const arch = parseLambdaArchitecture(item);
    if (arch === undefined) throw new SettingProblem(`"${item}" is not x86_64 or arm64`);
    return arch;
  });
  return [...new Set(parsed)];
};

const readTemplate = (value: unknown): TagTemplate => {
  if (typeof value !== 'string') throw new SettingProblem(`must be a tag template, found ${describe(value)}`);
  const parsed = parseTagTemplate(value.trim());
  if (!parsed.ok) throw new SettingProblem(parsed.message);
  return parsed.template;
};

const readInteger =
  (min: number, max: number) =>
  (value: unknown): number => {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
      throw new SettingProblem(`must be an integer from ${min} to ${max}, found ${describe(value)}`);
    }
    return number;
  };

// ECR repository names are lowercase letters, digits and `._-/`, at most 256 characters
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html); `*` is the
// guard's wildcard.
const REPOSITORY_PATTERN = /^[a-z0-9._/*-]{1,256}$/;

/** Rejects a repository pattern that ECR, EventBridge or IAM would read differently from the guard. */
const readRepositoryPatterns = (value: unknown): string[] =>
  readList(value).map((pattern) => {
    if (!REPOSITORY_PATTERN.test(pattern)) {
      throw new SettingProblem(
        `"${pattern}" is not a repository name or pattern (lowercase letters, digits, ".", "_", "-", "/" and "*")`,
      );
    }
    // EventBridge wildcard patterns refuse consecutive wildcards; "**" would mean the same as "*" anyway.
    if (pattern.includes('**')) throw new SettingProblem(`"${pattern}" has consecutive "*"`);
    return pattern;
  });

// Namespace: 1 to 255 characters, not starting with ":"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Metric.html), ASCII without
// control characters, and never `AWS/`, which is reserved for AWS services
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
const METRICS_NAMESPACE = /^[\x20-\x39\x3b-\x7e][\x20-\x7e]{0,254}$/;

const readNamespace = (value: unknown): string => {
  const namespace = typeof value === 'string' ? value.trim() : value;
  if (typeof namespace !== 'string' || !METRICS_NAMESPACE.test(namespace) || namespace.startsWith('AWS/')) {
    throw new SettingProblem(
      `must be 1 to 255 printable ASCII characters, not starting with ":" or "AWS/", found ${describe(value)}`,
    );
  }
  return namespace;
};

const joined = (items: readonly string[]): string => items.join(',');

/** One setting: where it comes from, its default, and how it is read and written. */
interface Setting<T> {
  /** The function's environment variable. */
  readonly env: string;
  /** The construct's prop (`EcrLambdaGuardProps`). */
  readonly prop: string;
  /** What it does, in one line. */
  readonly summary: string;
  /** The value when neither the prop nor the variable is set. */
  readonly default: T;
  /** Reads a typed prop value or the variable's text; throws a {@link SettingProblem}. */
  read(value: unknown): T;
  /** The variable's text for a value (what the construct deploys). */
  write(value: T): string;
}

const setting = <T>(row: Setting<T>): Setting<T> => row;

export const SETTINGS = {
  targetArchitectures: setting<readonly LambdaArchitecture[]>({
    env: ENV.TARGET_ARCHITECTURES,
    prop: 'targetArchitectures',
    summary: 'The architectures your functions use (`x86_64`, `arm64`; `amd64` and `aarch64` are read as those).',
    default: ['x86_64', 'arm64'],
    read: readArchitectures,
    write: joined,
  }),
  quarantineTagTemplate: setting({
    env: ENV.QUARANTINE_TAG_TEMPLATE,
    prop: 'quarantineTagTemplate',
    summary: 'Tag written on quarantined pushes: `{tag}` and a suffix that may use `{arch}`.',
    default: readTemplate('{tag}-quarantined'),
    read: readTemplate,
    write: (template) => template.text,
  }),
  deployableTagTemplate: setting({
    env: ENV.DEPLOYABLE_TAG_TEMPLATE,
    prop: 'deployableTagTemplate',
    summary: 'Tag written on deployable pushes and on the runnable child of a quarantined index.',
    default: readTemplate('{tag}-deployable'),
    read: readTemplate,
    write: (template) => template.text,
  }),
  writeTags: setting({
    env: ENV.WRITE_TAGS,
    prop: 'writeTags',
    summary: 'Write the tags; `false` only notifies.',
    default: true,
    read: readFlag,
    write: String,
  }),
  notifyOnDeployable: setting({
    env: ENV.NOTIFY_ON_DEPLOYABLE,
    prop: 'notifyOnDeployable',
    summary: 'Also notify about deployable pushes.',
    default: false,
    read: readFlag,
    write: String,
  }),
  strict: setting({
    env: ENV.STRICT,
    prop: 'strict',
    summary: 'Quarantine on warnings too.',
    default: false,
    read: readFlag,
    write: String,
  }),
  checkUntagged: setting({
    env: ENV.CHECK_UNTAGGED,
    prop: 'checkUntagged',
    summary: 'Also check untagged pushes (index children, pushes by digest); they are never tagged.',
    default: false,
    read: readFlag,
    write: String,
  }),
  includeRepositories: setting<readonly string[]>({
    env: ENV.INCLUDE_REPOSITORIES,
    prop: 'watchRepositories',
    summary: 'Repository names or patterns (`*` wildcard) to check; `*` checks every repository.',
    default: ['*'],
    // No pattern at all means every repository, as in the EventBridge rule (`buildEventPattern`).
    read: (value) => {
      const patterns = readRepositoryPatterns(value);
      return patterns.length === 0 ? ['*'] : patterns;
    },
    write: joined,
  }),
  excludeRepositories: setting<readonly string[]>({
    env: ENV.EXCLUDE_REPOSITORIES,
    prop: 'excludeRepositories',
    summary: 'Repository names or patterns to ignore even when an include pattern matches them.',
    default: [],
    read: readRepositoryPatterns,
    write: joined,
  }),
  provenanceMaxBytes: setting({
    env: ENV.PROVENANCE_MAX_BYTES,
    prop: 'provenanceMaxBytes',
    summary: 'Largest provenance statement read, in bytes (at most 16 MiB); `0` stops reading them.',
    default: 1024 * 1024,
    // The statement is held in memory whole; 16 MiB keeps one read far below the function's memory.
    read: readInteger(0, 16 * 1024 * 1024),
    write: String,
  }),
  metricsNamespace: setting({
    env: ENV.METRICS_NAMESPACE,
    prop: 'metricsNamespace',
    summary: 'CloudWatch namespace of the embedded metrics.',
    default: 'EcrLambdaGuard',
    read: readNamespace,
    write: (namespace) => namespace,
  }),
  sweepIntervalHours: setting({
    env: ENV.SWEEP_INTERVAL_HOURS,
    prop: 'sweepIntervalHours',
    summary:
      'Hours between scheduled sweeps for tags whose push event was lost (each looks back two intervals); `0` turns the sweep off.',
    default: 24,
    // At most a week: a longer gap leaves a lost event unchecked for longer than anyone would accept.
    read: readInteger(0, 168),
    write: String,
  }),
  sweepMaxTags: setting({
    env: ENV.SWEEP_MAX_TAGS,
    prop: 'sweepMaxTags',
    summary: 'Most tags one sweep checks; the rest wait for the next sweep (oldest first).',
    default: 300,
    read: readInteger(1, 5000),
    write: String,
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;

/** The settings, every default applied and every value checked. */
export type FunctionSettings = { readonly [K in SettingKey]: (typeof SETTINGS)[K]['default'] };

/** Raw values by setting: typed props from the construct, or environment text from the function. */
export type SettingsInput = { readonly [K in SettingKey]?: unknown };

/** How errors name a setting: by the construct's prop or by the function's environment variable. */
export type SettingNaming = 'prop' | 'env';

const KEYS = Object.keys(SETTINGS) as SettingKey[];

/**
 * Applies the defaults and checks every value, naming the setting (prop or variable) of the first
 * problem. Pure: the construct and the function's config loader both call it.
 */
export const validateSettings = (
  input: SettingsInput,
  naming: SettingNaming,
): { readonly ok: true; readonly settings: FunctionSettings } | { readonly ok: false; readonly message: string } => {
  const name = (key: SettingKey): string => SETTINGS[key][naming];
  const values: Record<string, unknown> = {};
  for (const key of KEYS) {
    const raw = input[key];
    try {
      values[key] = raw === undefined ? SETTINGS[key].default : SETTINGS[key].read(raw);
    } catch (error) {
      if (!(error instanceof SettingProblem)) throw error;
      return { ok: false, message: `${name(key)}: ${error.message}` };
    }
  }
  const settings = values as FunctionSettings;
  if (settings.quarantineTagTemplate.suffix === settings.deployableTagTemplate.suffix) {
    return { ok: false, message: `${name('quarantineTagTemplate')} and ${name('deployableTagTemplate')} must differ` };
  }
  return { ok: true, settings };
};

/** The settings read back from the function's environment; an empty variable counts as unset. */
export const settingsFromEnvironment = (env: Readonly<Record<string, string | undefined>>): SettingsInput =>
  Object.fromEntries(
    KEYS.map((key) => [key, env[SETTINGS[key].env]]).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );

/** The environment variables that give the function these settings (the inverse of the above). */
export const settingsEnvironment = (settings: FunctionSettings): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const key of KEYS) {
    const row: Setting<unknown> = SETTINGS[key];
    env[row.env] = row.write(settings[key]);
  }
  return env;
};

// SNS topic ARN (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html: names of up to
// 256 letters, digits, `-` and `_`, with `.fifo` for FIFO topics).
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * What is wrong with the topic the guard publishes to, or `undefined`: it must be a standard topic,
 * because Chatbot and email subscriptions refuse FIFO topics. Checked by the construct for an
 * imported ARN and by the function for its variable.
 */
export const topicArnProblem = (arn: string): string | undefined => {
  if (!TOPIC_ARN.test(arn)) return `must be an SNS topic ARN, found "${arn}"`;
  if (arn.endsWith('.fifo')) return 'is a FIFO topic; Chatbot and email cannot subscribe to FIFO topics, use a standard topic';
  return undefined;
};
