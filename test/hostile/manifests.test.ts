/**
 * Hostile manifests: nested absurdly deep, enormous (just under and over ECR's 4 MiB), with
 * thousands of children or layers, layers that add up past Lambda's 10 GB, entries that repeat a
 * digest or lie about a child's size, children and configs whose bytes are not what their digest
 * says. Each gets a clear reason code from the core, and, through the local stack, a verdict, the
 * right tags (nothing deployable that is not) and a notification that fits SNS and Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, image, imageConfig, index, rawFixture, seedCase } from '../../fixtures/oci-fixtures.js';
import { classify, type Evidence } from '../../functions/core/classify.js';
import { parseEvidence } from '../../functions/core/evidence.js';
import { planFetch } from '../../functions/core/fetch-plan.js';
import { MediaType } from '../../functions/core/media-type.js';
import { SNS_LIMITS } from '../../functions/report/sns-message.js';
import { publishedMessages, startFaultHarness, tagsIn } from '../faults/fault-kit.js';
import { createTally, reportTally } from '../faults/suite-tally.js';
import type { GuardHarness } from '../support/guard-harness.js';
import { renderingProblems } from './hostile-kit.js';
import { callsOfCheck, pushAndCheck, storeContent } from './stack-kit.js';

const tally = createTally();
afterAll(() => reportTally('test/hostile/manifests.test.ts', tally));

const layers = (count: number, size = 1_000) =>
  Array.from({ length: count }, (_, i) => ({ mediaType: MediaType.OciLayerGzip, seed: `layer-${i}`, size }));

/** Distinct linux/arm64 images (their configs differ by creation time). */
const images = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    image({ config: imageConfig({ platform: 'linux/arm64', extra: { created: `t${i}` } }) }),
  );

const seed = seedCase({ architecture: 'arm64' });
const wide = images(1_000);
const wideIndex = index({ entries: wide.map((of) => ({ of, platform: 'linux/arm64' })) });
const nearLimit = image({ platform: 'linux/arm64', layers: layers(24_000) });
const overLimit = image({ platform: 'linux/arm64', layers: layers(27_200) });
const tooBig = image({ platform: 'linux/arm64', layers: layers(2_000, 6_000_000) });
const sizeLie = index({
  entries: [{ of: seed.image, platform: 'linux/arm64', size: seed.image.size + 7 }, seed.attestation.entry],
});
const duplicated = index({
  entries: [
    { of: seed.image, platform: 'linux/arm64' },
    { of: seed.image, platform: 'linux/amd64' },
  ],
});
const otherImage = image({ platform: 'linux/amd64' });

const CORE_CASES: readonly { name: string; evidence: Evidence; codes: readonly string[]; verdict: string }[] = [
  {
    name: 'JSON nested 100,000 deep',
    evidence: { subject: new TextEncoder().encode(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) },
    codes: ['MALFORMED_MANIFEST'],
    verdict: 'quarantined',
  },
  {
    name: `an image manifest of ${nearLimit.size.toLocaleString('en')} bytes (24,000 layers)`,
    evidence: evidenceOf(nearLimit, [], [nearLimit.config]),
    codes: ['LARGE_MANIFEST'],
    verdict: 'deployable',
  },
  {
    name: `an image manifest of ${overLimit.size.toLocaleString('en')} bytes, over ECR's 4 MiB`,
    evidence: evidenceOf(overLimit, [], [overLimit.config]),
    codes: ['MALFORMED_MANIFEST'],
    verdict: 'quarantined',
  },
  {
    name: '2,000 layers adding up to 12 GB',
    evidence: evidenceOf(tooBig, [], [tooBig.config]),
    codes: ['IMAGE_TOO_LARGE', 'LARGE_MANIFEST'],
    verdict: 'quarantined',
  },
  {
    name: 'an index of 1,000 children (200 read)',
    evidence: evidenceOf(
      wideIndex,
      wide.slice(0, 200),
      wide.slice(0, 200).map((img) => img.config),
    ),
    codes: ['IMAGE_INDEX'],
    verdict: 'quarantined',
  },
  {
    name: 'two entries with the same digest and different platforms',
    evidence: evidenceOf(duplicated, [seed.image], [seed.image.config]),
    // One image cannot be both: the entry whose claim its config contradicts is a lie.
    codes: ['IMAGE_INDEX', 'INDEX_PLATFORM_MISMATCH'],
    verdict: 'quarantined',
  },
  {
    name: "an entry that lies about its child's size",
    evidence: evidenceOf(sizeLie, [seed.image, seed.attestation.manifest], [seed.image.config, seed.statement]),
    codes: ['IMAGE_INDEX', 'DIGEST_MISMATCH'],
    verdict: 'quarantined',
  },
  {
    name: 'a child whose bytes are another image',
    evidence: {
      ...evidenceOf(index({ entries: [{ of: seed.image, platform: 'linux/arm64' }] })),
      manifests: new Map([[seed.image.digest, otherImage.bytes]]),
    },
    codes: ['IMAGE_INDEX', 'DIGEST_MISMATCH'],
    verdict: 'quarantined',
  },
  {
    name: 'a config whose bytes are another config',
    evidence: { ...evidenceOf(seed.image), blobs: new Map([[seed.image.config.digest, otherImage.config.bytes]]) },
    codes: ['DIGEST_MISMATCH'],
    verdict: 'quarantined',
  },
  {
    name: 'a config descriptor claiming 50 MiB (never read)',
    evidence: evidenceOf(image({ platform: 'linux/arm64', configDescriptor: { size: 50 * 1024 * 1024 } })),
    codes: ['ARCHITECTURE_UNKNOWN'],
    verdict: 'deployable',
  },
  {
    name: 'bytes that are not UTF-8',
    evidence: evidenceOf(rawFixture(MediaType.OciManifest, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))),
    codes: ['MALFORMED_MANIFEST'],
    verdict: 'quarantined',
  },
];

describe('the core gives every hostile manifest a clear reason code', () => {
  it.each(CORE_CASES)('$name: $verdict with $codes', ({ evidence, codes, verdict }) => {
    tally.scenarios += 1;
    tally.inputsTried += 1;
    const result = classify(evidence, { architectures: ['arm64'] });
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.map((reason) => reason.code)).toEqual(codes);
    for (const reason of result.reasons) expect(reason.message.length).toBeLessThan(2_000);
    // Reads stay bounded: never more than the configured children, never a layer, never a huge blob.
    const plan = planFetch(parseEvidence(evidence), { architectures: ['arm64'] });
    expect(plan.manifests.length).toBeLessThanOrEqual(200);
    for (const blob of plan.blobs) expect(blob.size).toBeLessThanOrEqual(blob.maxBytes);
  });
});

describe('hostile manifests through the local stack', () => {
  let harness: GuardHarness;
  beforeAll(async () => {
    harness = await startFaultHarness({ maxAttempts: 2, requestTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('an index of 1,000 children: the children are read in two calls of one wave, one notification that fits', async () => {
    tally.scenarios += 1;
    tally.inputsTried += 1;
    storeContent(harness.endpoint, 'wide', { manifests: wide, blobs: wide.map((img) => img.config) });
    const before = harness.endpoint.calls.list().at(-1)?.seq ?? 0;
    // A little latency makes calls that are in flight together overlap visibly in the call log.
    const latency = harness.endpoint.faults.add({ operation: 'ecr:BatchGetImage', kind: 'latency', latencyMs: 30 });
    const outcome = await pushAndCheck(harness, 'wide', wideIndex, 'v1');
    harness.endpoint.faults.remove(latency);
    expect(outcome).toMatchObject({ kind: 'checked', verdict: 'quarantined', reasons: ['IMAGE_INDEX'] });
    const reads = callsOfCheck(harness, before).filter((call) => call.name === 'ecr:BatchGetImage');
    // The subject (with the tag probes), then 200 children in two chunks of 100, at once.
    expect(reads).toHaveLength(3);
    expect(Math.max(reads[1]?.startedAt ?? 0, reads[2]?.startedAt ?? 0)).toBeLessThan(
      Math.min(reads[1]?.endedAt ?? 0, reads[2]?.endedAt ?? 0),
    );
    const tags = tagsIn(harness.endpoint, 'wide');
    expect(tags['v1-quarantined']).toBe(wideIndex.digest);
    expect(wide.map((img) => img.digest)).toContain(tags['v1-deployable']);
    const delivery = harness.endpoint.deliveries.list().find((d) => d.protocol === 'https' && d.body.includes('wide'));
    expect(delivery).toBeDefined();
    const post = harness.endpoint.slack.list().at(-1);
    expect(post?.answer).toBe('ok');
    expect(renderingProblems(post?.payload)).toEqual([]);
  });

  it.each([
    {
      name: 'a manifest just under 4 MiB',
      repository: 'near-limit',
      subject: nearLimit,
      blobs: [nearLimit.config],
      verdict: 'deployable',
      codes: ['LARGE_MANIFEST'],
      deployable: true,
    },
    {
      name: 'layers adding up to 12 GB',
      repository: 'too-big',
      subject: tooBig,
      blobs: [tooBig.config],
      verdict: 'quarantined',
      codes: ['IMAGE_TOO_LARGE', 'LARGE_MANIFEST'],
      deployable: false,
    },
  ])('$name: $verdict ($codes)', async ({ repository, subject, blobs, verdict, codes, deployable }) => {
    tally.scenarios += 1;
    tally.inputsTried += 1;
    storeContent(harness.endpoint, repository, { blobs });
    const outcome = await pushAndCheck(harness, repository, subject, 'v1');
    expect(outcome).toMatchObject({ kind: 'checked', verdict, reasons: codes });
    expect(Object.keys(tagsIn(harness.endpoint, repository)).sort()).toEqual(
      deployable ? ['v1', 'v1-deployable'] : ['v1', 'v1-quarantined'],
    );
  });

  it.each([
    { name: "an entry that lies about its child's size", repository: 'size-lie', subject: sizeLie },
    { name: 'two entries with the same digest', repository: 'duplicated', subject: duplicated },
  ])('$name: quarantined, and the notification fits SNS', async ({ repository, subject }) => {
    tally.scenarios += 1;
    tally.inputsTried += 1;
    storeContent(harness.endpoint, repository, {
      manifests: [seed.image, seed.attestation.manifest],
      blobs: [seed.image.config, seed.attestation.manifest.config, seed.statement],
    });
    const outcome = await pushAndCheck(harness, repository, subject, 'v1');
    expect(outcome).toMatchObject({ kind: 'checked', verdict: 'quarantined' });
    expect(tagsIn(harness.endpoint, repository)['v1-quarantined']).toBe(subject.digest);
    for (const delivery of harness.endpoint.deliveries.list()) expect(delivery.body.length).toBeLessThan(SNS_LIMITS.maxBytes * 2);
    expect(publishedMessages(harness.endpoint).every((message) => message.type === 'verdict')).toBe(true);
  });
});
