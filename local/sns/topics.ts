import { randomUUID } from 'node:crypto';
import { eventPatternProblems } from '../event-pattern-match.js';
import { ServiceError } from '../service-error.js';
import type { ResourceTag, SubscriptionRecord, TopicRecord } from '../state.js';
import { type QueryParams, readQueryMap, readQueryMembers } from './query-params.js';
import { INVALID_PARAMETER, type SnsContext } from './sns-context.js';
import { element } from './sns-xml.js';

const TOPIC_ATTRIBUTES = new Set([
  'ArchivePolicy',
  'ContentBasedDeduplication',
  'DeliveryPolicy',
  'DisplayName',
  'FifoThroughputScope',
  'FifoTopic',
  'KmsMasterKeyId',
  'MaximumMessageSize',
  'Policy',
  'SignatureVersion',
  'TracingConfig',
]);
const SUBSCRIPTION_ATTRIBUTES = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'ReplayPolicy',
  'SubscriptionRoleArn',
]);
/** Protocols that can receive raw (envelope-free) messages. */
const RAW_CAPABLE = new Set(['http', 'https', 'sqs', 'firehose']);
/** Protocols whose owner must confirm the subscription. */
const NEEDS_CONFIRMATION = new Set(['email', 'email-json', 'http', 'https']);
const PAGE = 100;

const invalid = (message: string): ServiceError => new ServiceError(INVALID_PARAMETER, message);

/** The topic an ARN names, or SNS's `NotFound`. */
export const findTopic = (context: SnsContext, arn: string | undefined): TopicRecord => {
  const topic = arn === undefined ? undefined : context.state.topics.get(arn);
  if (topic === undefined) throw new ServiceError('NotFound', 'Topic does not exist', 404);
  return topic;
};

const sameRecord = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value);

const pageOf = <T>(items: readonly T[], token: string | undefined): { items: readonly T[]; next: string | null } => {
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw invalid('Invalid parameter: NextToken');
  const end = start + PAGE;
  return { items: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString('base64url') : null };
};

/** CreateTopic: idempotent by name; the same name with other attributes or tags is refused. */
export const createTopic = (context: SnsContext, params: QueryParams): string => {
  const name = params.get('Name');
  if (name === undefined || name === '') throw invalid('Invalid parameter: Topic Name');
  const attributes: Record<string, string> = {};
  for (const { key, value } of readQueryMap(params, 'Attributes')) {
    if (!TOPIC_ATTRIBUTES.has(key)) throw invalid(`Invalid parameter: AttributeName ${key}`);
    attributes[key] = value ?? '';
  }
  const fifo = attributes.FifoTopic === 'true';
  const base = fifo ? name.replace(/\.fifo$/, '') : name;
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(base) || name.length > 256 || fifo !== name.endsWith('.fifo')) {
    throw invalid(
      'Invalid parameter: Topic Name (1-256 letters, digits, hyphens and underscores; FIFO topic names end in .fifo and need FifoTopic=true)',
    );
  }
  if ((attributes.DisplayName?.length ?? 0) > 100) throw invalid('Invalid parameter: DisplayName (at most 100 characters)');
  if (attributes.MaximumMessageSize !== undefined) {
    const size = Number(attributes.MaximumMessageSize);
    if (!Number.isInteger(size) || size < 1024 || size > 1_048_576) {
      throw invalid('Invalid parameter: MaximumMessageSize (an integer from 1024 to 1048576 bytes)');
    }
  }
  const tags: ResourceTag[] = readQueryMembers(params, 'Tags', ['Key', 'Value']).map((tag) => ({
    Key: tag.Key ?? '',
    Value: tag.Value ?? '',
  }));
  const arn = `arn:aws:sns:${context.state.region}:${context.state.account}:${name}`;
  const existing = context.state.topics.get(arn);
  if (existing !== undefined) {
    if (!sameRecord(existing.attributes, attributes)) {
      throw invalid('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    }
    if (tags.length > 0 && JSON.stringify(existing.tags) !== JSON.stringify(tags)) {
      throw invalid('Invalid parameter: Tags Reason: Topic already exists with different tags');
    }
  } else {
    context.state.topics.set(arn, { arn, name, attributes, tags });
    context.state.markDirty();
  }
  return element('TopicArn', arn);
};

/** ListTopics: 100 per page. */
export const listTopics = (context: SnsContext, params: QueryParams): string => {
  const arns = [...context.state.topics.keys()].sort();
  const page = pageOf(arns, params.get('NextToken'));
  return `<Topics>${page.items.map((arn) => `<member>${element('TopicArn', arn)}</member>`).join('')}</Topics>${
    page.next === null ? '' : element('NextToken', page.next)
  }`;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ARN = (service: string, resource: string): RegExp =>
  new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}$`);

/** Why an endpoint does not fit its protocol, or null. */
const endpointProblem = (protocol: string, endpoint: string, attributes: Readonly<Record<string, string>>): string | null => {
  switch (protocol) {
    case 'http':
    case 'https': {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        return `Invalid parameter: Endpoint must be a URL beginning with ${protocol}://`;
      }
      return url.protocol === `${protocol}:` ? null : `Invalid parameter: Endpoint must be a URL beginning with ${protocol}://`;
    }
    case 'email':
    case 'email-json':
      return EMAIL.test(endpoint) ? null : 'Invalid parameter: Email address';
    case 'sqs':
      return ARN('sqs', '[A-Za-z0-9_-]{1,80}(\\.fifo)?').test(endpoint) ? null : 'Invalid parameter: SQS endpoint ARN';
    case 'lambda':
      return ARN('lambda', 'function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?').test(endpoint)
        ? null
        : 'Invalid parameter: Lambda endpoint ARN';
    case 'sms':
      return /^\+?[1-9]\d{1,14}$/.test(endpoint) ? null : 'Invalid parameter: SMS endpoint must be an E.164 phone number';
    case 'firehose':
      if (!ARN('firehose', 'deliverystream/[A-Za-z0-9_.-]{1,64}').test(endpoint))
        return 'Invalid parameter: Firehose endpoint ARN';
      return attributes.SubscriptionRoleArn === undefined
        ? 'Invalid parameter: Attributes Reason: SubscriptionRoleArn is required for firehose subscriptions'
        : null;
    case 'application':
      return 'Invalid parameter: the local endpoint does not implement the application (mobile push) protocol';
    default:
      return `Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`;
  }
};

/** Subscribe: validates the endpoint for its protocol and the attributes; idempotent for the same triple. */
export const subscribe = (context: SnsContext, params: QueryParams): string => {
  const topic = findTopic(context, params.get('TopicArn'));
  const protocol = params.get('Protocol');
  if (protocol === undefined || protocol === '') throw invalid('Invalid parameter: Protocol');
  const endpoint = params.get('Endpoint') ?? '';
  const attributes: Record<string, string> = {};
  for (const { key, value } of readQueryMap(params, 'Attributes')) {
    if (!SUBSCRIPTION_ATTRIBUTES.has(key)) throw invalid(`Invalid parameter: Attributes Reason: Unknown attribute ${key}`);
    attributes[key] = value ?? '';
  }
  const problem = endpointProblem(protocol, endpoint, attributes);
  if (problem !== null) throw invalid(problem);
  if (topic.attributes.FifoTopic === 'true' && protocol !== 'sqs') {
    throw invalid(`Invalid parameter: Invalid protocol type: ${protocol} (FIFO topics only deliver to SQS)`);
  }
  const raw = attributes.RawMessageDelivery;
  if (raw !== undefined) {
    if (raw !== 'true' && raw !== 'false')
      throw invalid('Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value');
    if (raw === 'true' && !RAW_CAPABLE.has(protocol)) {
      throw invalid(
        `Invalid parameter: Attributes Reason: Delivery protocol [${protocol}] does not support raw message delivery.`,
      );
    }
  }
  if (
    attributes.FilterPolicyScope !== undefined &&
    !['MessageAttributes', 'MessageBody'].includes(attributes.FilterPolicyScope)
  ) {
    throw invalid('Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value');
  }
  if (attributes.FilterPolicy !== undefined) {
    let policy: unknown;
    try {
      policy = JSON.parse(attributes.FilterPolicy);
    } catch {
      throw invalid('Invalid parameter: FilterPolicy: failed to parse JSON');
    }
    const problems = eventPatternProblems(policy);
    if (problems.length > 0) throw invalid(`Invalid parameter: FilterPolicy: ${problems.join('; ')}`);
  }
  const existing = [...context.state.subscriptions.values()].find(
    (subscription) =>
      subscription.topicArn === topic.arn && subscription.protocol === protocol && subscription.endpoint === endpoint,
  );
  if (existing !== undefined && !sameRecord(existing.attributes, attributes)) {
    throw invalid('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
  }
  const needsConfirmation = NEEDS_CONFIRMATION.has(protocol);
  const subscription: SubscriptionRecord = existing ?? {
    arn: `${topic.arn}:${randomUUID()}`,
    topicArn: topic.arn,
    protocol,
    endpoint,
    owner: context.state.account,
    attributes,
    confirmed: !needsConfirmation || context.autoConfirmSubscriptions,
  };
  if (existing === undefined) {
    context.state.subscriptions.set(subscription.arn, subscription);
    context.state.markDirty();
  }
  // Real SNS answers "pending confirmation" until the endpoint owner confirms, even when that is quick.
  const answer = needsConfirmation && params.get('ReturnSubscriptionArn') !== 'true' ? 'pending confirmation' : subscription.arn;
  return element('SubscriptionArn', answer);
};

/** ListSubscriptionsByTopic: 100 per page; unconfirmed subscriptions show `PendingConfirmation`. */
export const listSubscriptionsByTopic = (context: SnsContext, params: QueryParams): string => {
  const topic = findTopic(context, params.get('TopicArn'));
  const subscriptions = [...context.state.subscriptions.values()].filter((subscription) => subscription.topicArn === topic.arn);
  const page = pageOf(subscriptions, params.get('NextToken'));
  const members = page.items.map(
    (subscription) =>
      `<member>${element('TopicArn', subscription.topicArn)}${element('Protocol', subscription.protocol)}${element(
        'SubscriptionArn',
        subscription.confirmed ? subscription.arn : 'PendingConfirmation',
      )}${element('Owner', subscription.owner)}${element('Endpoint', subscription.endpoint)}</member>`,
  );
  return `<Subscriptions>${members.join('')}</Subscriptions>${page.next === null ? '' : element('NextToken', page.next)}`;
};

/** Unsubscribe. */
export const unsubscribe = (context: SnsContext, params: QueryParams): null => {
  const arn = params.get('SubscriptionArn') ?? '';
  if (!context.state.subscriptions.delete(arn)) throw new ServiceError('NotFound', 'Subscription does not exist', 404);
  context.state.markDirty();
  return null;
};

/** DeleteTopic (and its subscriptions); deleting a missing topic succeeds, as in SNS. */
export const deleteTopic = (context: SnsContext, params: QueryParams): null => {
  const arn = params.get('TopicArn') ?? '';
  context.state.topics.delete(arn);
  for (const [subscriptionArn, subscription] of context.state.subscriptions) {
    if (subscription.topicArn === arn) context.state.subscriptions.delete(subscriptionArn);
  }
  context.state.markDirty();
  return null;
};
