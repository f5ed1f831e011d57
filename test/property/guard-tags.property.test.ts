/**
 * Property: whatever sequence of pushes, tag moves by people or CI, redeliveries and reorderings
 * happens, (1) every deployable tag the guard wrote names an image that, judged by its own digest
 * (as `inspect` by digest judges it), is deployable for the tag's architecture, and (2) every guard
 * tag someone else left on an image that does not earn it ends in an integrity alert.
 *
 * The pipeline runs on an in-memory ECR whose PutImage emits an event like the real one, so the
 * guard's own writes come back to it as events too (delivered late, twice, or out of order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fixture, image, index, seedCase } from '../../fixtures/oci-fixtures.js';
import { createComposer } from '../../functions/adapters/notification-composer.js';
import { gatherEvidence } from '../../functions/app/gather-evidence.js';
import type { Registry } from '../../functions/app/ports.js';
import { type GuardDeps, processPush } from '../../functions/app/process-push.js';
import { loadConfig } from '../../functions/config/load-config.js';
import { classifyParsed } from '../../functions/core/classify.js';
import type { Digest } from '../../functions/core/digest.js';
import { earnsGuardTag, parseGuardTag } from '../../functions/core/guard-tag-state.js';
import type { PushEvent } from '../../functions/core/push-event.js';
import { createMemoryRegistry } from '../support/memory-registry.js';

const REPOSITORY = 'orders-service';

/** The images pushed: runnable, not runnable, honest and lying indexes, an attestation index. */
const amd = image({ platform: 'linux/amd64', layers: [{ seed: 'amd' }] });
const arm = image({ platform: 'linux/arm64', layers: [{ seed: 'arm' }] });
const s390x = image({ platform: 'linux/s390x', layers: [{ seed: 's390x' }] });
const lying = index({ entries: [{ of: s390x, platform: 'linux/amd64' }] });
const lyingArm = index({
  entries: [
    { of: amd, platform: 'linux/arm64' },
    { of: s390x, platform: 'linux/arm64' },
  ],
});
const both = index({
  entries: [
    { of: amd, platform: 'linux/amd64' },
    { of: arm, platform: 'linux/arm64' },
  ],
});
const seed = seedCase({ architecture: 'arm64' });
const SUBJECTS: readonly Fixture[] = [amd, arm, s390x, lying, lyingArm, both, seed.index, seed.image];
const CHILDREN: readonly Fixture[] = [amd, arm, s390x, seed.image, seed.attestation.manifest];
const BLOBS: readonly Fixture[] = [amd.config, arm.config, s390x.config, seed.image.config, seed.statement];

const CONFIGS = [
  { GUARD_TARGET_ARCHITECTURES: 'arm64' },
  { GUARD_TARGET_ARCHITECTURES: 'x86_64' },
  { GUARD_TARGET_ARCHITECTURES: 'x86_64,arm64', GUARD_DEPLOYABLE_TAG_TEMPLATE: '{tag}-{arch}-deployable' },
  { GUARD_TARGET_ARCHITECTURES: 'x86_64,arm64' },
] as const;

type Step =
  | { readonly kind: 'push'; readonly tag: string; readonly subject: number }
  | { readonly kind: 'foreign'; readonly tag: string; readonly subject: number }
  | { readonly kind: 'deliver'; readonly event: number };

const BASES = ['v1', 'v2'];
const guardNames = (bases: readonly string[]) =>
  bases.flatMap((base) => [`${base}-deployable`, `${base}-quarantined`, `${base}-arm64-deployable`, `${base}-x86_64-deployable`]);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      tag: fc.constantFrom(...BASES),
      subject: fc.nat(SUBJECTS.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('foreign' as const),
      tag: fc.constantFrom(...guardNames(BASES)),
      subject: fc.nat(SUBJECTS.length - 1),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), event: fc.nat(40) }) },
);

interface World {
  readonly deps: GuardDeps;
  readonly events: PushEvent[];
  /** Who wrote each tag last. */
  readonly writer: Map<string, 'guard' | 'someone'>;
  readonly tags: Map<string, string>;
  readonly alerts: { tag: string; digest: string }[];
  readonly registry: Registry;
}

const world = (env: Readonly<Record<string, string>>): World => {
  const memory = createMemoryRegistry();
  for (const fixture of CHILDREN) memory.addManifest(fixture.bytes, fixture.mediaType);
  for (const blob of BLOBS) memory.addBlob(blob.bytes);
  const events: PushEvent[] = [];
  const writer = new Map<string, 'guard' | 'someone'>();
  const alerts: { tag: string; digest: string }[] = [];
  const eventOf = (tag: string, digest: string): PushEvent => ({
    eventId: `event-${events.length}`,
    account: '123456789012',
    region: 'us-east-1',
    time: '',
    repository: REPOSITORY,
    digest: digest as Digest,
    tag,
    manifestMediaType: null,
    artifactMediaType: null,
  });
  // ECR emits a push event for every PutImage that names a tag, the guard's own included.
  const registry: Registry = {
    ...memory.registry,
    putTag: async (repository, tag, manifest) => {
      const result = await memory.registry.putTag(repository, tag, manifest);
      if (result === 'created') {
        writer.set(tag, 'guard');
        events.push(eventOf(tag, manifest.digest));
      }
      return result;
    },
  };
  const real = createComposer();
  const deps: GuardDeps = {
    config: loadConfig({ GUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guard', AWS_REGION: 'us-east-1', ...env }),
    registry,
    notifier: { publish: async () => ({ messageId: 'm' }) },
    chat: null,
    composer: async () => ({
      ...real,
      integrity: (alert) => {
        alerts.push({ tag: alert.tag, digest: alert.digest });
        return real.integrity(alert);
      },
    }),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    metrics: { count: () => undefined, flush: () => undefined },
  };
  const push = (tag: string, fixture: Fixture, by: 'someone') => {
    memory.addManifest(fixture.bytes, fixture.mediaType, tag);
    writer.set(tag, by);
    events.push(eventOf(tag, fixture.digest));
  };
  return Object.assign({ deps, events, writer, tags: memory.tags, alerts, registry }, { push });
};

/** The verdict `inspect` by digest gives, with the guard's own options. */
const judgeByDigest = async (w: World, digest: string) => {
  const found = await w.registry.getImages(REPOSITORY, [{ digest: digest as Digest }]);
  const subject = found[0]?.manifest;
  if (subject === undefined) throw new Error(`no manifest ${digest}`);
  const options = { architectures: w.deps.config.architectures, strict: w.deps.config.strict };
  const { evidence } = await gatherEvidence(w.registry.source(REPOSITORY), subject, options, w.deps.config.limits);
  return classifyParsed(evidence, options);
};

const templatesOf = (w: World) => ({
  deployable: w.deps.config.deployableTemplate,
  quarantine: w.deps.config.quarantineTemplate,
});

/** Every deployable tag the guard wrote names an image that earns it, judged by digest. */
const guardDeployableTagsEarned = async (w: World): Promise<string[]> => {
  const problems: string[] = [];
  for (const [tag, digest] of w.tags) {
    const name = parseGuardTag(tag, templatesOf(w), w.deps.config.architectures);
    if (name === null || name.kind !== 'deployable' || w.writer.get(tag) !== 'guard') continue;
    const verdict = await judgeByDigest(w, digest);
    if (!earnsGuardTag(verdict, 'deployable', name.architecture)) {
      problems.push(`${tag} -> ${digest} is ${verdict.verdict} (${verdict.reasons.map((r) => r.code).join(',')})`);
    }
  }
  return problems;
};

describe('guard tags you can trust (property)', () => {
  it('no deployable tag from the guard on an image inspect-by-digest would refuse; every foreign one alerted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(CONFIGS.length - 1), fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (config, steps) => {
        const w = world(CONFIGS[config] ?? {}) as World & { push: (tag: string, f: Fixture, by: 'someone') => void };
        const delivered = new Set<number>();
        for (const step of steps) {
          if (step.kind === 'deliver') {
            if (w.events.length === 0) continue;
            const at = step.event % w.events.length;
            delivered.add(at);
            await processPush(w.deps, w.events[at] as PushEvent);
          } else {
            w.push(step.tag, SUBJECTS[step.subject] as Fixture, 'someone');
          }
          expect(await guardDeployableTagsEarned(w)).toEqual([]);
        }
        // Every event is delivered at least once in the end (in order; earlier ones may have been redelivered).
        for (let at = 0; at < w.events.length; at += 1) {
          if (delivered.has(at)) continue;
          delivered.add(at);
          await processPush(w.deps, w.events[at] as PushEvent);
          expect(await guardDeployableTagsEarned(w)).toEqual([]);
        }
        // Every guard tag someone else left on an image that does not earn it was reported.
        for (const [tag, digest] of w.tags) {
          const name = parseGuardTag(tag, templatesOf(w), w.deps.config.architectures);
          if (name === null || w.writer.get(tag) !== 'someone') continue;
          const verdict = await judgeByDigest(w, digest);
          if (earnsGuardTag(verdict, name.kind, name.architecture)) continue;
          expect(w.alerts).toContainEqual({ tag, digest });
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
