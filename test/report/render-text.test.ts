import { describe, expect, it } from 'vitest';
import { buildKitIndex, image, imageEvidence } from '../../fixtures/oci-fixtures.js';
import { type ClassifyOptions, classify, type Evidence } from '../../functions/core/classify.js';
import { explain } from '../../functions/report/explain.js';
import type { SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import type { GuardFailure } from '../../functions/report/guard-failure.js';
import { renderFailureText, renderText } from '../../functions/report/render-text.js';
import { overlong } from '../support/overlong.js';
import {
  failedPush,
  GITHUB_RUN,
  helmChartEvidence,
  REGISTRY_URI,
  SEED_REVISION_LONG,
  seedPush,
  seedVerdict,
  subjectContext,
  zstdImage,
} from '../support/seed-explanations.js';

const ESC = '\u001b';
/** SGR colour sequences, the only escapes renderText may emit. */
const SGR = new RegExp(`${ESC}\\[\\d+m`, 'g');

/** An attestation whose layer annotation (predicate type) is chosen by the attacker. */
const hostileAnnotation = (predicateType: string): Evidence =>
  buildKitIndex({ architectures: ['arm64'], predicateTypeAnnotation: predicateType }).evidence;

const wideIndex = (entries: number): Evidence =>
  buildKitIndex({ architectures: Array.from({ length: entries / 2 }, () => 'arm64') }).evidence;

const render = (evidence: Evidence, context: SubjectContext, options?: ClassifyOptions, color = false): string =>
  renderText(explain(classify(evidence, options), context), { color, width: 80 });

const STORIES: readonly { name: string; text: () => string }[] = [
  {
    name: 'seed story',
    text: () =>
      render(seedPush(SEED_REVISION_LONG).evidence, subjectContext('orders-api', 'v7', { architectures: ['arm64'] }), {
        architectures: ['arm64'],
      }),
  },
  {
    name: 'Engine 29 shape',
    text: () => render(buildKitIndex({ architectures: ['amd64'] }).evidence, subjectContext('orders-api', 'v9')),
  },
  {
    name: 'CDK asset repository (long name)',
    text: () =>
      render(
        buildKitIndex({ architectures: ['amd64'] }).evidence,
        subjectContext(
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
        subjectContext('orders-api', 'm', { architectures: ['x86_64'] }),
        { architectures: ['x86_64'] },
      ),
  },
  {
    name: 'architecture mismatch',
    text: () =>
      render(
        imageEvidence(image({ platform: 'linux/arm64' })),
        subjectContext('orders-api', 'a', { architectures: ['x86_64'] }),
        { architectures: ['x86_64'] },
      ),
  },
  { name: 'zstd warning', text: () => render(zstdImage(), subjectContext('orders-api', 'z')) },
  { name: 'zstd strict', text: () => render(zstdImage(), subjectContext('orders-api', 'z'), { strict: true }) },
  { name: '2,000-entry index', text: () => render(wideIndex(2000), subjectContext('orders-api', 'wide')) },
  {
    name: 'CLI source, no repository',
    text: () => render(seedPush(SEED_REVISION_LONG).evidence, subjectContext(null, 'v7', { source: 'oci-layout:./build:v7' })),
  },
  {
    name: 'huge annotation',
    text: () => render(hostileAnnotation(`https://example.com/${'p'.repeat(5000)}`), subjectContext('orders-api', 'h')),
  },
];

describe('renderText', () => {
  it('tells the seed story: tree with marks, verdict, deploy-now child, GitHub fix first, CI link', () => {
    // Prepare
    const { verdict, child } = seedVerdict(SEED_REVISION_LONG);
    const tagging: TagOutcome[] = [{ tag: 'v7-deployable', digest: child, outcome: 'created', purpose: 'deployable-child' }];

    // Act
    const text = renderText(explain(verdict, subjectContext('orders-api', 'v7', { architectures: ['arm64'], tagging })));
    const lines = text.split('\n');

    // Assess
    expect(lines[0]).toBe('✖ QUARANTINED  orders-api:v7');
    expect(lines).toContain('Manifest');
    expect(lines.find((l) => l.startsWith('  ✖ image index, 2 entries'))).toMatch(/ sha256:[0-9a-f]{12}$/);
    expect(lines.find((l) => l.startsWith('  ├─ ✔ image linux/arm64 — deployable'))).toContain(child.slice(0, 19));
    expect(lines.find((l) => l.startsWith('  └─ · attestation (SLSA provenance v0.2)'))).toBeDefined();
    expect(lines).toContain(`  by digest   ${REGISTRY_URI}/orders-api@${child}`);
    expect(text).toContain(`by tag      ${REGISTRY_URI}/orders-api:v7-deployable`);
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
    const explanation = explain(classify(seedPush(SEED_REVISION_LONG).evidence), subjectContext('orders-api', 'v7'));

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
    const text = renderText(
      explain(classify(seedPush(SEED_REVISION_LONG).evidence), subjectContext(null, tag, { source: tag })),
      { color: true },
    );

    // Assess
    expect(text.replace(SGR, '')).not.toContain(ESC);
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text).not.toContain('\u0007');
    expect(text).toContain(visible);
    expect(text.split('\n').filter((l) => l.includes('DEPLOYABLE') && !l.includes('v7'))).toStrictEqual([]);
  });

  it('makes a hostile annotation inert in the tree', () => {
    // Act
    const text = render(hostileAnnotation(`evil${ESC}[31m\u202eRED`), subjectContext('orders-api', 'v7'));

    // Assess
    expect(text).not.toContain(ESC);
    expect(text).toContain('attestation (evil\ufffd[31mRED)');
  });

  it('cuts a 2,000-entry tree and says how much was left out', () => {
    // Act
    const text = render(wideIndex(2000), subjectContext('orders-api', 'wide'));

    // Assess
    expect(text).toContain('  └─ … 1961 more entries not shown (the JSON output has them all)');
    expect(text.split('\n').filter((l) => /^ {2}├─ /.test(l))).toHaveLength(39);
  });

  it.each([
    { maxFixes: 1, shown: 1, hidden: '  … 8 more fixes for other build tools not shown.' },
    { maxFixes: 9, shown: 9, hidden: null },
  ])('shows $maxFixes fixes when asked', ({ maxFixes, shown, hidden }) => {
    // Act
    const text = renderText(explain(classify(seedPush(SEED_REVISION_LONG).evidence), subjectContext('orders-api', 'v7')), {
      maxFixes,
    });

    // Assess
    expect(text.split('\n').filter((l) => /^ {2}\d+\. /.test(l))).toHaveLength(shown);
    if (hidden === null) expect(text).not.toContain('more fix');
    else expect(text).toContain(hidden);
  });

  it('gives a deployable image a short story without fixes', () => {
    // Prepare
    const img = image({ platform: 'linux/amd64' });

    // Act
    const text = render(imageEvidence(img), subjectContext('orders-api', 'v8'));

    // Assess
    expect(text.split('\n')[0]).toBe('✔ DEPLOYABLE  orders-api:v8');
    expect(text).toContain('orders-api:v8 is a single linux/amd64 image: Lambda can deploy it');
    expect(text).toContain(`by digest   ${REGISTRY_URI}/orders-api@${img.digest}`);
    expect(text).not.toContain('How to fix');
    expect(text).not.toContain('After the fix');
  });

  it('gives a skipped artifact one line of why', () => {
    // Prepare
    const chart = helmChartEvidence();

    // Act
    const text = render(chart, subjectContext('charts', '1'));

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
      event: failedPush('v7'),
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
