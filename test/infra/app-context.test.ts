import { readFileSync } from 'node:fs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, readAppSettings } from '../../infra/app-context.js';
import { GuardConfigError } from '../../infra/guard-config-error.js';
import {
  CDK_ASSET_REPOSITORY_PATTERN,
  repositoryArnResourceNames,
  resolveWatchedRepositories,
} from '../../infra/watched-repositories.js';

const reader =
  (context: Record<string, unknown>) =>
  (key: string): unknown =>
    context[key];

describe('readAppSettings', () => {
  it('gives the documented defaults for an empty context', () => {
    expect(readAppSettings(reader({}))).toStrictEqual({ stackName: 'EcrLambdaGuard', nag: true, guard: {} });
  });

  it('reads every key from `-c key=value` strings', () => {
    // Prepare: what `cdk synth -c …` hands the app.
    const context = {
      stackName: 'PlatformGuard',
      watch: 'team-a/*, api',
      exclude: 'team-a/sandbox-*',
      cdkAssetRepositories: 'false',
      architectures: 'arm64',
      quarantineTagTemplate: '{tag}-blocked',
      deployableTagTemplate: '{tag}-ok',
      writeTags: 'false',
      notifyOnDeployable: 'true',
      strict: 'TRUE',
      checkUntagged: 'true',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      topicKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abcd',
      slackWebhookParameter: '/guard/slack',
      slackWorkspaceId: 'T0123',
      slackChannelId: 'C0123',
      email: 'a@example.com,b@example.com',
      alarmsNotifyTopic: 'false',
      logRetentionDays: '90',
      memorySize: '1024',
      reservedConcurrency: '3',
      sourceMaps: 'true',
      sweepIntervalHours: '6',
      sweepMaxTags: '1000',
      provenanceMaxBytes: '0',
      metricsNamespace: 'Platform/Guard',
      nag: 'false',
      variant: 'organization',
      organizationId: 'o-abcdef1234',
      memberAccounts: '222222222222, 333333333333',
      accountAliases: '222222222222=payments',
    };
    // Act
    const settings = readAppSettings(reader(context));
    // Assess
    expect(settings).toStrictEqual({
      stackName: 'PlatformGuard',
      nag: false,
      existingTopic: {
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
        keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abcd',
      },
      guard: {
        watchRepositories: ['team-a/*', 'api'],
        excludeRepositories: ['team-a/sandbox-*'],
        includeCdkAssetRepositories: false,
        targetArchitectures: ['arm64'],
        quarantineTagTemplate: '{tag}-blocked',
        deployableTagTemplate: '{tag}-ok',
        writeTags: false,
        notifyOnDeployable: true,
        strict: true,
        checkUntagged: true,
        slackWebhook: { parameterName: '/guard/slack' },
        slackChannel: { workspaceId: 'T0123', channelId: 'C0123' },
        emailSubscriptions: ['a@example.com', 'b@example.com'],
        alarmsNotifyTopic: false,
        logRetention: logs.RetentionDays.THREE_MONTHS,
        memorySize: 1024,
        reservedConcurrency: 3,
        sourceMaps: true,
        sweepIntervalHours: 6,
        sweepMaxTags: 1000,
        provenanceMaxBytes: 0,
        metricsNamespace: 'Platform/Guard',
      },
      organization: {
        organizationId: 'o-abcdef1234',
        memberAccounts: ['222222222222', '333333333333'],
        accountAliases: { '222222222222': 'payments' },
      },
    });
    // Every documented key is exercised (the secret alternative in the next test).
    expect([...Object.keys(context), CONTEXT_KEYS.slackWebhookSecret].sort()).toStrictEqual(Object.values(CONTEXT_KEYS).sort());
  });

  it.each([
    { context: { variant: 'org' }, message: 'must be single or organization' },
    { context: { organizationId: 'o-abcdef1234' }, message: 'need context "variant=organization"' },
    { context: { variant: 'organization', accountAliases: '222222222222' }, message: 'is not <account id>=<alias>' },
  ])('names the organization key: $message', ({ context, message }) => {
    expect(() => readAppSettings(reader(context))).toThrow(message);
  });

  it('reads JSON values from cdk.json as well (lists, booleans, numbers)', () => {
    const settings = readAppSettings(
      reader({ watch: ['api', 'web'], strict: true, memorySize: 256, slackWebhookSecret: 'guard/slack' }),
    );
    expect(settings.guard).toStrictEqual({
      watchRepositories: ['api', 'web'],
      strict: true,
      memorySize: 256,
      slackWebhook: { secretId: 'guard/slack' },
    });
  });

  it.each([
    { name: 'a non-boolean flag', context: { strict: 'yes please' }, message: /"strict" must be true or false/ },
    { name: 'a non-integer number', context: { memorySize: '1.5' }, message: /"memorySize" must be an integer/ },
    { name: 'a retention CloudWatch does not offer', context: { logRetentionDays: '31' }, message: /does not offer 31 days/ },
    { name: 'an unknown architecture', context: { architectures: 'mips' }, message: /"mips" is not x86_64 or arm64/ },
    { name: 'both webhook stores', context: { slackWebhookSecret: 'a', slackWebhookParameter: 'b' }, message: /only one/ },
    { name: 'half a Chatbot channel', context: { slackWorkspaceId: 'T0123' }, message: /both/ },
    { name: 'a key without a topic', context: { topicKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/x' }, message: /needs/ },
    { name: 'a list of non-strings', context: { watch: [1, 2] }, message: /"watch" must be/ },
  ])('names the key for $name', ({ context, message }) => {
    expect(() => readAppSettings(reader(context))).toThrow(GuardConfigError);
    expect(() => readAppSettings(reader(context))).toThrow(message);
  });
});

describe('watched repositories', () => {
  it('watches everything by default, and "*" anywhere in the list means everything', () => {
    expect(resolveWatchedRepositories(['*'], true)).toStrictEqual(['*']);
    expect(resolveWatchedRepositories(['api', '*'], true)).toStrictEqual(['*']);
    expect(repositoryArnResourceNames(['*'])).toStrictEqual(['*']);
  });

  it('adds the CDK asset repositories to a named selection unless turned off, without duplicates', () => {
    expect(resolveWatchedRepositories(['api', 'api', 'team-a/*'], true)).toStrictEqual([
      'api',
      'team-a/*',
      CDK_ASSET_REPOSITORY_PATTERN,
    ]);
    expect(resolveWatchedRepositories(['api'], false)).toStrictEqual(['api']);
    expect(resolveWatchedRepositories([CDK_ASSET_REPOSITORY_PATTERN], true)).toStrictEqual([CDK_ASSET_REPOSITORY_PATTERN]);
  });
});

describe('cdk.json', () => {
  it('runs the app through tsx, keeps the CDK CLI offline and fails synth on a template CloudFormation would reject', () => {
    const config = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
    expect(config.app).toBe('npx tsx infra/app.ts');
    expect(config.notices).toBe(false);
    expect(config.context).toStrictEqual({ 'cli-telemetry': false, '@aws-cdk/core:validateAgainstDefaultRules': true });
  });
});
