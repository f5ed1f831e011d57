/**
 * Verdict tags you can trust, end to end through the built guard on the local stack: nothing is
 * promised deployable that was not read and checked by digest, whatever the index claims.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { image, seedCase } from '../../fixtures/oci-fixtures.js';
import { pushFixture, pushSeed, putRawManifest } from '../../fixtures/push-fixture.js';
import { openLocalSource } from '../../functions/adapters/open-local-source.js';
import { pushToEcr } from '../../local/ecr-push.js';
import { REPOSITORY, startGuard } from '../support/guard-harness.js';
import { ociTools } from '../support/oci-tools.js';
import { shouldSkip } from '../tools/tool-support.js';
import { deliveryMark, notifications, outcomes, tagsInEcr } from './guard-kit.js';

const { skip, missing } = shouldSkip('test/e2e/verdict-trust', ['umoci', 'buildah']);

let work = '';
const built = { s390x: '', lie: '' };

beforeAll(async () => {
  if (skip) return;
  if (missing.length > 0) throw new Error(`REQUIRE_TOOLS=1, but ${missing.join(', ')} not installed`);
  work = await mkdtemp(join(tmpdir(), 'elg-trust-'));
  const { buildah, umociImage } = await ociTools(work);
  built.s390x = await umociImage(join(work, 'images'), 's390x', 's390x');
  // What `buildah manifest add --arch` writes: the platform it is told, whatever the config says.
  buildah('manifest', 'create', 'guard-lie');
  buildah('manifest', 'add', '--arch', 'amd64', '--os', 'linux', 'guard-lie', `oci:${join(work, 'images')}:s390x`);
  buildah('manifest', 'push', '--all', '--format', 'oci', 'guard-lie', `oci:${join(work, 'lie')}:lie`);
}, 120_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe.skipIf(skip)('an index that lies about a platform (made by buildah)', () => {
  it.each([{ targets: 'x86_64' }, { targets: 'x86_64,arm64' }, { targets: '' }])(
    'GUARD_TARGET_ARCHITECTURES=$targets: the s390x image gets no deployable tag, and the team hears both platforms',
    async ({ targets }) => {
      // Prepare
      const { guard, endpoint, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: targets } });
      try {
        const local = await openLocalSource(`${join(work, 'lie')}:lie`, {});

        // Act
        await pushToEcr(ecr, local.source, local.subject, { repository: REPOSITORY, tag: 'rel', createRepository: true });
        await guard.stack.idle();

        // Assess: the index is quarantined and nothing names the s390x image as deployable
        const tags = await tagsInEcr(ecr);
        expect(tags).toEqual({ rel: local.subject.digest, 'rel-quarantined': local.subject.digest });
        const [sent, ...more] = notifications(endpoint);
        expect(more).toEqual([]);
        expect(sent?.machine.reasons?.map((r) => r.code)).toEqual(['IMAGE_INDEX', 'INDEX_PLATFORM_MISMATCH']);
        expect(sent?.machine.deployableChild ?? null).toBeNull();
        for (const text of [sent?.email ?? '', JSON.stringify(sent?.chatbot)]) {
          expect(text).toContain('linux/amd64');
          expect(text).toContain('linux/s390x');
          expect(text).not.toMatch(/deploy (it )?now/i);
        }
      } finally {
        await close();
      }
    },
  );
});

describe('guard tags are checked, whoever wrote them', () => {
  it.each([
    { name: 'a deployable tag put on the index by hand', tag: 'v7-deployable', on: 'index', alert: true },
    { name: 'a deployable tag put on an s390x image', tag: 'tools-deployable', on: 's390x', alert: true },
    { name: 'a quarantine tag put on the runnable image', tag: 'v8-quarantined', on: 'image', alert: true },
    { name: 'a correct deployable tag written by CI', tag: 'ci-deployable', on: 'image', alert: false },
  ])('$name: alert $alert, and the guard writes nothing in response', async ({ tag, on, alert }) => {
    // Prepare: the seed story's v7 is checked and tagged first
    const seed = seedCase({ architecture: 'arm64' });
    const s390x = image({ platform: 'linux/s390x' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await pushFixture(ecr, { subject: s390x, blobs: [s390x.config] }, { repository: REPOSITORY, tag: 's390x' });
      await guard.stack.idle();
      const mark = deliveryMark(endpoint);
      const putsBefore = endpoint.calls.list({ name: 'ecr:PutImage' }).length;
      const named = on === 'index' ? seed.index : on === 's390x' ? s390x : seed.image;

      // Act: someone else pushes a tag with a guard suffix
      await putRawManifest(ecr, named, { repository: REPOSITORY, tag });
      await guard.stack.idle();

      // Assess: one alert (or none), naming the tag, the image and who can fix it; nothing written back
      const sent = notifications(endpoint, mark);
      expect(sent).toHaveLength(alert ? 1 : 0);
      expect(outcomes(runtime).at(-1)).toMatchObject({ kind: alert ? 'alert' : 'verified', tag });
      if (alert) {
        expect(sent[0]?.emailSubject).toBe(`Integrity alert: ${REPOSITORY}:${tag} (FOREIGN_GUARD_TAG)`);
        expect(sent[0]?.email).toContain(named.digest);
        expect(sent[0]?.email).toContain('Who can fix it');
        expect(sent[0]?.machine).toMatchObject({ type: 'alert', verdict: 'alert', subject: { tag, digest: named.digest } });
        expect(sent[0]?.attributes.reasons?.Value).toBe('["FOREIGN_GUARD_TAG"]');
        expect(endpoint.slack.list().at(-1)?.rawBody).toContain('Integrity alert');
      }
      expect(endpoint.calls.list({ name: 'ecr:PutImage' })).toHaveLength(putsBefore + 1);
      expect((await tagsInEcr(ecr))[tag]).toBe(named.digest);
    } finally {
      await close();
    }
  });
});

describe('stale, racing and recovered tags', () => {
  const good = image({ platform: 'linux/arm64' });
  const bad = image({ platform: 'linux/s390x' });
  const push = (ecr: Parameters<typeof pushFixture>[0], fixture: typeof good, tag: string) =>
    pushFixture(ecr, { subject: fixture, blobs: [fixture.config] }, { repository: REPOSITORY, tag });

  it('a tag moved to a quarantined image: the notification says the deployable tag still names the earlier image', async () => {
    // Prepare
    const { guard, endpoint, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      await push(ecr, good, 'v7');
      await guard.stack.idle();
      const mark = deliveryMark(endpoint);

      // Act
      await push(ecr, bad, 'v7');
      await guard.stack.idle();

      // Assess
      const [sent, ...more] = notifications(endpoint, mark);
      expect(more).toEqual([]);
      expect(sent?.emailSubject).toMatch(/^Quarantined: orders-service:v7 /);
      // The note says when the earlier image was pushed (and so checked), as ECR records it.
      const described = await ecr.send(
        new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: good.digest }] }),
      );
      const pushedAt = described.imageDetails?.[0]?.imagePushedAt?.toISOString().slice(0, 16).replace('T', ' ');
      expect(pushedAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
      expect(sent?.email.replace(/\s+/g, ' ').replaceAll('`', '')).toContain(
        `v7-deployable still names ${good.digest}, an earlier push of v7 the guard checked then (pushed ${pushedAt} UTC)`,
      );
      expect(await tagsInEcr(ecr)).toEqual({ v7: bad.digest, 'v7-deployable': good.digest, 'v7-quarantined': bad.digest });
    } finally {
      await close();
    }
  });

  it.each([{ notify: 'false' }, { notify: 'true' }])(
    'GUARD_NOTIFY_ON_DEPLOYABLE=$notify: a quarantined tag pushed again deployable is announced once as deployable again',
    async ({ notify }) => {
      // Prepare
      const { guard, endpoint, runtime, ecr, close } = await startGuard({
        env: { GUARD_TARGET_ARCHITECTURES: 'arm64', GUARD_NOTIFY_ON_DEPLOYABLE: notify },
      });
      try {
        await push(ecr, bad, 'rel');
        await guard.stack.idle();
        const mark = deliveryMark(endpoint);

        // Act: the fixed push, then its event delivered again
        await push(ecr, good, 'rel');
        await guard.stack.idle();
        runtime.invoke(guard.stack.bus.events.filter((r) => r.event.detail['image-tag'] === 'rel').at(-1)?.event);
        await guard.stack.idle();

        // Assess
        const sent = notifications(endpoint, mark);
        expect(sent.map((n) => n.emailSubject)).toEqual(['Deployable again: orders-service:rel']);
        expect(sent[0]?.email).toContain(bad.digest);
        expect(await tagsInEcr(ecr)).toEqual({ rel: good.digest, 'rel-deployable': good.digest, 'rel-quarantined': bad.digest });
      } finally {
        await close();
      }
    },
  );

  it('a fast re-push (bad, then good): the last word is never "quarantined" for a tag that names a deployable image', async () => {
    // Prepare
    const { guard, endpoint, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      // Act: both pushes before the guard has handled the first
      await push(ecr, bad, 'rel');
      await push(ecr, good, 'rel');
      await guard.stack.idle();

      // Assess: whichever order the events ran in, a quarantine notice is followed by the recovery
      const subjects = notifications(endpoint).map((n) => n.emailSubject);
      const lastQuarantine = subjects.findLastIndex((subject) => subject.startsWith('Quarantined'));
      if (lastQuarantine >= 0) expect(subjects.slice(lastQuarantine + 1)).toContain('Deployable again: orders-service:rel');
      const tags = await tagsInEcr(ecr);
      expect(tags.rel).toBe(good.digest);
      expect(tags['rel-deployable']).toBe(good.digest);
    } finally {
      await close();
    }
  });
});

describe('the seed story with GUARD_TARGET_ARCHITECTURES=x86_64,arm64', () => {
  it('offers the arm64 image to deploy now and never tells the team to rebuild it for amd64', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'x86_64,arm64' } });
    try {
      // Act
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess: the deployable tag is on the arm64 image, and every fix keeps its platform
      expect((await tagsInEcr(ecr))['v7-deployable']).toBe(seed.image.digest);
      const [sent] = notifications(endpoint);
      expect(sent?.machine.deployableChild?.digest).toBe(seed.image.digest);
      for (const text of [sent?.email ?? '', JSON.stringify(sent?.chatbot)]) {
        expect(text).toContain('linux/arm64');
        expect(text).not.toContain('linux/amd64');
      }
    } finally {
      await close();
    }
  });
});
