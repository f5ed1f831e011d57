/**
 * The fault matrix: every call site the guard uses x every way a call can fail, injected by the
 * local endpoint into the first N calls of that operation while the seed story (v7: a linux/arm64
 * image in an index with its provenance attestation) runs through the BUILT guard behind the real
 * rule. Whatever happens, the event either completes or fails so that Lambda retries it, and after
 * the retries the end state is exactly that of a fault-free run: the right tags, one notification.
 */
import { afterAll, describe, it } from 'vitest';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { pushSeed } from '../../fixtures/push-fixture.js';
import type { FaultKind } from '../../local/faults.js';
import { pushEventFor, REPOSITORY } from '../support/guard-harness.js';
import { armOnPush, injectedFaults, notificationContent, publishedMessages, startFaultHarness, tagsIn } from './fault-kit.js';
import { createTally, reportTally } from './suite-tally.js';

const tally = createTally();
afterAll(() => reportTally('test/faults/fault-matrix.test.ts', tally));

/** SDK attempts per call inside the guard: the production default. */
const MAX_ATTEMPTS = 3;
/**
 * Per-attempt request timeout: short, so a call that never answers costs about a second, yet long
 * enough that an ordinary answer from an endpoint on a busy machine is not taken for a hang.
 */
const REQUEST_TIMEOUT_MS = 1000;

const SITES = [
  { site: 'BatchGetImage', operation: 'ecr:BatchGetImage', attemptsPerInvocation: MAX_ATTEMPTS },
  { site: 'GetDownloadUrlForLayer', operation: 'ecr:GetDownloadUrlForLayer', attemptsPerInvocation: MAX_ATTEMPTS },
  { site: 'blob GET', operation: 'blob:GetBlob', attemptsPerInvocation: 1 },
  { site: 'PutImage', operation: 'ecr:PutImage', attemptsPerInvocation: MAX_ATTEMPTS },
  { site: 'Publish', operation: 'sns:Publish', attemptsPerInvocation: MAX_ATTEMPTS },
  { site: 'Slack webhook', operation: 'slack:PostMessage', attemptsPerInvocation: 3 },
] as const;

const FAULTS: readonly Exclude<FaultKind, 'latency'>[] = ['throttle', 'error', 'timeout', 'reset', 'truncate'];

/** A blip (the first call fails) and a storm (every attempt one invocation makes at that site fails). */
const CASES = SITES.flatMap((site) =>
  FAULTS.flatMap((kind) => [...new Set([1, site.attemptsPerInvocation])].map((times) => ({ ...site, kind, times }))),
);

/** The seed story without any fault: the notifications every faulted run must reproduce. */
let baseline: Promise<{ content: string[]; tags: Record<string, string> }> | undefined;
const faultFree = () => {
  baseline ??= (async () => {
    const seed = seedCase({ architecture: 'arm64' });
    const harness = await startFaultHarness({ maxAttempts: MAX_ATTEMPTS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    try {
      await pushSeed(harness.ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await harness.guard.stack.idle();
      return { content: notificationContent(harness, 'v7'), tags: tagsIn(harness.endpoint) };
    } finally {
      await harness.close();
    }
  })();
  return baseline;
};

describe('fault matrix: the seed push survives every fault at every call site', () => {
  // Each case has its own endpoint and guard: they run side by side, so SDK back-off sleeps overlap.
  it.concurrent.for(CASES)('$site x $kind x first $times call(s)', async ({ operation, kind, times }, { expect }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const harness = await startFaultHarness({ maxAttempts: MAX_ATTEMPTS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const stop = armOnPush(harness, 'v7', { operation, kind, times });
    try {
      // Act
      await pushSeed(harness.ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await harness.guard.stack.idle();

      // Assess: the fault happened, and nothing was lost or given up on
      const injected = injectedFaults(harness.endpoint);
      tally.scenarios += 1;
      tally.faultsInjected += injected;
      tally.eventsLost += harness.runtime.failures.length;
      expect(injected).toBeGreaterThanOrEqual(1);
      expect(harness.runtime.failures).toEqual([]);
      const v7 = pushEventFor(harness.guard, 'v7').id;
      expect(harness.runtime.successes.filter((record) => (record.requestPayload as { id: string }).id === v7)).toHaveLength(1);

      // Assess: the tags of a fault-free run, and nothing deployable that is not
      expect(tagsIn(harness.endpoint)).toEqual({
        v7: seed.index.digest,
        'v7-deployable': seed.image.digest,
        'v7-quarantined': seed.index.digest,
      });

      // Assess: one notification for the push (a verdict, never a failure report). A Publish whose
      // answer never reached the guard (cut off by the fault, or later than the guard waited) was
      // still accepted by SNS, and no caller can tell it from one that was not: its retry is a second
      // copy (SNS standard topics have no idempotency key). So every accepted Publish is one copy of
      // the same event's message, and exactly one accepted Publish had its answer seen: the one the
      // SDK did not retry.
      const messages = publishedMessages(harness.endpoint);
      expect(new Set(messages.map((message) => JSON.stringify([message.eventId, message.type, message.verdict])))).toEqual(
        new Set([JSON.stringify([v7, 'verdict', 'quarantined'])]),
      );
      const publishes = harness.endpoint.calls.list({ name: 'sns:Publish' });
      const accepted = publishes.filter((call) => call.status === 200);
      const retried = (call: (typeof publishes)[number]): boolean =>
        call.invocationId !== null && publishes.some((later) => later.seq > call.seq && later.invocationId === call.invocationId);
      expect(accepted.filter((call) => call.fault !== 'truncate' && !retried(call))).toHaveLength(1);
      expect(messages).toHaveLength(accepted.length);

      // Assess: Slack got at most one accepted post; exactly one unless Slack itself was faulted
      const posted = harness.endpoint.slack.list().filter((post) => post.status === 200);
      if (operation === 'slack:PostMessage') expect(posted.length).toBeLessThanOrEqual(1);
      else expect(posted).toHaveLength(1);

      // Assess: what people read is what a fault-free run tells them, word for word (Slack aside
      // when Slack itself was faulted and gave up)
      const expected = await faultFree();
      const content = notificationContent(harness, 'v7');
      const withoutSlack = (items: readonly string[]) => items.filter((item) => !item.startsWith('["slack"'));
      if (operation === 'slack:PostMessage' && posted.length === 0) expect(content).toStrictEqual(withoutSlack(expected.content));
      else expect(content).toStrictEqual(expected.content);
    } finally {
      stop();
      await harness.close();
    }
  });
});

/** Refusals no retry can change: access denied and a disabled KMS key, for as long as the run lasts. */
const PERMANENT = (['denied', 'kms'] as const).flatMap((kind) => [
  { site: 'BatchGetImage', operation: 'ecr:BatchGetImage', kind, code: kind === 'denied' ? 'ACCESS_DENIED' : 'KMS' },
  { site: 'PutImage', operation: 'ecr:PutImage', kind, code: kind === 'denied' ? 'ACCESS_DENIED' : 'KMS' },
]);

describe('fault matrix: permanent refusals are reported once, never retried', () => {
  it.concurrent.for(PERMANENT)('$site x $kind', async ({ site, operation, kind, code }, { expect }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const harness = await startFaultHarness({ maxAttempts: MAX_ATTEMPTS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const stop = armOnPush(harness, 'v7', { operation, kind });
    try {
      // Act
      await pushSeed(harness.ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await harness.guard.stack.idle();

      // Assess: one invocation, completed (a retry could not help), nothing in the failure queue
      tally.scenarios += 1;
      tally.faultsInjected += injectedFaults(harness.endpoint);
      expect(harness.runtime.failures).toEqual([]);
      expect(harness.runtime.stats()).toMatchObject({ retries: 0 });
      const v7 = pushEventFor(harness.guard, 'v7').id;
      expect(tagsIn(harness.endpoint)).toEqual({ v7: seed.index.digest });
      const logs = harness.guard.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
      if (site === 'PutImage') {
        // The verdict went out before the tags, word for word as in a fault-free run; each refused
        // tag write is logged with its code.
        expect(publishedMessages(harness.endpoint)).toStrictEqual([{ eventId: v7, type: 'verdict', verdict: 'quarantined' }]);
        expect(notificationContent(harness, 'v7')).toStrictEqual((await faultFree()).content);
        const refused = logs.filter((line) => line.message === 'tag not written');
        expect(refused.map((line) => line.code)).toStrictEqual([code, code]);
        expect(logs.find((line) => line.message === 'checked')?.tags).toStrictEqual([
          { tag: 'v7-deployable', outcome: 'failed' },
          { tag: 'v7-quarantined', outcome: 'failed' },
        ]);
      } else {
        // Nothing could be read: one failure report naming the refusal instead of a verdict.
        expect(publishedMessages(harness.endpoint).map((m) => [m.eventId, m.type])).toStrictEqual([[v7, 'error']]);
        expect(JSON.stringify(notificationContent(harness, 'v7'))).toContain(code);
      }
    } finally {
      stop();
      await harness.close();
    }
  });
});
