/**
 * Property tests: whatever bytes or events arrive, the core answers with data, never an exception.
 * Arbitrary JSON, arbitrary bytes and mutated valid manifests (fields dropped, replaced, retyped,
 * made huge, nested 100k deep, unicode, thousands of entries) go through parseManifest, classify,
 * planFetch, parseProvenance and parsePushEvent. Timing is the benchmark's business: here we only
 * assert that 4 MiB inputs, just under and just over ECR's limit, still get an answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fakeDigest,
  helmChart,
  image,
  index,
  jsonBytes,
  notationSignature,
  ociArtifactAttestation,
  provenanceV1,
  provenanceV02,
  rawFixture,
  schema1,
  seedCase,
  sha256,
  sociV2,
} from '../../fixtures/oci-fixtures.js';
import { classify, type Evidence, verdictFor } from '../../functions/core/classify.js';
import { isDigest } from '../../functions/core/digest.js';
import { parseEvidence } from '../../functions/core/evidence.js';
import { planFetch } from '../../functions/core/fetch-plan.js';
import { REASON_CODES, ruleFor } from '../../functions/core/lambda-rules.js';
import { MAX_MANIFEST_BYTES, parseManifest } from '../../functions/core/manifest.js';
import { MediaType } from '../../functions/core/media-type.js';
import { parseProvenance } from '../../functions/core/provenance.js';
import { parsePushEvent } from '../../functions/core/push-event.js';
import type { Verdict } from '../../functions/core/verdict.js';

const RUNS = 100;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Everything that must hold for any verdict; returns what does not. */
const verdictProblems = (verdict: Verdict, bytes: Uint8Array): string[] => {
  const problems: string[] = [];
  if (!['deployable', 'quarantined', 'skipped'].includes(verdict.verdict)) problems.push(`verdict ${verdict.verdict}`);
  if (verdict.subject.digest !== sha256(bytes)) problems.push('subject digest is not the sha256 of the bytes');
  for (const r of verdict.reasons) {
    if (!REASON_CODES.includes(r.code)) problems.push(`unknown code ${r.code}`);
    else if (r.severity !== ruleFor(r.code).severity) problems.push(`${r.code} has severity ${r.severity}`);
    if (typeof r.message !== 'string' || r.message === '') problems.push(`${r.code} has no message`);
    if (r.message.length > 20_000) problems.push(`${r.code} message is ${r.message.length} characters`);
  }
  if (verdictFor(verdict.reasons, false) !== verdict.verdict) problems.push('verdict disagrees with its reasons');
  if (verdict.verdict !== 'deployable' && verdict.reasons.length === 0) problems.push(`${verdict.verdict} without a reason`);
  return problems;
};

/**
 * Runs every byte-level entry point of the core and checks their answers. `once` skips the second
 * (strict) classification and the bare parse, for the 4 MiB inputs.
 */
const runCore = (bytes: Uint8Array, evidence: Partial<Evidence> = {}, once = false): Verdict => {
  const parsed = once ? undefined : parseManifest(bytes);
  if (parsed !== undefined && !parsed.ok) {
    expect(['MALFORMED_MANIFEST', 'DIGEST_MISMATCH']).toContain(parsed.problem.code);
    expect(typeof parsed.problem.path).toBe('string');
    expect(parsed.problem.message.length).toBeGreaterThan(0);
  }
  const full: Evidence = { ...evidence, subject: bytes };
  const verdict = classify(full, { architectures: ['arm64'] });
  expect(verdictProblems(verdict, bytes)).toStrictEqual([]);
  if (!once) {
    const strict = classify(full, { strict: true });
    expect(verdictProblems(strict, bytes).filter((p) => p !== 'verdict disagrees with its reasons')).toStrictEqual([]);
  }
  const plan = planFetch(parseEvidence(full), { architectures: ['x86_64'] });
  for (const digest of [...plan.manifests, ...plan.blobs.map((b) => b.digest)]) expect(isDigest(digest)).toBe(true);
  const provenance = parseProvenance(bytes);
  if (provenance !== null) expect(typeof provenance.predicateType).toBe('string');
  return verdict;
};

// ---------------------------------------------------------------------------------------------
// Mutations of valid documents
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/**
 * Paths to the values inside a JSON document (the root included), walked without recursion and no
 * deeper than 64 levels: a mutant nested 3,000 deep must not overflow the test's own stack.
 */
const pathsOf = (root: Json): Path[] => {
  const out: Path[] = [];
  const stack: { value: Json; path: Path }[] = [{ value: root, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    out.push(path);
    if (path.length >= 64) continue;
    if (Array.isArray(value)) {
      value.forEach((child, i) => {
        stack.push({ value: child, path: [...path, i] });
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, key] });
    }
  }
  return out;
};

/** A copy of `doc` with the value at `path` replaced (or removed when `replacement` is undefined). */
const mutateAt = (doc: Json, path: Path, replacement: Json | undefined): Json | undefined => {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(doc) && typeof head === 'number') {
    const copy = [...doc];
    const next = mutateAt(copy[head] ?? null, rest, replacement);
    if (next === undefined) copy.splice(head, 1);
    else copy[head] = next;
    return copy;
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && typeof head === 'string') {
    const copy: { [key: string]: Json } = { ...doc };
    const next = mutateAt(copy[head] ?? null, rest, replacement);
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  return doc;
};

/** Nested arrays built without recursion, so the test itself cannot overflow the stack. */
const deepArrays = (depth: number): Json => {
  let value: Json = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

const hostileValue: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom<Json>(
    null,
    -1,
    1.5,
    2 ** 60,
    '',
    'x'.repeat(200_000),
    'sha256:abc',
    `sha512:${'a'.repeat(128)}`,
    fakeDigest('mutant'),
    'application/vnd.oci.image.index.v1+json',
    'APPLICATION/VND.DOCKER.DISTRIBUTION.MANIFEST.V2+JSON; charset=utf-8',
    'application/vnd.oci.image.layer.v1.tar+zstd',
    'unknown',
    'linux',
    'aarch64',
    '\u0000\u202e',
    [],
    {},
    { architecture: 'unknown', os: 'unknown' },
  ),
  fc.integer({ min: 1, max: 3 }).map((k) => deepArrays(k * 1000)),
);

const seed = seedCase();
const sociImage = image({ platform: 'linux/amd64' });
const soci = sociV2({ image: sociImage, platform: 'linux/amd64' });
const BASES: readonly { name: string; doc: Json; evidence: Partial<Evidence> }[] = [
  { name: 'OCI image', doc: image({ platform: 'linux/arm64' }).json as Json, evidence: {} },
  { name: 'Docker image', doc: image({ format: 'docker' }).json as Json, evidence: {} },
  { name: 'seed index', doc: seed.index.json as Json, evidence: { manifests: seed.manifests, blobs: seed.blobs } },
  {
    name: 'SOCI index',
    doc: index({ entries: [{ of: sociImage, platform: 'linux/amd64' }, soci.entry] }).json as Json,
    evidence: {
      manifests: new Map([
        [sociImage.digest, sociImage.bytes],
        [soci.manifest.digest, soci.manifest.bytes],
      ]),
    },
  },
  {
    name: 'Docker list',
    doc: index({ format: 'docker', entries: [{ of: image({ format: 'docker' }), platform: 'linux/amd64' }] }).json as Json,
    evidence: {},
  },
  { name: 'schema 1', doc: JSON.parse(decoder.decode(schema1({ signed: true }).bytes)) as Json, evidence: {} },
  { name: 'attestation', doc: ociArtifactAttestation({ subject: sociImage }).manifest.json as Json, evidence: {} },
  { name: 'notation', doc: notationSignature(sociImage).json as Json, evidence: {} },
  { name: 'helm', doc: helmChart().json as Json, evidence: {} },
];

const mutation = fc
  .record({
    base: fc.nat({ max: BASES.length - 1 }),
    edits: fc.array(fc.record({ at: fc.nat(), value: hostileValue }), { minLength: 1, maxLength: 3 }),
  })
  .map(({ base, edits }) => {
    const chosen = BASES[base] ?? (BASES[0] as (typeof BASES)[number]);
    let doc: Json | undefined = chosen.doc;
    for (const edit of edits) {
      if (doc === undefined) break;
      const paths = pathsOf(doc);
      doc = mutateAt(doc, paths[edit.at % paths.length] ?? [], edit.value);
    }
    return { name: chosen.name, evidence: chosen.evidence, text: doc === undefined ? '' : JSON.stringify(doc) };
  });

describe('the core never throws', () => {
  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        runCore(encoder.encode(JSON.stringify(value)));
      }),
      { numRuns: RUNS },
    );
  });

  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        runCore(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('on arbitrary objects shaped like manifests', () => {
    const shaped = fc.record(
      {
        schemaVersion: fc.oneof(fc.constantFrom(1, 2), fc.jsonValue({ maxDepth: 1 })),
        mediaType: fc.oneof(fc.constantFrom(...Object.values(MediaType)), fc.string()),
        config: fc.jsonValue({ maxDepth: 2 }),
        layers: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
        manifests: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }),
        subject: fc.jsonValue({ maxDepth: 2 }),
        annotations: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, (value) => {
        runCore(encoder.encode(JSON.stringify(value)));
      }),
      { numRuns: RUNS },
    );
  });

  it('on mutated valid manifests (drop, replace, retype, huge, deep, unicode)', () => {
    fc.assert(
      fc.property(mutation, ({ evidence, text }) => {
        runCore(encoder.encode(text), evidence);
      }),
      { numRuns: RUNS },
    );
  });

  it('on mutated index children, configs and statements handed in as evidence', () => {
    const childMutation = fc.record({
      which: fc.constantFrom<'image' | 'attestation' | 'config' | 'statement'>('image', 'attestation', 'config', 'statement'),
      at: fc.nat(),
      value: hostileValue,
    });
    fc.assert(
      fc.property(childMutation, ({ which, at, value }) => {
        const target = {
          image: seed.image,
          attestation: seed.attestation.manifest,
          config: seed.image.config,
          statement: seed.statement,
        }[which];
        const doc = JSON.parse(decoder.decode(target.bytes)) as Json;
        const paths = pathsOf(doc);
        const mutated = mutateAt(doc, paths[at % paths.length] ?? [], value);
        const bytes = encoder.encode(mutated === undefined ? '' : JSON.stringify(mutated));
        // The mutant is stored under the original digest: a registry that lies.
        const manifests = new Map(seed.manifests);
        const blobs = new Map(seed.blobs);
        if (which === 'image' || which === 'attestation') manifests.set(target.digest, bytes);
        else blobs.set(target.digest, bytes);
        const verdict = runCore(seed.index.bytes, { manifests, blobs });
        expect(verdict.reasons[0]?.code).toBe('IMAGE_INDEX');
      }),
      { numRuns: RUNS },
    );
  });

  it('on mutated provenance statements', () => {
    const statements = [
      provenanceV02({ builderId: 'https://github.com/o/r/actions/runs/1', max: true }),
      provenanceV1({ vcsSource: 'x' }),
    ];
    fc.assert(
      fc.property(fc.nat({ max: 1 }), fc.nat(), hostileValue, (which, at, value) => {
        const doc = JSON.parse(decoder.decode(statements[which]?.bytes ?? new Uint8Array())) as Json;
        const paths = pathsOf(doc);
        const mutated = mutateAt(doc, paths[at % paths.length] ?? [], value);
        const result = parseProvenance(encoder.encode(mutated === undefined ? '' : JSON.stringify(mutated)));
        if (result !== null) {
          for (const [key, field] of Object.entries(result)) {
            if (field !== null) expect(typeof field, key).toBe('string');
            if (typeof field === 'string') expect(field.length, key).toBeLessThanOrEqual(512);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parsePushEvent never throws', () => {
  const base: Json = {
    version: '0',
    id: 'e1',
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: '123456789012',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': 'app',
      'image-digest': fakeDigest('event'),
      'action-type': 'PUSH',
      'image-tag': 'v1',
    },
  };

  const check = (event: unknown): void => {
    const result = parsePushEvent(event);
    expect(['push', 'skip', 'malformed']).toContain(result.kind);
    if (result.kind === 'malformed') {
      expect(result.problems.length).toBeGreaterThan(0);
      for (const problem of result.problems) expect(problem.length).toBeLessThan(1000);
    }
    if (result.kind === 'push') {
      expect(isDigest(result.push.digest)).toBe(true);
      expect(result.push.repository).toMatch(/^[a-z0-9][a-z0-9._/-]*$/);
    }
  };

  it('on arbitrary values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), check), { numRuns: RUNS });
  });

  it('on mutated push events', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(), value: hostileValue }), { minLength: 1, maxLength: 3 }), (edits) => {
        let event: Json | undefined = base;
        for (const edit of edits) {
          if (event === undefined) break;
          const paths = pathsOf(event);
          event = mutateAt(event, paths[edit.at % paths.length] ?? [], edit.value);
        }
        check(event);
      }),
      { numRuns: RUNS },
    );
  });

  it('on an event nested 100k deep', () => {
    // Prepare
    const event = { ...(base as Record<string, Json>), detail: deepArrays(100_000) };

    // Act + Assess
    check(event);
    expect(parsePushEvent(event).kind).toBe('malformed');
  });
});

describe('hostile shapes at scale', () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

  it.each([
    { name: '100k nested arrays as the document', text: deep(100_000) },
    { name: '100k nested arrays as schemaVersion', text: `{"schemaVersion":${deep(100_000)},"layers":[]}` },
    {
      name: '100k nested arrays in a layer',
      text: JSON.stringify(image().json).replace('"layers":[', `"layers":[${deep(100_000)},`),
    },
    { name: '100k nested objects', text: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}` },
    {
      name: '100k nested arrays as a predicate',
      text: `{"predicateType":"https://slsa.dev/provenance/v0.2","predicate":{"builder":${deep(100_000)}}}`,
    },
  ])('$name -> MALFORMED_MANIFEST, no throw', ({ text }) => {
    // Act
    const verdict = runCore(encoder.encode(text));

    // Assess
    expect(verdict).toMatchObject({ verdict: 'quarantined', reasons: [{ code: 'MALFORMED_MANIFEST' }] });
  });

  it('an index of 10,000 entries', () => {
    // Prepare
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      of: rawFixture(MediaType.OciManifest, `c${i}`),
      platform: ['linux/amd64', 'linux/arm64', 'windows/amd64', 'unknown/unknown'][i % 4] ?? 'linux/amd64',
    }));
    const idx = index({ entries });

    // Act
    const verdict = runCore(idx.bytes);
    const plan = planFetch(parseEvidence({ subject: idx.bytes }), {});

    // Assess
    expect(verdict.reasons[0]?.details).toMatchObject({ entryCount: 10_000, runnable: 5_000 });
    expect(plan.manifests.length).toBe(200);
  });

  it('unicode everywhere', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (text) => {
        const img = image({ platform: 'linux/arm64', annotations: { [text]: text }, extra: { [text]: text } });
        const verdict = runCore(img.bytes, { blobs: new Map([[img.config.digest, img.config.bytes]]) });
        expect(verdict.verdict).toBe('deployable');
      }),
      { numRuns: 50 },
    );
  });
});

describe('4 MiB inputs stay bounded', () => {
  /** A document of exactly `size` bytes: `prefix`, then filler, then `suffix`. */
  const ofSize = (prefix: string, fill: string, suffix: string, size: number): Uint8Array => {
    const room = size - encoder.encode(prefix + suffix).byteLength;
    const filler = fill === '' ? '' : fill.repeat(Math.floor(room / fill.length));
    const bytes = encoder.encode(`${prefix}${filler}${' '.repeat(room - filler.length)}${suffix}`);
    expect(bytes.byteLength).toBe(size);
    return bytes;
  };

  const entry = (i: number): string =>
    `{"mediaType":"${MediaType.OciManifest}","digest":"${fakeDigest(`e${i}`)}","size":${i},"platform":{"os":"linux","architecture":"amd64"}},`;

  const cases = [
    {
      name: 'an image with one huge annotation',
      make: (size: number) => {
        const json = JSON.stringify({ ...image().json, annotations: { big: '' } });
        const cut = json.lastIndexOf('""');
        return ofSize(json.slice(0, cut + 1), 'x', json.slice(cut + 1), size);
      },
      under: 'deployable',
    },
    {
      name: 'an index of about 25,000 entries',
      make: (size: number) => {
        const entries = Array.from({ length: 30_000 }, (_, i) => entry(i)).join('');
        const prefix = `{"schemaVersion":2,"mediaType":"${MediaType.OciIndex}","manifests":[`;
        const room = size - prefix.length - 2;
        const body = entries.slice(0, entries.lastIndexOf('},', room) + 1);
        return ofSize(`${prefix}${body}`, ' ', ']}', size);
      },
      under: 'quarantined',
    },
    {
      name: '2M nested arrays',
      make: (size: number) => ofSize('['.repeat(size / 2), '', ']'.repeat(size / 2), size),
      under: 'quarantined',
    },
    { name: 'whitespace around an empty object', make: (size: number) => ofSize('', ' ', '{}', size), under: 'quarantined' },
  ];

  it.each(
    cases.flatMap((c) => [
      { ...c, label: `${c.name}, 4 MiB - 1`, size: MAX_MANIFEST_BYTES - 1, expected: c.under },
      { ...c, label: `${c.name}, 4 MiB + 1`, size: MAX_MANIFEST_BYTES + 1, expected: 'quarantined' },
    ]),
  )('$label', ({ make, size, expected }) => {
    // Prepare
    const bytes = make(size);

    // Act
    const verdict = runCore(bytes, {}, true);

    // Assess
    expect(verdict.verdict).toBe(expected);
    expect(verdict.subject.size).toBe(size);
    if (size > MAX_MANIFEST_BYTES) {
      expect(verdict.reasons).toMatchObject([
        { code: 'MALFORMED_MANIFEST', message: expect.stringContaining('at most 4194304 bytes') },
      ]);
    }
  });
});

describe('the fixtures the properties start from are valid', () => {
  it.each(BASES.map((b) => ({ name: b.name, doc: b.doc, evidence: b.evidence })))('$name parses', ({ doc }) => {
    // Act
    const result = parseManifest(jsonBytes(doc));

    // Assess
    expect(result.ok).toBe(true);
  });
});
