import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../functions/core/classify.js';
import { type ClassifyOptions, classify } from '../../functions/core/classify.js';
import { explain, visibleTreeLines } from '../../functions/core/explain.js';
import type { BuildTool, SubjectContext, TagOutcome } from '../../functions/core/explanation.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import {
  blobOf,
  buildKitIndex,
  DOCKER_MANIFEST,
  evidenceOf,
  imageConfig,
  imageIndex,
  imageManifest,
  layerOf,
  linuxImage,
  OCI_LAYER_ZSTD,
} from '../support/manifest-builders.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const GITHUB_RUN = 'https://github.com/acme/orders/actions/runs/9123456789';

const contextFor = (
  repository: string | null,
  tag: string | null,
  architectures: readonly LambdaArchitecture[] = [],
  tagging: readonly TagOutcome[] = [],
): SubjectContext => ({
  repository,
  tag,
  repositoryUri: repository === null ? null : `${URI}/${repository}`,
  region: repository === null ? null : 'eu-west-1',
  architectures,
  source: repository === null ? 'oci-layout:./build' : null,
  tagging,
});

const seed = () =>
  buildKitIndex({
    architectures: ['arm64'],
    provenance: { builderId: GITHUB_RUN, vcsSource: 'https://github.com/acme/orders', vcsRevision: '4f2c1e0d9b8a' },
  });

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

const zstdImage = () => {
  const config = imageConfig({ architecture: 'amd64' });
  const manifest = imageManifest({ config, layers: [layerOf('z', OCI_LAYER_ZSTD)] });
  return evidenceOf(manifest, [], [config]);
};

const helmChart = () => {
  const config = blobOf({ name: 'orders', version: '1.0.0' }, 'application/vnd.cncf.helm.config.v1+json');
  const chart = imageManifest({ config, layers: [layerOf('chart', 'application/vnd.cncf.helm.chart.content.v1.tar+gzip')] });
  return evidenceOf(chart, [], [config]);
};

const schema1 = () =>
  evidenceOf(
    blobOf(
      { schemaVersion: 1, name: 'orders', tag: 'old', architecture: 'amd64', fsLayers: [] },
      'application/vnd.docker.distribution.manifest.v1+json',
    ),
  );

const plainImage = (architecture: string) => {
  const image = linuxImage(architecture, { mediaType: DOCKER_MANIFEST });
  return evidenceOf(image.manifest, [], [image.config]);
};

const STORIES: readonly Story[] = [
  {
    name: 'seed: arm64 image + provenance naming a GitHub Actions run',
    evidence: seed().evidence,
    options: { architectures: ['arm64'] },
    context: contextFor('orders-api', 'v7', ['arm64']),
    verdict: 'quarantined',
    firstTools: ['github-actions', 'docker-buildx', 'compose-bake'],
    summary:
      /^orders-api:v7 is an OCI image index \(linux\/arm64 image \+ provenance attestation\): Lambda will refuse it; deploy the linux\/arm64 image sha256:[0-9a-f]{12} instead$/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'Docker Engine 29 shape: one platform + attestation, no builder id',
    evidence: buildKitIndex({ architectures: ['amd64'] }).evidence,
    context: contextFor('orders-api', 'v9'),
    verdict: 'quarantined',
    firstTools: ['docker-engine-29', 'docker-buildx', 'compose-bake'],
    summary: /linux\/amd64 image \+ provenance attestation/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'Engine 29 shape with the statement unreadable',
    evidence: buildKitIndex({ architectures: ['amd64'], statementUnavailable: true }).evidence,
    context: contextFor('orders-api', 'v9'),
    verdict: 'quarantined',
    firstTools: ['docker-engine-29', 'docker-buildx'],
    summary: /linux\/amd64 image \+ provenance attestation/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'CDK bootstrap asset repository',
    evidence: buildKitIndex({ architectures: ['amd64'] }).evidence,
    context: contextFor('cdk-hnb659fds-container-assets-123456789012-eu-west-1', 'a1b2c3'),
    verdict: 'quarantined',
    firstTools: ['cdk', 'docker-buildx'],
    summary: /cdk-hnb659fds-container-assets-123456789012-eu-west-1:a1b2c3 is an OCI image index/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'Serverless Framework repository',
    evidence: buildKitIndex({ architectures: ['arm64'] }).evidence,
    context: contextFor('serverless-orders-dev', 'app'),
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
    context: contextFor('orders-api', 'v10'),
    verdict: 'quarantined',
    firstTools: ['github-actions', 'docker-buildx'],
    summary: /provenance attestation/,
    why: ['What a provenance attestation is', 'Why it turns the tag into an index', 'Why Lambda refuses it'],
  },
  {
    name: 'multi-platform index without attestations, x86_64 function',
    evidence: buildKitIndex({ architectures: ['amd64', 'arm64'], attestations: 'none' }).evidence,
    options: { architectures: ['x86_64'] },
    context: contextFor('orders-api', 'multi', ['x86_64']),
    verdict: 'quarantined',
    firstTools: ['docker-buildx', 'github-actions', 'registry-copy'],
    summary: /\(linux\/amd64, linux\/arm64 images\): Lambda will refuse it; deploy the linux\/amd64 image/,
    why: ['Why a multi-platform index is refused', 'Why Lambda refuses it'],
  },
  {
    name: 'index with only an arm64 image for an x86_64 function',
    evidence: buildKitIndex({ architectures: ['arm64'] }).evidence,
    options: { architectures: ['x86_64'] },
    context: contextFor('orders-api', 'v7', ['x86_64']),
    verdict: 'quarantined',
    firstTools: ['docker-engine-29', 'docker-buildx'],
    summary: /no runnable image for x86_64/,
    why: [
      'What a provenance attestation is',
      'Why it turns the tag into an index',
      'Why Lambda refuses it',
      'Image and function architectures differ (ARCHITECTURE_MISMATCH)',
    ],
  },
  {
    name: 'arm64 image for an x86_64 function',
    evidence: plainImage('arm64'),
    options: { architectures: ['x86_64'] },
    context: contextFor('orders-api', 'arm', ['x86_64']),
    verdict: 'quarantined',
    firstTools: ['docker-buildx', 'github-actions', 'cdk', 'sam', 'serverless', 'terraform'],
    summary: /^orders-api:arm cannot run on Lambda: the image is arm64 but the function targets x86_64$/,
    why: ['Image and function architectures differ (ARCHITECTURE_MISMATCH)'],
  },
  {
    name: 'plain image, deployable',
    evidence: plainImage('amd64'),
    context: contextFor('orders-api', 'v8'),
    verdict: 'deployable',
    firstTools: [],
    summary: /^orders-api:v8 is a single linux\/amd64 image: Lambda can deploy it$/,
    why: [],
  },
  {
    name: 'zstd layers: deployable with an unverified warning',
    evidence: zstdImage(),
    context: contextFor('orders-api', 'zstd'),
    verdict: 'deployable',
    firstTools: [],
    summary: /Lambda can deploy it; 1 warning to review$/,
    why: ['Warning: Layers that are not gzip (UNVERIFIED_LAYER_COMPRESSION, unverified)'],
  },
  {
    name: 'zstd layers in strict mode',
    evidence: zstdImage(),
    options: { strict: true },
    context: contextFor('orders-api', 'zstd'),
    verdict: 'quarantined',
    firstTools: ['docker-buildx', 'github-actions', 'registry-copy'],
    summary: /is quarantined in strict mode: 1 layer\(s\) are not gzip-compressed/,
    why: ['Warning: Layers that are not gzip (UNVERIFIED_LAYER_COMPRESSION, unverified)'],
  },
  {
    name: 'schema 1 manifest',
    evidence: schema1(),
    context: contextFor('orders-api', 'old'),
    verdict: 'quarantined',
    firstTools: ['registry-copy', 'docker-buildx'],
    summary: /cannot run on Lambda: this is a Docker v2 schema 1 manifest/,
    why: ['Schema 1 manifest (SCHEMA1_MANIFEST)'],
  },
  {
    name: 'Helm chart: skipped',
    evidence: helmChart(),
    context: contextFor('charts', '1.0.0'),
    verdict: 'skipped',
    firstTools: [],
    summary: /^charts:1\.0\.0: this is a Helm chart, not a container image; nothing to check$/,
    why: ['Not a container image (NOT_A_CONTAINER_IMAGE)'],
  },
  {
    name: 'CLI input without repository',
    evidence: seed().evidence,
    context: contextFor(null, null),
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
    const story = seed();
    const verdict = classify(story.evidence, { architectures: ['arm64'] });
    const child = story.images[0]?.digest ?? '';
    const tagging: TagOutcome[] = [
      { tag: 'v7-quarantined', digest: verdict.subject.digest, outcome: 'planned', purpose: 'verdict' },
      { tag: 'v7-deployable', digest: child, outcome: 'created', purpose: 'deployable-child' },
    ];

    // Act
    const explanation = explain(verdict, contextFor('orders-api', 'v7', ['arm64'], tagging));

    // Assess
    expect(explanation.deployNow).toStrictEqual({
      digest: child,
      platform: 'linux/arm64',
      uriByDigest: `${URI}/orders-api@${child}`,
      uriByTag: `${URI}/orders-api:v7-deployable`,
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
    const story = seed();
    const verdict = classify(story.evidence, { architectures: ['arm64'] });
    const child = verdict.deployableChild?.digest ?? '';
    const tagging: TagOutcome[] = [
      { tag: 'v7-deployable', digest: child, outcome, purpose: 'deployable-child', message: 'AccessDenied' },
    ];

    // Act
    const explanation = explain(verdict, contextFor('orders-api', 'v7', ['arm64'], tagging));

    // Assess
    expect(explanation.deployNow?.tag ?? null).toBe(deployTag);
    expect(explanation.deployNow?.uriByDigest).toBe(`${URI}/orders-api@${child}`);
    const matching = explanation.notes.filter((n) => note?.test(n) === true);
    expect(matching).toHaveLength(note === null ? 0 : 1);
  });

  it.each([
    { name: 'quarantined', evidence: () => seed().evidence, notes: 2, invalidImage: true },
    { name: 'deployable', evidence: () => plainImage('amd64'), notes: 0, invalidImage: false },
    { name: 'skipped', evidence: helmChart, notes: 0, invalidImage: false },
  ])('after-fix notes for a $name verdict', ({ evidence, notes, invalidImage }) => {
    // Act
    const explanation = explain(classify(evidence()), contextFor('orders-api', 'v7'));

    // Assess
    expect(explanation.notes).toHaveLength(notes);
    expect(explanation.notes.some((n) => n.includes('`InvalidImage`'))).toBe(invalidImage);
    expect(explanation.notes.some((n) => n.includes('resolves a tag to a digest'))).toBe(invalidImage);
  });

  it('marks unverified rules in the why paragraphs and the findings', () => {
    // Act
    const explanation = explain(classify(zstdImage()), contextFor('orders-api', 'zstd'));

    // Assess
    expect(explanation.findings).toStrictEqual([
      expect.objectContaining({ code: 'UNVERIFIED_LAYER_COMPRESSION', severity: 'warning', status: 'unverified' }),
    ]);
    expect(explanation.why[0]?.body).toMatch(/Unverified: AWS does not document this/);
    expect(explanation.fixes).toStrictEqual([]);
  });

  it('keeps the deployable line when a huge tree is cut for a renderer', () => {
    // Prepare: 300 runnable arm64 images; the x86_64 one at the end is the one to deploy.
    const arm = Array.from({ length: 300 }, (_, i) => linuxImage('arm64', { seed: `a${i}` }));
    const amd = linuxImage('amd64');
    const all = [...arm, amd];
    const index = imageIndex(all.map((i) => i.entry));
    const verdict = classify(
      evidenceOf(
        index,
        all.map((i) => i.manifest),
        all.map((i) => i.config),
      ),
      { architectures: ['x86_64'] },
    );
    const explanation = explain(verdict, contextFor('orders-api', 'wide', ['x86_64']));

    // Act
    const visible = visibleTreeLines(explanation.tree, 10);

    // Assess
    expect(explanation.tree).toHaveLength(302);
    expect(visible.lines).toHaveLength(10);
    expect(visible.omitted).toBe(292);
    expect(visible.lines[0]?.depth).toBe(0);
    expect(visible.lines.at(-1)).toMatchObject({ mark: 'ok', digest: amd.manifest.digest });
  });

  it('flattens the tree depth first with marks and bounded labels', () => {
    // Prepare
    const story = seed();

    // Act
    const explanation = explain(classify(story.evidence, { architectures: ['arm64'] }), contextFor('orders-api', 'v7'));

    // Assess
    expect(explanation.tree.map((l) => [l.depth, l.mark, l.label])).toStrictEqual([
      [0, 'error', 'image index, 2 entries'],
      [1, 'ok', 'image linux/arm64 — deployable'],
      [1, 'ignored', `attestation (SLSA provenance v0.2) for ${story.images[0]?.digest.slice(0, 19)}`],
    ]);
  });
});
