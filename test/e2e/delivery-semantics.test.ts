import { PutImageTagMutabilityCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { image, seedCase } from '../../fixtures/oci-fixtures.js';
import { pushFixture, pushSeed, pushSeedImage } from '../../fixtures/push-fixture.js';
import type { CallRecord } from '../../local/call-log.js';
import type { EventBridgeEvent } from '../../local/event-bus.js';
import type { LocalEndpoint } from '../../local/server.js';
import { pushEventFor, REPOSITORY, startGuard } from '../support/guard-harness.js';
import { checkedLines, notifications, outcomes, tagsInEcr, verdictAttributes } from './guard-kit.js';

/** The calls the guard made after `sinceSeq`: everything from its first read on (pushers never call BatchGetImage). */
const guardCalls = (endpoint: LocalEndpoint, sinceSeq = 0): CallRecord[] => {
  const calls = endpoint.calls.list({ since: sinceSeq });
  const first = calls.findIndex((call) => call.name === 'ecr:BatchGetImage');
  return first === -1 ? [] : calls.slice(first);
};

const lastSeq = (endpoint: LocalEndpoint): number => endpoint.calls.list().at(-1)?.seq ?? 0;

const seedTags = (seed: ReturnType<typeof seedCase>) => ({
  v7: seed.index.digest,
  'v7-deployable': seed.image.digest,
  'v7-quarantined': seed.index.digest,
});

describe('the guard never loops on its own tags', () => {
  it.each([
    { name: 'default templates', env: {}, childTag: 'v7-deployable', verdictTag: 'v7-quarantined' },
    {
      name: 'custom templates with {arch}',
      env: { GUARD_DEPLOYABLE_TAG_TEMPLATE: '{tag}-{arch}-lambda', GUARD_QUARANTINE_TAG_TEMPLATE: '{tag}-do-not-deploy' },
      childTag: 'v7-arm64-lambda',
      verdictTag: 'v7-do-not-deploy',
    },
  ])(
    '$name: each guard tag event invokes once, is verified silently, and writes nothing',
    async ({ env, childTag, verdictTag }) => {
      // Prepare
      const seed = seedCase({ architecture: 'arm64' });
      const { guard, endpoint, runtime, ecr, close } = await startGuard({
        env: { GUARD_TARGET_ARCHITECTURES: 'x86_64,arm64', ...env },
      });
      try {
        // Act: a push, with its tag events flowing back through the rule
        await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
        await guard.stack.idle();

        // Assess: five events, five invocations: one more for each tag the guard wrote, and no more events
        expect(guard.stack.bus.events.map((record) => [record.event.detail['image-tag'], record.matchedRules.length])).toEqual([
          ['', 1],
          ['', 1],
          ['v7', 1],
          [childTag, 1],
          [verdictTag, 1],
        ]);
        expect(runtime.stats()).toMatchObject({ received: 5, invocations: 5, errors: 0 });
        expect(outcomes(runtime).slice(-2)).toEqual(
          expect.arrayContaining([
            { kind: 'verified', tag: childTag, verdict: 'deployable' },
            { kind: 'verified', tag: verdictTag, verdict: 'quarantined' },
          ]),
        );
        expect(await tagsInEcr(ecr)).toEqual({
          v7: seed.index.digest,
          [childTag]: seed.image.digest,
          [verdictTag]: seed.index.digest,
        });
        expect(endpoint.calls.list({ name: 'ecr:PutImage' }).filter((call) => call.status === 200)).toHaveLength(5);

        // Act: the same tag events delivered again (EventBridge delivers at least once)
        runtime.invoke(pushEventFor(guard, childTag));
        runtime.invoke(pushEventFor(guard, verdictTag));
        await guard.stack.idle();

        // Assess: verified again, reads only, no new event, one notification in all
        expect(
          outcomes(runtime)
            .slice(-2)
            .map((outcome) => (outcome as { kind: string }).kind),
        ).toEqual(['verified', 'verified']);
        expect(endpoint.calls.list({ name: 'ecr:PutImage' }).filter((call) => call.status === 200)).toHaveLength(5);
        expect(guard.stack.bus.events).toHaveLength(5);
        expect(notifications(endpoint)).toHaveLength(1);
      } finally {
        await close();
      }
    },
  );
});

describe('redelivery: the same events twice and out of order', () => {
  it('redriven from the on-failure destination in reverse order, twice each: one notification per push, the same tags', async () => {
    // Prepare: an SNS outage with no Lambda retries parks both pushes in the on-failure destination
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64', GUARD_NOTIFY_ON_DEPLOYABLE: 'true' },
      runtime: { maximumRetryAttempts: 0 },
      maxAttempts: 1,
    });
    try {
      endpoint.faults.add({ operation: 'sns:Publish', kind: 'error', status: 503 });
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await pushSeedImage(ecr, seed, { repository: REPOSITORY, tag: 'v8' });
      await guard.stack.idle();
      expect(
        runtime.failures.map((record) => [
          (record.requestPayload as EventBridgeEvent).detail['image-tag'],
          record.requestContext.condition,
        ]),
      ).toEqual([
        ['v7', 'RetriesExhausted'],
        ['v8', 'RetriesExhausted'],
      ]);
      expect(await tagsInEcr(ecr)).toEqual({ v7: seed.index.digest, v8: seed.image.digest });
      endpoint.faults.clear();
      const [v7, v8] = runtime.failures.map((record) => record.requestPayload);
      const succeededBefore = runtime.successes.length;

      // Act: v8 before v7, together; then both again
      runtime.invoke(v8);
      runtime.invoke(v7);
      await guard.stack.idle();
      runtime.invoke(v7);
      runtime.invoke(v8);
      await guard.stack.idle();

      // Assess: each push checked once and recognised once as already done; the events of the tags
      // the guard wrote meanwhile are verified, silently
      const all = runtime.successes
        .slice(succeededBefore)
        .map((record) => [
          (record.requestPayload as EventBridgeEvent).detail['image-tag'],
          (record.responsePayload as { kind: string }).kind,
        ]);
      const kinds = all.filter(([tag]) => tag === 'v7' || tag === 'v8');
      expect(new Set(all.filter(([tag]) => tag !== 'v7' && tag !== 'v8').map(([, kind]) => kind))).toEqual(new Set(['verified']));
      expect(kinds.slice(0, 2).sort()).toEqual([
        ['v7', 'checked'],
        ['v8', 'checked'],
      ]);
      expect(kinds.slice(2).sort()).toEqual([
        ['v7', 'duplicate'],
        ['v8', 'duplicate'],
      ]);
      const sent = notifications(endpoint);
      expect(sent.map((n) => n.emailSubject).sort()).toEqual([
        'Deployable: orders-service:v8',
        'Quarantined: orders-service:v7 (IMAGE_INDEX)',
      ]);
      expect(endpoint.slack.list()).toHaveLength(2);
      expect(await tagsInEcr(ecr)).toEqual({ ...seedTags(seed), v8: seed.image.digest, 'v8-deployable': seed.image.digest });
      expect(runtime.failures).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it('a late redelivery of an event already handled neither notifies nor writes', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();
      const mark = lastSeq(endpoint);

      // Act
      runtime.invoke(pushEventFor(guard, 'v7'));
      await guard.stack.idle();

      // Assess: reads only (the verdict decides which tags to look for), then nothing
      expect(outcomes(runtime).at(-1)).toEqual({
        kind: 'duplicate',
        verdict: 'quarantined',
        tags: [
          { tag: 'v7-deployable', digest: seed.image.digest, outcome: 'unchanged', purpose: 'deployable-child' },
          { tag: 'v7-quarantined', digest: seed.index.digest, outcome: 'unchanged', purpose: 'verdict' },
        ],
      });
      expect(
        endpoint.calls
          .list({ since: mark })
          .map((call) => call.name)
          .filter((name) => name !== 'ecr:DescribeRepositories'),
      ).toEqual([
        'ecr:BatchGetImage',
        'ecr:BatchGetImage',
        // the child's config and the provenance statement, read together
        'ecr:GetDownloadUrlForLayer',
        'ecr:GetDownloadUrlForLayer',
        'blob:GetBlob',
        'blob:GetBlob',
      ]);
      expect(notifications(endpoint)).toHaveLength(1);
      expect(await tagsInEcr(ecr)).toEqual(seedTags(seed));
    } finally {
      await close();
    }
  });
});

describe('an immutable repository', () => {
  it('reports a guard tag that is already taken in the notification and never tries to move it', async () => {
    // Prepare: IMMUTABLE, and the team already used v7-deployable for an older image
    const seed = seedCase({ architecture: 'arm64' });
    const older = image({ platform: 'linux/arm64', layers: [{ seed: 'an older build' }] });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      await pushFixture(
        ecr,
        { subject: older, blobs: [older.config] },
        { repository: REPOSITORY, tag: 'v7-deployable', mutability: 'IMMUTABLE' },
      );
      await guard.stack.idle();
      const mark = lastSeq(endpoint);

      // Act
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess: the taken tag stays, the verdict tag lands, one PutImage by the guard, no retry
      expect(await tagsInEcr(ecr)).toEqual({
        v7: seed.index.digest,
        'v7-deployable': older.digest,
        'v7-quarantined': seed.index.digest,
      });
      const putImages = guardCalls(endpoint, mark).filter((call) => call.name === 'ecr:PutImage');
      expect(putImages.map((call) => [call.status, call.errorCode])).toEqual([[200, null]]);
      expect(runtime.stats()).toMatchObject({ errors: 0, retries: 0 });

      const sent = notifications(endpoint);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.machine.tags).toEqual([
        {
          tag: 'v7-deployable',
          digest: seed.image.digest,
          outcome: 'immutable',
          purpose: 'deployable-child',
          message: `the repository's tags are immutable and v7-deployable already names ${older.digest}`,
        },
        { tag: 'v7-quarantined', digest: seed.index.digest, outcome: 'planned', purpose: 'verdict' },
      ]);
      expect(sent[0]?.email).toMatch(/The guard could not write the tag `v7-deployable`: the repository has\s+immutable tags\./);
      expect(checkedLines(guard, 'v7')).toEqual([
        expect.objectContaining({
          tags: [
            { tag: 'v7-deployable', outcome: 'immutable' },
            { tag: 'v7-quarantined', outcome: 'created' },
          ],
        }),
      ]);
    } finally {
      await close();
    }
  });

  it('takes ImageTagAlreadyExistsException as final when the repository turned immutable after the policy was read', async () => {
    // Prepare: v6 makes the guard read (and cache) MUTABLE; then the repository becomes IMMUTABLE and v7-deployable is taken
    const v6 = seedCase({ architecture: 'arm64', attestationForm: 'oci-artifact' });
    const seed = seedCase({ architecture: 'arm64' });
    const older = image({ platform: 'linux/arm64', layers: [{ seed: 'an older build' }] });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      await pushSeed(ecr, v6, { repository: REPOSITORY, tag: 'v6' });
      await guard.stack.idle();
      await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: REPOSITORY, imageTagMutability: 'IMMUTABLE' }));
      await pushFixture(ecr, { subject: older, blobs: [older.config] }, { repository: REPOSITORY, tag: 'v7-deployable' });
      await guard.stack.idle();
      const mark = lastSeq(endpoint);

      // Act
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess: one refused PutImage, not retried by the SDK nor by Lambda; the verdict tag still lands
      const putImages = guardCalls(endpoint, mark).filter((call) => call.name === 'ecr:PutImage');
      expect(putImages.map((call) => [call.status, call.errorCode])).toEqual([
        [400, 'ImageTagAlreadyExistsException'],
        [200, null],
      ]);
      expect(runtime.stats()).toMatchObject({ errors: 0, retries: 0 });
      expect((await tagsInEcr(ecr))['v7-deployable']).toBe(older.digest);
      expect((await tagsInEcr(ecr))['v7-quarantined']).toBe(seed.index.digest);
      expect(checkedLines(guard, 'v7')).toEqual([
        expect.objectContaining({
          tags: [
            { tag: 'v7-deployable', outcome: 'immutable' },
            { tag: 'v7-quarantined', outcome: 'created' },
          ],
        }),
      ]);
      expect(notifications(endpoint)).toHaveLength(2);
    } finally {
      await close();
    }
  });
});

describe('PutImage throttled (ECR allows 10 PutImage per second)', () => {
  it('the SDK retries absorb the throttling: one notification, the right tags', async () => {
    // Prepare: throttle the guard's first PutImage call, once it has published
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64' },
      maxAttempts: 3,
    });
    try {
      const stop = endpoint.calls.onCall((call) => {
        if (call.name !== 'sns:Publish') return;
        endpoint.faults.add({ operation: 'ecr:PutImage', kind: 'throttle', times: 1 });
        stop();
      });

      // Act
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess
      const putImages = guardCalls(endpoint).filter((call) => call.name === 'ecr:PutImage');
      expect(putImages.map((call) => call.errorCode)).toEqual(['ThrottlingException', null, null]);
      expect(await tagsInEcr(ecr)).toEqual(seedTags(seed));
      expect(notifications(endpoint)).toHaveLength(1);
      expect(runtime.stats()).toMatchObject({ received: 5, invocations: 5, errors: 0 });
    } finally {
      await close();
    }
  });

  it.each([
    // The first PutImage (the child tag's) is refused; the verdict tag, sent alongside, lands: the
    // retry sees it, knows the team was told, and only writes the child tag.
    { refused: 1, notifications: 1 },
    // Both refused: nothing says the team was told, so the retry notifies again (at-least-once).
    { refused: 2, notifications: 2 },
  ])(
    "PutImage refused $refused time(s) with the guard's own tag retry off: Lambda's retry finishes the tags, $notifications notification(s)",
    async ({ refused, notifications: expected }) => {
      // Prepare
      const seed = seedCase({ architecture: 'arm64' });
      const { guard, endpoint, runtime, ecr, close } = await startGuard({
        env: { GUARD_TARGET_ARCHITECTURES: 'arm64' },
        maxAttempts: 1,
        tagRetryBudgetMs: 0,
      });
      try {
        const stop = endpoint.calls.onCall((call) => {
          if (call.name !== 'sns:Publish') return;
          endpoint.faults.add({ operation: 'ecr:PutImage', kind: 'throttle', times: refused });
          stop();
        });

        // Act
        await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
        await guard.stack.idle();

        // Assess: the end state is right and nothing went to the on-failure destination
        expect(await tagsInEcr(ecr)).toEqual(seedTags(seed));
        const v7 = runtime.invocations.filter((record) => record.outcome === 'error' || record.attempt > 1);
        expect(v7.map((record) => [record.attempt, record.outcome, record.error?.errorType ?? null])).toEqual([
          [1, 'error', 'GuardError'],
          [2, 'success', null],
        ]);
        expect(runtime.failures).toEqual([]);
        expect(notifications(endpoint).map((n) => n.emailSubject)).toEqual(
          Array.from({ length: expected }, () => 'Quarantined: orders-service:v7 (IMAGE_INDEX)'),
        );
      } finally {
        await close();
      }
    },
  );
});

describe('SNS unavailable', () => {
  it('fails the event, lets Lambda retry it, and tags nothing before the notification is published', async () => {
    // Prepare: one 503 from Publish, no SDK retry, so Lambda's retry has to carry it
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64' },
      maxAttempts: 1,
    });
    try {
      endpoint.faults.add({ operation: 'sns:Publish', kind: 'error', status: 503, times: 1 });

      // Act
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess: attempt 1 failed on Publish, attempt 2 published and then tagged
      const requestId = runtime.invocations.find((record) => record.outcome === 'error')?.requestId;
      const attempts = runtime.invocations.filter((record) => record.requestId === requestId);
      expect(attempts.map((record) => [record.attempt, record.outcome])).toEqual([
        [1, 'error'],
        [2, 'success'],
      ]);
      expect(attempts[0]?.error?.errorMessage).toMatch(/^SNS Publish: /);
      const calls = guardCalls(endpoint).map((call) => `${call.name} ${call.status}`);
      const published = calls.indexOf('sns:Publish 200');
      expect(calls.slice(0, calls.indexOf('sns:Publish 503') + 1)).not.toContain('ecr:PutImage 200');
      expect(calls.slice(0, published).filter((call) => call.startsWith('ecr:PutImage'))).toEqual([]);
      expect(calls.slice(published).filter((call) => call.startsWith('ecr:PutImage'))).toEqual([
        'ecr:PutImage 200',
        'ecr:PutImage 200',
      ]);
      expect(notifications(endpoint)).toHaveLength(1);
      expect(notifications(endpoint)[0]?.attributes).toEqual(verdictAttributes('quarantined', ['IMAGE_INDEX']));
      expect(await tagsInEcr(ecr)).toEqual(seedTags(seed));
      expect(runtime.failures).toEqual([]);
    } finally {
      await close();
    }
  });

  it('an outage past every retry leaves the event in the on-failure destination and no tag in ECR', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64' },
      maxAttempts: 1,
    });
    try {
      endpoint.faults.add({ operation: 'sns:Publish', kind: 'error', status: 503 });

      // Act
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess: three attempts, then the destination holds the exact event
      expect(runtime.failures).toHaveLength(1);
      const [failure] = runtime.failures;
      expect(failure?.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
      expect(failure?.requestPayload).toEqual(pushEventFor(guard, 'v7'));
      expect(failure?.responsePayload).toMatchObject({ errorType: 'GuardError' });
      expect(
        guardCalls(endpoint)
          .filter((call) => call.name === 'sns:Publish')
          .map((call) => call.status),
      ).toEqual([503, 503, 503]);
      expect(guardCalls(endpoint).filter((call) => call.name === 'ecr:PutImage')).toEqual([]);
      expect(await tagsInEcr(ecr)).toEqual({ v7: seed.index.digest });
      expect(endpoint.deliveries.list()).toEqual([]);
      expect(endpoint.slack.list()).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('permanent failures: reported (or dropped) once, never retried', () => {
  it.each([
    {
      name: 'a repository that is gone',
      repository: 'deleted-service',
      digest: null,
      code: 'REPOSITORY_NOT_FOUND',
      reported: true,
    },
    {
      name: 'an image that is gone',
      repository: REPOSITORY,
      digest: `sha256:${'0'.repeat(64)}`,
      code: 'IMAGE_NOT_FOUND',
      reported: false,
    },
  ])('$name: $code', async ({ repository, digest, code, reported }) => {
    // Prepare: a real push event (of a deployable image: nothing announced yet), pointed at something that no longer exists
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64' },
      maxAttempts: 1,
    });
    try {
      await pushSeedImage(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();
      expect(notifications(endpoint)).toEqual([]);
      const v7 = pushEventFor(guard, 'v7');
      const gone: EventBridgeEvent = {
        ...v7,
        id: 'gone',
        detail: { ...v7.detail, 'repository-name': repository, 'image-digest': digest ?? v7.detail['image-digest'] },
      };
      const invocationsBefore = runtime.invocations.length;

      // Act
      runtime.invoke(gone);
      await guard.stack.idle();

      // Assess: one attempt, acknowledged with the failure code
      expect(runtime.invocations.slice(invocationsBefore).map((record) => [record.attempt, record.outcome])).toEqual([
        [1, 'success'],
      ]);
      expect(runtime.successes.at(-1)?.responsePayload).toMatchObject({ kind: 'failed', code });
      const sent = notifications(endpoint);
      if (!reported) {
        expect(sent).toEqual([]);
        expect(endpoint.slack.list()).toEqual([]);
        return;
      }
      expect(sent.map((n) => [n.emailSubject, n.machine.type, n.machine.verdict, n.machine.error?.code])).toEqual([
        [`Not checked: ${repository}:v7 (${code})`, 'error', 'error', code],
      ]);
      expect(sent[0]?.attributes).toEqual(verdictAttributes('error', [code], repository));
      expect(sent[0]?.chatbot).toMatchObject({ version: '1.0', source: 'custom' });
      expect(endpoint.slack.list().map((post) => [post.status, post.answer])).toEqual([[200, 'ok']]);
    } finally {
      await close();
    }
  });
});
