import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { EcrLambdaGuard, type EcrLambdaGuardProps } from '../../infra/ecr-lambda-guard.js';
import { GuardConfigError } from '../../infra/guard-config-error.js';
import { GuardStack } from '../../infra/guard-stack.js';
import { functionEnvironment, roleStatements, type SynthesisedGuard, synthGuard } from './synth-guard.js';

const repositoryArn = (name: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:repository/${name}`],
  ],
});
const EXISTING_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:platform-alerts';
const EXISTING_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

let full: SynthesisedGuard;
let existing: SynthesisedGuard;
let secretByArn: SynthesisedGuard;
beforeAll(() => {
  full = synthGuard({
    guard: {
      watchRepositories: ['team-a/*', 'api', 'ml-*-lambda'],
      deployableTagTemplate: '{tag}-{arch}-deployable',
      targetArchitectures: ['arm64'],
      slackWebhook: { secretId: 'guard/slack-webhook' },
      slackChannel: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
      emailSubscriptions: ['platform@example.com', 'oncall@example.com'],
      alarmsNotifyTopic: false,
      logRetention: logs.RetentionDays.THREE_MONTHS,
      memorySize: 1024,
      timeout: Duration.seconds(90),
      reservedConcurrency: 3,
    },
  });
  existing = synthGuard({
    existingTopic: { topicArn: EXISTING_TOPIC, keyArn: EXISTING_KEY },
    guard: {
      watchRepositories: ['api'],
      includeCdkAssetRepositories: false,
      writeTags: false,
      sweepIntervalHours: 0,
      slackWebhook: { parameterName: '/guard/slack-webhook' },
    },
  });
  secretByArn = synthGuard({
    guard: { slackWebhook: { secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:guard/slack-AbCdEf' } },
  });
});

describe('repository selection', () => {
  it('routes names, prefixes and wildcards, plus the CDK asset repositories, in the rule', () => {
    const [rule] = Object.values(full.template.findResources('AWS::Events::Rule'));
    expect(rule?.Properties.EventPattern.detail['repository-name']).toStrictEqual([
      { prefix: 'team-a/' },
      'api',
      { wildcard: 'ml-*-lambda' },
      { wildcard: 'cdk-*-container-assets-*' },
    ]);
    // Guard tags reach the function too: it checks them, whoever wrote them.
    expect(rule?.Properties.EventPattern.detail['image-tag']).toBeUndefined();
  });

  it('offers one IMMUTABLE_WITH_EXCLUSION filter per tag template, {arch} included', () => {
    expect(full.stack.guard.tagMutabilityExclusionFilters).toStrictEqual(['*-quarantined', '*-*-deployable']);
    expect(full.template.toJSON().Outputs.TagMutabilityExclusionFilters.Value).toBe('*-quarantined,*-*-deployable');
  });

  it('scopes ECR read and write to exactly the same repositories, patterns becoming ARN wildcards', () => {
    const resources = ['team-a/*', 'api', 'ml-*-lambda', 'cdk-*-container-assets-*'].map(repositoryArn);
    const ecr = roleStatements(full.template).filter((statement) => JSON.stringify(statement).includes('ecr:'));
    expect(ecr).toStrictEqual([
      {
        Sid: 'ReadWatchedRepositories',
        Action: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: resources,
      },
      { Sid: 'TagWatchedRepositories', Action: 'ecr:PutImage', Effect: 'Allow', Resource: resources },
      // The sweep lists every repository (authorised on repository/* only) and matches the patterns itself.
      { Sid: 'SweepListRepositories', Action: 'ecr:DescribeRepositories', Effect: 'Allow', Resource: repositoryArn('*') },
    ]);
  });

  it('leaves out the CDK asset repositories when asked, ecr:PutImage when tags are not written, and the sweep when it is off', () => {
    const ecr = roleStatements(existing.template).filter((statement) => JSON.stringify(statement).includes('ecr:'));
    expect(ecr).toStrictEqual([
      {
        Sid: 'ReadWatchedRepositories',
        Action: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: repositoryArn('api'),
      },
    ]);
    const rules = Object.values(existing.template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern.detail['repository-name']).toStrictEqual(['api']);
    expect(functionEnvironment(existing.template).GUARD_SWEEP_INTERVAL_HOURS).toBe('0');
    expect(functionEnvironment(existing.template).GUARD_WRITE_TAGS).toBe('false');
  });
});

describe('notifications', () => {
  it('subscribes each email address and wires a Chatbot Slack channel to the topic', () => {
    const topicRef = full.ref(full.stack.guard.topic.topicArn);
    const subscriptions = Object.values(full.template.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toStrictEqual([
      { Protocol: 'email', TopicArn: topicRef, Endpoint: 'platform@example.com' },
      { Protocol: 'email', TopicArn: topicRef, Endpoint: 'oncall@example.com' },
    ]);
    const channels = Object.values(full.template.findResources('AWS::Chatbot::SlackChannelConfiguration')).map(
      (c) => c.Properties,
    );
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [topicRef],
      LoggingLevel: 'ERROR',
      GuardrailPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/CloudWatchReadOnlyAccess']] }],
    });
    // The channel's role relays notifications only: no policy is attached to it.
    const chatbotRoles = Object.values(full.template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('chatbot.amazonaws.com'),
    );
    expect(chatbotRoles).toHaveLength(1);
    expect(chatbotRoles[0]?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(chatbotRoles[0]?.Properties.Policies).toBeUndefined();
  });

  it('reads the Slack webhook from the one named secret, by name or by complete ARN', () => {
    expect(roleStatements(full.template)).toContainEqual({
      Sid: 'ReadSlackWebhookSecret',
      Action: 'secretsmanager:GetSecretValue',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':secretsmanager:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':secret:guard/slack-webhook-??????',
          ],
        ],
      },
    });
    expect(functionEnvironment(full.template).GUARD_SLACK_WEBHOOK_SECRET_ID).toBe('guard/slack-webhook');
    expect(roleStatements(secretByArn.template)).toContainEqual({
      Sid: 'ReadSlackWebhookSecret',
      Action: 'secretsmanager:GetSecretValue',
      Effect: 'Allow',
      Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:guard/slack-AbCdEf',
    });
  });

  it('reads the Slack webhook from the one SSM parameter', () => {
    expect(roleStatements(existing.template)).toContainEqual({
      Sid: 'ReadSlackWebhookParameter',
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':ssm:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':parameter/guard/slack-webhook',
          ],
        ],
      },
    });
    expect(functionEnvironment(existing.template).GUARD_SLACK_WEBHOOK_PARAMETER).toBe('/guard/slack-webhook');
  });

  it('publishes to an existing topic and uses its key, creating neither topic nor key', () => {
    existing.template.resourceCountIs('AWS::SNS::Topic', 0);
    existing.template.resourceCountIs('AWS::KMS::Key', 0);
    const statements = roleStatements(existing.template);
    expect(statements).toContainEqual({ Action: 'sns:Publish', Effect: 'Allow', Resource: EXISTING_TOPIC });
    expect(statements).toContainEqual({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Effect: 'Allow',
      Resource: EXISTING_KEY,
    });
    expect(functionEnvironment(existing.template).GUARD_TOPIC_ARN).toBe(EXISTING_TOPIC);
    const actions = Object.values(existing.template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmActions,
    );
    expect(actions).toStrictEqual([[EXISTING_TOPIC], [EXISTING_TOPIC], [EXISTING_TOPIC]]);
  });

  it('keeps the alarms but sends them nowhere when alarmsNotifyTopic is false', () => {
    const alarms = Object.values(full.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
  });
});

describe('the scheduled sweep', () => {
  it('is not deployed when the guard writes no tags: no verdict tag would record what it notified', () => {
    const noTags = synthGuard({ guard: { writeTags: false } });
    const rules = Object.values(noTags.template.findResources('AWS::Events::Rule'));
    expect(rules.filter((rule) => rule.Properties.ScheduleExpression !== undefined)).toStrictEqual([]);
    expect(Object.keys(noTags.template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(3);
  });
});

describe('function settings', () => {
  it('applies log retention, memory, timeout and reserved concurrency', () => {
    full.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 90,
      ReservedConcurrentExecutions: 3,
    });
  });
});

describe('settings that cannot work fail the synth with the setting named', () => {
  const cases: readonly { readonly name: string; readonly props: EcrLambdaGuardProps; readonly message: RegExp }[] = [
    { name: 'uppercase repository', props: { watchRepositories: ['Team-A'] }, message: /watchRepositories: "Team-A"/ },
    { name: 'consecutive wildcards', props: { watchRepositories: ['team-**'] }, message: /consecutive/ },
    { name: 'bad exclude pattern', props: { excludeRepositories: ['a b'] }, message: /excludeRepositories/ },
    { name: 'template without {tag}', props: { quarantineTagTemplate: 'quarantined' }, message: /quarantineTagTemplate/ },
    {
      name: 'identical templates',
      props: { quarantineTagTemplate: '{tag}-x', deployableTagTemplate: '{tag}-x' },
      message: /must differ/,
    },
    { name: 'no architecture', props: { targetArchitectures: [] }, message: /targetArchitectures/ },
    { name: 'tiny memory', props: { memorySize: 64 }, message: /memorySize/ },
    { name: 'timeout over 15 minutes', props: { timeout: Duration.minutes(16) }, message: /timeout/ },
    { name: 'zero concurrency', props: { reservedConcurrency: 0 }, message: /reservedConcurrency/ },
    { name: 'huge provenance limit', props: { provenanceMaxBytes: 64 * 1024 * 1024 }, message: /provenanceMaxBytes/ },
    { name: 'AWS/ namespace', props: { metricsNamespace: 'AWS/Lambda' }, message: /metricsNamespace/ },
    { name: 'bad email', props: { emailSubscriptions: ['not-an-address'] }, message: /emailSubscriptions/ },
    {
      name: 'bad Slack workspace',
      props: { slackChannel: { workspaceId: 'workspace', channelId: 'C0123' } },
      message: /workspaceId/,
    },
    {
      name: 'bad secret ARN',
      props: { slackWebhook: { secretId: 'arn:aws:ssm:eu-west-1:123456789012:parameter/x' } },
      message: /secretId/,
    },
    { name: 'bad parameter name', props: { slackWebhook: { parameterName: 'has space' } }, message: /parameterName/ },
  ];
  const scratch = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  let attempts = 0;
  it.each(cases)('$name', ({ props, message }) => {
    // A fresh scope per attempt: the construct registers itself before it validates.
    const act = () => {
      attempts += 1;
      return new EcrLambdaGuard(new Stack(scratch, `Scratch${attempts}`), 'Guard', props);
    };
    expect(act).toThrow(GuardConfigError);
    expect(act).toThrow(message);
  });

  it('refuses a FIFO topic, imported or by ARN', () => {
    const stack = new Stack(scratch, 'FifoTopic');
    const topic = sns.Topic.fromTopicArn(stack, 'Fifo', `${EXISTING_TOPIC}.fifo`);
    expect(() => new EcrLambdaGuard(stack, 'Guard', { topic })).toThrow(/FIFO/);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new GuardStack(app, 'Fifo', { existingTopic: { topicArn: `${EXISTING_TOPIC}.fifo` } })).toThrow(
      GuardConfigError,
    );
  });

  it('accepts a customer managed key for the webhook secret and grants decrypt on it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Keyed');
    const key = kms.Key.fromKeyArn(stack, 'WebhookKey', EXISTING_KEY);
    new EcrLambdaGuard(stack, 'Guard', { slackWebhook: { secretId: 'guard/slack', encryptionKey: key } });
    expect(roleStatements(Template.fromStack(stack))).toContainEqual({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: EXISTING_KEY,
    });
  });
});
