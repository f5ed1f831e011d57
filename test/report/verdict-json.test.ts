import { describe, expect, it } from 'vitest';
import { buildKitIndex, evidenceOf, image, imageEvidence, rawFixture, withCorruptChildren } from '../../fixtures/oci-fixtures.js';
import { type ClassifyOptions, classify, type Evidence } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';
import type { SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import type { GuardFailure } from '../../functions/report/guard-failure.js';
import type { VerdictJson } from '../../functions/report/verdict-json.js';
import { toGuardFailureJson, toGuardMessageJson, toVerdictJson } from '../../functions/report/verdict-json.js';
import {
  GITHUB_RUN,
  helmChartEvidence,
  PUSH_EVENT,
  REGISTRY_URI,
  seedPush,
  seedVerdict,
  subjectContext,
  zstdImage,
} from '../support/seed-explanations.js';
import { verdictSchemaViolations } from '../support/verdict-schema.js';

const violations = verdictSchemaViolations;

type VerdictJsonShape = { -readonly [K in keyof VerdictJson]: VerdictJson[K] };

const STORIES: readonly { name: string; evidence: () => Evidence; options?: ClassifyOptions; context: SubjectContext }[] = [
  {
    name: 'seed story',
    evidence: () => seedPush().evidence,
    options: { architectures: ['arm64'] },
    context: subjectContext('orders-api', 'v7'),
  },
  {
    name: 'multi-platform index',
    evidence: () => buildKitIndex({ architectures: ['amd64', 'arm64'], attestations: 'none' }).evidence,
    context: subjectContext('orders-api', 'm'),
  },
  {
    name: 'plain image',
    evidence: () => imageEvidence(image({ platform: 'linux/amd64' })),
    context: subjectContext('orders-api', 'v8'),
  },
  { name: 'zstd warning', evidence: zstdImage, context: subjectContext('orders-api', 'z') },
  {
    name: 'Helm chart',
    evidence: helmChartEvidence,
    context: subjectContext('charts', '1'),
  },
  {
    name: 'not JSON',
    evidence: () => evidenceOf(rawFixture(MediaType.OciManifest, 'not json')),
    context: subjectContext(null, null),
  },
  {
    name: 'unreadable children',
    evidence: () => withCorruptChildren(seedPush().evidence),
    context: subjectContext('orders-api', 'bad'),
  },
];

describe('toVerdictJson', () => {
  it.each(STORIES)('conforms to VERDICT_JSON_SCHEMA: $name', ({ evidence, options, context }) => {
    // Prepare
    const verdict = classify(evidence(), options);

    // Act
    const json = JSON.parse(JSON.stringify(toVerdictJson(verdict, context))) as unknown;

    // Assess
    expect(violations(json)).toStrictEqual([]);
    expect(json).toMatchObject({ schemaVersion: 1, verdict: verdict.verdict });
  });

  it.each([
    ['a missing field', (json: Record<string, unknown>) => delete json.provenance, '/ required'],
    ['a wrong enum', (json: Record<string, unknown>) => Object.assign(json, { verdict: 'maybe' }), '/verdict enum'],
    ['a wrong type', (json: Record<string, unknown>) => Object.assign(json, { reasons: {} }), '/reasons type'],
    [
      'a child without a digest',
      (json: Record<string, unknown>) => Object.assign(json, { tree: { ...(json.tree as object), children: [{ label: 'x' }] } }),
      '/tree/children/0 required',
    ],
  ])('refuses %s', (_name, breakIt, expected) => {
    // Prepare
    const json = JSON.parse(
      JSON.stringify(toVerdictJson(classify(seedPush().evidence), subjectContext('orders-api', 'v7'))),
    ) as Record<string, unknown>;
    breakIt(json);

    // Act
    const errors = violations(json);

    // Assess
    expect(errors.some((error) => error.startsWith(expected))).toBe(true);
  });

  it('lets a v1 consumer accept a later output: fields are only added, at any depth', () => {
    // Prepare: what a later version might add next to every v1 field.
    const json = JSON.parse(
      JSON.stringify(toVerdictJson(classify(seedPush().evidence), subjectContext('orders-api', 'v7'))),
    ) as VerdictJsonShape;
    const later = {
      ...json,
      addedLater: { anything: true },
      subject: { ...json.subject, addedLater: 1 },
      reasons: json.reasons.map((r) => ({ ...r, addedLater: 'x' })),
      tree: { ...json.tree, addedLater: [], children: json.tree.children.map((c) => ({ ...c, addedLater: null })) },
      deployableChild: json.deployableChild === null ? null : { ...json.deployableChild, addedLater: 2 },
      provenance: json.provenance === null ? null : { ...json.provenance, addedLater: 'y' },
    };

    // Act + Assess
    expect(violations(later)).toStrictEqual([]);
    expect(json.deployableChild).not.toBeNull();
    expect(json.provenance).not.toBeNull();
  });

  it('is what the seed story needs: subject, reasons, child, tree and provenance', () => {
    // Prepare
    const { push, verdict } = seedVerdict();

    // Act
    const json = toVerdictJson(verdict, subjectContext('orders-api', 'v7'));

    // Assess
    expect(json.subject).toStrictEqual({
      digest: push.index.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      kind: 'index',
      size: push.index.size,
      repository: 'orders-api',
      tag: 'v7',
      source: null,
    });
    expect(json.reasons.map((r) => [r.code, r.severity, r.status])).toStrictEqual([['IMAGE_INDEX', 'error', 'practice']]);
    expect(json.reasons[0]?.details).toMatchObject({ runnable: 1, attestations: 1, entryCount: 2 });
    expect(json.deployableChild).toStrictEqual({
      digest: push.images[0]?.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: push.images[0]?.size,
      platform: { os: 'linux', architecture: 'arm64', lambdaArchitecture: 'arm64', from: 'config' },
    });
    expect(json.tree.children.map((c) => [c.role, c.mark, c.platform])).toStrictEqual([
      ['runnable', 'ok', 'linux/arm64'],
      ['attestation', 'ignored', 'unknown/unknown'],
    ]);
    expect(json.provenance).toMatchObject({ ciRunUrl: GITHUB_RUN, ciProvider: 'github-actions', vcsRevision: '4f2c1e0d9b8a' });
  });

  it('bounds the tree, keeping the deployable child, and the details', () => {
    // Prepare: 100 images; with an x86_64 target the last one is the child to deploy.
    const arm = Array.from({ length: 99 }, () => 'arm64');
    const verdict = classify(buildKitIndex({ architectures: [...arm, 'amd64'], attestations: 'none' }).evidence, {
      architectures: ['x86_64'],
    });

    // Act
    const json = toVerdictJson(verdict, subjectContext('orders-api', 'w'), { maxTreeChildren: 5, maxArray: 3, maxString: 40 });

    // Assess
    expect(json.tree.children).toHaveLength(5);
    expect(json.tree.omittedChildren).toBe(95);
    expect(json.tree.children[4]).toMatchObject({ mark: 'ok', platform: 'linux/amd64', digest: verdict.deployableChild?.digest });
    expect(json.reasons[0]?.details.entries).toHaveLength(3);
    expect(json.reasons[0]?.message.length).toBeLessThanOrEqual(40);
    expect(violations(JSON.parse(JSON.stringify(json)))).toStrictEqual([]);
  });
});

describe('toGuardMessageJson', () => {
  it('adds the event, the tags and the deploy-now URIs', () => {
    // Prepare
    const { push, verdict, child } = seedVerdict();
    const tagging: TagOutcome[] = [
      { tag: 'v7-quarantined', digest: push.index.digest, outcome: 'planned', purpose: 'verdict' },
      { tag: 'v7-deployable', digest: child, outcome: 'planned', purpose: 'deployable-child' },
    ];

    // Act
    const json = toGuardMessageJson(verdict, subjectContext('orders-api', 'v7', { tagging }), PUSH_EVENT);

    // Assess
    expect(violations(JSON.parse(JSON.stringify(json)))).toStrictEqual([]);
    expect(json).toMatchObject({
      schemaVersion: 1,
      type: 'verdict',
      verdict: 'quarantined',
      eventId: PUSH_EVENT.eventId,
      eventTime: '2026-02-13T10:00:00Z',
      account: '123456789012',
      region: 'eu-west-1',
      repository: 'orders-api',
      tags: tagging,
      truncated: false,
      deployNow: {
        digest: child,
        platform: 'linux/arm64',
        uriByDigest: `${REGISTRY_URI}/orders-api@${child}`,
        uriByTag: `${REGISTRY_URI}/orders-api:v7-deployable`,
        tag: 'v7-deployable',
      },
    });
  });

  it.each([
    { name: 'unbounded', bounds: {}, truncated: false },
    { name: 'bounded tree', bounds: { maxTreeChildren: 1 }, truncated: true },
  ])('says whether it was shortened: $name', ({ bounds, truncated }) => {
    // Act
    const json = toGuardMessageJson(
      classify(seedPush().evidence),
      subjectContext('orders-api', 'v7'),
      { ...PUSH_EVENT, time: '' },
      bounds,
    );

    // Assess
    expect(json.truncated).toBe(truncated);
    expect(json.eventTime).toBeNull();
  });
});

describe('toGuardFailureJson', () => {
  it('describes the push that could not be checked', () => {
    // Prepare
    const failure: GuardFailure = {
      code: 'ACCESS_DENIED',
      message: 'x'.repeat(5000),
      event: { ...PUSH_EVENT, digest: `sha256:${'cd'.repeat(32)}`, tag: null },
    };

    // Act
    const json = toGuardFailureJson(failure);

    // Assess
    expect(json).toMatchObject({
      schemaVersion: 1,
      type: 'error',
      verdict: 'error',
      error: { code: 'ACCESS_DENIED' },
      subject: { digest: `sha256:${'cd'.repeat(32)}`, tag: null, repository: 'orders-api' },
      eventId: PUSH_EVENT.eventId,
      repository: 'orders-api',
    });
    expect(json.error.message.length).toBe(2000);
  });
});
