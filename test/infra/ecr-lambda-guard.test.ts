import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEventPattern } from '../../functions/config/event-pattern.js';
import { roleStatements, type SynthesisedGuard, synthGuard } from './synth-guard.js';

// One synthesised stack with every default, shared by the whole file (synth is the slow part).
// The synth itself fails on any finding of CDK's CloudFormation schema validation.
let guard: SynthesisedGuard;
beforeAll(() => {
  guard = synthGuard();
});

const only = (type: string): Record<string, unknown> & { Properties: Record<string, unknown> } => {
  const found = Object.values(guard.template.findResources(type));
  expect(found).toHaveLength(1);
  const [resource] = found;
  if (resource === undefined) throw new Error(`no ${type}`);
  return resource as Record<string, unknown> & { Properties: Record<string, unknown> };
};

/** The push rule (the one with an event pattern; the sweep's schedule has none). */
const pushRule = (): Record<string, unknown> & { Properties: Record<string, unknown> } => {
  const found = Object.values(guard.template.findResources('AWS::Events::Rule')).filter(
    (resource) => (resource as { Properties: Record<string, unknown> }).Properties.EventPattern !== undefined,
  );
  expect(found).toHaveLength(1);
  return found[0] as Record<string, unknown> & { Properties: Record<string, unknown> };
};

const REPOSITORY_WILDCARD_ARN = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/*'],
  ],
};

describe('EcrLambdaGuard with defaults', () => {
  it('creates exactly the resources of the design', () => {
    // Prepare / Act: beforeAll. Assess: one line per resource type, so an extra resource is a visible change.
    const counts: Record<string, number> = {};
    for (const resource of Object.values(guard.template.toJSON().Resources as Record<string, { Type: string }>)) {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    }
    expect(counts).toStrictEqual({
      'AWS::KMS::Key': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SQS::Queue': 2,
      'AWS::SQS::QueuePolicy': 2,
      'AWS::Logs::LogGroup': 1,
      'AWS::IAM::Role': 1,
      'AWS::IAM::Policy': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Lambda::Permission': 2,
      'AWS::Events::Rule': 2,
      'AWS::CloudWatch::Alarm': 4,
    });
  });

  it('matches successful ECR pushes of every repository, guard tags included (the handler verifies them), exactly', () => {
    const rule = pushRule();
    expect(rule.Properties.EventPattern).toStrictEqual({
      source: ['aws.ecr'],
      'detail-type': ['ECR Image Action'],
      detail: {
        'action-type': ['PUSH'],
        result: ['SUCCESS'],
      },
    });
    // The rule carries the shared builder's output unchanged (the local stack matches with the same one).
    expect(rule.Properties.EventPattern).toStrictEqual(buildEventPattern({ includeRepositories: ['*'] }));
  });

  it('targets the function with a retry policy and an SQS dead-letter queue EventBridge may write to', () => {
    const rule = pushRule();
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toStrictEqual([
      {
        Arn: guard.ref(guard.stack.guard.handler.functionArn),
        Id: 'Target0',
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: guard.ref(guard.stack.guard.ruleDeadLetterQueue.queueArn) },
      },
    ]);
    guard.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: guard.ref(guard.stack.guard.handler.functionArn),
      SourceArn: guard.ref(guard.stack.guard.rule.ruleArn),
    });
    guard.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [guard.ref(guard.stack.guard.ruleDeadLetterQueue.queueUrl)],
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: guard.ref(guard.stack.guard.ruleDeadLetterQueue.queueArn),
            Condition: { ArnEquals: { 'aws:SourceArn': guard.ref(guard.stack.guard.rule.ruleArn) } },
          }),
        ]),
      }),
    });
  });

  it('schedules the sweep daily: the same function, two retries, the rule dead-letter queue', () => {
    const schedules = Object.values(guard.template.findResources('AWS::Events::Rule'))
      .map((resource) => (resource as { Properties: Record<string, unknown> }).Properties)
      .filter((properties) => properties.ScheduleExpression !== undefined);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.ScheduleExpression).toBe('rate(1 day)');
    expect(schedules[0]?.Targets).toStrictEqual([
      {
        Arn: guard.ref(guard.stack.guard.handler.functionArn),
        Id: 'Target0',
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: guard.ref(guard.stack.guard.ruleDeadLetterQueue.queueArn) },
      },
    ]);
  });

  it('grants exactly these permissions: own log group, failure queue, watched repositories, the topic and its key', () => {
    const g = guard.stack.guard;
    expect(roleStatements(guard.template)).toStrictEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: guard.ref(g.logGroup.logGroupArn) },
      {
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Effect: 'Allow',
        Resource: guard.ref(g.failureQueue.queueArn),
      },
      {
        Sid: 'ReadWatchedRepositories',
        Action: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: REPOSITORY_WILDCARD_ARN,
      },
      { Sid: 'TagWatchedRepositories', Action: 'ecr:PutImage', Effect: 'Allow', Resource: REPOSITORY_WILDCARD_ARN },
      { Action: 'sns:Publish', Effect: 'Allow', Resource: guard.ref(g.topic.topicArn) },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: guard.ref(g.topicKey?.keyArn) },
      { Sid: 'SweepListRepositories', Action: 'ecr:DescribeRepositories', Effect: 'Allow', Resource: REPOSITORY_WILDCARD_ARN },
    ]);
  });

  it('never grants an ECR action on a bare * resource, and attaches no managed policy', () => {
    const ecrStatements = roleStatements(guard.template).filter((statement) =>
      JSON.stringify((statement as { Action: unknown }).Action).includes('ecr:'),
    );
    expect(ecrStatements).toHaveLength(3);
    for (const statement of ecrStatements) expect((statement as { Resource: unknown }).Resource).not.toBe('*');
    const role = only('AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument).toStrictEqual({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      Version: '2012-10-17',
    });
  });

  it('runs nodejs22.x on arm64, the bundle’s ESM handler, with reserved concurrency under the PutImage quota', () => {
    const fn = only('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'on-ecr-push.handler',
      MemorySize: 512,
      Timeout: 60,
      ReservedConcurrentExecutions: 5,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: guard.ref(guard.stack.guard.logGroup.logGroupName) },
    });
    // Two PutImage calls per invocation at most: the reserved concurrency bounds the guard's burst.
    expect(2 * Number(fn.Properties.ReservedConcurrentExecutions)).toBeLessThanOrEqual(10);
  });

  it('retries async invocations twice within 6 hours, then sends the event to the failure queue', () => {
    const config = only('AWS::Lambda::EventInvokeConfig');
    expect(config.Properties).toStrictEqual({
      FunctionName: guard.ref(guard.stack.guard.handler.functionName),
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: guard.ref(guard.stack.guard.failureQueue.queueArn) } },
    });
  });

  it('keeps logs in its own log group for 30 days', () => {
    const logGroup = only('AWS::Logs::LogGroup');
    expect(logGroup.Properties).toStrictEqual({ RetentionInDays: 30 });
  });

  it('encrypts the topic with a rotating customer managed key that CloudWatch alarms may use', () => {
    const key = only('AWS::KMS::Key');
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 7 });
    expect(key.Properties.KeyPolicy).toMatchObject({
      Statement: expect.arrayContaining([
        {
          Sid: 'AllowCloudWatchAlarmsToPublish',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Resource: '*',
        },
      ]),
    });
    const topic = only('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toStrictEqual(guard.ref(guard.stack.guard.topicKey?.keyArn));
    expect(topic.Properties.FifoTopic).toBeUndefined();
  });

  it('refuses publishing to the topic without TLS and lets only this account’s alarms publish as a service', () => {
    const policy = only('AWS::SNS::TopicPolicy');
    const topicRef = guard.ref(guard.stack.guard.topic.topicArn);
    expect(policy.Properties.PolicyDocument).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowPublishThroughSSLOnly',
          Action: 'sns:Publish',
          Effect: 'Deny',
          Principal: '*',
          Resource: topicRef,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'AllowCloudWatchAlarmsToPublish',
          Action: 'sns:Publish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Resource: topicRef,
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
  });

  it('encrypts both dead-letter queues, keeps messages 14 days and refuses non-TLS access', () => {
    const queues = guard.template.findResources('AWS::SQS::Queue');
    expect(Object.values(queues).map((queue) => queue.Properties)).toStrictEqual([
      { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
      { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
    ]);
    for (const queue of [guard.stack.guard.ruleDeadLetterQueue, guard.stack.guard.failureQueue]) {
      guard.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [guard.ref(queue.queueUrl)],
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            {
              Action: 'sqs:*',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Resource: guard.ref(queue.queueArn),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ]),
        }),
      });
    }
  });

  it('alarms on function errors, on any message in either dead-letter queue and on a sweep that left tags, notifying the topic', () => {
    const g = guard.stack.guard;
    const alarms = Object.values(guard.template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    const common = {
      AlarmActions: [guard.ref(g.topic.topicArn)],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      Period: 300,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    };
    // The template orders resources by logical id, not by creation: compare as a set.
    expect(alarms).toHaveLength(4);
    expect(alarms).toStrictEqual(
      expect.arrayContaining([
        {
          ...common,
          AlarmDescription: expect.stringContaining('failed'),
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Statistic: 'Sum',
          Dimensions: [{ Name: 'FunctionName', Value: guard.ref(g.handler.functionName) }],
        },
        {
          ...common,
          AlarmDescription: expect.stringContaining('rule dead-letter queue'),
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          Dimensions: [{ Name: 'QueueName', Value: guard.ref(g.ruleDeadLetterQueue.queueName) }],
        },
        {
          ...common,
          AlarmDescription: expect.stringContaining('failure queue'),
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          Dimensions: [{ Name: 'QueueName', Value: guard.ref(g.failureQueue.queueName) }],
        },
        {
          // One datapoint per daily sweep: the period is the sweep interval.
          ...common,
          AlarmDescription: expect.stringContaining('sweep left tags unchecked'),
          Namespace: 'EcrLambdaGuard',
          MetricName: 'SweepRemaining',
          Statistic: 'Maximum',
          Period: 86_400,
        },
      ]),
    );
  });

  it('outputs the topic ARN, the function name, both queue URLs and the tag exclusion filters', () => {
    const g = guard.stack.guard;
    const outputs = guard.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output.Value]))).toStrictEqual({
      TopicArn: guard.ref(g.topic.topicArn),
      FunctionName: guard.ref(g.handler.functionName),
      RuleDeadLetterQueueUrl: guard.ref(g.ruleDeadLetterQueue.queueUrl),
      FailureQueueUrl: guard.ref(g.failureQueue.queueUrl),
      TagMutabilityExclusionFilters: '*-quarantined,*-deployable',
    });
  });

  it('stays environment-agnostic, so the template deploys in any account and Region', () => {
    const text = JSON.stringify(guard.template.toJSON());
    expect(text).not.toMatch(/\b\d{12}\b/);
    expect(text).not.toMatch(/(us|eu|ap|sa|ca|me|af)-[a-z]+-\d/);
  });
});
