import { describe, expect, it } from 'vitest';
import { buildKitIndex, evidenceOf, image, imageEvidence, rawFixture, withCorruptChildren } from '../../fixtures/oci-fixtures.js';
import { type ClassifyOptions, classify, type Evidence } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';
import type { SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import type { GuardFailure } from '../../functions/report/guard-failure.js';
import {
  toGuardFailureJson,
  toGuardMessageJson,
  toVerdictJson,
  VERDICT_JSON_SCHEMA,
} from '../../functions/report/verdict-json.js';
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

type Schema = Readonly<Record<string, unknown>>;

/**
 * The subset of JSON Schema 2020-12 the published schema uses: type, const, enum, required,
 * properties, additionalProperties: false, items, oneOf, pattern and local $ref. Returns the paths
 * that do not conform.
 */
const violations = (value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] => {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = ref
      .replace('#/', '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Schema)[key], root);
    return violations(value, target as Schema, root, path);
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((option) => violations(value, option, root, path).length === 0);
    return passing.length === 1 ? [] : [`${path}: matches ${passing.length} oneOf options`];
  }
  const errors: string[] = [];
  if ('const' in schema && value !== schema.const) errors.push(`${path}: not ${String(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: ${String(value)} not in enum`);
  const typeOf = (v: unknown): string =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number')))
      errors.push(`${path}: ${actual} is not ${allowed.join('|')}`);
  }
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) {
    errors.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) errors.push(`${path}.${key}: missing`);
    for (const [key, item] of Object.entries(object)) {
      const sub = properties[key];
      if (sub !== undefined) errors.push(...violations(item, sub, root, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => {
      errors.push(...violations(item, schema.items as Schema, root, `${path}[${i}]`));
    });
  }
  return errors;
};

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
    expect(violations(json, VERDICT_JSON_SCHEMA)).toStrictEqual([]);
    expect(json).toMatchObject({ schemaVersion: 1, verdict: verdict.verdict });
  });

  it('would notice a missing field, an extra field and a wrong enum', () => {
    // Prepare
    const json = JSON.parse(
      JSON.stringify(toVerdictJson(classify(seedPush().evidence), subjectContext('orders-api', 'v7'))),
    ) as Record<string, unknown>;
    const broken = { ...json, verdict: 'maybe', extra: true, tree: { ...(json.tree as object), children: [{ label: 'x' }] } };
    delete (broken as Record<string, unknown>).provenance;

    // Act
    const errors = violations(broken, VERDICT_JSON_SCHEMA);

    // Assess
    expect(errors).toEqual(
      expect.arrayContaining([
        '$.provenance: missing',
        '$.extra: not allowed',
        '$.verdict: maybe not in enum',
        '$.tree.children[0].digest: missing',
      ]),
    );
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
    expect(violations(JSON.parse(JSON.stringify(json)), VERDICT_JSON_SCHEMA)).toStrictEqual([]);
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
