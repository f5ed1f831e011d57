import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEndpoint } from '../../local/server.js';
import { rejectionOf, startSns } from './local-test-kit.js';

describe('SNS topics and subscriptions', () => {
  let endpoint: LocalEndpoint;
  let sns: SNSClient;
  let topicArn: string;
  beforeEach(async () => {
    ({ endpoint, sns, topicArn } = await startSns('guard'));
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('creates topics idempotently by name', async () => {
    // Act
    const again = await sns.send(new CreateTopicCommand({ Name: 'guard' }));
    const listed = await sns.send(new ListTopicsCommand({}));

    // Assess
    expect(again.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:guard');
    expect(again.TopicArn).toBe(topicArn);
    expect(listed.Topics).toEqual([{ TopicArn: topicArn }]);
  });

  it.each([
    { name: 'an invalid name', input: { Name: 'bad name!' }, message: /Topic Name/ },
    { name: 'a .fifo name without FifoTopic', input: { Name: 'guard.fifo' }, message: /Topic Name/ },
    {
      name: 'the same name with other attributes',
      input: { Name: 'guard', Attributes: { DisplayName: 'Other' } },
      message: /different attributes/,
    },
    { name: 'an unknown attribute', input: { Name: 'other', Attributes: { Colour: 'blue' } }, message: /AttributeName/ },
  ])('refuses $name', async ({ input, message }) => {
    // Act
    const error = await rejectionOf(sns.send(new CreateTopicCommand(input)));

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(message);
  });

  it.each([
    { protocol: 'email', endpoint: 'dev@example.com', answer: 'pending confirmation' },
    { protocol: 'email-json', endpoint: 'dev@example.com', answer: 'pending confirmation' },
    { protocol: 'http', endpoint: 'http://127.0.0.1:9/hook', answer: 'pending confirmation' },
    { protocol: 'https', endpoint: 'https://global.sns-api.chatbot.amazonaws.com', answer: 'pending confirmation' },
    { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:guard-dlq', answer: 'arn' },
    { protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:notify', answer: 'arn' },
    { protocol: 'sms', endpoint: '+15555550100', answer: 'arn' },
  ])('subscribes $protocol and answers like SNS ($answer)', async ({ protocol, endpoint: target, answer }) => {
    // Act
    const result = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: protocol, Endpoint: target }));

    // Assess
    if (answer === 'arn') expect(result.SubscriptionArn).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    else expect(result.SubscriptionArn).toBe(answer);
    expect([...endpoint.state.subscriptions.values()].map((subscription) => subscription.protocol)).toEqual([protocol]);
  });

  it.each([
    { protocol: 'http', endpoint: 'https://example.com', message: /beginning with http:\/\// },
    { protocol: 'https', endpoint: 'not a url', message: /beginning with https:\/\// },
    { protocol: 'email', endpoint: 'nobody', message: /Email address/ },
    { protocol: 'sqs', endpoint: 'arn:aws:sns:us-east-1:123456789012:x', message: /SQS endpoint ARN/ },
    { protocol: 'lambda', endpoint: 'my-function', message: /Lambda endpoint ARN/ },
    { protocol: 'sms', endpoint: 'call me', message: /E\.164/ },
    {
      protocol: 'firehose',
      endpoint: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/s',
      message: /SubscriptionRoleArn/,
    },
    { protocol: 'carrier-pigeon', endpoint: 'x', message: /does not support this protocol/ },
  ])('refuses a $protocol subscription to $endpoint', async ({ protocol, endpoint: target, message }) => {
    // Act
    const error = await rejectionOf(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: protocol, Endpoint: target })));

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(message);
    expect(endpoint.state.subscriptions.size).toBe(0);
  });

  it.each([
    { protocol: 'email', endpoint: 'dev@example.com', raw: 'true', message: /does not support raw message delivery/ },
    { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:q', raw: 'yes', message: /RawMessageDelivery/ },
  ])('refuses RawMessageDelivery=$raw for $protocol', async ({ protocol, endpoint: target, raw, message }) => {
    // Act
    const error = await rejectionOf(
      sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: protocol,
          Endpoint: target,
          Attributes: { RawMessageDelivery: raw },
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(message);
  });

  it('answers NotFound for a topic that does not exist', async () => {
    // Act
    const error = await rejectionOf(
      sns.send(new SubscribeCommand({ TopicArn: `${topicArn}-gone`, Protocol: 'sms', Endpoint: '+15555550100' })),
    );

    // Assess
    expect(error.name).toBe('NotFoundException');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('lists subscriptions, confirmed ones by ARN and pending ones as PendingConfirmation', async () => {
    // Prepare
    const {
      endpoint: pendingEndpoint,
      sns: pendingSns,
      topicArn: arn,
    } = await startSns('guard', {
      autoConfirmSubscriptions: false,
    });
    await pendingSns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'dev@example.com' }));
    await pendingSns.send(
      new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:123456789012:q' }),
    );

    try {
      // Act
      const listed = await pendingSns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));

      // Assess
      expect(
        listed.Subscriptions?.map((subscription) => [subscription.Protocol, subscription.SubscriptionArn?.startsWith(arn)]),
      ).toEqual([
        ['email', false],
        ['sqs', true],
      ]);
      expect(listed.Subscriptions?.[0]?.SubscriptionArn).toBe('PendingConfirmation');
      expect(listed.Subscriptions?.[1]).toMatchObject({
        Owner: '123456789012',
        Endpoint: 'arn:aws:sqs:us-east-1:123456789012:q',
        TopicArn: arn,
      });
    } finally {
      await pendingEndpoint.close();
    }
  });

  it('is idempotent for the same subscription and refuses it with other attributes', async () => {
    // Prepare
    const input = { TopicArn: topicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:123456789012:q' };
    const first = await sns.send(new SubscribeCommand(input));

    // Act
    const second = await sns.send(new SubscribeCommand(input));
    const changed = await rejectionOf(sns.send(new SubscribeCommand({ ...input, Attributes: { RawMessageDelivery: 'true' } })));

    // Assess
    expect(second.SubscriptionArn).toBe(first.SubscriptionArn);
    expect(changed.message).toMatch(/already exists with different attributes/);
  });
});
