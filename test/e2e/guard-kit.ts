/**
 * Shared helpers for the end-to-end tests: the ECR state read back through the real SDK, and SNS
 * deliveries and Slack posts parsed per protocol. The guard itself starts with `startGuard`
 * (test/support/guard-harness.ts).
 */
import { DescribeImagesCommand, type ECRClient, ListImagesCommand } from '@aws-sdk/client-ecr';
import { expect } from 'vitest';
import type { GuardStack } from '../../local/guard-stack.js';
import type { LambdaRuntime } from '../../local/lambda-runtime.js';
import type { LocalEndpoint } from '../../local/server.js';
import type { Delivery } from '../../local/sns/delivery-log.js';
import { REPOSITORY } from '../support/guard-harness.js';

export const ACCOUNT = '123456789012';
export const REGISTRY = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;

/** tag -> digest, as ListImages reports the repository's tagged images. */
export const tagsInEcr = async (ecr: ECRClient, repositoryName: string = REPOSITORY): Promise<Record<string, string>> => {
  const output = await ecr.send(new ListImagesCommand({ repositoryName, filter: { tagStatus: 'TAGGED' } }));
  const pairs = (output.imageIds ?? []).map((id) => [id.imageTag ?? '', id.imageDigest ?? ''] as const);
  return Object.fromEntries(pairs.sort(([a], [b]) => a.localeCompare(b)));
};

/** digest -> sorted tags (empty for untagged images), as DescribeImages reports them. */
export const imagesInEcr = async (ecr: ECRClient, repositoryName: string = REPOSITORY): Promise<Record<string, string[]>> => {
  const output = await ecr.send(new DescribeImagesCommand({ repositoryName }));
  return Object.fromEntries(
    (output.imageDetails ?? []).map((detail) => [detail.imageDigest ?? '', [...(detail.imageTags ?? [])].sort()]),
  );
};

/** The SNS notification document an https or sqs subscriber receives. */
interface Envelope {
  readonly Type: string;
  readonly MessageId: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly MessageAttributes?: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
}

/** The AWS Chatbot / Amazon Q Developer custom notification. */
export interface ChatbotJson {
  readonly version: string;
  readonly source: string;
  readonly id: string;
  readonly content: {
    readonly textType: string;
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata?: { readonly threadId?: string; readonly summary?: string };
}

/** The fields of the machine JSON (SNS `sqs` / `lambda`) the tests look at. */
export interface MachineJson {
  readonly schemaVersion: number;
  readonly type: 'verdict' | 'error';
  readonly verdict: string;
  readonly subject: { readonly digest: string; readonly tag: string | null; readonly repository: string | null };
  readonly reasons?: readonly { readonly code: string; readonly severity: string }[];
  readonly deployableChild?: { readonly digest: string } | null;
  readonly tags?: readonly {
    readonly tag: string;
    readonly digest: string;
    readonly outcome: string;
    readonly purpose: string;
    readonly message?: string;
  }[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly provenance?: { readonly builderId: string | null; readonly ciRunUrl: string | null } | null;
  readonly repository: string;
  readonly eventId: string;
}

/** One published message as its three subscribers received it. */
export interface Notification {
  readonly messageId: string;
  readonly emailSubject: string;
  readonly email: string;
  readonly chatbot: ChatbotJson;
  readonly machine: MachineJson;
  /** Message attributes as the https and sqs envelopes carry them (they must agree). */
  readonly attributes: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
}

const envelopeOf = (delivery: Delivery): Envelope => {
  const envelope = JSON.parse(delivery.body) as Envelope;
  expect(envelope.Type).toBe('Notification');
  return envelope;
};

/**
 * Every message published after `sinceSeq`, grouped by message id. Asserts that each message
 * reached each of the three subscriptions exactly once.
 */
export const notifications = (endpoint: LocalEndpoint, sinceSeq = 0): Notification[] => {
  const byMessage = new Map<string, Delivery[]>();
  for (const delivery of endpoint.deliveries.list()) {
    if (delivery.seq <= sinceSeq) continue;
    byMessage.set(delivery.messageId, [...(byMessage.get(delivery.messageId) ?? []), delivery]);
  }
  return [...byMessage.entries()].map(([messageId, deliveries]) => {
    expect(deliveries.map((delivery) => delivery.protocol).sort()).toEqual(['email', 'https', 'sqs']);
    const only = (protocol: string): Delivery => {
      const found = deliveries.find((delivery) => delivery.protocol === protocol);
      if (found === undefined) throw new Error(`no ${protocol} delivery for ${messageId}`);
      return found;
    };
    const email = only('email');
    const https = envelopeOf(only('https'));
    const sqs = envelopeOf(only('sqs'));
    expect(https.MessageAttributes).toEqual(sqs.MessageAttributes);
    return {
      messageId,
      emailSubject: email.subject ?? '',
      email: email.body,
      chatbot: JSON.parse(https.Message) as ChatbotJson,
      machine: JSON.parse(sqs.Message) as MachineJson,
      attributes: sqs.MessageAttributes ?? {},
    };
  });
};

/** The highest delivery sequence number so far (to look at what comes after). */
export const deliveryMark = (endpoint: LocalEndpoint): number => endpoint.deliveries.list().at(-1)?.seq ?? 0;

/** The message attributes a verdict notification carries. */
export const verdictAttributes = (
  verdict: string,
  reasons: readonly string[],
  repository: string = REPOSITORY,
  where: { readonly account: string; readonly region: string } = { account: '123456789012', region: 'us-east-1' },
) => ({
  verdict: { Type: 'String', Value: verdict },
  repository: { Type: 'String', Value: repository },
  reasons: { Type: 'String.Array', Value: JSON.stringify(reasons) },
  account: { Type: 'String', Value: where.account },
  region: { Type: 'String', Value: where.region },
});

/** The guard's JSON log lines, metric records left out. */
export const logLines = (guard: GuardStack): Record<string, unknown>[] =>
  guard.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry._aws === undefined);

/** The guard's `checked` log lines for one pushed tag. */
export const checkedLines = (guard: GuardStack, tag: string): Record<string, unknown>[] =>
  logLines(guard).filter((entry) => entry.message === 'checked' && entry.tag === tag);

/** Handler outcomes of the on-success destination, in completion order. */
export const outcomes = (runtime: LambdaRuntime): unknown[] => runtime.successes.map((record) => record.responsePayload);
