/**
 * Hostile events delivered straight to the BUILT function (EventBridge filtering is an
 * optimisation, not a guarantee): generated mutations of a real push event (fields dropped,
 * retyped, made huge, filled with unicode tricks and injection payloads), and forged events that
 * name a real image under tags no registry would allow. Each is either a clear malformed-event
 * log with its problems, a skip with a code, or a check that completes; never a retry of garbage,
 * never a call for an event that is not a push, never an unbounded log line.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { pushSeed } from '../../fixtures/push-fixture.js';
import type { EventBridgeEvent } from '../../local/event-bus.js';
import { publishedMessages, startFaultHarness, tagsIn } from '../faults/fault-kit.js';
import { createTally, reportTally } from '../faults/suite-tally.js';
import { type GuardHarness, REPOSITORY } from '../support/guard-harness.js';
import { hasControlCharacter, hostileString, INJECTIONS, renderingProblems } from './hostile-kit.js';

const tally = createTally();
afterAll(() => reportTally('test/hostile/events.test.ts', tally));

let harness: GuardHarness;
let v7: EventBridgeEvent;
const seed = seedCase({ architecture: 'arm64' });

beforeAll(async () => {
  // A generous per-request timeout: under a loaded CI machine a 2 s answer is slow, not a fault.
  harness = await startFaultHarness({ maxAttempts: 1, requestTimeoutMs: 10_000 });
  await pushSeed(harness.ecr, seed, { repository: REPOSITORY, tag: 'v7' });
  await harness.guard.stack.idle();
  const found = harness.guard.stack.bus.events.find((record) => record.event.detail['image-tag'] === 'v7')?.event;
  if (found === undefined) throw new Error('the seed push emitted no v7 event');
  v7 = found;
});
afterAll(async () => {
  await harness?.close();
});

/** Delivers one event to the function (as an async invoke) and returns what it came to. */
const deliver = async (
  event: unknown,
): Promise<{ outcome: { kind: string; problems?: string[]; code?: string }; calls: number }> => {
  tally.inputsTried += 1;
  const callsBefore = harness.endpoint.calls.count();
  const before = harness.runtime.successes.length;
  const failuresBefore = harness.runtime.failures.length;
  harness.runtime.invoke(event);
  await harness.guard.stack.idle();
  const record = harness.runtime.successes[before];
  if (record === undefined || harness.runtime.failures.length !== failuresBefore) tally.eventsLost += 1;
  return {
    outcome: (record?.responsePayload ?? { kind: 'lost' }) as { kind: string; problems?: string[]; code?: string },
    calls: harness.endpoint.calls.count() - callsBefore,
  };
};

/** A value to put where a field was: missing, mistyped, huge, or hostile text. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constantFrom('', 'push', 'PUSH ', 'success', 'aws.ecr ', 'ECR Image Scan', 'x'.repeat(100_000), '\u202eR\u200bE\u200dP'),
  hostileString(3),
);

const ENVELOPE_KEYS = ['source', 'detail-type', 'account', 'region', 'id', 'time', 'detail'] as const;
const DETAIL_KEYS = ['action-type', 'result', 'repository-name', 'image-digest', 'image-tag', 'manifest-media-type'] as const;

/** The real v7 event with one to three fields replaced (or removed). */
const mutatedEvent = fc
  .array(fc.record({ where: fc.constantFrom<'envelope' | 'detail'>('envelope', 'detail'), at: fc.nat(), value: hostileValue }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((edits) => {
    const event: Record<string, unknown> = { ...v7 };
    const detail: Record<string, unknown> = { ...v7.detail };
    for (const edit of edits) {
      const target = edit.where === 'envelope' ? event : detail;
      const keys = edit.where === 'envelope' ? ENVELOPE_KEYS : DETAIL_KEYS;
      const key = keys[edit.at % keys.length] ?? 'id';
      if (key === 'detail') continue;
      if (edit.value === undefined) delete target[key];
      else target[key] = edit.value;
    }
    if (!('detail' in event) || event.detail === v7.detail) event.detail = detail;
    return event;
  });

describe('generated malformed and mutated events', () => {
  it('each is malformed with problems, skipped with a code, or checked; no call unless it is a push', async () => {
    tally.scenarios += 1;
    await fc.assert(
      fc.asyncProperty(mutatedEvent, async (event) => {
        const { outcome, calls } = await deliver(event);
        expect(['malformed', 'skipped', 'checked', 'duplicate', 'failed']).toContain(outcome.kind);
        if (outcome.kind === 'malformed') {
          expect(outcome.problems?.length ?? 0).toBeGreaterThan(0);
          for (const problem of outcome.problems ?? []) expect(problem.length).toBeLessThan(400);
        }
        if (outcome.kind === 'malformed' || (outcome.kind === 'skipped' && outcome.code === 'NOT_A_PUSH')) expect(calls).toBe(0);
      }),
      { numRuns: 150 },
    );
    // Every log line stays small, whatever came in (a 100,000-character tag included).
    for (const line of harness.guard.logs) expect(line.length).toBeLessThan(8_192);
    expect(harness.runtime.failures).toEqual([]);
  });

  it.each([
    { name: 'a scalar', event: 42 },
    { name: 'a string', event: 'aws.ecr' },
    { name: 'nested 10,000 deep', event: JSON.parse(`${'{"detail":'.repeat(10_000)}{}${'}'.repeat(10_000)}`) as unknown },
    {
      name: 'a 2 MB detail',
      event: { ...{ source: 'aws.ecr', 'detail-type': 'ECR Image Action' }, detail: { blob: 'x'.repeat(2_000_000) } },
    },
    { name: 'an array of events', event: [{ source: 'aws.ecr' }] },
  ])('$name is a malformed event, logged and acknowledged', async ({ event }) => {
    tally.scenarios += 1;
    const logsBefore = harness.guard.logs.length;
    const { outcome, calls } = await deliver(event);
    expect(outcome.kind).toBe('malformed');
    expect(calls).toBe(0);
    const lines = harness.guard.logs.slice(logsBefore).map((line) => JSON.parse(line) as { level?: string; message?: string });
    expect(lines.filter((line) => line.message === 'malformed event').map((line) => line.level)).toEqual(['ERROR']);
  });
});

describe('unicode tricks and injection payloads in repository names and tags', () => {
  it.each(
    [
      'orders\u200bservice',
      'ORDERS-SERVICE',
      'orders-service\u202e',
      'оrders-service',
      '../orders',
      '<!channel>',
      'orders service',
    ].map((repository) => ({ repository })),
  )('repository $repository: a malformed event, no call', async ({ repository }) => {
    tally.scenarios += 1;
    const { outcome, calls } = await deliver({
      ...v7,
      id: `repo-${repository}`,
      detail: { ...v7.detail, 'repository-name': repository },
    });
    expect(outcome.kind).toBe('malformed');
    expect(outcome.problems?.join(' ')).toMatch(/repository-name/);
    expect(calls).toBe(0);
  });

  it('a forged event naming the real v7 image under a hostile tag is checked once, rendered harmless, and writes no invalid tag', async () => {
    tally.scenarios += 1;
    const tags = [...INJECTIONS.filter((tag) => !hasControlCharacter(tag)), 'v7\u200b', 'ｖ7', 'v7\u202e', 'v7\u0301', '🚀'];
    const messagesBefore = publishedMessages(harness.endpoint).length;
    const slackBefore = harness.endpoint.slack.list().length;
    for (const [i, tag] of tags.entries()) {
      const { outcome } = await deliver({ ...v7, id: `forged-${i}`, detail: { ...v7.detail, 'image-tag': tag } });
      // `duplicate` is the outcome of a Lambda retry after a slow first attempt that did notify;
      // the count of notifications below is what must hold either way.
      expect(['checked', 'duplicate'], tag).toContain(outcome.kind);
    }
    // One quarantine notification per forged event, each rendered harmless in Slack and Chatbot.
    const messages = publishedMessages(harness.endpoint).slice(messagesBefore);
    expect(messages.map((message) => message.eventId).sort()).toEqual(tags.map((_, i) => `forged-${i}`).sort());
    const posts = harness.endpoint.slack.list().slice(slackBefore);
    expect(posts.map((post) => post.answer)).toEqual(tags.map(() => 'ok'));
    for (const post of posts) expect(renderingProblems(post.payload)).toEqual([]);
    for (const delivery of harness.endpoint.deliveries.list().filter((d) => d.protocol === 'https')) {
      expect(renderingProblems(JSON.parse((JSON.parse(delivery.body) as { Message: string }).Message))).toEqual([]);
    }
    // ECR's tag grammar refused every derived tag; nothing but valid tags exists.
    for (const tag of Object.keys(tagsIn(harness.endpoint))) expect(tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/);
    expect(harness.runtime.failures).toEqual([]);
  });
});
