import { describe, expect, it } from 'vitest';
import { type ClassifyOptions, classify, type Evidence } from '../../functions/core/classify.js';
import { explain } from '../../functions/core/explain.js';
import type { SubjectContext, TagOutcome } from '../../functions/core/explanation.js';
import type { GuardFailure } from '../../functions/core/guard-failure.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import { renderFailureText, renderText } from '../../functions/core/render-text.js';
import {
  attestationEntry,
  attestationManifest,
  blobOf,
  buildKitIndex,
  evidenceOf,
  imageConfig,
  imageIndex,
  imageManifest,
  layerOf,
  linuxImage,
  OCI_LAYER_ZSTD,
  provenanceStatement,
} from '../support/manifest-builders.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const GITHUB_RUN = 'https://github.com/acme/orders/actions/runs/9123456789';
const ESC = '\u001b';
/** SGR colour sequences, the only escapes renderText may emit. */
const SGR = new RegExp(`${ESC}\\[\\d+m`, 'g');

const contextFor = (
  repository: string | null,
  tag: string | null,
  architectures: readonly LambdaArchitecture[] = [],
  tagging: readonly TagOutcome[] = [],
  source: string | null = null,
): SubjectContext => ({
  repository,
  tag,
  repositoryUri: repository === null ? null : `${URI}/${repository}`,
  region: 'eu-west-1',
  architectures,
  source,
  tagging,
});

const seed = () =>
  buildKitIndex({
    architectures: ['arm64'],
    provenance: { builderId: GITHUB_RUN, vcsSource: 'https://github.com/acme/orders', vcsRevision: '4f2c1e0d9b8a7f6e5d4c' },
  });

/** An attestation whose layer annotation (predicate type) is chosen by the attacker. */
const hostileAnnotation = (predicateType: string): Evidence => {
  const image = linuxImage('arm64');
  const statement = provenanceStatement(image.manifest.digest);
  const att = attestationManifest(image.entry, [{ blob: statement, predicateType }]);
  const index = imageIndex([image.entry, attestationEntry(att.manifest, image.manifest.digest)]);
  return evidenceOf(index, [image.manifest, att.manifest], [image.config, att.config, statement]);
};

const wideIndex = (entries: number): Evidence =>
  buildKitIndex({ architectures: Array.from({ length: entries / 2 }, () => 'arm64') }).evidence;

const zstd = (): Evidence => {
  const config = imageConfig({ architecture: 'amd64' });
  return evidenceOf(imageManifest({ config, layers: [layerOf('z', OCI_LAYER_ZSTD)] }), [], [config]);
};

const render = (evidence: Evidence, context: SubjectContext, options?: ClassifyOptions, color = false): string =>
  renderText(explain(classify(evidence, options), context), { color, width: 80 });

/**
 * Digests, URLs, ECR URIs and image references (`repository:tag`): the only tokens allowed to push a
 * line past 80 columns, because breaking them would make them wrong when copied.
 */
const UNBREAKABLE = /sha256:[0-9a-f]{64}|https?:\/\/|\.amazonaws\.com\/|^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_.-]+$/;

/** Lines over 80 columns that are not one long unbreakable token after a short indent or key. */
const overlong = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => [...line].length > 80)
    .filter((line) => {
      const token = line.split(' ').find((word) => [...word].length > 30 && UNBREAKABLE.test(word));
      if (token === undefined) return true;
      const before = line.slice(0, line.indexOf(token));
      return [...before].length > 20;
    });

const STORIES: readonly { name: string; text: () => string }[] = [
  {
    name: 'seed story',
    text: () => render(seed().evidence, contextFor('orders-api', 'v7', ['arm64']), { architectures: ['arm64'] }),
  },
  {
    name: 'Engine 29 shape',
    text: () => render(buildKitIndex({ architectures: ['amd64'] }).evidence, contextFor('orders-api', 'v9')),
  },
  {
    name: 'CDK asset repository (long name)',
    text: () =>
      render(
        buildKitIndex({ architectures: ['amd64'] }).evidence,
        contextFor(
          'cdk-hnb659fds-container-assets-123456789012-eu-west-1',
          'f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f60718293a4b5c6d7e8f901',
        ),
      ),
  },
  {
    name: 'multi-platform index',
    text: () =>
      render(
        buildKitIndex({ architectures: ['amd64', 'arm64'], attestations: 'none' }).evidence,
        contextFor('orders-api', 'm', ['x86_64']),
        {
          architectures: ['x86_64'],
        },
      ),
  },
  {
    name: 'architecture mismatch',
    text: () => {
      const image = linuxImage('arm64');
      return render(evidenceOf(image.manifest, [], [image.config]), contextFor('orders-api', 'a', ['x86_64']), {
        architectures: ['x86_64'],
      });
    },
  },
  { name: 'zstd warning', text: () => render(zstd(), contextFor('orders-api', 'z')) },
  { name: 'zstd strict', text: () => render(zstd(), contextFor('orders-api', 'z'), { strict: true }) },
  { name: '2,000-entry index', text: () => render(wideIndex(2000), contextFor('orders-api', 'wide')) },
  {
    name: 'CLI source, no repository',
    text: () => render(seed().evidence, contextFor(null, 'v7', [], [], 'oci-layout:./build:v7')),
  },
  {
    name: 'huge annotation',
    text: () => render(hostileAnnotation(`https://example.com/${'p'.repeat(5000)}`), contextFor('orders-api', 'h')),
  },
];

describe('renderText', () => {
  it('tells the seed story: tree with marks, verdict, deploy-now child, GitHub fix first, CI link', () => {
    // Prepare
    const story = seed();
    const verdict = classify(story.evidence, { architectures: ['arm64'] });
    const child = story.images[0]?.digest ?? '';
    const tagging: TagOutcome[] = [{ tag: 'v7-deployable', digest: child, outcome: 'created', purpose: 'deployable-child' }];

    // Act
    const text = renderText(explain(verdict, contextFor('orders-api', 'v7', ['arm64'], tagging)));
    const lines = text.split('\n');

    // Assess
    expect(lines[0]).toBe('✖ QUARANTINED  orders-api:v7');
    expect(lines).toContain('Manifest');
    expect(lines.find((l) => l.startsWith('  ✖ image index, 2 entries'))).toMatch(/ sha256:[0-9a-f]{12}$/);
    expect(lines.find((l) => l.startsWith('  ├─ ✔ image linux/arm64 — deployable'))).toContain(child.slice(0, 19));
    expect(lines.find((l) => l.startsWith('  └─ · attestation (SLSA provenance v0.2)'))).toBeDefined();
    expect(lines).toContain(`  by digest   ${URI}/orders-api@${child}`);
    expect(text).toContain(`by tag      ${URI}/orders-api:v7-deployable`);
    expect(text).toContain('(written by the guard)');
    const fixes = lines.filter((l) => /^ {2}\d+\. /.test(l));
    expect(fixes[0]).toBe('  1. GitHub Actions: docker/build-push-action');
    expect(fixes[1]).toBe('  2. docker buildx build / docker build');
    expect(text).toContain('(matches this build: the provenance attestation names a GitHub Actions run)');
    expect(text).toContain(`  CI run      ${GITHUB_RUN}`);
    expect(text).toContain('What a provenance attestation is');
    expect(text.endsWith('\n')).toBe(true);
  });

  it.each(STORIES)('fits 80 columns except unbreakable URIs and digests: $name', ({ text }) => {
    // Act
    const out = text();

    // Assess
    expect(overlong(out)).toStrictEqual([]);
  });

  it.each(STORIES)('has no ANSI colour by default: $name', ({ text }) => {
    // Act / Assess
    expect(text()).not.toContain(ESC);
  });

  it('colours marks and headings only when asked', () => {
    // Prepare
    const explanation = explain(classify(seed().evidence), contextFor('orders-api', 'v7'));

    // Act
    const plain = renderText(explanation);
    const coloured = renderText(explanation, { color: true });

    // Assess
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(`${ESC}[31m✖ QUARANTINED${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[32m✔${ESC}[0m image linux/arm64`);
    expect(coloured.replace(SGR, '')).toBe(plain);
  });

  it.each([
    { name: 'terminal escape in the tag', tag: `v7${ESC}[2J${ESC}]0;pwned\u0007`, visible: '\ufffd[2J' },
    { name: 'bidi override in the tag', tag: 'v7\u202eexe.txt', visible: 'v7exe.txt' },
    { name: 'newline in the tag', tag: 'v7\n✔ DEPLOYABLE', visible: 'v7 ✔ DEPLOYABLE' },
  ])('makes registry strings inert: $name', ({ tag, visible }) => {
    // Act
    const text = renderText(explain(classify(seed().evidence), contextFor(null, tag, [], [], tag)), { color: true });

    // Assess
    expect(text.replace(SGR, '')).not.toContain(ESC);
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text).not.toContain('\u0007');
    expect(text).toContain(visible);
    expect(text.split('\n').filter((l) => l.includes('DEPLOYABLE') && !l.includes('v7'))).toStrictEqual([]);
  });

  it('makes a hostile annotation inert in the tree', () => {
    // Act
    const text = render(hostileAnnotation(`evil${ESC}[31m\u202eRED`), contextFor('orders-api', 'v7'));

    // Assess
    expect(text).not.toContain(ESC);
    expect(text).toContain('attestation (evil\ufffd[31mRED)');
  });

  it('cuts a 2,000-entry tree and says how much was left out', () => {
    // Act
    const text = render(wideIndex(2000), contextFor('orders-api', 'wide'));

    // Assess
    expect(text).toContain('  └─ … 1961 more entries not shown (the JSON output has them all)');
    expect(text.split('\n').filter((l) => /^ {2}├─ /.test(l))).toHaveLength(39);
  });

  it.each([
    { maxFixes: 1, shown: 1, hidden: '  … 8 more fixes for other build tools not shown.' },
    { maxFixes: 9, shown: 9, hidden: null },
  ])('shows $maxFixes fixes when asked', ({ maxFixes, shown, hidden }) => {
    // Act
    const text = renderText(explain(classify(seed().evidence), contextFor('orders-api', 'v7')), { maxFixes });

    // Assess
    expect(text.split('\n').filter((l) => /^ {2}\d+\. /.test(l))).toHaveLength(shown);
    if (hidden === null) expect(text).not.toContain('more fix');
    else expect(text).toContain(hidden);
  });

  it('gives a deployable image a short story without fixes', () => {
    // Prepare
    const image = linuxImage('amd64');

    // Act
    const text = render(evidenceOf(image.manifest, [], [image.config]), contextFor('orders-api', 'v8'));

    // Assess
    expect(text.split('\n')[0]).toBe('✔ DEPLOYABLE  orders-api:v8');
    expect(text).toContain('orders-api:v8 is a single linux/amd64 image: Lambda can deploy it');
    expect(text).toContain(`by digest   ${URI}/orders-api@${image.manifest.digest}`);
    expect(text).not.toContain('How to fix');
    expect(text).not.toContain('After the fix');
  });

  it('gives a skipped artifact one line of why', () => {
    // Prepare
    const config = blobOf({ name: 'c', version: '1' }, 'application/vnd.cncf.helm.config.v1+json');
    const chart = imageManifest({ config, layers: [layerOf('c', 'application/vnd.cncf.helm.chart.content.v1.tar+gzip')] });

    // Act
    const text = render(evidenceOf(chart, [], [config]), contextFor('charts', '1'));

    // Assess
    expect(text.split('\n')[0]).toBe('· SKIPPED  charts:1');
    expect(text).toContain('Not a container image (NOT_A_CONTAINER_IMAGE)');
    expect(text).not.toContain('How to fix');
  });
});

describe('renderFailureText', () => {
  it.each([
    { code: 'ACCESS_DENIED', advice: 'ecr:BatchGetImage' },
    { code: 'REPOSITORY_NOT_FOUND', advice: 'The repository was deleted after the push' },
    { code: 'constructor', advice: "Check the guard's logs" },
  ])('explains $code', ({ code, advice }) => {
    // Prepare
    const failure: GuardFailure = {
      code,
      message: `User is not authorized${ESC}[2J`,
      event: {
        eventId: 'ev-1',
        account: '123456789012',
        region: 'eu-west-1',
        time: '',
        repository: 'orders-api',
        digest: `sha256:${'ab'.repeat(32)}`,
        tag: 'v7',
      },
    };

    // Act
    const text = renderFailureText(failure);

    // Assess
    expect(text.split('\n')[0]).toBe('! NOT CHECKED  orders-api:v7');
    expect(text).toContain(`(${code})`);
    expect(text).toContain(advice);
    expect(text).toContain('event id    ev-1');
    expect(text).not.toContain(ESC);
    expect(overlong(text)).toStrictEqual([]);
  });
});
