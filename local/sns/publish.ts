import { randomUUID } from 'node:crypto';
import { type EventPattern, matchesEventPattern } from '../event-pattern-match.js';
import { isJsonObject } from '../json-value.js';
import { ServiceError } from '../service-error.js';
import type { SubscriptionRecord, TopicRecord } from '../state.js';
import { filterValue, readMessageAttributes } from './message-attributes.js';
import { splitMessageStructure } from './message-structure.js';
import { deliveryFor, type PublishedMessage } from './notification.js';
import type { QueryParams } from './query-params.js';
import { INVALID_PARAMETER, type SnsContext } from './sns-context.js';
import { element } from './sns-xml.js';
import { findTopic } from './topics.js';

/** The default (and pre-2025 only) SNS message size limit, attributes included. */
export const MAX_MESSAGE_BYTES = 262_144;

const invalid = (message: string): ServiceError => new ServiceError(INVALID_PARAMETER, message);

/**
 * The documented Subject rule: ASCII text that begins with a letter, number or punctuation mark, with
 * no line breaks or control characters, less than 100 characters long.
 */
export const subjectProblem = (subject: string): string | null => {
  if (subject.length === 0) return 'must not be empty';
  if (subject.length >= 100) return 'must be less than 100 characters long';
  if (!/^[\x20-\x7e]+$/.test(subject)) return 'must be ASCII text without line breaks or control characters';
  // Every printable ASCII character but the space is a letter, a digit or punctuation.
  if (!/^[\x21-\x7e]/.test(subject)) return 'must begin with a letter, number, or punctuation mark';
  return null;
};

const passesFilter = (subscription: SubscriptionRecord, message: PublishedMessage): boolean => {
  const policy = subscription.attributes.FilterPolicy;
  if (policy === undefined || policy === '') return true;
  const pattern = JSON.parse(policy) as EventPattern;
  if (subscription.attributes.FilterPolicyScope === 'MessageBody') {
    try {
      const body: unknown = JSON.parse(message.texts.default);
      return isJsonObject(body) && matchesEventPattern(pattern, body);
    } catch {
      return false;
    }
  }
  const values: Record<string, unknown> = {};
  for (const attribute of message.attributes) {
    const value = filterValue(attribute);
    if (value !== undefined) values[attribute.name] = value;
  }
  return matchesEventPattern(pattern, values);
};

const checkFifo = (topic: TopicRecord, params: QueryParams): void => {
  const fifo = topic.attributes.FifoTopic === 'true';
  if (!fifo) return;
  if ((params.get('MessageGroupId') ?? '') === '') {
    throw invalid('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
  }
  if (topic.attributes.ContentBasedDeduplication !== 'true' && (params.get('MessageDeduplicationId') ?? '') === '') {
    throw invalid(
      'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
};

/**
 * Publish: validates as SNS does (target, message, subject, structure, attributes, size), then records
 * one delivery per confirmed subscription whose filter policy matches, shaped for its protocol.
 */
export const publish = (context: SnsContext, params: QueryParams): string => {
  const topicArn = params.get('TopicArn');
  const targetArn = params.get('TargetArn');
  const phoneNumber = params.get('PhoneNumber');
  const targets = [topicArn, targetArn, phoneNumber].filter((value) => value !== undefined && value !== '');
  if (targets.length === 0) throw invalid('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  if (targets.length > 1)
    throw invalid('Invalid parameter: TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given');
  if (phoneNumber !== undefined && phoneNumber !== '') {
    throw invalid('Invalid parameter: PhoneNumber Reason: the local endpoint only publishes to topics');
  }
  const message = params.get('Message');
  if (message === undefined) throw invalid('Invalid parameter: Message Reason: no value for required parameter');
  if (message === '') throw invalid('Invalid parameter: Empty message');
  const subject = params.get('Subject');
  if (subject !== undefined) {
    const problem = subjectProblem(subject);
    if (problem !== null) throw invalid(`Invalid parameter: Subject Reason: ${problem}`);
  }
  const structure = params.get('MessageStructure');
  if (structure !== undefined && structure !== 'json')
    throw invalid('Invalid parameter: MessageStructure Reason: the only valid value is json');
  const texts = structure === 'json' ? splitMessageStructure(message) : { default: message };
  const attributes = readMessageAttributes(params);
  const topic = findTopic(context, topicArn ?? targetArn);
  checkFifo(topic, params);
  const limit = Number(topic.attributes.MaximumMessageSize ?? MAX_MESSAGE_BYTES);
  const size = Buffer.byteLength(message, 'utf8') + attributes.reduce((sum, attribute) => sum + attribute.size, 0);
  if (size > limit) {
    throw invalid(`Invalid parameter: Message too long (${size} bytes with attributes; the limit is ${limit} bytes)`);
  }
  const published: PublishedMessage = {
    messageId: randomUUID(),
    topicArn: topic.arn,
    subject: subject ?? null,
    texts,
    attributes,
    atEpochMs: context.now(),
  };
  const signing = { baseUrl: context.baseUrl, signingKey: context.signingKey };
  for (const subscription of context.state.subscriptions.values()) {
    if (subscription.topicArn !== topic.arn || !subscription.confirmed || !passesFilter(subscription, published)) continue;
    context.deliveries.add(deliveryFor(published, subscription, signing));
  }
  const fifo = topic.attributes.FifoTopic === 'true';
  // SNS documents the sequence number as large, increasing and non-consecutive: a monotonic clock is all three.
  const sequence = process.hrtime.bigint().toString().padStart(20, '0');
  return `${element('MessageId', published.messageId)}${fifo ? element('SequenceNumber', sequence) : ''}`;
};
