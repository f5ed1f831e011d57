import { describe, expect, it } from 'vitest';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { createComposer } from '../../functions/adapters/notification-composer.js';
import { GuardError } from '../../functions/app/guard-error.js';
import type { PublishRequest } from '../../functions/app/ports.js';
import { type GuardDeps, processPush } from '../../functions/app/process-push.js';
import { loadConfig } from '../../functions/config/load-config.js';
import type { Digest } from '../../functions/core/digest.js';
import type { PushEvent } from '../../functions/core/push-event.js';
import { createMemoryRegistry } from '../support/memory-registry.js';

const HOME = '111111111111';
const PAYMENTS = '222222222222';
const OUTSIDER = '999999999999';

const ORG_ENV = {
  GUARD_TOPIC_ARN: `arn:aws:sns:eu-west-1:${HOME}:ecr-lambda-guard`,
  AWS_REGION: 'eu-west-1',
  GUARD_TARGET_ARCHITECTURES: 'arm64',
  GUARD_MEMBER_ROLE_NAME: 'ecr-lambda-guard-member',
  GUARD_HOME_ACCOUNT: HOME,
  GUARD_MEMBER_ACCOUNTS: PAYMENTS,
  GUARD_ACCOUNT_ALIASES: `${PAYMENTS}=payments`,
};

const pushIn = (account: string, region: string, digest: string, eventId = 'event-1'): PushEvent => ({
  eventId,
  account,
  region,
  time: '2026-12-05T00:00:00Z',
  repository: 'orders-service',
  digest: digest as Digest,
  tag: 'v7',
  manifestMediaType: null,
  artifactMediaType: null,
});

const harness = () => {
  const memory = createMemoryRegistry();
  const published: PublishRequest[] = [];
  const posted: string[] = [];
  const logs: { message: string; fields: Record<string, unknown> }[] = [];
  const log = (message: string, fields: Record<string, unknown> = {}) => logs.push({ message, fields });
  const deps: GuardDeps = {
    config: loadConfig(ORG_ENV),
    registry: memory.registry,
    notifier: {
      publish: async (request) => {
        published.push(request);
        return { messageId: `message-${published.length}` };
      },
    },
    chat: {
      post: async (message) => {
        posted.push(JSON.stringify(message.blocks));
        return { ok: true, detail: 'ok' };
      },
    },
    composer: async () => createComposer(),
    logger: { info: log, warn: log, error: log },
    metrics: { count: () => undefined, flush: () => undefined },
    reportedRetries: new Set(),
  };
  return { deps, memory, published, posted, logs };
};

const parts = (request: PublishRequest | undefined) => {
  const message = JSON.parse(request?.Message ?? '{}') as { default: string; sqs: string };
  return { text: message.default, machine: JSON.parse(message.sqs) as Record<string, unknown> };
};

describe('processPush in organization mode', () => {
  it('names the member account, its alias and the Region in every part of the notification', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    h.memory.addManifest(seed.index.bytes, seed.index.mediaType, 'v7');
    h.memory.addManifest(seed.image.bytes, seed.image.mediaType);

    // Act
    const outcome = await processPush(h.deps, pushIn(PAYMENTS, 'us-west-2', seed.index.digest));

    // Assess
    expect(outcome).toMatchObject({ kind: 'checked', verdict: 'quarantined' });
    const { text, machine } = parts(h.published[0]);
    expect(text).toContain(`  account     ${PAYMENTS} (payments) us-west-2`);
    expect(text).toContain(`${PAYMENTS}.dkr.ecr.us-west-2.amazonaws.com/orders-service`);
    expect(machine).toMatchObject({ account: PAYMENTS, accountAlias: 'payments', region: 'us-west-2' });
    const chatbot = JSON.parse((JSON.parse(h.published[0]?.Message ?? '{}') as { https: string }).https) as {
      content: { description: string };
    };
    expect(chatbot.content.description).toContain(`Account \`${PAYMENTS} (payments) us-west-2\``);
    expect(h.posted).toHaveLength(1);
    expect(h.posted[0]).toContain(`account \`${PAYMENTS} (payments) us-west-2\``);
    expect(h.published[0]?.MessageAttributes).toMatchObject({
      account: { DataType: 'String', StringValue: PAYMENTS },
      region: { DataType: 'String', StringValue: 'us-west-2' },
    });
  });

  it('ignores, with a log line, an event from an account the guard does not act for', async () => {
    // Prepare
    const h = harness();

    // Act
    const outcome = await processPush(h.deps, pushIn(OUTSIDER, 'eu-west-1', `sha256:${'a'.repeat(64)}`));

    // Assess: nothing read, nothing published
    expect(outcome).toMatchObject({ kind: 'skipped', code: 'ACCOUNT_OUTSIDE_ORGANIZATION' });
    expect(h.memory.calls).toEqual([]);
    expect(h.published).toEqual([]);
    expect(h.logs).toContainEqual({
      message: 'skipped',
      fields: expect.objectContaining({ account: OUTSIDER, skip: 'ACCOUNT_OUTSIDE_ORGANIZATION' }),
    });
  });

  it('reports a role it cannot assume once, and hands the event back to Lambda on every attempt', async () => {
    // Prepare
    const h = harness();
    const refusal = new GuardError(
      'CANNOT_ASSUME_ROLE',
      `cannot assume arn:aws:iam::${PAYMENTS}:role/ecr-lambda-guard-member: not authorized to perform: sts:AssumeRole`,
      true,
    );
    h.memory.failNext('getImages', refusal, 3);
    const push = pushIn(PAYMENTS, 'eu-west-1', `sha256:${'b'.repeat(64)}`);

    // Act: the first attempt and Lambda's two retries
    const attempts = await Promise.all([0, 1, 2].map(() => processPush(h.deps, push).catch((error: unknown) => error)));

    // Assess
    for (const attempt of attempts) expect(attempt).toBe(refusal);
    expect(h.published).toHaveLength(1);
    expect(h.published[0]?.Subject).toBe('Not checked: orders-service:v7 (CANNOT_ASSUME_ROLE)');
    const { text, machine } = parts(h.published[0]);
    expect(text).toContain(`cannot assume arn:aws:iam::${PAYMENTS}:role/ecr-lambda-guard-member`);
    expect(text).toContain(`  where       ${PAYMENTS} (payments) eu-west-1`);
    expect(machine).toMatchObject({ type: 'error', error: { code: 'CANNOT_ASSUME_ROLE' }, accountAlias: 'payments' });
  });

  it('never tags with credentials for another account: the push is reported, not checked', async () => {
    // Prepare
    const h = harness();
    h.memory.failNext('getImages', new GuardError('ACCOUNT_MISMATCH', 'credentials for account 333333333333', false));

    // Act
    const outcome = await processPush(h.deps, pushIn(PAYMENTS, 'eu-west-1', `sha256:${'c'.repeat(64)}`));

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', code: 'ACCOUNT_MISMATCH' });
    expect(h.memory.calls.filter((call) => call.op === 'putTag')).toEqual([]);
    expect(h.published).toHaveLength(1);
  });
});
