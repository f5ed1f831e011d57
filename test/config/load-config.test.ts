import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/config/load-config.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:guard';
const BASE = { GUARD_TOPIC_ARN: TOPIC };

// Each bad value, alone on top of a good environment: refused with a ConfigError naming the variable.
const NEGATIVE: readonly { env: Record<string, string>; variable: string; says: RegExp }[] = [
  { env: { GUARD_TOPIC_ARN: '' }, variable: 'GUARD_TOPIC_ARN', says: /must be an SNS topic ARN, found ""/ },
  { env: { GUARD_TOPIC_ARN: 'guard' }, variable: 'GUARD_TOPIC_ARN', says: /must be an SNS topic ARN/ },
  { env: { GUARD_TOPIC_ARN: `${TOPIC}.fifo` }, variable: 'GUARD_TOPIC_ARN', says: /FIFO topic/ },
  { env: { GUARD_TARGET_ARCHITECTURES: 'mips' }, variable: 'GUARD_TARGET_ARCHITECTURES', says: /"mips" is not x86_64 or arm64/ },
  {
    env: { GUARD_QUARANTINE_TAG_TEMPLATE: 'blocked' },
    variable: 'GUARD_QUARANTINE_TAG_TEMPLATE',
    says: /must start with \{tag\}/,
  },
  { env: { GUARD_DEPLOYABLE_TAG_TEMPLATE: '{tag}-quarantined' }, variable: 'GUARD_QUARANTINE_TAG_TEMPLATE', says: /must differ/ },
  { env: { GUARD_WRITE_TAGS: 'maybe' }, variable: 'GUARD_WRITE_TAGS', says: /must be true or false, found "maybe"/ },
  { env: { GUARD_NOTIFY_ON_DEPLOYABLE: 'sometimes' }, variable: 'GUARD_NOTIFY_ON_DEPLOYABLE', says: /true or false/ },
  { env: { GUARD_STRICT: 'very' }, variable: 'GUARD_STRICT', says: /true or false/ },
  { env: { GUARD_CHECK_UNTAGGED: '2' }, variable: 'GUARD_CHECK_UNTAGGED', says: /true or false/ },
  { env: { GUARD_INCLUDE_REPOSITORIES: 'Orders' }, variable: 'GUARD_INCLUDE_REPOSITORIES', says: /not a repository name/ },
  { env: { GUARD_EXCLUDE_REPOSITORIES: 'a**' }, variable: 'GUARD_EXCLUDE_REPOSITORIES', says: /consecutive/ },
  { env: { GUARD_PROVENANCE_MAX_BYTES: '1e9' }, variable: 'GUARD_PROVENANCE_MAX_BYTES', says: /from 0 to 16777216/ },
  { env: { GUARD_PROVENANCE_MAX_BYTES: '-5' }, variable: 'GUARD_PROVENANCE_MAX_BYTES', says: /integer/ },
  { env: { GUARD_METRICS_NAMESPACE: 'AWS/ECR' }, variable: 'GUARD_METRICS_NAMESPACE', says: /AWS\// },
  {
    env: { GUARD_SLACK_WEBHOOK_SECRET_ID: 'a', GUARD_SLACK_WEBHOOK_PARAMETER: '/b' },
    variable: 'GUARD_SLACK_WEBHOOK_SECRET_ID',
    says: /set only one of GUARD_SLACK_WEBHOOK_SECRET_ID and GUARD_SLACK_WEBHOOK_PARAMETER/,
  },
  {
    env: { AWS_LAMBDA_LOG_LEVEL: 'LOUD' },
    variable: 'AWS_LAMBDA_LOG_LEVEL',
    says: /must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL/,
  },
];

describe('loadConfig refuses bad values, naming the variable', () => {
  it.each(NEGATIVE)('$variable in $env', ({ env, variable, says }) => {
    const act = () => loadConfig({ ...BASE, ...env });
    expect(act).toThrow(ConfigError);
    const error = (() => {
      try {
        act();
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('accepted');
    })();
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(variable);
    expect(error.message).toMatch(says);
  });
});

describe('loadConfig reads a good environment', () => {
  it('applies the defaults', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      topicArn: TOPIC,
      architectures: ['x86_64', 'arm64'],
      writeTags: true,
      notifyOnDeployable: false,
      strict: false,
      checkUntagged: false,
      includeRepositories: ['*'],
      excludeRepositories: [],
      slack: null,
      metricsNamespace: 'EcrLambdaGuard',
      logLevel: 'INFO',
      region: 'eu-west-1',
      endpoints: {},
    });
    expect(config.limits.maxProvenanceBytes).toBe(1024 * 1024);
    expect(config.guardSuffixes).toEqual(expect.arrayContaining(['-quarantined', '-deployable']));
  });

  it.each([
    { env: { GUARD_SLACK_WEBHOOK_SECRET_ID: ' guard/slack ' }, slack: { kind: 'secrets-manager', secretId: 'guard/slack' } },
    { env: { GUARD_SLACK_WEBHOOK_PARAMETER: '/guard/slack' }, slack: { kind: 'ssm', parameterName: '/guard/slack' } },
    {
      env: { GUARD_SLACK_WEBHOOK_SECRET_ID: ' ', GUARD_SLACK_WEBHOOK_PARAMETER: '/p' },
      slack: { kind: 'ssm', parameterName: '/p' },
    },
  ])('reads the webhook source from $env', ({ env, slack }) => {
    expect(loadConfig({ ...BASE, ...env }).slack).toStrictEqual(slack);
  });

  it.each([
    { env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' }, region: 'us-west-2' },
    { env: { AWS_DEFAULT_REGION: 'ap-south-1' }, region: 'ap-south-1' },
    { env: {}, region: 'eu-west-1' },
  ])('takes the Region from $env, else from the topic', ({ env, region }) => {
    expect(loadConfig({ ...BASE, ...env }).region).toBe(region);
  });

  it('takes each service endpoint from its own variable, else the shared one, ignoring empty values', () => {
    expect(
      loadConfig({ ...BASE, AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:2' }).endpoints,
    ).toMatchObject({
      ecr: 'http://127.0.0.1:1',
      sns: 'http://127.0.0.1:2',
      secretsManager: 'http://127.0.0.1:1',
      ssm: 'http://127.0.0.1:1',
    });
    expect(loadConfig({ ...BASE, AWS_ENDPOINT_URL_ECR: '' }).endpoints.ecr).toBeUndefined();
  });

  it('reads the Lambda log level in any case', () => {
    expect(loadConfig({ ...BASE, AWS_LAMBDA_LOG_LEVEL: 'warn' }).logLevel).toBe('WARN');
    expect(loadConfig({ ...BASE, AWS_LAMBDA_LOG_LEVEL: '' }).logLevel).toBe('INFO');
  });
});

describe('loadConfig: organization mode', () => {
  const ORG = { GUARD_MEMBER_ROLE_NAME: ' guard-reader ', GUARD_HOME_ACCOUNT: ' 123456789012 ' };

  it('reads the role, the home account, the member list and the aliases, trimmed', () => {
    const config = loadConfig({
      ...BASE,
      ...ORG,
      GUARD_MEMBER_ACCOUNTS: '210987654321, 111122223333',
      GUARD_ACCOUNT_ALIASES: ' 210987654321 = payments-prod ,111122223333=ml-dev',
    });
    expect(config.organization).toStrictEqual({
      memberRoleName: 'guard-reader',
      homeAccount: '123456789012',
      memberAccounts: new Set(['210987654321', '111122223333']),
      aliases: new Map([
        ['210987654321', 'payments-prod'],
        ['111122223333', 'ml-dev'],
      ]),
    });
    expect(loadConfig({ ...BASE, ...ORG }).organization?.memberAccounts).toBeNull();
    expect(loadConfig(BASE).organization).toBeNull();
  });

  it.each([
    {
      env: { GUARD_MEMBER_ACCOUNTS: '210987654321' },
      says: 'GUARD_MEMBER_ACCOUNTS needs GUARD_MEMBER_ROLE_NAME (organization mode)',
    },
    {
      env: { GUARD_ACCOUNT_ALIASES: '210987654321=x1' },
      says: 'GUARD_ACCOUNT_ALIASES needs GUARD_MEMBER_ROLE_NAME (organization mode)',
    },
    { env: { ...ORG, GUARD_MEMBER_ROLE_NAME: 'has space' }, says: 'GUARD_MEMBER_ROLE_NAME "has space" is not an IAM role name' },
    { env: { ...ORG, GUARD_HOME_ACCOUNT: '' }, says: `GUARD_HOME_ACCOUNT must be the guard's 12-digit account id, found ""` },
    { env: { ...ORG, GUARD_MEMBER_ACCOUNTS: '1234' }, says: 'GUARD_MEMBER_ACCOUNTS: "1234" is not a 12-digit account id' },
    {
      env: { ...ORG, GUARD_ACCOUNT_ALIASES: '210987654321' },
      says: 'GUARD_ACCOUNT_ALIASES: "210987654321" is not <12-digit account id>=<account alias>',
    },
    { env: { ...ORG, GUARD_ACCOUNT_ALIASES: '210987654321=a=b' }, says: 'is not <12-digit account id>=<account alias>' },
    { env: { ...ORG, GUARD_ACCOUNT_ALIASES: '210987654321=-bad' }, says: 'is not <12-digit account id>=<account alias>' },
  ])('refuses $env', ({ env, says }) => {
    expect(() => loadConfig({ ...BASE, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, ...env })).toThrow(says);
  });

  it('takes the STS endpoint like the others, and trims the Slack parameter and log level', () => {
    expect(loadConfig({ ...BASE, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:3' }).endpoints).toStrictEqual({
      sts: 'http://127.0.0.1:3',
    });
    expect(loadConfig({ ...BASE, GUARD_SLACK_WEBHOOK_PARAMETER: ' /p ' }).slack).toStrictEqual({
      kind: 'ssm',
      parameterName: '/p',
    });
    expect(loadConfig({ ...BASE, AWS_LAMBDA_LOG_LEVEL: ' error ' }).logLevel).toBe('ERROR');
  });
});
