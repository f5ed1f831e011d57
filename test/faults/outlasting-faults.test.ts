/**
 * Faults that outlast every retry (the SDK's, the guard's own for tag writes, and Lambda's two),
 * at each call site. The event is never lost: either it completes (Slack is a courtesy channel) or
 * the on-failure destination holds it, exactly as delivered. And at no point is a tag written
 * before the notification that announces it.
 */
import { afterAll, describe, it } from 'vitest';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { pushSeed } from '../../fixtures/push-fixture.js';
import type { FaultKind } from '../../local/faults.js';
import { REPOSITORY } from '../support/guard-harness.js';
import { armOnPush, injectedFaults, publishedMessages, startFaultHarness, tagsIn } from './fault-kit.js';
import { createTally, reportTally } from './suite-tally.js';

const tally = createTally();
afterAll(() => reportTally('test/faults/outlasting-faults.test.ts', tally));

/** Lambda's async invoke: the first attempt and two retries. */
const LAMBDA_ATTEMPTS = 3;

type Outcome = 'on-failure destination' | 'completes without Slack';

const SITES: readonly { site: string; operation: string; outcome: Outcome; notifications: number }[] = [
  { site: 'BatchGetImage', operation: 'ecr:BatchGetImage', outcome: 'on-failure destination', notifications: 0 },
  {
    site: 'GetDownloadUrlForLayer',
    operation: 'ecr:GetDownloadUrlForLayer',
    outcome: 'on-failure destination',
    notifications: 0,
  },
  { site: 'blob GET', operation: 'blob:GetBlob', outcome: 'on-failure destination', notifications: 0 },
  { site: 'Publish', operation: 'sns:Publish', outcome: 'on-failure destination', notifications: 0 },
  // Each attempt notifies before it fails on the tag: without the verdict tag, no attempt can know an
  // earlier one notified (the known at-least-once edge; the guard retries tag writes for 20 s to avoid it).
  { site: 'PutImage', operation: 'ecr:PutImage', outcome: 'on-failure destination', notifications: LAMBDA_ATTEMPTS },
  { site: 'Slack webhook', operation: 'slack:PostMessage', outcome: 'completes without Slack', notifications: 1 },
];

const KINDS: readonly Exclude<FaultKind, 'latency' | 'throttle'>[] = ['error', 'reset', 'timeout', 'truncate'];

describe('a fault that outlasts every retry', () => {
  // Each case has its own endpoint and guard: they run side by side.
  it.concurrent.for(SITES.flatMap((site) => KINDS.map((kind) => ({ ...site, kind }))))(
    '$site x $kind, every call: $outcome',
    async ({ operation, kind, outcome: planned, notifications: plannedNotifications }, { expect }) => {
      // A cut-off PutImage answer still wrote the tags (ECR applied them; the guard only lost the
      // answer), so Lambda's retry finds the verdict tag: it completes without notifying again.
      const landed = operation === 'ecr:PutImage' && kind === 'truncate';
      const outcome: Outcome | 'completes on the retry' = landed ? 'completes on the retry' : planned;
      const notifications = landed ? 1 : plannedNotifications;
      // Prepare: short timeouts and a short tag-retry budget keep the test fast (the request timeout
      // still leaves an ordinary answer from a busy machine's endpoint room to arrive)
      const seed = seedCase({ architecture: 'arm64' });
      const harness = await startFaultHarness({ maxAttempts: 2, requestTimeoutMs: 1000, tagRetryBudgetMs: 1500 });
      const stop = armOnPush(harness, 'v7', { operation, kind });
      try {
        // Act
        await pushSeed(harness.ecr, seed, { repository: REPOSITORY, tag: 'v7' });
        await harness.guard.stack.idle();

        // Assess: never lost
        const injected = injectedFaults(harness.endpoint);
        tally.scenarios += 1;
        tally.faultsInjected += injected;
        expect(injected).toBeGreaterThanOrEqual(outcome === 'on-failure destination' ? LAMBDA_ATTEMPTS : 1);
        const v7 = harness.guard.stack.bus.events.find((record) => record.event.detail['image-tag'] === 'v7')?.event;
        const completed = harness.runtime.successes.filter((record) => record.requestPayload === v7);
        const held = harness.runtime.failures.filter((record) => record.requestPayload === v7);
        tally.eventsLost += completed.length + held.length === 1 ? 0 : 1;
        if (outcome === 'on-failure destination') {
          expect(completed).toEqual([]);
          expect(held).toHaveLength(1);
          expect(held[0]?.requestContext).toMatchObject({
            condition: 'RetriesExhausted',
            approximateInvokeCount: LAMBDA_ATTEMPTS,
          });
          expect(tagsIn(harness.endpoint)).toEqual({ v7: seed.index.digest });
        } else if (outcome === 'completes on the retry') {
          expect(held).toEqual([]);
          expect(completed).toHaveLength(1);
          expect(completed[0]?.responsePayload).toMatchObject({ kind: 'duplicate' });
          expect(tagsIn(harness.endpoint)).toEqual({
            v7: seed.index.digest,
            'v7-deployable': seed.image.digest,
            'v7-quarantined': seed.index.digest,
          });
        } else {
          expect(held).toEqual([]);
          expect(completed).toHaveLength(1);
          expect(tagsIn(harness.endpoint)).toEqual({
            v7: seed.index.digest,
            'v7-deployable': seed.image.digest,
            'v7-quarantined': seed.index.digest,
          });
          expect(harness.endpoint.slack.list().filter((post) => post.status === 200 && post.answer === 'ok')).toHaveLength(
            kind === 'truncate' ? 1 : 0,
          );
        }

        // Assess: the notifications. A Publish whose answer is cut off was still accepted by SNS:
        // every accepted Publish is a delivered notification, whatever the guard saw.
        const calls = harness.endpoint.calls.list();
        const publishes = calls.filter((call) => call.name === 'sns:Publish' && call.status === 200);
        const messages = publishedMessages(harness.endpoint);
        expect(messages).toHaveLength(publishes.length);
        if (!(operation === 'sns:Publish' && kind === 'truncate')) expect(messages).toHaveLength(notifications);

        // Assess: no tag written before the notification (the pusher's three writes come first)
        const guardTagWrites = calls.filter((call) => call.name === 'ecr:PutImage' && call.status === 200).slice(3);
        const firstPublish = publishes[0]?.seq ?? Number.POSITIVE_INFINITY;
        expect(guardTagWrites.filter((call) => call.seq < firstPublish)).toEqual([]);
        if (publishes.length === 0) expect(guardTagWrites).toEqual([]);
      } finally {
        stop();
        await harness.close();
      }
    },
  );
});
