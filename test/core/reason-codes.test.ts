import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fakeDigest,
  helmChart,
  image,
  index,
  jsonBytes,
  jsonFixture,
  pool,
  schema1,
  seedCase,
} from '../../fixtures/oci-fixtures.js';
import { type ClassifyOptions, classify, type Evidence, verdictFor } from '../../functions/core/classify.js';
import { LAMBDA_RULES, REASON_CODES, type ReasonCode, ruleFor } from '../../functions/core/lambda-rules.js';
import { MediaType } from '../../functions/core/media-type.js';
import type { Reason } from '../../functions/core/reason.js';
import type { VerdictName } from '../../functions/core/verdict.js';

interface Case {
  readonly evidence: () => Evidence;
  readonly options?: ClassifyOptions;
  readonly verdict: VerdictName;
}

const withConfig = (img: ReturnType<typeof image>): Evidence => ({ subject: img.bytes, blobs: pool(img.config) });
const GiB = 1024 ** 3;

/**
 * One generated fixture per reason code. Typed as a record over every code, so a code added to
 * the rules table without a fixture here fails to compile.
 */
const ONE_PER_CODE: Record<ReasonCode, Case> = {
  MALFORMED_MANIFEST: { evidence: () => ({ subject: jsonBytes({ schemaVersion: 2, layers: 'none' }) }), verdict: 'quarantined' },
  DIGEST_MISMATCH: { evidence: () => ({ subject: image().bytes, expectedDigest: fakeDigest('other') }), verdict: 'quarantined' },
  MALFORMED_CONFIG: {
    evidence: () =>
      withConfig(
        image({ config: jsonFixture(MediaType.OciConfig, { architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } }) }),
      ),
    verdict: 'quarantined',
  },
  IMAGE_INDEX: { evidence: () => ({ subject: seedCase().index.bytes }), verdict: 'quarantined' },
  SCHEMA1_MANIFEST: { evidence: () => ({ subject: schema1({ signed: true }).bytes }), verdict: 'quarantined' },
  NOT_LINUX: { evidence: () => withConfig(image({ platform: 'windows/amd64' })), verdict: 'quarantined' },
  UNSUPPORTED_ARCHITECTURE: { evidence: () => withConfig(image({ platform: 'linux/riscv64' })), verdict: 'quarantined' },
  ARCHITECTURE_MISMATCH: {
    evidence: () => withConfig(image({ platform: 'linux/arm64' })),
    options: { architectures: ['x86_64'] },
    verdict: 'quarantined',
  },
  INDEX_PLATFORM_MISMATCH: {
    evidence: () => {
      const s390x = image({ platform: 'linux/s390x' });
      const lying = index({ entries: [{ of: s390x, platform: 'linux/amd64' }] });
      return { subject: lying.bytes, manifests: pool(s390x), blobs: pool(s390x.config) };
    },
    verdict: 'quarantined',
  },
  ENCRYPTED_LAYER: { evidence: () => withConfig(image({ layers: [MediaType.OciLayerEncrypted] })), verdict: 'quarantined' },
  FOREIGN_LAYER: {
    evidence: () => withConfig(image({ format: 'docker', layers: [MediaType.DockerForeignLayerGzip] })),
    verdict: 'quarantined',
  },
  UNSUPPORTED_LAYER_MEDIA_TYPE: {
    evidence: () => withConfig(image({ layers: [MediaType.OciLayerGzip, MediaType.HelmChart] })),
    verdict: 'quarantined',
  },
  UNSUPPORTED_CONFIG_MEDIA_TYPE: {
    evidence: () => ({ subject: image({ format: 'docker', configDescriptor: { mediaType: 'application/octet-stream' } }).bytes }),
    verdict: 'quarantined',
  },
  IMAGE_TOO_LARGE: {
    evidence: () => withConfig(image({ layers: [{ size: 11 * GiB }] })),
    verdict: 'quarantined',
  },
  UNCOMPRESSED_LAYER: {
    evidence: () => withConfig(image({ layers: [MediaType.OciLayerGzip, MediaType.OciLayer] })),
    verdict: 'quarantined',
  },
  UNVERIFIED_LAYER_COMPRESSION: {
    evidence: () => withConfig(image({ layers: [MediaType.OciLayerZstd] })),
    verdict: 'deployable',
  },
  NONDISTRIBUTABLE_LAYER: {
    evidence: () => withConfig(image({ layers: [MediaType.OciLayerNondistributableGzip] })),
    verdict: 'deployable',
  },
  ARCHITECTURE_UNKNOWN: { evidence: () => ({ subject: image().bytes }), verdict: 'deployable' },
  LARGE_MANIFEST: {
    evidence: () => withConfig(image({ annotations: { notes: 'n'.repeat(30_000) } })),
    verdict: 'deployable',
  },
  NOT_A_CONTAINER_IMAGE: { evidence: () => ({ subject: helmChart().bytes }), verdict: 'skipped' },
};

describe('every reason code has a generated fixture that yields it', () => {
  it.each(REASON_CODES.map((code) => ({ code, ...ONE_PER_CODE[code] })))(
    '$code -> $verdict',
    ({ code, evidence, options, verdict }) => {
      // Act
      const result = classify(evidence(), options);

      // Assess
      expect(result.verdict).toBe(verdict);
      const found = result.reasons.find((r) => r.code === code);
      expect(found).toMatchObject({ code, severity: ruleFor(code).severity, status: ruleFor(code).status });
      expect(found?.message.length).toBeGreaterThan(10);
    },
  );

  it.each(REASON_CODES.filter((code) => ruleFor(code).severity === 'warning'))('%s alone quarantines under strict', (code) => {
    // Prepare
    const { evidence, options } = ONE_PER_CODE[code];

    // Act
    const result = classify(evidence(), { ...options, strict: true });

    // Assess
    expect(result.verdict).toBe('quarantined');
  });
});

describe('the rules table', () => {
  it.each(Object.values(LAMBDA_RULES).map((row) => ({ ...row })))(
    '$code has sources, a status, a title and a one-line rule',
    (row) => {
      // Assess
      expect(row.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(row.sources.length).toBeGreaterThan(0);
      for (const source of row.sources) {
        expect(source.url).toMatch(/^https:\/\//);
        expect(source.title.length).toBeGreaterThan(10);
      }
      expect(['confirmed', 'practice', 'unverified']).toContain(row.status);
      expect(['error', 'warning', 'info']).toContain(row.severity);
      expect(row.rule).not.toContain('\n');
      expect(row.title.length).toBeGreaterThan(3);
    },
  );

  it.each(Object.values(LAMBDA_RULES).flatMap((row) => row.predicates.map((predicate) => ({ code: row.code, predicate }))))(
    '$code names its predicate $predicate, which exists and emits the code',
    ({ code, predicate }) => {
      // Prepare
      const [file, name] = predicate.split('#');
      const source = readFileSync(new URL(`../../functions/core/${file}`, import.meta.url), 'utf8');

      // Assess
      expect(source).toMatch(new RegExp(`\\bconst ${name} = `));
      expect(source).toContain(`'${code}'`);
    },
  );

  it('answers every error with a fix catalogue, and nothing else with a fix it does not need', () => {
    // Assess
    for (const row of Object.values(LAMBDA_RULES)) {
      if (row.severity === 'error') expect(row.remedy, row.code).not.toBeNull();
      if (row.severity === 'info') expect(row.remedy, row.code).toBeNull();
    }
  });

  it('holds the codes of the contract, each once', () => {
    // Assess
    expect([...REASON_CODES].sort()).toStrictEqual(
      [
        'IMAGE_INDEX',
        'SCHEMA1_MANIFEST',
        'NOT_LINUX',
        'UNSUPPORTED_ARCHITECTURE',
        'ARCHITECTURE_MISMATCH',
        'INDEX_PLATFORM_MISMATCH',
        'ENCRYPTED_LAYER',
        'FOREIGN_LAYER',
        'UNSUPPORTED_LAYER_MEDIA_TYPE',
        'UNSUPPORTED_CONFIG_MEDIA_TYPE',
        'IMAGE_TOO_LARGE',
        'MALFORMED_MANIFEST',
        'MALFORMED_CONFIG',
        'DIGEST_MISMATCH',
        'UNVERIFIED_LAYER_COMPRESSION',
        'UNCOMPRESSED_LAYER',
        'NONDISTRIBUTABLE_LAYER',
        'ARCHITECTURE_UNKNOWN',
        'LARGE_MANIFEST',
        'NOT_A_CONTAINER_IMAGE',
      ].sort(),
    );
  });

  it.each([
    { name: 'no reasons', codes: [], strict: false, verdict: 'deployable' },
    { name: 'a warning', codes: ['ARCHITECTURE_UNKNOWN'], strict: false, verdict: 'deployable' },
    { name: 'a warning, strict', codes: ['ARCHITECTURE_UNKNOWN'], strict: true, verdict: 'quarantined' },
    { name: 'an error', codes: ['IMAGE_INDEX'], strict: false, verdict: 'quarantined' },
    { name: 'a skip', codes: ['NOT_A_CONTAINER_IMAGE'], strict: true, verdict: 'skipped' },
    { name: 'a skip beside an error', codes: ['NOT_A_CONTAINER_IMAGE', 'NOT_LINUX'], strict: false, verdict: 'skipped' },
  ] satisfies { name: string; codes: ReasonCode[]; strict: boolean; verdict: VerdictName }[])(
    'verdictFor: $name -> $verdict',
    ({ codes, strict, verdict }) => {
      // Prepare
      // Only severity and code decide a verdict; details do not matter here.
      const reasons = codes.map((code) => ({ ...ruleFor(code), message: code, details: {} }) as unknown as Reason);

      // Act
      const result = verdictFor(reasons, strict);

      // Assess
      expect(result).toBe(verdict);
    },
  );
});
