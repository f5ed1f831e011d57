import { describe, expect, it } from 'vitest';
import { type Fixture, helmChart, image, type SeedCase, seedCase } from '../../fixtures/oci-fixtures.js';
import { createComposer } from '../../functions/adapters/notification-composer.js';
import { GuardError } from '../../functions/app/guard-error.js';
import type { ChatPoster, Notifier, PublishRequest } from '../../functions/app/ports.js';
import { type Composer, type GuardDeps, processPush } from '../../functions/app/process-push.js';
import { loadConfig } from '../../functions/config/load-config.js';
import type { Digest } from '../../functions/core/digest.js';
import type { PushEvent } from '../../functions/core/push-event.js';
import { createMemoryRegistry } from '../support/memory-registry.js';

const REPOSITORY = 'orders-service';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecr-lambda-guard';

const pushOf = (subject: { readonly digest: string }, tag: string | null, repository = REPOSITORY): PushEvent => ({
  eventId: 'event-1',
  account: '123456789012',
  region: 'us-east-1',
  time: '2026-11-25T00:00:00Z',
  repository,
  digest: subject.digest as Digest,
  tag,
  manifestMediaType: null,
  artifactMediaType: null,
});

type MemoryRegistry = ReturnType<typeof createMemoryRegistry>;

/** The pipeline over the in-memory registry, with recording fakes around the real composer. */
const harness = (
  options: {
    readonly env?: Readonly<Record<string, string>>;
    readonly publish?: Notifier['publish'];
    readonly post?: ChatPoster['post'];
    readonly memory?: MemoryRegistry;
  } = {},
) => {
  const memory = options.memory ?? createMemoryRegistry();
  const published: PublishRequest[] = [];
  const posted: { text: string }[] = [];
  const verdicts: Parameters<Composer['verdict']>[0][] = [];
  const failures: Parameters<Composer['failure']>[0][] = [];
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const metrics: string[] = [];
  // Where the publish and the Slack post fell among the registry calls.
  const marks: { at: number; op: string }[] = [];
  const real = createComposer();
  const deps: GuardDeps = {
    config: loadConfig({ GUARD_TOPIC_ARN: TOPIC, AWS_REGION: 'us-east-1', GUARD_TARGET_ARCHITECTURES: 'arm64', ...options.env }),
    registry: memory.registry,
    notifier: {
      publish: async (request) => {
        marks.push({ at: memory.calls.length, op: 'publish' });
        if (options.publish !== undefined) return options.publish(request);
        published.push(request);
        return { messageId: `message-${published.length}` };
      },
    },
    chat: {
      post: async (message) => {
        marks.push({ at: memory.calls.length, op: 'chat' });
        if (options.post !== undefined) return options.post(message);
        posted.push({ text: message.text });
        return { ok: true, detail: 'ok' };
      },
    },
    composer: async () => ({
      verdict: (input) => {
        verdicts.push(input);
        return real.verdict(input);
      },
      failure: (input) => {
        failures.push(input);
        return real.failure(input);
      },
      integrity: (alert) => real.integrity(alert),
    }),
    logger: {
      info: (message, fields = {}) => logs.push({ level: 'INFO', message, fields }),
      warn: (message, fields = {}) => logs.push({ level: 'WARN', message, fields }),
      error: (message, fields = {}) => logs.push({ level: 'ERROR', message, fields }),
    },
    metrics: {
      count: (name: string, ..._dimensionsAndValue: unknown[]) => {
        metrics.push(name);
      },
      flush: () => undefined,
    },
  };
  /** Registry calls, publish and Slack post, in the order they happened. */
  const sequence = (): string[] => {
    const out: string[] = [];
    memory.calls.forEach((call, i) => {
      for (const mark of marks.filter((m) => m.at === i)) out.push(mark.op);
      out.push(call.op);
    });
    for (const mark of marks.filter((m) => m.at === memory.calls.length)) out.push(mark.op);
    return out;
  };
  return { deps, memory, published, posted, verdicts, failures, logs, metrics, sequence };
};

/** Puts the seed case in the registry: the index under `tag`, its children and blobs. */
const addSeed = (memory: MemoryRegistry, seed: SeedCase, tag = 'v7'): void => {
  memory.addManifest(seed.index.bytes, seed.index.mediaType, tag);
  memory.addManifest(seed.image.bytes, seed.image.mediaType);
  memory.addManifest(seed.attestation.manifest.bytes, seed.attestation.manifest.mediaType);
  for (const blob of [seed.image.config, seed.attestation.manifest.config, seed.statement]) memory.addBlob(blob.bytes);
};

const addImage = (memory: MemoryRegistry, fixture: Fixture & { readonly config?: Fixture }, tag: string): void => {
  memory.addManifest(fixture.bytes, fixture.mediaType, tag);
  if (fixture.config !== undefined) memory.addBlob(fixture.config.bytes);
};

/** The machine JSON the `sqs` subscribers get. */
const machineOf = (request: PublishRequest | undefined): { tags: unknown[]; verdict: string } => {
  const structured = JSON.parse(request?.Message ?? '{}') as { sqs?: string };
  return JSON.parse(structured.sqs ?? '{}') as { tags: unknown[]; verdict: string };
};

describe('processPush: the seed index', () => {
  it('reads in three waves, notifies once, then writes the child tag and the verdict tag last', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    addSeed(h.memory, seed);

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess: the outcome
    expect(outcome).toEqual({
      kind: 'checked',
      verdict: 'quarantined',
      reasons: ['IMAGE_INDEX'],
      tags: [
        { tag: 'v7-deployable', digest: seed.image.digest, purpose: 'deployable-child', outcome: 'created' },
        { tag: 'v7-quarantined', digest: seed.index.digest, purpose: 'verdict', outcome: 'created' },
      ],
      notificationId: 'message-1',
      slack: 'ok',
    });

    // Assess: the waves — one BatchGetImage (subject + probes), one batch of children, the child's config and the provenance statement together, then notify, then tag
    expect(h.sequence()).toEqual([
      'getImages',
      'tagPolicy',
      'getManifests',
      'getBlob',
      'getBlob',
      'publish',
      'chat',
      'putTag',
      'putTag',
    ]);
    expect(h.memory.calls.map((call) => `${call.op} ${call.detail}`)).toEqual([
      `getImages ${seed.index.digest},v7,v7-quarantined,v7-deployable`,
      'tagPolicy ',
      `getManifests ${seed.image.digest},${seed.attestation.manifest.digest}`,
      `getBlob ${seed.image.config.digest}`,
      `getBlob ${seed.statement.digest}`,
      `putTag v7-deployable=${seed.image.digest}`,
      `putTag v7-quarantined=${seed.index.digest}`,
    ]);

    // Assess: what was announced, before any tag existed
    expect(h.published).toHaveLength(1);
    expect(h.published[0]?.Subject).toBe('Quarantined: orders-service:v7 (IMAGE_INDEX)');
    expect(h.published[0]?.MessageAttributes).toEqual({
      verdict: { DataType: 'String', StringValue: 'quarantined' },
      repository: { DataType: 'String', StringValue: REPOSITORY },
      reasons: { DataType: 'String.Array', StringValue: '["IMAGE_INDEX"]' },
      account: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
    expect(h.verdicts.map((input) => input.context.tagging.map((t) => [t.tag, t.outcome]))).toEqual([
      [
        ['v7-deployable', 'planned'],
        ['v7-quarantined', 'planned'],
      ],
    ]);
    expect(h.posted.map((post) => post.text)).toEqual([expect.stringMatching(/^Quarantined: orders-service:v7 /)]);
    expect(h.memory.tags.get('v7-deployable')).toBe(seed.image.digest);
    expect(h.memory.tags.get('v7-quarantined')).toBe(seed.index.digest);
  });

  it('takes a redelivery as a duplicate: no publish, no Slack post, no putTag', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    addSeed(h.memory, seed);
    await processPush(h.deps, pushOf(seed.index, 'v7'));
    const callsBefore = h.memory.calls.length;

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(outcome).toEqual({
      kind: 'duplicate',
      verdict: 'quarantined',
      tags: [
        { tag: 'v7-deployable', digest: seed.image.digest, outcome: 'unchanged', purpose: 'deployable-child' },
        { tag: 'v7-quarantined', digest: seed.index.digest, outcome: 'unchanged', purpose: 'verdict' },
      ],
    });
    expect(h.published).toHaveLength(1);
    expect(h.posted).toHaveLength(1);
    expect(h.memory.calls.slice(callsBefore).map((call) => call.op)).not.toContain('putTag');
    expect(h.metrics).toContain('Duplicates');
  });
});

describe('processPush: triage', () => {
  it.each([
    { name: 'an untagged push', env: {}, tag: null, code: 'UNTAGGED_PUSH' },
    { name: 'an excluded repository', env: { GUARD_EXCLUDE_REPOSITORIES: 'orders-*' }, tag: 'v7', code: 'REPOSITORY_EXCLUDED' },
    {
      name: 'a repository outside the include list',
      env: { GUARD_INCLUDE_REPOSITORIES: 'payments-*' },
      tag: 'v7',
      code: 'REPOSITORY_EXCLUDED',
    },
  ])('skips $name ($code) without a single registry call', async ({ env, tag, code }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness({ env });
    addSeed(h.memory, seed);

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, tag));

    // Assess
    expect(outcome).toMatchObject({ kind: 'skipped', code });
    expect(h.memory.calls).toEqual([]);
    expect(h.sequence()).toEqual([]);
    expect(h.logs.map((line) => [line.message, line.fields.skip])).toEqual([['skipped', code]]);
  });

  it('skips a push whose tag already names a newer image (SUPERSEDED) after one read', async () => {
    // Prepare: v7 was pushed again since; this event is for the older digest
    const seed = seedCase({ architecture: 'arm64' });
    const newer = image({ platform: 'linux/arm64', layers: [{ seed: 'newer' }] });
    const h = harness();
    addSeed(h.memory, seed);
    addImage(h.memory, newer, 'v7');

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(outcome).toMatchObject({ kind: 'skipped', code: 'SUPERSEDED' });
    expect(h.sequence()).toEqual(['getImages', 'tagPolicy']);
    expect(h.published).toEqual([]);
  });
});

describe('processPush: a deployable single manifest', () => {
  it.each([
    { notify: 'false', published: [] },
    { notify: 'true', published: ['Deployable: orders-service:v8'] },
  ])('tags {tag}-deployable; GUARD_NOTIFY_ON_DEPLOYABLE=$notify announces $published', async ({ notify, published }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness({ env: { GUARD_NOTIFY_ON_DEPLOYABLE: notify } });
    addImage(h.memory, seed.image, 'v8');

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.image, 'v8'));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'checked',
      verdict: 'deployable',
      reasons: [],
      tags: [{ tag: 'v8-deployable', digest: seed.image.digest, purpose: 'verdict', outcome: 'created' }],
    });
    expect(h.published.map((request) => request.Subject)).toEqual(published);
    expect(h.posted).toHaveLength(published.length);
    const notifyStep = published.length === 0 ? [] : ['publish', 'chat'];
    expect(h.sequence()).toEqual(['getImages', 'tagPolicy', 'getBlob', ...notifyStep, 'putTag']);
  });
});

describe('processPush: an immutable repository', () => {
  it('predicts that the verdict tag cannot move, says so in the notification, and never PutImages it', async () => {
    // Prepare: v7-quarantined already names another image and the repository refuses to move tags
    const seed = seedCase({ architecture: 'arm64' });
    const other = image({ platform: 'linux/arm64', layers: [{ seed: 'other' }] });
    const h = harness({ memory: createMemoryRegistry({ policy: { mutability: 'IMMUTABLE', exclusionFilters: [] } }) });
    addSeed(h.memory, seed);
    addImage(h.memory, other, 'v7-quarantined');

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    const immutable = {
      tag: 'v7-quarantined',
      digest: seed.index.digest,
      purpose: 'verdict',
      outcome: 'immutable',
      message: `the repository's tags are immutable and v7-quarantined already names ${other.digest}`,
    };
    expect(h.verdicts[0]?.context.tagging).toEqual([
      { tag: 'v7-deployable', digest: seed.image.digest, purpose: 'deployable-child', outcome: 'planned' },
      immutable,
    ]);
    expect(machineOf(h.published[0]).tags).toContainEqual(immutable);
    expect(h.memory.calls.filter((call) => call.op === 'putTag').map((call) => call.detail)).toEqual([
      `v7-deployable=${seed.image.digest}`,
    ]);
    expect(outcome).toMatchObject({
      kind: 'checked',
      tags: [{ tag: 'v7-deployable', outcome: 'created' }, immutable],
    });
    expect(h.memory.tags.get('v7-quarantined')).toBe(other.digest);
    // Counted where it is reported: a refusal predicted from the repository's policy counts too.
    expect(h.metrics.filter((name) => name === 'ImmutableTags')).toHaveLength(1);
  });

  it.each([
    { mutability: 'IMMUTABLE_WITH_EXCLUSION' as const, filters: ['*-quarantined'], outcome: 'created' },
    { mutability: 'MUTABLE_WITH_EXCLUSION' as const, filters: ['*-quarantined'], outcome: 'immutable' },
    { mutability: 'MUTABLE' as const, filters: [], outcome: 'created' },
  ])('$mutability with $filters: the taken verdict tag is $outcome', async ({ mutability, filters, outcome }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const other = image({ platform: 'linux/arm64', layers: [{ seed: 'other' }] });
    const h = harness({ memory: createMemoryRegistry({ policy: { mutability, exclusionFilters: filters } }) });
    addSeed(h.memory, seed);
    addImage(h.memory, other, 'v7-quarantined');

    // Act
    const result = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(result).toMatchObject({ kind: 'checked', tags: [{ tag: 'v7-deployable' }, { tag: 'v7-quarantined', outcome }] });
    expect(h.metrics.filter((name) => name === 'ImmutableTags')).toHaveLength(outcome === 'immutable' ? 1 : 0);
  });
});

describe('processPush: failures', () => {
  it('a Publish that throws a retryable error fails the check before any tag is written', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness({
      publish: async () => {
        throw new GuardError('THROTTLED', 'SNS Publish: Rate exceeded', true);
      },
    });
    addSeed(h.memory, seed);

    // Act
    const outcome = processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'GuardError', code: 'THROTTLED', retryable: true });
    expect(h.sequence()).toEqual(['getImages', 'tagPolicy', 'getManifests', 'getBlob', 'getBlob', 'publish']);
    expect(h.memory.tags.has('v7-deployable')).toBe(false);
    expect(h.memory.tags.has('v7-quarantined')).toBe(false);
  });

  it.each([
    { op: 'getImages' as const, sequence: ['getImages', 'tagPolicy'] },
    { op: 'tagPolicy' as const, sequence: ['getImages', 'tagPolicy'] },
    { op: 'getManifests' as const, sequence: ['getImages', 'tagPolicy', 'getManifests'] },
    { op: 'getBlob' as const, sequence: ['getImages', 'tagPolicy', 'getManifests', 'getBlob', 'getBlob'] },
  ])('a throttled $op is rethrown as retryable, with nothing published or tagged', async ({ op, sequence }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    addSeed(h.memory, seed);
    h.memory.failNext(op);

    // Act
    const outcome = processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'THROTTLED', retryable: true });
    expect(h.sequence()).toEqual(sequence);
    expect(h.published).toEqual([]);
    expect(h.logs.map((line) => line.message)).toEqual(['check failed, will be retried']);
  });

  it('an image that is gone is a permanent failure without a notification', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', code: 'IMAGE_NOT_FOUND', notificationId: null });
    expect(h.published).toEqual([]);
    expect(h.posted).toEqual([]);
    expect(h.memory.calls.filter((call) => call.op === 'putTag')).toEqual([]);
  });

  it.each([
    { code: 'ACCESS_DENIED' as const, message: 'BatchGetImage orders-service: not authorized to perform ecr:BatchGetImage' },
    { code: 'REPOSITORY_NOT_FOUND' as const, message: 'BatchGetImage orders-service: the repository does not exist' },
  ])('$code is reported to SNS and Slack, not retried', async ({ code, message }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    addSeed(h.memory, seed);
    h.memory.failNext('getImages', new GuardError(code, message, false));

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(outcome).toEqual({ kind: 'failed', code, message, notificationId: 'message-1' });
    expect(h.failures.map((input) => input.code)).toEqual([code]);
    expect(h.published.map((request) => request.Subject)).toEqual([`Not checked: orders-service:v7 (${code})`]);
    expect(h.published[0]?.MessageAttributes.verdict).toEqual({ DataType: 'String', StringValue: 'error' });
    expect(machineOf(h.published[0]).verdict).toBe('error');
    expect(h.posted).toHaveLength(1);
    expect(h.memory.calls.filter((call) => call.op === 'putTag')).toEqual([]);
  });

  it('a tag write refused for good (access denied) is reported as failed, not retried for ever', async () => {
    // Prepare: the notification went out; PutImage is not allowed
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    addSeed(h.memory, seed);
    h.memory.failNext(
      'putTag',
      new GuardError('ACCESS_DENIED', 'PutImage orders-service:v7-deployable: not authorized', false),
      2,
    );

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'checked',
      verdict: 'quarantined',
      notificationId: 'message-1',
      tags: [
        { tag: 'v7-deployable', outcome: 'failed', message: 'PutImage orders-service:v7-deployable: not authorized' },
        { tag: 'v7-quarantined', outcome: 'failed', message: 'PutImage orders-service:v7-deployable: not authorized' },
      ],
    });
    expect(h.published).toHaveLength(1);
  });

  it('a retryable tag write failure after the notification is rethrown, and the retry only completes the tags', async () => {
    // Prepare: the first PutImage (the child's) fails; the verdict tag, written alongside, lands
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    addSeed(h.memory, seed);
    h.memory.failNext('putTag');

    // Act
    const first = processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess: Lambda gets the error back, after both writes settled
    await expect(first).rejects.toMatchObject({ code: 'THROTTLED', retryable: true });
    expect(h.published).toHaveLength(1);
    expect(h.memory.tags.get('v7-quarantined')).toBe(seed.index.digest);
    expect(h.memory.tags.has('v7-deployable')).toBe(false);

    // Act: Lambda's retry
    const retry = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess: the verdict tag says the team was told; the retry writes the missing tag only
    expect(retry).toMatchObject({ kind: 'duplicate', verdict: 'quarantined' });
    expect(h.published).toHaveLength(1);
    expect(h.memory.tags.get('v7-deployable')).toBe(seed.image.digest);
    expect(h.memory.calls.filter((call) => call.op === 'putTag').map((call) => call.detail.split('=')[0])).toEqual([
      'v7-deployable',
      'v7-quarantined',
      'v7-deployable',
    ]);
  });

  it('a Slack webhook that throws never fails the check', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness({
      post: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    });
    addSeed(h.memory, seed);

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(outcome).toMatchObject({ kind: 'checked', slack: 'failed', notificationId: 'message-1' });
    expect(h.memory.tags.get('v7-quarantined')).toBe(seed.index.digest);
    expect(h.metrics).toContain('SlackFailures');
  });
});

describe('processPush: no tags to write', () => {
  it('a Helm chart is skipped: no tags, no notification', async () => {
    // Prepare
    const chart = helmChart();
    const h = harness();
    addImage(h.memory, chart, '0.1.0');

    // Act
    const outcome = await processPush(h.deps, pushOf(chart, '0.1.0'));

    // Assess
    expect(outcome).toEqual({
      kind: 'checked',
      verdict: 'skipped',
      reasons: ['NOT_A_CONTAINER_IMAGE'],
      tags: [],
      notificationId: null,
      slack: null,
    });
    expect(h.published).toEqual([]);
    expect(h.posted).toEqual([]);
    expect(h.memory.calls.filter((call) => call.op === 'putTag')).toEqual([]);
  });

  it('GUARD_WRITE_TAGS=false plans the tags, announces them, and writes nothing', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness({ env: { GUARD_WRITE_TAGS: 'false' } });
    addSeed(h.memory, seed);

    // Act
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'checked',
      verdict: 'quarantined',
      tags: [
        { tag: 'v7-deployable', outcome: 'planned' },
        { tag: 'v7-quarantined', outcome: 'planned' },
      ],
    });
    expect(h.sequence()).toEqual(['getImages', 'getManifests', 'getBlob', 'getBlob', 'publish', 'chat']);
    expect(h.published).toHaveLength(1);
    expect(h.memory.tags.has('v7-quarantined')).toBe(false);
  });
});

describe('processPush: guard tags are checked, whoever wrote them', () => {
  it.each([
    { name: "the guard's deployable tag on the runnable child", tag: 'v7-deployable', on: 'image', env: {}, kind: 'verified' },
    { name: "the guard's quarantine tag on the index", tag: 'v7-quarantined', on: 'index', env: {}, kind: 'verified' },
    { name: 'a deployable tag someone put on the index', tag: 'v7-deployable', on: 'index', env: {}, kind: 'alert' },
    { name: 'a quarantine tag someone put on the runnable image', tag: 'v7-quarantined', on: 'image', env: {}, kind: 'alert' },
    {
      name: 'an x86_64 deployable tag on the arm64 image',
      tag: 'v7-x86_64-ok',
      on: 'image',
      env: { GUARD_DEPLOYABLE_TAG_TEMPLATE: '{tag}-{arch}-ok', GUARD_TARGET_ARCHITECTURES: 'x86_64,arm64' },
      kind: 'alert',
    },
    {
      name: 'an arm64 deployable tag on the arm64 image',
      tag: 'v7-arm64-ok',
      on: 'image',
      env: { GUARD_DEPLOYABLE_TAG_TEMPLATE: '{tag}-{arch}-ok', GUARD_TARGET_ARCHITECTURES: 'x86_64,arm64' },
      kind: 'verified',
    },
  ] as const)('$name: $kind, and never a tag written', async ({ tag, on, env, kind }) => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness({ env });
    addSeed(h.memory, seed);
    const named = on === 'image' ? seed.image : seed.index;
    h.memory.addManifest(named.bytes, named.mediaType, tag);

    // Act
    const outcome = await processPush(h.deps, pushOf(named, tag));

    // Assess
    expect(outcome).toMatchObject({ kind, tag });
    expect(h.memory.calls.map((call) => call.op)).not.toContain('putTag');
    expect(h.published).toHaveLength(kind === 'alert' ? 1 : 0);
    expect(h.posted).toHaveLength(kind === 'alert' ? 1 : 0);
    expect(h.metrics).toContain(kind === 'alert' ? 'IntegrityAlerts' : 'GuardTagsVerified');
    if (kind === 'alert') {
      expect(h.published[0]?.Subject).toBe(`Integrity alert: orders-service:${tag} (FOREIGN_GUARD_TAG)`);
      expect(h.published[0]?.MessageAttributes?.verdict?.StringValue).toBe('alert');
      const text = JSON.parse(h.published[0]?.Message ?? '{}').email as string;
      expect(text).toContain('Who can fix it');
      expect(text).toContain(`imageTag=${tag}`);
      expect(text).toContain(named.digest);
    }
  });

  it('a guard tag that moved on since its push is left to its later event', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const h = harness();
    addSeed(h.memory, seed);
    h.memory.addManifest(seed.image.bytes, seed.image.mediaType, 'v7-deployable');

    // Act: the event says the tag was pushed on the index, but it names the image now
    const outcome = await processPush(h.deps, pushOf(seed.index, 'v7-deployable'));

    // Assess
    expect(outcome).toMatchObject({ kind: 'skipped', code: 'SUPERSEDED' });
    expect(h.published).toEqual([]);
  });
});

describe('processPush: a deployable tag left naming an earlier image', () => {
  const good = image({ platform: 'linux/arm64' });
  const bad = image({ platform: 'linux/s390x' });

  /** `v7` was deployable and tagged so; then `v7` is pushed again as an s390x image. */
  const staleCase = () => {
    const h = harness();
    addImage(h.memory, good, 'v7');
    h.memory.tags.set('v7-deployable', good.digest);
    addImage(h.memory, bad, 'v7');
    return h;
  };

  it.each([
    { name: 'the registry answers', fail: false, expected: `(pushed 2026-12-01 09:00 UTC)` },
    { name: 'DescribeImages is refused', fail: true, expected: null },
  ])('names the earlier digest, and when it was pushed when $name', async ({ fail, expected }) => {
    // Prepare
    const h = staleCase();
    if (fail) h.memory.failNext('pushedAt', new GuardError('ACCESS_DENIED', 'DescribeImages denied', false));

    // Act
    const outcome = await processPush(h.deps, pushOf(bad, 'v7'));

    // Assess: the check and its notification never depend on the time
    expect(outcome.kind).toBe('checked');
    expect(h.published).toHaveLength(1);
    const stale = h.verdicts[0]?.context.history?.stale;
    expect(stale).toStrictEqual([
      { tag: 'v7-deployable', digest: good.digest, pushedAt: fail ? null : Date.UTC(2026, 11, 1, 9, 0) },
    ]);
    const email = (JSON.parse(h.published[0]?.Message ?? '{}') as { default: string }).default.replace(/\s+/g, ' ');
    expect(email).toContain(`v7-deployable\` still names \`${good.digest}\``);
    if (expected === null) expect(email).not.toContain('(pushed ');
    else expect(email).toContain(expected);
    expect(h.logs.some((log) => log.level === 'WARN' && log.message === 'push times not read')).toBe(fail);
    expect(h.memory.calls.filter((call) => call.op === 'pushedAt')).toHaveLength(1);
  });

  it('asks for no push time when no tag is stale', async () => {
    // Prepare
    const h = harness();
    addImage(h.memory, bad, 'v7');

    // Act
    await processPush(h.deps, pushOf(bad, 'v7'));

    // Assess
    expect(h.published).toHaveLength(1);
    expect(h.memory.calls.filter((call) => call.op === 'pushedAt')).toStrictEqual([]);
  });
});

describe('processPush: a tag that recovers is announced once', () => {
  it('bad, then good, then good again: "Deployable again" for the first good push only', async () => {
    // Prepare: three pushes of v7, in push order (the memory registry dates them a minute apart)
    const h = harness();
    const bad = image({ platform: 'linux/s390x' });
    const good1 = image({ platform: 'linux/arm64', annotations: { build: '1' } });
    const good2 = image({ platform: 'linux/arm64', annotations: { build: '2' } });
    const subjects: string[] = [];

    // Act
    for (const fixture of [bad, good1, good2]) {
      addImage(h.memory, fixture, 'v7');
      await processPush(h.deps, pushOf(fixture, 'v7'));
      subjects.push(...h.published.splice(0).map((request) => request.Subject ?? ''));
    }

    // Assess: the third push finds the quarantine tag on `bad` still, and is told it is older
    expect(subjects).toStrictEqual([
      expect.stringMatching(/^Quarantined: orders-service:v7 /),
      expect.stringMatching(/^Deployable again: orders-service:v7/),
    ]);
    expect(h.memory.tags.get('v7-deployable')).toBe(good2.digest);
    expect(h.memory.calls.filter((call) => call.op === 'pushedAt').map((call) => call.detail)).toStrictEqual([
      `${bad.digest},${good1.digest}`,
    ]);
  });

  it('the seed index moving v7-deployable to its child names no stale tag', async () => {
    // Prepare: v7 was a deployable arm64 image; then the seed index (its child another arm64 image)
    const h = harness();
    const earlier = image({ platform: 'linux/arm64', annotations: { build: 'earlier' } });
    addImage(h.memory, earlier, 'v7');
    await processPush(h.deps, pushOf(earlier, 'v7'));
    const seed = seedCase();
    addSeed(h.memory, seed, 'v7');

    // Act
    await processPush(h.deps, pushOf(seed.index, 'v7'));

    // Assess
    expect(h.verdicts.at(-1)?.context.history?.stale).toStrictEqual([]);
    expect(h.memory.tags.get('v7-deployable')).toBe(seed.image.digest);
    expect(h.memory.calls.filter((call) => call.op === 'pushedAt')).toStrictEqual([]);
  });
});

describe('processPush: a guard tag pushed by anyone is verified', () => {
  it.each([
    { name: 'its config can be read and the image earns the tag: verified, silent', withConfig: true, kind: 'verified' },
    { name: 'its config cannot be read: retried, never an integrity alert', withConfig: false, kind: 'retried' },
  ])('$name', async ({ withConfig, kind }) => {
    // Prepare: a per-architecture template, so the tag's promise depends on the config's platform
    const h = harness({ env: { GUARD_DEPLOYABLE_TAG_TEMPLATE: '{tag}-{arch}-deployable' } });
    const arm = image({ platform: 'linux/arm64' });
    h.memory.addManifest(arm.bytes, arm.mediaType, 'v7-arm64-deployable');
    if (withConfig) h.memory.addBlob(arm.config.bytes);

    // Act
    const outcome = await processPush(h.deps, pushOf(arm, 'v7-arm64-deployable')).then(
      (result) => result.kind,
      (error: GuardError) => (error.retryable ? 'retried' : 'failed'),
    );

    // Assess
    expect(outcome).toBe(kind);
    expect(h.published).toStrictEqual([]);
    expect(h.metrics.includes('IntegrityAlerts')).toBe(false);
  });
});
