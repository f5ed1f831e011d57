import { describe, expect, it } from 'vitest';
import { buildKitIndex, evidenceOf, image, imageEvidence, jsonFixture } from '../../fixtures/oci-fixtures.js';
import type { Evidence } from '../../functions/core/classify.js';
import { type ClassifyOptions, classify } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';
import { explain, visibleTreeLines } from '../../functions/report/explain.js';
import type { BuildTool, SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import {
  GITHUB_RUN,
  helmChartEvidence,
  REGISTRY_URI,
  seedPush,
  seedVerdict,
  subjectContext,
  zstdImage,
} from '../support/seed-explanations.js';

interface Story {
  readonly name: string;
  readonly evidence: Evidence;
  readonly options?: ClassifyOptions;
  readonly context: SubjectContext;
  readonly verdict: 'deployable' | 'quarantined' | 'skipped';
  /** Tools of the fixes, in order (only the first few are compared). */
  readonly firstTools: readonly BuildTool[];
  readonly summary: RegExp;
  readonly why: readonly string[];
}

const schema1 = () =>
  evidenceOf(
    jsonFixture(MediaType.DockerSchema1, { schemaVersion: 1, name: 'orders', tag: 'old', architecture: 'amd64', fsLayers: [] }),
  );

const plainImage = (architecture: string) => imageEvidence(image({ format: 'docker', platform: `linux/${architecture}` }));

const STORIES: readonly Story[] = [
  {
    name: 'seed: arm64 image + provenance naming a GitHub Actions run',
    evidence: seedPush().evidence,
    options: { architectures: ['arm64'] },
    context: subjectContext('orders-api', 'v7', { architectures: ['arm64'] }),
    verdict: 'quarantined',
    firstTools: ['github-actions', 'docker-buildx', 'compose-bake'],
    summary:
      /^orders-api:v7 is an OCI image index \(linux\/arm64 image \+ provenance attestation\): Lambda will refuse it; deploy the linux\/arm64 image sha256:[0-9a-f]{12} instead$/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'Docker Engine 29 shape: one platform + attestation, no builder id',
    evidence: buildKitIndex({ architectures: ['amd64'] }).evidence,
    context: subjectContext('orders-api', 'v9'),
    verdict: 'quarantined',
    firstTools: ['docker-engine-29', 'docker-buildx', 'compose-bake'],
    summary: /linux\/amd64 image \+ provenance attestation/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'Engine 29 shape with the statement unreadable',
    evidence: buildKitIndex({ architectures: ['amd64'], statementUnavailable: true }).evidence,
    context: subjectContext('orders-api', 'v9'),
    verdict: 'quarantined',
    firstTools: ['docker-engine-29', 'docker-buildx'],
    summary: /linux\/amd64 image \+ provenance attestation/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'CDK bootstrap asset repository',
    evidence: buildKitIndex({ architectures: ['amd64'] }).evidence,
    context: subjectContext('cdk-hnb659fds-container-assets-123456789012-eu-west-1', 'a1b2c3'),
    verdict: 'quarantined',
    firstTools: ['cdk', 'docker-buildx'],
    summary: /cdk-hnb659fds-container-assets-123456789012-eu-west-1:a1b2c3 is an OCI image index/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'Serverless Framework repository',
    evidence: buildKitIndex({ architectures: ['arm64'] }).evidence,
    context: subjectContext('serverless-orders-dev', 'app'),
    verdict: 'quarantined',
    firstTools: ['serverless', 'docker-buildx'],
    summary: /serverless-orders-dev:app is an OCI image index/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'OCI-artifact attestations, SLSA v1, GitHub builder',
    evidence: buildKitIndex({
      architectures: ['arm64'],
      attestations: 'oci-artifact',
      provenance: { builderId: GITHUB_RUN, predicateType: 'https://slsa.dev/provenance/v1' },
    }).evidence,
    context: subjectContext('orders-api', 'v10'),
    verdict: 'quarantined',
    firstTools: ['github-actions', 'docker-buildx'],
    summary: /provenance attestation/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'multi-platform index without attestations, x86_64 function',
    evidence: buildKitIndex({ architectures: ['amd64', 'arm64'], attestations: 'none' }).evidence,
    options: { architectures: ['x86_64'] },
    context: subjectContext('orders-api', 'multi', { architectures: ['x86_64'] }),
    verdict: 'quarantined',
    firstTools: ['docker-buildx', 'github-actions', 'registry-copy'],
    summary: /\(linux\/amd64, linux\/arm64 images\): Lambda will refuse it; deploy the linux\/amd64 image/,
    why: ['Why a multi-platform index is refused', 'Why Lambda refuses it'],
  },
  {
    name: 'index with only an arm64 image for an x86_64 function',
    evidence: buildKitIndex({ architectures: ['arm64'] }).evidence,
    options: { architectures: ['x86_64'] },
    context: subjectContext('orders-api', 'v7', { architectures: ['x86_64'] }),
    verdict: 'quarantined',
    firstTools: ['docker-engine-29', 'docker-buildx'],
    summary: /no runnable image for x86_64/,
    why: [
      'What a provenance attestation is',
      'Why it turns the tag into an index',
      'Why Lambda refuses it',
      'Image and function architectures differ (ARCHITECTURE_MISMATCH, from practice)',
    ],
  },
  {
    name: 'arm64 image for an x86_64 function',
    evidence: plainImage('arm64'),
    options: { architectures: ['x86_64'] },
    context: subjectContext('orders-api', 'arm', { architectures: ['x86_64'] }),
    verdict: 'quarantined',
    firstTools: ['docker-buildx', 'github-actions', 'cdk', 'sam', 'serverless', 'terraform'],
    summary: /^orders-api:arm cannot run on Lambda: the image is arm64 but the function targets x86_64$/,
    why: ['Image and function architectures differ (ARCHITECTURE_MISMATCH, from practice)'],
  },
  {
    name: 'plain image, deployable',
    evidence: plainImage('amd64'),
    context: subjectContext('orders-api', 'v8'),
    verdict: 'deployable',
    firstTools: [],
    summary: /^orders-api:v8 is a single linux\/amd64 image: Lambda can deploy it$/,
    why: [],
  },
  {
    name: 'zstd layers: deployable with an unverified warning',
    evidence: zstdImage(),
    context: subjectContext('orders-api', 'zstd'),
    verdict: 'deployable',
    firstTools: [],
    summary: /Lambda can deploy it; 1 warning to review$/,
    why: ['Warning: zstd layers (UNVERIFIED_LAYER_COMPRESSION, unverified)'],
  },
  {
    name: 'zstd layers in strict mode',
    evidence: zstdImage(),
    options: { strict: true },
    context: subjectContext('orders-api', 'zstd'),
    verdict: 'quarantined',
    firstTools: ['docker-buildx', 'github-actions', 'registry-copy'],
    summary: /is quarantined in strict mode: 1 layer is zstd-compressed/,
    why: ['Warning: zstd layers (UNVERIFIED_LAYER_COMPRESSION, unverified)'],
  },
  {
    name: 'schema 1 manifest',
    evidence: schema1(),
    context: subjectContext('orders-api', 'old'),
    verdict: 'quarantined',
    firstTools: ['registry-copy', 'docker-buildx'],
    summary: /cannot run on Lambda: this is a Docker v2 schema 1 manifest/,
    why: ['Schema 1 manifest (SCHEMA1_MANIFEST)'],
  },
  {
    name: 'Helm chart: skipped',
    evidence: helmChartEvidence(),
    context: subjectContext('charts', '1.0.0'),
    verdict: 'skipped',
    firstTools: [],
    summary: /^charts:1\.0\.0: this is a Helm chart, not a container image; nothing to check$/,
    why: ['Not a container image (NOT_A_CONTAINER_IMAGE)'],
  },
  {
    name: 'CLI input without repository',
    evidence: seedPush().evidence,
    context: subjectContext(null, null, { region: null }),
    verdict: 'quarantined',
    firstTools: ['github-actions', 'docker-buildx'],
    summary: /^oci-layout:\.\/build is an OCI image index/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
];

describe('explain', () => {
  it.each(STORIES)('$name', ({ evidence, options, context, verdict, firstTools, summary, why }) => {
    // Prepare
    const classified = classify(evidence, options);

    // Act
    const explanation = explain(classified, context);

    // Assess
    expect(explanation.verdict).toBe(verdict);
    expect(explanation.summary).toMatch(summary);
    expect(explanation.summary).not.toContain('\n');
    expect(explanation.fixes.slice(0, firstTools.length).map((f) => f.tool)).toStrictEqual(firstTools);
    expect(explanation.why.map((p) => p.title)).toStrictEqual(why);
    expect(explanation.findings.map((f) => f.code)).toStrictEqual(classified.reasons.map((r) => r.code));
  });

  it('names the child to deploy by digest and by the tag the guard writes (seed story)', () => {
    // Prepare
    const { verdict, child } = seedVerdict();
    const tagging: TagOutcome[] = [
      { tag: 'v7-quarantined', digest: verdict.subject.digest, outcome: 'planned', purpose: 'verdict' },
      { tag: 'v7-deployable', digest: child, outcome: 'created', purpose: 'deployable-child' },
    ];

    // Act
    const explanation = explain(verdict, subjectContext('orders-api', 'v7', { architectures: ['arm64'], tagging }));

    // Assess
    expect(explanation.deployNow).toStrictEqual({
      digest: child,
      platform: 'linux/arm64',
      uriByDigest: `${REGISTRY_URI}/orders-api@${child}`,
      uriByTag: `${REGISTRY_URI}/orders-api:v7-deployable`,
      tag: 'v7-deployable',
    });
    expect(explanation.builder).toMatchObject({
      ciRunUrl: GITHUB_RUN,
      tool: 'github-actions',
      vcsRevision: '4f2c1e0d9b8a',
      mode: 'min',
    });
    expect(explanation.matchedTool).toStrictEqual({
      tool: 'github-actions',
      because: 'the provenance attestation names a GitHub Actions run',
    });
    expect(explanation.fixes.filter((f) => f.matched).map((f) => f.tool)).toStrictEqual(['github-actions']);
    expect(explanation.subject).toMatchObject({ reference: 'orders-api:v7', repository: 'orders-api', tag: 'v7', kind: 'index' });
  });

  it.each([
    {
      name: 'failed tag write',
      outcome: 'failed' as const,
      deployTag: null,
      note: /could not write the tag `v7-deployable`: AccessDenied/,
    },
    { name: 'immutable repository', outcome: 'immutable' as const, deployTag: null, note: /immutable tags\. Deploy by digest/ },
    { name: 'planned tag', outcome: 'planned' as const, deployTag: 'v7-deployable', note: null },
  ])('deploy-now and notes for a $name', ({ outcome, deployTag, note }) => {
    // Prepare
    const { verdict } = seedVerdict();
    const child = verdict.deployableChild?.digest ?? '';
    const tagging: TagOutcome[] = [
      { tag: 'v7-deployable', digest: child, outcome, purpose: 'deployable-child', message: 'AccessDenied' },
    ];

    // Act
    const explanation = explain(verdict, subjectContext('orders-api', 'v7', { architectures: ['arm64'], tagging }));

    // Assess
    expect(explanation.deployNow?.tag ?? null).toBe(deployTag);
    expect(explanation.deployNow?.uriByDigest).toBe(`${REGISTRY_URI}/orders-api@${child}`);
    const matching = explanation.notes.filter((n) => note?.test(n) === true);
    expect(matching).toHaveLength(note === null ? 0 : 1);
  });

  it.each([
    { name: 'quarantined', evidence: () => seedPush().evidence, notes: 2, invalidImage: true },
    { name: 'deployable', evidence: () => plainImage('amd64'), notes: 0, invalidImage: false },
    { name: 'skipped', evidence: helmChartEvidence, notes: 0, invalidImage: false },
  ])('after-fix notes for a $name verdict', ({ evidence, notes, invalidImage }) => {
    // Act
    const explanation = explain(classify(evidence()), subjectContext('orders-api', 'v7'));

    // Assess
    expect(explanation.notes).toHaveLength(notes);
    expect(explanation.notes.some((n) => n.includes('`InvalidImage`'))).toBe(invalidImage);
    expect(explanation.notes.some((n) => n.includes('resolves a tag to a digest'))).toBe(invalidImage);
  });

  it('marks unverified rules in the why paragraphs and the findings', () => {
    // Act
    const explanation = explain(classify(zstdImage()), subjectContext('orders-api', 'zstd'));

    // Assess
    expect(explanation.findings).toStrictEqual([
      expect.objectContaining({ code: 'UNVERIFIED_LAYER_COMPRESSION', severity: 'warning', status: 'unverified' }),
    ]);
    expect(explanation.why[0]?.body).toMatch(/Unverified: AWS does not document this/);
    expect(explanation.fixes).toStrictEqual([]);
  });

  it('keeps the deployable line when a huge tree is cut for a renderer', () => {
    // Prepare: 300 runnable arm64 images; the x86_64 one at the end is the one to deploy.
    const arm = Array.from({ length: 300 }, () => 'arm64');
    const push = buildKitIndex({ architectures: [...arm, 'amd64'], attestations: 'none' });
    const amd = push.images.at(-1);
    const verdict = classify(push.evidence, { architectures: ['x86_64'] });
    const explanation = explain(verdict, subjectContext('orders-api', 'wide', { architectures: ['x86_64'] }));

    // Act
    const visible = visibleTreeLines(explanation.tree, 10);

    // Assess
    expect(explanation.tree).toHaveLength(302);
    expect(visible.lines).toHaveLength(10);
    expect(visible.omitted).toBe(292);
    expect(visible.lines[0]?.depth).toBe(0);
    expect(visible.lines.at(-1)).toMatchObject({ mark: 'ok', digest: amd?.digest });
  });

  it('flattens the tree depth first with marks and bounded labels', () => {
    // Prepare
    const { push, verdict } = seedVerdict();

    // Act
    const explanation = explain(verdict, subjectContext('orders-api', 'v7'));

    // Assess
    expect(explanation.tree.map((l) => [l.depth, l.mark, l.label])).toStrictEqual([
      [0, 'error', 'image index, 2 entries'],
      [1, 'ok', 'image linux/arm64 — deployable'],
      [1, 'ignored', `attestation (SLSA provenance v0.2) for ${push.images[0]?.digest.slice(0, 19)}`],
    ]);
  });
});
