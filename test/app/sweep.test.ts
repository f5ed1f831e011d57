import { describe, expect, it } from 'vitest';
import { image } from '../../fixtures/oci-fixtures.js';
import { createComposer } from '../../functions/adapters/notification-composer.js';
import type { ListedImage, PublishRequest, RegistryCatalog } from '../../functions/app/ports.js';
import type { GuardDeps } from '../../functions/app/process-push.js';
import { runSweep, SWEEP_SETTLE_MS } from '../../functions/app/sweep.js';
import { loadConfig } from '../../functions/config/load-config.js';
import { createMemoryRegistry } from '../support/memory-registry.js';

const REPOSITORY = 'orders-service';
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 5, 12, 0);

/**
 * `count` tags pushed one minute apart, each naming its own s390x image (quarantined, so every
 * check notifies), none carrying a verdict tag: events the guard never saw.
 */
const lostPushes = (count: number, env: Readonly<Record<string, string>> = {}) => {
  const memory = createMemoryRegistry();
  const listed: ListedImage[] = [];
  for (let i = 0; i < count; i += 1) {
    const fixture = image({ platform: 'linux/s390x', annotations: { n: String(i) } });
    memory.addManifest(fixture.bytes, fixture.mediaType, `r${i}`);
    memory.addBlob(fixture.config.bytes);
    listed.push({ digest: fixture.digest, tags: [`r${i}`], pushedAt: NOW - 3 * HOUR + i * 60_000 });
  }
  // Newest first, as a registry may list them: the sweep must order them itself.
  const catalog: RegistryCatalog = {
    async *repositories() {
      yield { name: REPOSITORY, uri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY}` };
    },
    // The tags each image carries now, the guard's own included, as DescribeImages lists them.
    async *taggedImages() {
      for (const item of [...listed].reverse()) {
        yield { ...item, tags: [...memory.tags].filter(([, digest]) => digest === item.digest).map(([tag]) => tag) };
      }
    },
  };
  const published: PublishRequest[] = [];
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  const metrics: { name: string; value: unknown }[] = [];
  const deps: GuardDeps = {
    config: loadConfig({
      GUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guard',
      AWS_REGION: 'us-east-1',
      GUARD_TARGET_ARCHITECTURES: 'arm64',
      ...env,
    }),
    registry: memory.registry,
    notifier: {
      publish: async (request) => {
        published.push(request);
        return { messageId: `m${published.length}` };
      },
    },
    chat: null,
    composer: async () => createComposer(),
    logger: {
      info: () => undefined,
      warn: (message, fields = {}) => warnings.push({ message, fields }),
      error: () => undefined,
    },
    metrics: {
      count: (name: string, _dimensions?: unknown, value?: unknown) => {
        metrics.push({ name, value });
      },
      flush: () => undefined,
    },
  };
  return { deps, catalog, memory, published, warnings, metrics };
};

const subjectOf = (request: PublishRequest | undefined): string => request?.Subject ?? '';

describe('the scheduled sweep', () => {
  it('checks the oldest lost pushes first, at most sweepMaxTags, and says which tags it left and when they leave its window', async () => {
    // Prepare
    const h = lostPushes(5, { GUARD_SWEEP_MAX_TAGS: '2', GUARD_SWEEP_INTERVAL_HOURS: '24' });

    // Act
    const outcome = await runSweep(h.deps, h.catalog, { now: NOW, remainingMs: () => 600_000 });

    // Assess
    expect(outcome).toStrictEqual({
      kind: 'swept',
      repositories: 1,
      candidates: 5,
      checked: 2,
      remaining: 3,
      notified: 2,
      failures: 0,
    });
    expect(h.published.map(subjectOf)).toStrictEqual([
      expect.stringContaining(`${REPOSITORY}:r0`),
      expect.stringContaining(`${REPOSITORY}:r1`),
    ]);
    expect([...h.memory.tags.keys()].filter((tag) => tag.endsWith('-quarantined')).sort()).toStrictEqual([
      'r0-quarantined',
      'r1-quarantined',
    ]);
    expect(h.metrics.filter((m) => m.name.startsWith('Sweep'))).toStrictEqual([
      { name: 'SweepCandidates', value: 5 },
      { name: 'SweepChecked', value: 2 },
      { name: 'SweepRemaining', value: 3 },
    ]);
    expect(h.warnings).toStrictEqual([
      {
        message: 'sweep left tags unchecked',
        fields: {
          remaining: 3,
          oldest: { repository: REPOSITORY, tag: 'r2', pushedAt: new Date(NOW - 3 * HOUR + 2 * 60_000).toISOString() },
          leavesWindowAt: new Date(NOW - 3 * HOUR + 2 * 60_000 + 48 * HOUR).toISOString(),
        },
      },
    ]);
  });

  it('continues where the last run stopped: the next run checks the rest and notifies nothing twice', async () => {
    // Prepare
    const h = lostPushes(5, { GUARD_SWEEP_MAX_TAGS: '2' });
    await runSweep(h.deps, h.catalog, { now: NOW, remainingMs: () => 600_000 });
    await runSweep(h.deps, h.catalog, { now: NOW + HOUR, remainingMs: () => 600_000 });

    // Act
    const third = await runSweep(h.deps, h.catalog, { now: NOW + 2 * HOUR, remainingMs: () => 600_000 });
    const fourth = await runSweep(h.deps, h.catalog, { now: NOW + 3 * HOUR, remainingMs: () => 600_000 });

    // Assess: the tags written are the continuation; a run with nothing left is quiet
    expect(third).toMatchObject({ candidates: 1, checked: 1, remaining: 0 });
    expect(fourth).toMatchObject({ candidates: 0, checked: 0, remaining: 0, notified: 0 });
    expect(h.published.map(subjectOf).map((subject) => /:r\d+/.exec(subject)?.[0])).toStrictEqual([
      ':r0',
      ':r1',
      ':r2',
      ':r3',
      ':r4',
    ]);
    expect(h.warnings.map((w) => w.message)).toStrictEqual(['sweep left tags unchecked', 'sweep left tags unchecked']);
  });

  it('stops before the invocation runs out of time, and leaves pushes younger than the settle time to their events', async () => {
    // Prepare: the newest push is 1 minute younger than the settle time allows
    const h = lostPushes(3);
    const now = NOW - 3 * HOUR + 2 * 60_000 + SWEEP_SETTLE_MS - 60_000;
    let time = 60_000;

    // Act: each check takes 25 s of the invocation's remaining time
    const outcome = await runSweep(h.deps, h.catalog, {
      now,
      remainingMs: () => {
        const left = time;
        time -= 25_000;
        return left;
      },
    });

    // Assess
    expect(outcome).toMatchObject({ candidates: 2, checked: 2, remaining: 0 });
    const short = lostPushes(3);
    let shortTime = 30_000;
    const cut = await runSweep(short.deps, short.catalog, {
      now: NOW,
      remainingMs: () => {
        const left = shortTime;
        shortTime -= 25_000;
        return left;
      },
    });
    expect(cut).toMatchObject({ candidates: 3, checked: 1, remaining: 2 });
  });

  it('does not run without verdict tags (GUARD_WRITE_TAGS=false): nothing would record what it notified', async () => {
    // Prepare
    const h = lostPushes(2, { GUARD_WRITE_TAGS: 'false' });

    // Act
    const outcome = await runSweep(h.deps, h.catalog, { now: NOW, remainingMs: () => 600_000 });

    // Assess
    expect(outcome).toMatchObject({ candidates: 0, checked: 0 });
    expect(h.published).toStrictEqual([]);
    expect(h.warnings.map((w) => w.message)).toStrictEqual([
      'sweep skipped: GUARD_WRITE_TAGS is false, so no verdict tag records a notified push',
    ]);
  });

  it('leaves alone a push whose verdict tag the repository refuses, every run', async () => {
    // Prepare: r0-quarantined already names another image and tags are immutable
    const h = lostPushes(2);
    h.memory.setPolicy({ mutability: 'IMMUTABLE', exclusionFilters: [] });
    const other = image({ platform: 'linux/s390x', annotations: { n: 'other' } });
    h.memory.addManifest(other.bytes, other.mediaType, 'r0-quarantined');

    // Act
    const runs = [
      await runSweep(h.deps, h.catalog, { now: NOW, remainingMs: () => 600_000 }),
      await runSweep(h.deps, h.catalog, { now: NOW + HOUR, remainingMs: () => 600_000 }),
    ];

    // Assess: r1 is notified once; r0 never, however many runs see it
    expect(runs.map((run) => run.notified)).toStrictEqual([1, 0]);
    expect(h.published.map(subjectOf)).toStrictEqual([expect.stringContaining(`${REPOSITORY}:r1 `)]);
  });

  it('gives each tag of one image its own event id', async () => {
    // Prepare: one image under two lost tags
    const h = lostPushes(1);
    const [first] = [...h.memory.tags];
    h.memory.tags.set('latest', first?.[1] ?? '');

    // Act
    await runSweep(h.deps, h.catalog, { now: NOW, remainingMs: () => 600_000 });

    // Assess
    const ids = h.published.map((request) => (JSON.parse(JSON.parse(request.Message).sqs) as { eventId: string }).eventId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });
});
