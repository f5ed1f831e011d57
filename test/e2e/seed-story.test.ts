import { describe, expect, it } from 'vitest';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { pushSeed, pushSeedImage } from '../../fixtures/push-fixture.js';
import { pushEventFor, REPOSITORY, startGuard } from '../support/guard-harness.js';
import { checkedLines, deliveryMark, imagesInEcr, notifications, REGISTRY, tagsInEcr, verdictAttributes } from './guard-kit.js';

// The product brief's story: v7 is a linux/arm64 image wrapped in an index with its provenance
// attestation (BuildKit defaults); v8 is the same image built with --provenance=false.
describe('the seed story through the built guard: v7 (image + provenance index), then v8 (the image alone)', () => {
  it('quarantines v7, tags its arm64 image deployable, notifies every protocol once, and passes v8 silently', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      // Act: v7
      const report = await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess: the push, children first, and what the rule let through
      expect(report.manifests.map((m) => [m.digest, m.tag])).toEqual([
        [seed.image.digest, null],
        [seed.attestation.manifest.digest, null],
        [seed.index.digest, 'v7'],
      ]);
      expect(guard.stack.bus.events.map((record) => [record.event.detail['image-tag'], record.matchedRules.length])).toEqual([
        ['', 1],
        ['', 1],
        ['v7', 1],
        // The guard's own tags are checked like anyone's: one silent invocation each, no writes.
        ['v7-deployable', 1],
        ['v7-quarantined', 1],
      ]);
      expect(runtime.stats()).toMatchObject({ received: 5, invocations: 5, errors: 0, retries: 0 });

      // Assess: tags in ECR (ListImages and DescribeImages agree)
      expect(await tagsInEcr(ecr)).toEqual({
        v7: seed.index.digest,
        'v7-deployable': seed.image.digest,
        'v7-quarantined': seed.index.digest,
      });
      expect(await imagesInEcr(ecr)).toEqual({
        [seed.image.digest]: ['v7-deployable'],
        [seed.attestation.manifest.digest]: [],
        [seed.index.digest]: ['v7', 'v7-quarantined'],
      });

      // Assess: one SNS message, delivered once per protocol
      const sent = notifications(endpoint);
      expect(sent).toHaveLength(1);
      const [v7] = sent;
      expect(v7?.emailSubject).toBe('Quarantined: orders-service:v7 (IMAGE_INDEX)');
      expect(v7?.email).toContain('QUARANTINED  orders-service:v7');
      expect(v7?.email).toContain(`${REGISTRY}/${REPOSITORY}@${seed.image.digest}`);
      expect(v7?.email).toContain('https://github.com/example-org/lambda-app/actions/runs/4242424242');
      expect(v7?.chatbot).toMatchObject({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown', title: ':no_entry: orders-service:v7 quarantined' },
        metadata: { threadId: REPOSITORY },
      });
      expect(v7?.chatbot.content.nextSteps?.[0]).toContain(`${REPOSITORY}@${seed.image.digest}`);
      expect(v7?.machine).toMatchObject({
        schemaVersion: 1,
        type: 'verdict',
        verdict: 'quarantined',
        repository: REPOSITORY,
        eventId: pushEventFor(guard, 'v7').id,
        subject: { digest: seed.index.digest, tag: 'v7', repository: REPOSITORY },
        deployableChild: { digest: seed.image.digest },
      });
      expect(v7?.machine.reasons?.map((reason) => reason.code)).toEqual(['IMAGE_INDEX']);
      // Published before tagging, so the message carries the plan, not the result.
      expect(v7?.machine.tags).toEqual([
        { tag: 'v7-deployable', digest: seed.image.digest, outcome: 'planned', purpose: 'deployable-child' },
        { tag: 'v7-quarantined', digest: seed.index.digest, outcome: 'planned', purpose: 'verdict' },
      ]);
      expect(v7?.attributes).toEqual(verdictAttributes('quarantined', ['IMAGE_INDEX']));

      // Assess: one Slack post, accepted
      const posts = endpoint.slack.list();
      expect(posts.map((post) => [post.hookId, post.status, post.answer])).toEqual([['platform-team', 200, 'ok']]);
      expect((posts[0]?.payload as { text?: string } | undefined)?.text).toMatch(/^Quarantined: orders-service:v7 /);
      expect(checkedLines(guard, 'v7')).toEqual([
        expect.objectContaining({
          verdict: 'quarantined',
          reasons: ['IMAGE_INDEX'],
          deployableChild: seed.image.digest,
          tags: [
            { tag: 'v7-deployable', outcome: 'created' },
            { tag: 'v7-quarantined', outcome: 'created' },
          ],
          notificationId: v7?.messageId,
          slack: 'ok',
        }),
      ]);

      // Act: v8
      const mark = deliveryMark(endpoint);
      await pushSeedImage(ecr, seed, { repository: REPOSITORY, tag: 'v8' });
      await guard.stack.idle();

      // Assess: v8 is the image itself, deployable, tagged and silent
      expect(await imagesInEcr(ecr)).toEqual({
        [seed.image.digest]: ['v7-deployable', 'v8', 'v8-deployable'],
        [seed.attestation.manifest.digest]: [],
        [seed.index.digest]: ['v7', 'v7-quarantined'],
      });
      expect(notifications(endpoint, mark)).toEqual([]);
      expect(endpoint.slack.list()).toHaveLength(1);
      expect(checkedLines(guard, 'v8')).toEqual([
        expect.objectContaining({
          verdict: 'deployable',
          reasons: [],
          tags: [{ tag: 'v8-deployable', outcome: 'created' }],
          notificationId: null,
        }),
      ]);
      expect(runtime.stats()).toMatchObject({ received: 7, invocations: 7, errors: 0 });
    } finally {
      await close();
    }
  });

  it('announces v8 too when GUARD_NOTIFY_ON_DEPLOYABLE is on', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, ecr, close } = await startGuard({
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64', GUARD_NOTIFY_ON_DEPLOYABLE: 'true' },
    });
    try {
      // Act
      await pushSeedImage(ecr, seed, { repository: REPOSITORY, tag: 'v8' });
      await guard.stack.idle();

      // Assess
      expect(await tagsInEcr(ecr)).toEqual({ v8: seed.image.digest, 'v8-deployable': seed.image.digest });
      const sent = notifications(endpoint);
      expect(sent.map((n) => [n.emailSubject, n.machine.verdict, n.machine.deployableChild ?? null])).toEqual([
        ['Deployable: orders-service:v8', 'deployable', null],
      ]);
      expect(sent[0]?.chatbot).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
      expect(sent[0]?.machine.tags).toEqual([
        { tag: 'v8-deployable', digest: seed.image.digest, outcome: 'planned', purpose: 'verdict' },
      ]);
      expect(sent[0]?.attributes).toEqual(verdictAttributes('deployable', []));
      expect(endpoint.slack.list().map((post) => post.answer)).toEqual(['ok']);
    } finally {
      await close();
    }
  });
});
