import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/config/env-names.js';
import { loadConfig } from '../../functions/config/load-config.js';
import { functionEnvironment, type SynthesisedGuard, synthGuard } from './synth-guard.js';

// The environment as Lambda would see it: CloudFormation references replaced by plausible values.
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:guard';
const deployedEnvironment = (guard: SynthesisedGuard): Record<string, string> => {
  const topicRef = JSON.stringify(guard.ref(guard.stack.guard.topic.topicArn));
  return Object.fromEntries(
    Object.entries(functionEnvironment(guard.template)).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      if (JSON.stringify(value) === topicRef) return [name, TOPIC_ARN];
      throw new Error(`${name} holds an unexpected reference ${JSON.stringify(value)}`);
    }),
  );
};

let defaults: SynthesisedGuard;
let configured: SynthesisedGuard;
let withParameter: SynthesisedGuard;
// Schema validation is the other files' concern; here only the environment matters.
const fast = { validate: false } as const;
beforeAll(() => {
  defaults = synthGuard({}, fast);
  configured = synthGuard(
    {
      guard: {
        watchRepositories: ['team-a/*', 'api'],
        excludeRepositories: ['team-a/sandbox-*'],
        targetArchitectures: ['arm64'],
        quarantineTagTemplate: '{tag}-blocked',
        deployableTagTemplate: '{tag}-{arch}-ok',
        writeTags: false,
        notifyOnDeployable: true,
        strict: true,
        checkUntagged: true,
        provenanceMaxBytes: 0,
        metricsNamespace: 'Platform/Guard',
        slackWebhook: { secretId: 'guard/slack-webhook' },
        sourceMaps: true,
      },
    },
    fast,
  );
  withParameter = synthGuard({ guard: { slackWebhook: { parameterName: '/guard/slack-webhook' } } }, fast);
});

describe('the env-var contract between infra/ and functions/', () => {
  it('runs with source-mapped stack traces only when asked to', () => {
    expect(functionEnvironment(defaults.template).NODE_OPTIONS).toBeUndefined();
    expect(functionEnvironment(configured.template).NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('sets every name in ENV (the Slack pair as alternatives) and nothing outside it but NODE_OPTIONS', () => {
    const slack = new Set<string>([ENV.SLACK_WEBHOOK_SECRET_ID, ENV.SLACK_WEBHOOK_PARAMETER]);
    // Organization mode's names belong to the central guard only (test/infra/organization.test.ts).
    const organization = new Set<string>([ENV.MEMBER_ROLE_NAME, ENV.HOME_ACCOUNT, ENV.MEMBER_ACCOUNTS, ENV.ACCOUNT_ALIASES]);
    const always: readonly string[] = Object.values(ENV).filter((name) => !slack.has(name) && !organization.has(name));
    for (const guard of [defaults, configured, withParameter]) {
      const names = Object.keys(functionEnvironment(guard.template)).filter((name) => name !== 'NODE_OPTIONS');
      expect(names).toEqual(expect.arrayContaining([...always]));
      expect(names.filter((name) => !always.includes(name)).length).toBeLessThanOrEqual(1);
    }
    const union = new Set(
      [defaults, configured, withParameter].flatMap((guard) => Object.keys(functionEnvironment(guard.template))),
    );
    expect([...union].sort()).toStrictEqual(
      [...Object.values(ENV).filter((name) => !organization.has(name)), 'NODE_OPTIONS'].sort(),
    );
  });

  it('deploys the defaults of DEFAULTS, which the function reads back unchanged', () => {
    const env = deployedEnvironment(defaults);
    expect(env).toStrictEqual({
      [ENV.TOPIC_ARN]: TOPIC_ARN,
      [ENV.TARGET_ARCHITECTURES]: 'x86_64,arm64',
      [ENV.QUARANTINE_TAG_TEMPLATE]: '{tag}-quarantined',
      [ENV.DEPLOYABLE_TAG_TEMPLATE]: '{tag}-deployable',
      [ENV.WRITE_TAGS]: 'true',
      [ENV.NOTIFY_ON_DEPLOYABLE]: 'false',
      [ENV.STRICT]: 'false',
      [ENV.CHECK_UNTAGGED]: 'false',
      [ENV.INCLUDE_REPOSITORIES]: '*',
      [ENV.EXCLUDE_REPOSITORIES]: '',
      [ENV.PROVENANCE_MAX_BYTES]: '1048576',
      [ENV.METRICS_NAMESPACE]: 'EcrLambdaGuard',
      [ENV.SWEEP_INTERVAL_HOURS]: '24',
      [ENV.SWEEP_MAX_TAGS]: '300',
    });
    const config = loadConfig(env);
    expect(config).toMatchObject({
      topicArn: TOPIC_ARN,
      architectures: ['x86_64', 'arm64'],
      guardSuffixes: ['-quarantined', '-deployable'],
      writeTags: true,
      notifyOnDeployable: false,
      strict: false,
      checkUntagged: false,
      includeRepositories: ['*'],
      excludeRepositories: [],
      sweep: { intervalHours: 24, maxTags: 300 },
      slack: null,
      metricsNamespace: 'EcrLambdaGuard',
    });
    expect(config.limits.maxProvenanceBytes).toBe(1048576);
  });

  it('carries every configured value through to the function’s parsed configuration', () => {
    const config = loadConfig(deployedEnvironment(configured));
    expect(config).toMatchObject({
      architectures: ['arm64'],
      quarantineTemplate: { text: '{tag}-blocked' },
      deployableTemplate: { text: '{tag}-{arch}-ok' },
      writeTags: false,
      notifyOnDeployable: true,
      strict: true,
      checkUntagged: true,
      includeRepositories: ['team-a/*', 'api', 'cdk-*-container-assets-*'],
      excludeRepositories: ['team-a/sandbox-*'],
      slack: { kind: 'secrets-manager', secretId: 'guard/slack-webhook' },
      metricsNamespace: 'Platform/Guard',
    });
    expect(config.limits.maxProvenanceBytes).toBe(0);
    // The rule and the function agree on which tags are the guard's own.
    expect(config.guardSuffixes).toStrictEqual(configured.stack.guard.guardTagSuffixes);
    expect(loadConfig(deployedEnvironment(withParameter)).slack).toStrictEqual({
      kind: 'ssm',
      parameterName: '/guard/slack-webhook',
    });
  });
});
