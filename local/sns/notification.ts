import { createHmac } from 'node:crypto';
import type { SubscriptionRecord } from '../state.js';
import type { Delivery } from './delivery-log.js';
import type { MessageAttribute } from './message-attributes.js';

/** One published message, before it is shaped for each subscription. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject: string | null;
  /** Per-protocol texts (`MessageStructure=json`) or `{ default: Message }`. */
  readonly texts: Readonly<Record<string, string>> & { readonly default: string };
  readonly attributes: readonly MessageAttribute[];
  readonly atEpochMs: number;
}

/** Endpoint-specific bits of the notification documents. */
export interface NotificationSigning {
  readonly baseUrl: string;
  readonly signingKey: string;
}

/** The text one protocol receives: its own key of a JSON message, else `default`. */
export const textFor = (message: PublishedMessage, protocol: string): string => message.texts[protocol] ?? message.texts.default;

const envelopeAttributes = (attributes: readonly MessageAttribute[]): Record<string, { Type: string; Value: string }> =>
  Object.fromEntries(attributes.map((attribute) => [attribute.name, { Type: attribute.dataType, Value: attribute.value }]));

const certUrl = (signing: NotificationSigning): string => `${signing.baseUrl}/_sns/SimpleNotificationService-local.pem`;

const unsubscribeUrl = (signing: NotificationSigning, subscriptionArn: string): string =>
  `${signing.baseUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;

/**
 * A signature over SNS's canonical notification string. Real SNS signs with an RSA key whose
 * certificate it serves; this one is an HMAC that only the local endpoint can check.
 */
const signature = (signing: NotificationSigning, fields: readonly (readonly [string, string | null])[]): string => {
  const canonical = fields
    .filter((field): field is readonly [string, string] => field[1] !== null)
    .map(([key, value]) => `${key}\n${value}\n`)
    .join('');
  return createHmac('sha256', signing.signingKey).update(canonical).digest('base64');
};

/** The JSON notification document SNS sends to http/https/email-json/sqs/firehose endpoints. */
export const notificationDocument = (
  message: PublishedMessage,
  subscription: SubscriptionRecord,
  signing: NotificationSigning,
): Record<string, unknown> => {
  const text = textFor(message, subscription.protocol);
  const timestamp = new Date(message.atEpochMs).toISOString();
  return {
    Type: 'Notification',
    MessageId: message.messageId,
    TopicArn: message.topicArn,
    ...(message.subject === null ? {} : { Subject: message.subject }),
    Message: text,
    Timestamp: timestamp,
    SignatureVersion: '1',
    Signature: signature(signing, [
      ['Message', text],
      ['MessageId', message.messageId],
      ['Subject', message.subject],
      ['Timestamp', timestamp],
      ['TopicArn', message.topicArn],
      ['Type', 'Notification'],
    ]),
    SigningCertURL: certUrl(signing),
    UnsubscribeURL: unsubscribeUrl(signing, subscription.arn),
    ...(message.attributes.length === 0 ? {} : { MessageAttributes: envelopeAttributes(message.attributes) }),
  };
};

/** The event a Lambda subscriber is invoked with (note `SigningCertUrl`/`UnsubscribeUrl` spelling). */
export const lambdaEvent = (
  message: PublishedMessage,
  subscription: SubscriptionRecord,
  signing: NotificationSigning,
): unknown => {
  const document = notificationDocument(message, subscription, signing);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscription.arn,
        Sns: {
          Type: 'Notification',
          MessageId: message.messageId,
          TopicArn: message.topicArn,
          Subject: message.subject,
          Message: document.Message,
          Timestamp: document.Timestamp,
          SignatureVersion: '1',
          Signature: document.Signature,
          SigningCertUrl: certUrl(signing),
          UnsubscribeUrl: unsubscribeUrl(signing, subscription.arn),
          MessageAttributes: envelopeAttributes(message.attributes),
        },
      },
    ],
  };
};

const sqsAttributes = (attributes: readonly MessageAttribute[]): Record<string, unknown> =>
  Object.fromEntries(
    attributes.map((attribute) => [
      attribute.name,
      attribute.dataType.startsWith('Binary')
        ? { DataType: attribute.dataType, BinaryValue: attribute.value }
        : { DataType: attribute.dataType, StringValue: attribute.value },
    ]),
  );

/** Exactly what one subscription's endpoint receives for a message. */
export const deliveryFor = (
  message: PublishedMessage,
  subscription: SubscriptionRecord,
  signing: NotificationSigning,
): Omit<Delivery, 'seq'> => {
  const raw = subscription.attributes.RawMessageDelivery === 'true';
  const common = {
    messageId: message.messageId,
    topicArn: message.topicArn,
    subscriptionArn: subscription.arn,
    protocol: subscription.protocol,
    endpoint: subscription.endpoint,
    atEpochMs: message.atEpochMs,
    raw,
  };
  const text = textFor(message, subscription.protocol);
  const envelope = (): string => JSON.stringify(notificationDocument(message, subscription, signing));
  switch (subscription.protocol) {
    case 'email':
      return { ...common, raw: false, body: text, subject: message.subject ?? 'AWS Notification Message' };
    case 'sms':
      return { ...common, raw: false, body: text };
    case 'lambda':
      return { ...common, raw: false, body: JSON.stringify(lambdaEvent(message, subscription, signing)) };
    case 'http':
    case 'https':
      return {
        ...common,
        body: raw ? text : envelope(),
        headers: {
          'x-amz-sns-message-type': 'Notification',
          'x-amz-sns-message-id': message.messageId,
          'x-amz-sns-topic-arn': message.topicArn,
          'x-amz-sns-subscription-arn': subscription.arn,
          'content-type': 'text/plain; charset=UTF-8',
          ...(raw ? { 'x-amz-sns-rawdelivery': 'true' } : {}),
        },
      };
    case 'sqs':
      return raw
        ? { ...common, body: text, messageAttributes: sqsAttributes(message.attributes) }
        : { ...common, body: envelope() };
    default:
      // email-json, firehose (and anything else a subscription was allowed to use): the JSON document.
      return { ...common, body: raw ? text : envelope() };
  }
};
