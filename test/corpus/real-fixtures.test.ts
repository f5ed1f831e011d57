/**
 * The shared corpus of real manifests, configs, statements and events (`../shared/fixtures/real/`,
 * described by its SOURCES.tsv), run through the core.
 *
 * - `kind` starting with `eventbridge-` → `parsePushEvent`; every other file → `classify()` with an
 *   evidence pool of ALL corpus files keyed by sha256, so configs, children and statements that
 *   belong together are found by digest, as a registry would find them.
 * - Expected `deployable` → deployable, `not-deployable-*` → quarantined, `not-an-image-artifact` →
 *   skipped, `invalid` → quarantined with MALFORMED_MANIFEST.
 * - `unknown` files: one explicit judgement per file in {@link JUDGED}; unknown files not in the table
 *   (the CI corpus may hold more) are checked for invariants only and counted as unjudged.
 *
 * Where we accept an expected verdict only with a caveat, {@link CAVEATS} asserts the caveat.
 * We disagree with no expected verdict of this corpus; a disagreement would go in {@link OVERRIDES}
 * with its reason.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../fixtures/oci-fixtures.js';
import { classify, verdictFor } from '../../functions/core/classify.js';
import { REASON_CODES, type ReasonCode, ruleFor } from '../../functions/core/lambda-rules.js';
import type { ArtifactKind } from '../../functions/core/media-type.js';
import { type EventParse, parsePushEvent } from '../../functions/core/push-event.js';
import type { Verdict, VerdictName } from '../../functions/core/verdict.js';
import { treeOf } from '../../functions/report/tree.js';
import { toVerdictJson } from '../../functions/report/verdict-json.js';
import { subjectContext } from '../support/seed-explanations.js';
import { verdictSchemaViolations } from '../support/verdict-schema.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = resolve(REPO_ROOT, process.env.ECR_LAMBDA_GUARD_CORPUS ?? '../shared/fixtures/real');
const SOURCES = join(CORPUS, 'SOURCES.tsv');
const isSet = (value: string | undefined): boolean => value !== undefined && value !== '' && value !== '0' && value !== 'false';
const REQUIRED = isSet(process.env.CI) || isSet(process.env.REQUIRE_TOOLS);
const PRESENT = existsSync(SOURCES);

type EventOutcome = EventParse['kind'];

/** Our judgement of a file whose expected verdict is `unknown`. */
type Judgement =
  | {
      readonly verdict: VerdictName;
      /** The reason codes, as a set. */
      readonly codes: readonly ReasonCode[];
      readonly artifactKind?: ArtifactKind;
      readonly why: string;
    }
  | { readonly event: EventOutcome; readonly tag?: string | null; readonly why: string };

const CONFIG_BLOB = 'is an image config blob, not a manifest: fed as the subject it is malformed';
const STATEMENT = 'is an in-toto statement (attestation blob), not a manifest';
const DESCRIPTOR = 'is a content descriptor (the pointer), not the manifest it points at';

/** One judgement per `unknown` file, keyed by its `file` column. */
const JUDGED: Readonly<Record<string, Judgement>> = {
  'artifacts/cosign-signature-config-85ad8e17d3d7c00664855c638832bd99f32d42542c2d587851410a45a7f60b95.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `cosign's signature config ${CONFIG_BLOB}`,
  },
  'buildkit-attestation/buildx-attestation-config-f3d7356a6b37f2298ef338066f12410ceb9a1f6c58fb570e84914d97870de5c2.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `the attestation manifest's unknown/unknown config ${CONFIG_BLOB}`,
  },
  'buildkit-attestation/buildx-provenance-max-predicate-23d23b89c07493ffeb86bc3bc72c90f456e0b9f7d2bce185c07aa9aaa8b77498.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: 'a bare SLSA predicate (no in-toto envelope) is an attestation blob, not a manifest',
  },
  'buildkit-attestation/buildx-provenance-min-26418efea0e73f6d53caec7094235ed1b16d6f7b31981fd7076760022c8e366d.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `SLSA v0.2 provenance ${STATEMENT}`,
  },
  'buildkit-attestation/buildx-provenance-slsa-v1-statement.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `SLSA v1 provenance ${STATEMENT}`,
  },
  'buildkit-attestation/dockerhub-alpine-provenance-max-amd64-resorted.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `mode=max provenance ${STATEMENT}`,
  },
  'buildkit-attestation/dockerhub-alpine-sbom-spdx-statement-amd64-resorted.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `an SPDX SBOM ${STATEMENT}`,
  },
  'compression/containers-image-ociv1.encrypted.manifest.json': {
    verdict: 'quarantined',
    codes: ['ENCRYPTED_LAYER', 'ARCHITECTURE_UNKNOWN'],
    why: 'ocicrypt layers cannot be decrypted by Lambda; the config is not in the corpus, so the platform is unknown',
  },
  'compression/containers-image-ociv1.nondistributable.manifest.json': {
    verdict: 'quarantined',
    codes: ['NONDISTRIBUTABLE_LAYER', 'UNCOMPRESSED_LAYER', 'ARCHITECTURE_UNKNOWN'],
    why: 'its non-distributable layer is a plain tar: uncompressed layers have failed at function creation (rules_oci#777)',
  },
  'compression/containers-image-ociv1.uncompressed.manifest.json': {
    verdict: 'quarantined',
    codes: ['UNCOMPRESSED_LAYER', 'ARCHITECTURE_UNKNOWN'],
    why: 'uncompressed tar layers are valid OCI, but Lambda has refused them (rules_oci#777, #645): an error from practice',
  },
  'compression/containers-image-ociv1.zstd.manifest.json': {
    verdict: 'deployable',
    codes: ['UNVERIFIED_LAYER_COMPRESSION', 'ARCHITECTURE_UNKNOWN'],
    why: 'no source confirms or denies zstd on Lambda (facts 1.5): a warning, quarantined only under --strict',
  },
  'compression/containers-image-v2s2.uncompressed.manifest.json': {
    verdict: 'quarantined',
    codes: ['UNCOMPRESSED_LAYER', 'ARCHITECTURE_UNKNOWN'],
    why: 'Docker uncompressed rootfs layers: Lambda has refused uncompressed layers (rules_oci#777): an error from practice',
  },
  'compression/stargz-estargz-layer-descriptor-example.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `a single eStargz layer descriptor ${DESCRIPTOR}`,
  },
  'ecr-events/ecr-image-action-archive-media-types-awsdocs.json': {
    event: 'skip',
    why: 'UPDATE_STORAGE_CLASS (archive) is an ECR Image Action but not a push',
  },
  'ecr-events/ecr-image-action-push-awsdocs.json': {
    event: 'malformed',
    why: 'the AWS docs sample abbreviates the digest to 60 hex characters; no registry can be asked for it',
  },
  'ecr-events/ecr-image-action-push-by-digest-empty-tag.json': {
    event: 'push',
    tag: null,
    why: 'a push by digest: valid, untagged (empty image-tag means no tag)',
  },
  'ecr-events/ecr-image-scan-awsdocs.json': { event: 'skip', why: 'an ECR Image Scan event, not an image action' },
  'single-manifest/bashbrew-oci-import-image-config.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `busybox's config ${CONFIG_BLOB}`,
  },
  'single-manifest/buildx-oci-config-amd64-31fb11342ef44e567c32519f5d6418f558d043626afb9b2a9a46db6f05dfdd9b.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `a buildx amd64 config ${CONFIG_BLOB}`,
  },
  'single-manifest/containers-image-ociv1nomime.manifest.json': {
    verdict: 'deployable',
    codes: ['ARCHITECTURE_UNKNOWN'],
    why: 'an OCI manifest without mediaType, sniffed from layers[]; valid; its config is not in the corpus',
  },
  'single-manifest/containers-image-schema2-config-9ca4bda0a6b3727a6ffcc43e981cad0f24e2ec79d338f6ba325b4dfd0756fb8f.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `a Docker image config ${CONFIG_BLOB}`,
  },
  'single-manifest/containers-image-schema2-octet-stream-config.json': {
    verdict: 'quarantined',
    codes: ['UNSUPPORTED_CONFIG_MEDIA_TYPE'],
    why: 'Lambda names the config media type among what it refuses; the config bytes (found by digest) say linux/amd64',
  },
  'single-manifest/containers-image-v2s2nomime.manifest.json': {
    verdict: 'deployable',
    codes: ['ARCHITECTURE_UNKNOWN'],
    why: 'a schema 2 manifest without mediaType, sniffed as Docker from its config type; config not in the corpus',
  },
  'single-manifest/dkregistry-quay-ocp-release-config-cf85f02c014c5b46f8aa46242802c16b30a9be16fc0f595d22faf419a1cb731e.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `quay's config ${CONFIG_BLOB}`,
  },
  'single-manifest/dockerhub-alpine-oci-config-amd64-resorted.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `alpine's config ${CONFIG_BLOB}`,
  },
  'single-manifest/image-spec-config-example.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `the image-spec config example ${CONFIG_BLOB}`,
  },
  'spec-tests/image-spec-config-case07-pass.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `a valid config ${CONFIG_BLOB}`,
  },
  'spec-tests/image-spec-descriptor-case00-pass.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `a valid descriptor ${DESCRIPTOR}`,
  },
  'spec-tests/image-spec-descriptor-case01-pass.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `a zero-length blob descriptor ${DESCRIPTOR}`,
  },
  'spec-tests/image-spec-descriptor-case16-pass.json': {
    verdict: 'quarantined',
    codes: ['MALFORMED_MANIFEST'],
    why: `a descriptor with urls ${DESCRIPTOR}`,
  },
  'spec-tests/image-spec-manifest-case03-pass.json': {
    verdict: 'deployable',
    codes: ['ARCHITECTURE_UNKNOWN'],
    why: 'a valid OCI image manifest with gzip layers and annotations; the config is not in the corpus',
  },
  'spec-tests/image-spec-manifest-case04-pass.json': {
    verdict: 'deployable',
    codes: ['ARCHITECTURE_UNKNOWN'],
    why: 'a valid OCI image manifest with only required fields; the config is not in the corpus',
  },
  'spec-tests/image-spec-manifest-case07-pass.json': {
    verdict: 'deployable',
    codes: ['ARCHITECTURE_UNKNOWN'],
    why: 'an image config over a gzip layer stays an image even with a subject (OCI 1.1 allows it)',
  },
  'spec-tests/image-spec-manifest-case10-pass.json': {
    verdict: 'skipped',
    codes: ['NOT_A_CONTAINER_IMAGE'],
    artifactKind: 'artifact',
    why: 'an OCI manifest whose config is not an image config is an artifact by definition (image-spec manifest.md)',
  },
  'windows-foreign/containers-image-schema2-all-media-types.json': {
    verdict: 'quarantined',
    codes: ['FOREIGN_LAYER', 'UNCOMPRESSED_LAYER', 'DIGEST_MISMATCH'],
    why: 'foreign layers live outside ECR; and the config found by digest is 5940 bytes where the manifest says 4651',
  },
  'windows-foreign/containers-image-v2s2-foreign-gzip-layer.json': {
    verdict: 'quarantined',
    codes: ['FOREIGN_LAYER', 'ARCHITECTURE_UNKNOWN'],
    why: 'a foreign (Windows base) layer is fetched from urls outside the registry; config not in the corpus',
  },
};

/** Expected verdicts we accept, with a caveat we assert as well. */
const CAVEATS: Readonly<Record<string, { readonly codes: readonly ReasonCode[]; readonly why: string }>> = {
  'single-manifest/buildx-oci-manifest-amd64-0f90b7af6b2fef777963e3e1ca4fd66f378af93f5fe46304886943a4c0c7a46b.json': {
    codes: ['UNCOMPRESSED_LAYER'],
    why: 'quarantined (see OVERRIDES): its uncompressed tar layer is refused by Lambda in practice',
  },
  'single-manifest/containers-image-v2s2.manifest.json': {
    codes: ['ARCHITECTURE_UNKNOWN'],
    why: 'deployable as expected; its config blob is not in the corpus, so OS and architecture stay unchecked',
  },
  'buildkit-attestation/buildx-mp-image-index-5ac2d3ac39878329a6328eba5b2a6e5e7a06279244eea0f2ea893f76cefff26c.json': {
    codes: ['IMAGE_INDEX'],
    why: 'an index as expected; its amd64 child and provenance are in the corpus, so provenance is read',
  },
};

/** Expected verdicts we disagree with: file → what we assert instead, and why. */
const OVERRIDES: Readonly<Record<string, { readonly verdict: VerdictName; readonly why: string }>> = {
  'single-manifest/buildx-oci-manifest-amd64-0f90b7af6b2fef777963e3e1ca4fd66f378af93f5fe46304886943a4c0c7a46b.json': {
    verdict: 'quarantined',
    why: 'its single layer is an uncompressed tar; Lambda has refused such layers (rules_oci#777, #645), so the guard quarantines it (UNCOMPRESSED_LAYER, practice)',
  },
};

interface Row {
  readonly file: string;
  readonly repository: string;
  readonly kind: string;
  readonly verdict: string;
  readonly note: string;
}

const readRows = (): Row[] => {
  const lines = readFileSync(SOURCES, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split('\t');
  const column = (name: string): number => {
    const at = header.indexOf(name);
    if (at === -1) throw new Error(`SOURCES.tsv has no "${name}" column (header: ${header.join(', ')})`);
    return at;
  };
  const at = {
    file: column('file'),
    repository: column('repository'),
    kind: column('kind'),
    verdict: column('verdict'),
    note: column('note'),
  };
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    return {
      file: cells[at.file] ?? '',
      repository: cells[at.repository] ?? '',
      kind: cells[at.kind] ?? '',
      verdict: cells[at.verdict] ?? '',
      note: cells[at.note] ?? '',
    };
  });
};

/** Every file of the corpus (SOURCES.tsv aside), keyed by the sha256 of its bytes. */
const readPool = (): Map<string, Uint8Array> => {
  const pool = new Map<string, Uint8Array>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && relative(CORPUS, path) !== 'SOURCES.tsv') {
        const bytes = new Uint8Array(readFileSync(path));
        pool.set(sha256(bytes), bytes);
      }
    }
  };
  walk(CORPUS);
  return pool;
};

/** What must hold for any verdict on any input. */
const expectWellFormedVerdict = (verdict: Verdict, bytes: Uint8Array): void => {
  expect(['deployable', 'quarantined', 'skipped']).toContain(verdict.verdict);
  expect(verdict.subject.digest).toBe(sha256(bytes));
  expect(verdict.subject.size).toBe(bytes.byteLength);
  expect(treeOf(verdict).digest).toBe(verdict.subject.digest);
  for (const r of verdict.reasons) {
    expect(REASON_CODES).toContain(r.code);
    expect(r.severity).toBe(ruleFor(r.code).severity);
    expect(r.status).toBe(ruleFor(r.code).status);
    expect(typeof r.message).toBe('string');
    expect(r.message.length).toBeGreaterThan(0);
    expect(typeof r.details).toBe('object');
  }
  expect(verdict.verdict).toBe(verdictFor(verdict.reasons, false));
  if (verdict.verdict !== 'deployable') expect(verdict.reasons.length).toBeGreaterThan(0);
  if (verdict.deployableChild !== null) expect(verdict.subject.kind).toBe('index');
  expect(JSON.parse(JSON.stringify(verdict))).toStrictEqual(verdict);
};

const expectWellFormedEvent = (result: EventParse): void => {
  expect(['push', 'skip', 'malformed']).toContain(result.kind);
  if (result.kind === 'malformed') {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const problem of result.problems) expect(problem.length).toBeGreaterThan(0);
  }
  if (result.kind === 'push') expect(result.push.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
};

const expectedEvent = (verdict: string): EventOutcome | undefined => {
  if (verdict === 'not-an-image-artifact') return 'skip';
  if (verdict === 'invalid') return 'malformed';
  if (verdict === 'deployable' || verdict.startsWith('not-deployable-')) return 'push';
  return undefined;
};

const expectedVerdict = (verdict: string): VerdictName | undefined => {
  if (verdict === 'deployable') return 'deployable';
  if (verdict === 'not-an-image-artifact') return 'skipped';
  if (verdict === 'invalid' || verdict.startsWith('not-deployable-')) return 'quarantined';
  return undefined;
};

const counts = new Map<string, number>();
let unjudged = 0;
const count = (key: string): void => {
  counts.set(key, (counts.get(key) ?? 0) + 1);
};

describe('the real corpus', () => {
  if (!PRESENT) {
    if (REQUIRED) {
      it('is present (CI / REQUIRE_TOOLS set)', () => {
        expect.fail(`corpus not found: ${SOURCES} (set ECR_LAMBDA_GUARD_CORPUS or check out ../shared/fixtures/real)`);
      });
    } else {
      console.warn(
        `\n!!! SKIPPING the real-corpus tests: ${SOURCES} is missing. They run (and fail when missing) with CI or REQUIRE_TOOLS set.\n`,
      );
      it.skipIf(!PRESENT)('is present', () => undefined);
    }
    return;
  }

  const rows = readRows();
  const pool = readPool();

  afterAll(() => {
    const total = [...counts.values()].reduce((a, b) => a + b, unjudged);
    const parts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key} ${n}`);
    console.log(`[corpus] ${total} files checked: ${parts.join(', ')}; unjudged ${unjudged}`);
  });

  it('lists files that exist, each once', () => {
    // Assess
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.file)).size).toBe(rows.length);
    expect(rows.filter((row) => !existsSync(join(CORPUS, row.file))).map((row) => row.file)).toStrictEqual([]);
  });

  it('judges every unknown file of this table that the corpus still has', () => {
    // Assess: a stale judgement would silently stop asserting anything
    const unknownFiles = new Set(rows.filter((row) => row.verdict === 'unknown').map((row) => row.file));
    const stale = Object.keys(JUDGED).filter((file) => !unknownFiles.has(file) && rows.some((row) => row.file === file));
    expect(stale).toStrictEqual([]);
  });

  it.each(rows.map((row) => ({ ...row, name: `${row.file} [${row.verdict}]` })))('$name', (row) => {
    // Prepare
    const bytes = new Uint8Array(readFileSync(join(CORPUS, row.file)));
    const judged = JUDGED[row.file];

    if (row.kind.startsWith('eventbridge-')) {
      // Act
      let result: EventParse;
      try {
        result = parsePushEvent(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        result = { kind: 'malformed', problems: ['not JSON'] };
      }

      // Assess
      expectWellFormedEvent(result);
      const expected = expectedEvent(row.verdict);
      if (expected !== undefined) {
        expect(result.kind, row.note).toBe(expected);
        count(row.verdict);
      } else if (judged !== undefined && 'event' in judged) {
        expect(result.kind, judged.why).toBe(judged.event);
        if (judged.tag !== undefined && result.kind === 'push') expect(result.push.tag).toBe(judged.tag);
        count('unknown (judged)');
      } else {
        unjudged += 1;
      }
      return;
    }

    // Act
    const verdict = classify({ subject: bytes, manifests: pool, blobs: pool });

    // Assess
    expectWellFormedVerdict(verdict, bytes);
    const json = JSON.parse(JSON.stringify(toVerdictJson(verdict, subjectContext(null, null, { source: row.file }))));
    expect(verdictSchemaViolations(json)).toStrictEqual([]);
    const codes = [...new Set(verdict.reasons.map((r) => r.code))].sort();
    const override = OVERRIDES[row.file];
    const expected = override?.verdict ?? expectedVerdict(row.verdict);
    if (expected !== undefined) {
      expect(verdict.verdict, override?.why ?? row.note).toBe(expected);
      if (row.verdict === 'invalid') expect(codes, row.note).toContain('MALFORMED_MANIFEST');
      if (row.verdict.startsWith('not-deployable-image-index')) expect(codes).toContain('IMAGE_INDEX');
      if (row.verdict.startsWith('not-deployable-schema1')) expect(codes).toStrictEqual(['SCHEMA1_MANIFEST']);
      const caveat = CAVEATS[row.file];
      if (caveat !== undefined) expect(codes, caveat.why).toStrictEqual([...caveat.codes].sort());
      count(row.verdict);
    } else if (judged !== undefined && 'verdict' in judged) {
      expect(verdict.verdict, judged.why).toBe(judged.verdict);
      expect(codes, judged.why).toStrictEqual([...judged.codes].sort());
      if (judged.artifactKind !== undefined) expect(verdict.subject.artifactKind).toBe(judged.artifactKind);
      count('unknown (judged)');
    } else {
      unjudged += 1;
    }
  });

  it('reads the provenance of the buildx multi-platform index through the pool', () => {
    // Prepare
    const row = rows.find((r) => r.file.startsWith('buildkit-attestation/buildx-mp-image-index-'));
    if (row === undefined) return;
    const bytes = new Uint8Array(readFileSync(join(CORPUS, row.file)));

    // Act
    const verdict = classify({ subject: bytes, manifests: pool, blobs: pool }, { architectures: ['x86_64'] });

    // Assess: its children's layers are uncompressed tar (UNCOMPRESSED_LAYER), so none is offered;
    // the provenance of the first runnable-by-platform child is still read
    expect(verdict.deployableChild).toBeNull();
    expect(verdict.index?.entries.some((entry) => entry.errors.includes('UNCOMPRESSED_LAYER'))).toBe(true);
    expect(verdict.provenance).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2', mode: 'min' });
  });
});
