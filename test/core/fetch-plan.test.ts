import { describe, expect, it } from 'vitest';
import {
  type Fixture,
  helmChart,
  type ImageFixture,
  image,
  index,
  legacyAttestation,
  pool,
  provenanceV02,
  rawFixture,
  SLSA_V02,
  schema1,
  seedCase,
} from '../../fixtures/oci-fixtures.js';
import { gatherEvidence } from '../../functions/app/gather-evidence.js';
import type { BlobResult, ContentSource, RawManifest } from '../../functions/app/ports.js';
import { classifyParsed as classify, type Evidence } from '../../functions/core/classify.js';
import type { Digest } from '../../functions/core/digest.js';
import { parseEvidence } from '../../functions/core/evidence.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits, type FetchPlan, planFetch } from '../../functions/core/fetch-plan.js';
import { parseManifest } from '../../functions/core/manifest.js';
import { MediaType } from '../../functions/core/media-type.js';

const NOTHING: FetchPlan = { manifests: [], blobs: [] };

/** The planner over evidence given as bytes, parsed the way `gatherEvidence` parses it. */
const planRaw = (evidence: Evidence, options: Parameters<typeof planFetch>[1], limits?: FetchLimits): FetchPlan =>
  planFetch(parseEvidence(evidence), options, limits);

/** Every layer digest of the given manifests: what the guard must never read. */
const layerDigests = (...manifests: ImageFixture[]): Set<string> =>
  new Set(manifests.flatMap((m) => (m.json.layers as { digest: string }[]).map((l) => l.digest)));

describe('planFetch: a single image manifest', () => {
  const img = image({ platform: 'linux/arm64' });

  it('round 1 asks for the config and nothing else', () => {
    // Act
    const plan = planRaw({ subject: img.bytes }, {});

    // Assess
    expect(plan).toStrictEqual({
      manifests: [],
      blobs: [
        { digest: img.config.digest, purpose: 'config', size: img.config.size, maxBytes: DEFAULT_FETCH_LIMITS.maxConfigBytes },
      ],
    });
  });

  it.each([
    { name: 'the config is at hand', evidence: (): Evidence => ({ subject: img.bytes, blobs: pool(img.config) }) },
    { name: 'a schema 1 manifest', evidence: (): Evidence => ({ subject: schema1().bytes }) },
    { name: 'an artifact (Helm chart)', evidence: (): Evidence => ({ subject: helmChart().bytes }) },
    {
      name: 'a legacy attestation manifest',
      evidence: (): Evidence => ({ subject: legacyAttestation({ subject: img }).manifest.bytes }),
    },
    {
      name: 'a Docker manifest whose config is not an image config',
      evidence: (): Evidence => ({
        subject: image({ format: 'docker', config: rawFixture('application/octet-stream', '{}') }).bytes,
      }),
    },
    { name: 'malformed bytes', evidence: (): Evidence => ({ subject: new TextEncoder().encode('{') }) },
    {
      name: 'bytes that are not the requested digest',
      evidence: (): Evidence => ({ subject: img.bytes, expectedDigest: seedCase().index.digest }),
    },
  ])('plans nothing when $name', ({ evidence }) => {
    // Act
    const plan = planRaw(evidence(), {});

    // Assess
    expect(plan).toStrictEqual(NOTHING);
  });

  it('never reads a config larger than the limit', () => {
    // Prepare
    const huge = image({ configDescriptor: { size: DEFAULT_FETCH_LIMITS.maxConfigBytes + 1 } });

    // Act
    const plan = planRaw({ subject: huge.bytes }, {});

    // Assess
    expect(plan).toStrictEqual(NOTHING);
  });
});

describe('planFetch: an index', () => {
  it('round 1 asks for every child manifest in one batch, and no blob', () => {
    // Prepare
    const seed = seedCase();

    // Act
    const plan = planRaw({ subject: seed.index.bytes }, { architectures: ['arm64'] });

    // Assess
    expect(plan).toStrictEqual({ manifests: [seed.image.digest, seed.attestation.manifest.digest], blobs: [] });
  });

  it('round 2 asks for the child config with its provenance statement, even when the index names the platform', () => {
    // Prepare
    const seed = seedCase();

    // Act
    const plan = planRaw({ subject: seed.index.bytes, manifests: seed.manifests }, { architectures: ['arm64'] });

    // Assess: the platform an index claims is not evidence; the config is read in the same round.
    expect(plan).toStrictEqual({
      manifests: [],
      blobs: [
        {
          digest: seed.image.config.digest,
          purpose: 'config',
          size: seed.image.config.size,
          maxBytes: DEFAULT_FETCH_LIMITS.maxConfigBytes,
        },
        {
          digest: seed.statement.digest,
          purpose: 'provenance',
          size: seed.statement.size,
          maxBytes: DEFAULT_FETCH_LIMITS.maxProvenanceBytes,
        },
      ],
    });
  });

  it('round 2 asks for configs too when the index lacks the platforms', () => {
    // Prepare
    const amd = image({ platform: 'linux/amd64' });
    const arm = image({ platform: 'linux/arm64' });
    const attestation = legacyAttestation({ subject: arm });
    const idx = index({ entries: [{ of: amd }, { of: arm }, attestation.entry] });

    // Act
    const plan = planRaw({ subject: idx.bytes, manifests: pool(amd, arm, attestation.manifest) }, { architectures: ['arm64'] });

    // Assess
    expect(plan.manifests).toStrictEqual([]);
    expect(plan.blobs.map((b) => [b.purpose, b.digest])).toStrictEqual([
      ['config', amd.config.digest],
      ['config', arm.config.digest],
      ['provenance', attestation.statements[0]?.digest],
    ]);
  });

  it('plans nothing once children, configs and the statement are at hand', () => {
    // Prepare
    const seed = seedCase();

    // Act
    const plan = planRaw({ subject: seed.index.bytes, manifests: seed.manifests, blobs: seed.blobs }, {});

    // Assess
    expect(plan).toStrictEqual(NOTHING);
  });

  it.each([
    { name: 'provenance turned off', limits: { ...DEFAULT_FETCH_LIMITS, maxProvenanceBytes: 0 } },
    { name: 'a statement over the size limit', limits: { ...DEFAULT_FETCH_LIMITS, maxProvenanceBytes: 10 } },
  ])('skips the statement with $name', ({ limits }) => {
    // Prepare
    const seed = seedCase();

    // Act
    const plan = planRaw({ subject: seed.index.bytes, manifests: seed.manifests }, {}, limits);

    // Assess: the config is still read, the statement is not.
    expect(plan.blobs.map((b) => [b.purpose, b.digest])).toStrictEqual([['config', seed.image.config.digest]]);
  });

  it('asks for at most maxChildren children, each once, and never a nested index', () => {
    // Prepare
    const children = Array.from({ length: 250 }, (_, i) => rawFixture(MediaType.OciManifest, `child-${i}`));
    const nested = index({ entries: [] });
    const first = children[0] as Fixture;
    const idx = index({
      entries: [
        { of: nested },
        { of: first, platform: 'linux/amd64' },
        ...children.map((of) => ({ of, platform: 'linux/amd64' })),
      ],
    });

    // Act
    const plan = planRaw({ subject: idx.bytes }, {}, { ...DEFAULT_FETCH_LIMITS, maxChildren: 100 });

    // Assess
    expect(plan.manifests).toHaveLength(99);
    expect(new Set(plan.manifests).size).toBe(99);
    expect(plan.manifests).not.toContain(nested.digest);
    expect(plan.blobs).toStrictEqual([]);
  });

  it('asks only for the children still missing', () => {
    // Prepare
    const seed = seedCase();

    // Act
    const plan = planRaw({ subject: seed.index.bytes, manifests: pool(seed.image) }, {});

    // Assess
    expect(plan).toStrictEqual({ manifests: [seed.attestation.manifest.digest], blobs: [] });
  });
});

/** An in-memory repository that counts what it is asked for. */
const fakeSource = (content: { manifests: Map<string, Uint8Array>; blobs: Map<string, Uint8Array> }) => {
  const calls = { getManifests: [] as string[][], getBlob: [] as string[] };
  const source: ContentSource = {
    getManifests: async (digests) => {
      calls.getManifests.push([...digests]);
      const found = new Map<string, RawManifest>();
      for (const digest of digests) {
        const bytes = content.manifests.get(digest);
        if (bytes !== undefined) found.set(digest, { digest, bytes });
      }
      return found;
    },
    getBlob: async (digest: Digest, maxBytes: number): Promise<BlobResult> => {
      calls.getBlob.push(digest);
      const bytes = content.blobs.get(digest);
      if (bytes === undefined) return { ok: false, reason: 'not-found', message: 'blob unknown' };
      if (bytes.byteLength > maxBytes) return { ok: false, reason: 'too-large', message: 'over the limit' };
      return { ok: true, bytes };
    },
  };
  return { source, calls };
};

const raw = (fixture: Fixture): RawManifest => ({ digest: fixture.digest, bytes: fixture.bytes, mediaType: fixture.mediaType });

describe('gatherEvidence: rounds and reads', () => {
  it('a single manifest: 1 round, the config only', async () => {
    // Prepare
    const img = image({ platform: 'linux/arm64' });
    const { source, calls } = fakeSource({ manifests: new Map(), blobs: pool(img.config) });

    // Act
    const { evidence, log } = await gatherEvidence(source, raw(img), { architectures: ['arm64'] });

    // Assess
    expect(log).toStrictEqual({ rounds: 1, manifestsRead: 0, blobsRead: 1, missing: [] });
    expect(calls).toStrictEqual({ getManifests: [], getBlob: [img.config.digest] });
    expect(classify(evidence, { architectures: ['arm64'] })).toMatchObject({
      verdict: 'deployable',
      reasons: [],
      platform: { lambdaArchitecture: 'arm64', from: 'config' },
    });
  });

  it('the seed index: 2 rounds (children in one batch, then config and statement together), never a layer', async () => {
    // Prepare
    const seed = seedCase();
    const { source, calls } = fakeSource({ manifests: seed.manifests, blobs: seed.blobs });

    // Act
    const { evidence, log } = await gatherEvidence(source, raw(seed.index), { architectures: ['arm64'] });

    // Assess
    expect(log).toStrictEqual({ rounds: 2, manifestsRead: 2, blobsRead: 2, missing: [] });
    expect(calls.getManifests).toStrictEqual([[seed.image.digest, seed.attestation.manifest.digest]]);
    expect(calls.getBlob).toStrictEqual([seed.image.config.digest, seed.statement.digest]);
    const layers = layerDigests(seed.image, seed.attestation.manifest);
    expect(calls.getBlob.filter((digest) => layers.has(digest) && digest !== seed.statement.digest)).toStrictEqual([]);
    const verdict = classify(evidence, { architectures: ['arm64'] });
    expect(verdict.deployableChild?.digest).toBe(seed.image.digest);
    expect(verdict.provenance?.ciRunUrl).toBe('https://github.com/example-org/lambda-app/actions/runs/4242424242/attempts/1');
  });

  it('an index without platforms: 2 rounds, configs and statement read together', async () => {
    // Prepare
    const amd = image({ platform: 'linux/amd64' });
    const arm = image({ platform: 'linux/arm64' });
    const attestation = legacyAttestation({ subject: arm });
    const idx = index({ entries: [{ of: amd }, { of: arm }, attestation.entry] });
    const { source, calls } = fakeSource({
      manifests: pool(amd, arm, attestation.manifest),
      blobs: pool(amd.config, arm.config, ...attestation.statements),
    });

    // Act
    const { evidence, log } = await gatherEvidence(source, raw(idx), { architectures: ['arm64'] });

    // Assess
    expect(log.rounds).toBe(2);
    expect(calls.getManifests).toHaveLength(1);
    expect([...calls.getBlob].sort()).toStrictEqual(
      [amd.config.digest, arm.config.digest, attestation.statements[0]?.digest ?? ''].sort(),
    );
    expect(classify(evidence, { architectures: ['arm64'] }).deployableChild).toMatchObject({
      digest: arm.digest,
      platform: { lambdaArchitecture: 'arm64', from: 'config' },
    });
  });

  it('stops when content is missing, and says what is missing', async () => {
    // Prepare
    const seed = seedCase();
    const { source, calls } = fakeSource({ manifests: seed.manifests, blobs: new Map() });

    // Act
    const { evidence, log } = await gatherEvidence(source, raw(seed.index), {});

    // Assess
    expect(log).toStrictEqual({
      rounds: 2,
      manifestsRead: 2,
      blobsRead: 0,
      missing: [
        { digest: seed.image.config.digest, purpose: 'config', reason: 'blob unknown' },
        { digest: seed.statement.digest, purpose: 'provenance', reason: 'blob unknown' },
      ],
    });
    expect(calls.getBlob).toHaveLength(2);
    // Nothing unread is offered: without its config the child is not a deployable child.
    expect(classify(evidence)).toMatchObject({ provenance: null, deployableChild: null });
  });

  it('asks once for children the repository does not have', async () => {
    // Prepare
    const seed = seedCase();
    const { source, calls } = fakeSource({ manifests: new Map(), blobs: new Map() });

    // Act
    const { log } = await gatherEvidence(source, raw(seed.index), {});

    // Assess
    expect(log.rounds).toBe(1);
    expect(calls.getManifests).toHaveLength(1);
    expect(calls.getBlob).toStrictEqual([]);
  });

  it('a config that lies about its digest reaches the core, which reports DIGEST_MISMATCH', async () => {
    // Prepare
    const img = image({ platform: 'linux/arm64' });
    const { source } = fakeSource({
      manifests: new Map(),
      blobs: new Map([[img.config.digest, image({ platform: 'linux/amd64' }).config.bytes]]),
    });

    // Act
    const { evidence } = await gatherEvidence(source, raw(img), {});

    // Assess
    expect(classify(evidence)).toMatchObject({ verdict: 'quarantined', reasons: [{ code: 'DIGEST_MISMATCH' }] });
  });

  it('a statement that lies about its digest names no builder', async () => {
    // Prepare
    const seed = seedCase();
    const liar = provenanceV02({ builderId: 'https://github.com/attacker/repo/actions/runs/1' });
    const { source } = fakeSource({
      manifests: seed.manifests,
      blobs: new Map([
        [seed.image.config.digest, seed.image.config.bytes],
        [seed.statement.digest, liar.bytes],
      ]),
    });

    // Act
    const { evidence, log } = await gatherEvidence(source, raw(seed.index), {});

    // Assess
    expect(log.missing).toStrictEqual([{ digest: seed.statement.digest, purpose: 'provenance', reason: 'digest mismatch' }]);
    expect(classify(evidence).provenance).toBeNull();
  });

  it('reads the statement of the provenance predicate, not the SBOM', async () => {
    // Prepare
    const arm = image({ platform: 'linux/arm64' });
    const statement = provenanceV02({ subject: arm, builderId: 'https://github.com/o/r/actions/runs/5' });
    const sbom = rawFixture(MediaType.InToto, '{"predicateType":"https://spdx.dev/Document"}');
    const attestation = legacyAttestation({
      subject: arm,
      statements: [
        { statement: sbom, predicateType: 'https://spdx.dev/Document' },
        { statement, predicateType: SLSA_V02 },
      ],
    });
    const idx = index({ entries: [{ of: arm, platform: 'linux/arm64' }, attestation.entry] });
    const { source, calls } = fakeSource({
      manifests: pool(arm, attestation.manifest),
      blobs: pool(arm.config, statement, sbom),
    });

    // Act
    const { evidence } = await gatherEvidence(source, raw(idx), {});

    // Assess
    expect(calls.getBlob).toStrictEqual([arm.config.digest, statement.digest]);
    expect(classify(evidence).provenance?.ciRunUrl).toBe('https://github.com/o/r/actions/runs/5');
  });
});

describe('gatherEvidence: each manifest parsed once per push', () => {
  it('parses the seed index and each child exactly once across every round and the verdict', async () => {
    // Prepare
    const seed = seedCase();
    const { source } = fakeSource({ manifests: seed.manifests, blobs: seed.blobs });
    const parsed: string[] = [];
    const countingParse: typeof parseManifest = (bytes, hints) => {
      const result = parseManifest(bytes, hints);
      parsed.push(result.ok ? result.manifest.digest : result.problem.digest);
      return result;
    };

    // Act
    const { evidence, log } = await gatherEvidence(
      source,
      raw(seed.index),
      { architectures: ['arm64'] },
      DEFAULT_FETCH_LIMITS,
      countingParse,
    );
    const verdict = classify(evidence, { architectures: ['arm64'] });

    // Assess
    expect(log.rounds).toBe(2);
    expect(verdict.deployableChild?.digest).toBe(seed.image.digest);
    expect(parsed.sort()).toStrictEqual([seed.index.digest, seed.image.digest, seed.attestation.manifest.digest].sort());
  });

  it('checks a digest an index names twice against each entry: a second, wrong size is DIGEST_MISMATCH', () => {
    // Prepare
    const img = image({ platform: 'linux/amd64' });
    const idx = index({
      entries: [
        { of: img, platform: 'linux/amd64' },
        { of: img, platform: 'linux/amd64', size: img.size + 5 },
      ],
    });

    // Act
    const verdict = classify(parseEvidence({ subject: idx.bytes, manifests: pool(img), blobs: pool(img.config) }), {});

    // Assess
    expect(verdict.index?.entries.map((entry) => entry.role)).toStrictEqual(['runnable', 'invalid']);
    expect(verdict.reasons.map((r) => r.code)).toContain('DIGEST_MISMATCH');
  });
});
