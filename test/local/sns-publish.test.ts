import {
  CreateTopicCommand,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEndpoint } from '../../local/server.js';
import type { Delivery } from '../../local/sns/delivery-log.js';
import { rejectionOf, startSns } from './local-test-kit.js';

const SUBSCRIBERS = [
  { protocol: 'email', endpoint: 'dev@example.com' },
  { protocol: 'email-json', endpoint: 'ops@example.com' },
  { protocol: 'http', endpoint: 'http://127.0.0.1:9/hook' },
  { protocol: 'https', endpoint: 'https://global.sns-api.chatbot.amazonaws.com' },
  { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:inbox' },
  { protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:notify' },
  { protocol: 'sms', endpoint: '+15555550100' },
] as const;

const byProtocol = (deliveries: readonly Delivery[], protocol: string): Delivery => {
  const found = deliveries.find((delivery) => delivery.protocol === protocol);
  if (found === undefined) throw new Error(`no ${protocol} delivery`);
  return found;
};

const parsed = (delivery: Delivery): Record<string, unknown> => JSON.parse(delivery.body) as Record<string, unknown>;

describe('SNS Publish', () => {
  let endpoint: LocalEndpoint;
  let sns: SNSClient;
  let topicArn: string;
  beforeEach(async () => {
    ({ endpoint, sns, topicArn } = await startSns('guard'));
  });
  afterEach(async () => {
    await endpoint.close();
  });

  const subscribeAll = async (): Promise<void> => {
    for (const subscriber of SUBSCRIBERS) {
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: subscriber.protocol, Endpoint: subscriber.endpoint }));
    }
  };

  it('delivers each protocol its own key of a MessageStructure=json message, else default', async () => {
    // Prepare
    await subscribeAll();
    const message = JSON.stringify({
      default: 'plain',
      email: 'for email',
      https: '{"version":"1.0"}',
      sqs: 'for sqs',
      lambda: 42,
    });

    // Act
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: message, MessageStructure: 'json', Subject: 'ECR guard' }),
    );
    const deliveries = endpoint.deliveries.list();

    // Assess
    expect(deliveries).toHaveLength(SUBSCRIBERS.length);
    expect(byProtocol(deliveries, 'email')).toMatchObject({ body: 'for email', subject: 'ECR guard', messageId: MessageId });
    expect(parsed(byProtocol(deliveries, 'email-json')).Message).toBe('plain');
    expect(parsed(byProtocol(deliveries, 'http')).Message).toBe('plain');
    expect(parsed(byProtocol(deliveries, 'https')).Message).toBe('{"version":"1.0"}');
    expect(parsed(byProtocol(deliveries, 'sqs')).Message).toBe('for sqs');
    // A non-string protocol value is ignored, so Lambda gets the default.
    const lambda = parsed(byProtocol(deliveries, 'lambda')) as { Records: { Sns: Record<string, unknown> }[] };
    expect(lambda.Records[0]?.Sns.Message).toBe('plain');
    expect(byProtocol(deliveries, 'sms').body).toBe('plain');
  });

  it('wraps JSON deliveries in the notification envelope with its attributes', async () => {
    // Prepare
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:123456789012:inbox' }),
    );

    // Act
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'hello',
        Subject: 'Hi',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'attestation-index' },
          count: { DataType: 'Number', StringValue: '3' },
        },
      }),
    );

    // Assess
    const envelope = parsed(endpoint.deliveries.list()[0] as Delivery);
    expect(Object.keys(envelope)).toEqual([
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'Hi',
      Message: 'hello',
      SignatureVersion: '1',
      MessageAttributes: { kind: { Type: 'String', Value: 'attestation-index' }, count: { Type: 'Number', Value: '3' } },
    });
    expect(envelope.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('builds the Lambda event SNS invokes a function with', async () => {
    // Prepare
    const subscription = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'lambda',
        Endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:notify',
      }),
    );

    // Act
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hello' }));

    // Assess
    const event = parsed(endpoint.deliveries.list()[0] as Delivery) as { Records: Record<string, unknown>[] };
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: subscription.SubscriptionArn,
      Sns: { Type: 'Notification', TopicArn: topicArn, Subject: null, Message: 'hello', MessageAttributes: {} },
    });
    expect(Object.keys((event.Records[0]?.Sns ?? {}) as object)).toContain('SigningCertUrl');
  });

  it.each([
    { name: 'sqs', protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:inbox' },
    { name: 'https', protocol: 'https', endpoint: 'https://hooks.example.com/sns' },
  ])('sends the raw message to $name with RawMessageDelivery', async ({ protocol, endpoint: target }) => {
    // Prepare
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: protocol,
        Endpoint: target,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );

    // Act
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ default: 'plain', [protocol]: 'raw body' }),
        MessageStructure: 'json',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'x' } },
      }),
    );

    // Assess
    const [delivery] = endpoint.deliveries.list();
    expect(delivery?.raw).toBe(true);
    expect(delivery?.body).toBe('raw body');
    if (protocol === 'sqs') expect(delivery?.messageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'x' } });
    else expect(delivery?.headers?.['x-amz-sns-rawdelivery']).toBe('true');
  });

  it.each([
    { name: 'a leading space', subject: ' Hello', ok: false },
    { name: 'a line break', subject: 'Hello\nWorld', ok: false },
    { name: 'a tab', subject: 'Hello\tWorld', ok: false },
    { name: 'non-ASCII text', subject: 'Größe', ok: false },
    { name: '100 characters', subject: 'a'.repeat(100), ok: false },
    { name: 'an empty string', subject: '', ok: false },
    { name: '99 characters', subject: 'a'.repeat(99), ok: true },
    { name: 'a leading punctuation mark', subject: '[guard] quarantined', ok: true },
    { name: 'a leading digit', subject: '3 images quarantined', ok: true },
  ])('Subject with $name is accepted: $ok', async ({ subject, ok }) => {
    // Act
    const outcome = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'm', Subject: subject })).then(
      () => 'ok',
      (error: Error) => `${error.name}: ${error.message}`,
    );

    // Assess
    if (ok) expect(outcome).toBe('ok');
    else expect(outcome).toMatch(/^InvalidParameterException: Invalid parameter: Subject/);
  });

  it.each([
    { name: 'text that is not JSON', message: 'not json', error: /failed to parse/ },
    { name: 'a JSON array', message: '["default"]', error: /must be an object/ },
    { name: 'no default key', message: '{"email":"x"}', error: /No default entry/ },
    { name: 'a non-string default', message: '{"default":1}', error: /No default entry/ },
    { name: 'a duplicate key', message: '{"default":"a","email":"b","email":"c"}', error: /Duplicate key 'email'/ },
    {
      name: 'a duplicate spelled with an escape',
      message: '{"default":"a","defa\\u0075lt":"b"}',
      error: /Duplicate key 'default'/,
    },
  ])('refuses a MessageStructure=json message with $name', async ({ message, error }) => {
    // Prepare
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+15555550100' }));

    // Act
    const failure = await rejectionOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: message, MessageStructure: 'json' })),
    );

    // Assess
    expect(failure.name).toBe('InvalidParameterException');
    expect(failure.message).toMatch(error);
    expect(endpoint.deliveries.list()).toHaveLength(0);
  });

  it.each([
    { name: 'exactly 262,144 bytes', bytes: 262_144, attributes: false, ok: true },
    { name: '262,145 bytes', bytes: 262_145, attributes: false, ok: false },
    { name: '262,144 bytes plus an attribute', bytes: 262_144, attributes: true, ok: false },
  ])('a message of $name is accepted: $ok', async ({ bytes, attributes, ok }) => {
    // Prepare
    const message = 'é'.repeat(Math.floor(bytes / 2)) + (bytes % 2 === 1 ? 'x' : '');

    // Act
    const outcome = await sns
      .send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: message,
          ...(attributes ? { MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } } : {}),
        }),
      )
      .then(
        () => 'ok',
        (error: Error) => error.message,
      );

    // Assess
    expect(Buffer.byteLength(message)).toBe(bytes);
    if (ok) expect(outcome).toBe('ok');
    else expect(outcome).toMatch(/Message too long/);
  });

  it('honours a topic MaximumMessageSize smaller than the default', async () => {
    // Prepare
    const small = await sns.send(new CreateTopicCommand({ Name: 'small', Attributes: { MaximumMessageSize: '1024' } }));

    // Act
    const fits = await sns.send(new PublishCommand({ TopicArn: small.TopicArn, Message: 'a'.repeat(1024) }));
    const tooLong = await rejectionOf(sns.send(new PublishCommand({ TopicArn: small.TopicArn, Message: 'a'.repeat(1025) })));

    // Assess
    expect(fits.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(tooLong.message).toMatch(/the limit is 1024 bytes/);
  });

  it.each([
    {
      name: 'eleven attributes',
      attributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])),
      error: /exceeds the allowed maximum \[10\]/,
    },
    {
      name: 'an unknown data type',
      attributes: { a: { DataType: 'Date', StringValue: 'v' } },
      error: /invalid message attribute type/,
    },
    { name: 'an empty value', attributes: { a: { DataType: 'String', StringValue: '' } }, error: /non-empty/ },
    {
      name: 'a Number that is not one',
      attributes: { a: { DataType: 'Number', StringValue: 'ten' } },
      error: /must hold a number/,
    },
    {
      name: 'a String.Array that is not an array',
      attributes: { a: { DataType: 'String.Array', StringValue: 'a,b' } },
      error: /JSON array/,
    },
    {
      name: 'a reserved name',
      attributes: { 'AWS.trace': { DataType: 'String', StringValue: 'v' } },
      error: /must not start with "AWS\."/,
    },
  ])('refuses message attributes with $name', async ({ attributes, error }) => {
    // Act
    const failure = await rejectionOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'm', MessageAttributes: attributes })),
    );

    // Assess
    expect(failure.name).toBe('InvalidParameterValueException');
    expect(failure.message).toMatch(error);
  });

  it('accepts String.Array and Binary attributes', async () => {
    // Prepare
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:123456789012:inbox' }),
    );

    // Act
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'm',
        MessageAttributes: {
          tags: { DataType: 'String.Array', StringValue: '["v1","v1-deployable"]' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );

    // Assess
    expect(parsed(endpoint.deliveries.list()[0] as Delivery).MessageAttributes).toEqual({
      tags: { Type: 'String.Array', Value: '["v1","v1-deployable"]' },
      blob: { Type: 'Binary', Value: 'AQID' },
    });
  });

  it.each([
    {
      name: 'neither TopicArn nor TargetArn',
      input: { Message: 'm' },
      code: 'InvalidParameterException',
      error: /TopicArn or TargetArn/,
    },
    {
      name: 'no Message',
      input: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:guard' },
      code: 'InvalidParameterException',
      error: /Message/,
    },
    {
      name: 'an empty Message',
      input: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:guard', Message: '' },
      code: 'InvalidParameterException',
      error: /Empty message/,
    },
    {
      name: 'an unknown topic',
      input: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:nope', Message: 'm' },
      code: 'NotFoundException',
      error: /Topic does not exist/,
    },
    {
      name: 'MessageStructure other than json',
      input: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:guard', Message: 'm', MessageStructure: 'xml' },
      code: 'InvalidParameterException',
      error: /MessageStructure/,
    },
  ])('refuses a Publish with $name', async ({ input, code, error }) => {
    // Act
    // Deliberately unchecked: some rows leave out members the SDK types require.
    const failure = await rejectionOf(sns.send(new PublishCommand(input as PublishCommandInput)));

    // Assess
    expect(failure.name).toBe(code);
    expect(failure.message).toMatch(error);
  });

  it('publishes through TargetArn as well', async () => {
    // Prepare
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+15555550100' }));

    // Act
    await sns.send(new PublishCommand({ TargetArn: topicArn, Message: 'via target' }));

    // Assess
    expect(endpoint.deliveries.list().map((delivery) => delivery.body)).toEqual(['via target']);
  });

  it('honours a subscription filter policy on message attributes', async () => {
    // Prepare
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: 'arn:aws:sqs:us-east-1:123456789012:quarantine-only',
        Attributes: { FilterPolicy: JSON.stringify({ verdict: ['quarantined'] }) },
      }),
    );

    // Act
    for (const verdict of ['deployable', 'quarantined']) {
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: verdict,
          MessageAttributes: { verdict: { DataType: 'String', StringValue: verdict } },
        }),
      );
    }

    // Assess
    expect(endpoint.deliveries.list().map((delivery) => parsed(delivery).Message)).toEqual(['quarantined']);
  });

  it('reports each delivery to onDelivery listeners as it happens', async () => {
    // Prepare
    await subscribeAll();
    const seen: string[] = [];
    const stop = endpoint.onDelivery((delivery) => seen.push(delivery.protocol));

    // Act
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'one' }));
    stop();
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'two' }));

    // Assess
    expect(seen.sort()).toEqual(SUBSCRIBERS.map((subscriber) => subscriber.protocol).sort());
    expect(endpoint.deliveries.list()).toHaveLength(SUBSCRIBERS.length * 2);
  });

  it('does not deliver to subscriptions left pending', async () => {
    // Prepare
    const { endpoint: strict, sns: strictSns, topicArn: arn } = await startSns('guard', { autoConfirmSubscriptions: false });
    await strictSns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'dev@example.com' }));
    await strictSns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sms', Endpoint: '+15555550100' }));

    try {
      // Act
      await strictSns.send(new PublishCommand({ TopicArn: arn, Message: 'm' }));

      // Assess
      expect(strict.deliveries.list().map((delivery) => delivery.protocol)).toEqual(['sms']);
    } finally {
      await strict.close();
    }
  });
});
