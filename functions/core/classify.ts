import { artifactKindOfImage, artifactKindOfManifest } from './artifact-detection.js';
import { assertNever } from './assert-never.js';
import { type Evidence, type ParsedEvidence, parseEvidence } from './evidence.js';
import { checkImage } from './image-rules.js';
import {
  analyseIndex,
  attestationFor,
  type EntryAnalysis,
  indexFacts,
  pickDeployableChild,
  servesTargets,
} from './index-analysis.js';
import type { IndexManifest, Manifest, ManifestProblem } from './manifest.js';
import type { ArtifactKind } from './media-type.js';
import { formatPlatform, type LambdaArchitecture } from './platform.js';
import { type BuildProvenance, isProvenancePredicate, parseProvenance } from './provenance.js';
import { type Reason, reason } from './reason.js';
import type { EntrySummary } from './reason-details.js';
import type { SubjectKind, Verdict, VerdictName } from './verdict.js';

export type { Evidence, ParsedEvidence } from './evidence.js';

/** How to judge. */
export interface ClassifyOptions {
  /** The function's architectures; empty or absent means "any Lambda architecture". */
  readonly architectures?: readonly LambdaArchitecture[];
  /** Quarantine on warnings too. */
  readonly strict?: boolean;
}

/** How many entries the `IMAGE_INDEX` details list (the verdict's `index` facts hold them all). */
const MAX_LISTED_ENTRIES = 50;

/** Errors quarantine, skip reasons skip, warnings quarantine only in strict mode. */
export const verdictFor = (reasons: readonly Reason[], strict: boolean): VerdictName => {
  if (reasons.some((r) => r.code === 'NOT_A_CONTAINER_IMAGE')) return 'skipped';
  if (reasons.some((r) => r.severity === 'error')) return 'quarantined';
  if (strict && reasons.some((r) => r.severity === 'warning')) return 'quarantined';
  return 'deployable';
};

const unreadable = (problem: ManifestProblem, declaredMediaType: string | undefined): Verdict => ({
  verdict: 'quarantined',
  subject: { digest: problem.digest, mediaType: declaredMediaType ?? 'unknown', kind: 'unknown', size: problem.size },
  reasons: [reason(problem.code, { path: problem.path, problem: problem.message })],
  platform: null,
  deployableChild: null,
  index: null,
  provenance: null,
});

const skipReason = (kind: ArtifactKind, manifest: Manifest): Reason =>
  reason('NOT_A_CONTAINER_IMAGE', {
    kind,
    ...('artifactType' in manifest && manifest.artifactType !== undefined ? { artifactType: manifest.artifactType } : {}),
    ...(manifest.kind === 'image' ? { configMediaType: manifest.config.mediaType } : {}),
    ...('subject' in manifest && manifest.subject !== undefined ? { subject: manifest.subject.digest } : {}),
  });

/** The provenance of the chosen image, when its attestation statement was read. */
const provenanceFor = (
  entries: readonly EntryAnalysis[],
  imageDigest: string | undefined,
  blobs: ReadonlyMap<string, Uint8Array>,
): BuildProvenance | null => {
  if (imageDigest === undefined) return null;
  const attestation = attestationFor(entries, imageDigest);
  if (attestation?.child?.kind !== 'image') return null;
  for (const layer of attestation.child.layers) {
    const predicate = layer.annotations?.['in-toto.io/predicate-type'];
    if (predicate === undefined || !isProvenancePredicate(predicate)) continue;
    const bytes = blobs.get(layer.digest);
    if (bytes !== undefined) return parseProvenance(bytes);
  }
  return null;
};

const summarise = (entry: EntryAnalysis): EntrySummary => ({
  digest: entry.descriptor.digest,
  mediaType: entry.descriptor.mediaType,
  role: entry.role,
  platform: entry.platform === null ? null : formatPlatform(entry.platform),
  ...(entry.predicateTypes.length > 0 ? { predicateTypes: entry.predicateTypes } : {}),
  ...(entry.attests === null ? {} : { attests: entry.attests }),
  ...(entry.descriptor.artifactType === undefined ? {} : { artifactType: entry.descriptor.artifactType }),
});

const countRoles = (entries: readonly EntryAnalysis[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const entry of entries) counts[entry.role] = (counts[entry.role] ?? 0) + 1;
  return counts;
};

const classifyIndex = (
  index: IndexManifest,
  evidence: ParsedEvidence,
  architectures: readonly LambdaArchitecture[],
  strict: boolean,
): Verdict => {
  const entries = analyseIndex(index, evidence);
  const chosen = pickDeployableChild(entries, architectures, strict);
  const runnable = entries.filter((entry) => entry.role === 'runnable');
  const reasons: Reason[] = [
    reason('IMAGE_INDEX', {
      mediaType: index.mediaType,
      runnable: runnable.length,
      attestations: entries.filter((entry) => entry.role === 'attestation').length,
      roles: countRoles(entries),
      entries: entries.slice(0, MAX_LISTED_ENTRIES).map(summarise),
      entryCount: entries.length,
    }),
  ];
  // Only a real absence is a mismatch: strict mode may refuse a child of the right architecture for
  // its warnings, and that is not the architecture's fault.
  const noneForTarget = !runnable.some((entry) => servesTargets(entry, architectures));
  if (chosen === null && runnable.length > 0 && architectures.length > 0 && noneForTarget) {
    // Distinct architectures: an index of thousands of amd64 entries says "amd64" once.
    const found = [...new Set(runnable.map((entry) => entry.platform?.lambdaArchitecture ?? 'unknown'))];
    reasons.push(reason('ARCHITECTURE_MISMATCH', { target: [...architectures], found }));
  }
  for (const entry of entries) {
    const at = { entry: entry.position, digest: entry.descriptor.digest };
    if (entry.problem !== null) {
      reasons.push(reason(entry.problem.code, { path: entry.problem.path, problem: entry.problem.message, ...at }));
    }
    // A child whose config is corrupt or lies about its digest, or an entry that lies about the
    // platform of its image, is an integrity failure of the push, not just an unrunnable entry:
    // report it at the index level too.
    for (const finding of entry.findings?.reasons ?? []) {
      if (finding.code === 'DIGEST_MISMATCH' || finding.code === 'MALFORMED_MANIFEST' || finding.code === 'MALFORMED_CONFIG') {
        reasons.push(reason(finding.code, { ...finding.details, ...at }));
      }
      if (finding.code === 'INDEX_PLATFORM_MISMATCH') {
        reasons.push(reason('INDEX_PLATFORM_MISMATCH', { ...finding.details, ...at }));
      }
    }
  }
  // Who built it matters for the fix even when no child can run: fall back to any image entry.
  const images = [...runnable, ...entries.filter((entry) => entry.role === 'image')];
  const provenanceSubject = chosen ?? images.find((entry) => servesTargets(entry, architectures)) ?? images[0];
  return {
    verdict: 'quarantined',
    subject: { digest: index.digest, mediaType: index.mediaType, kind: 'index', size: index.size },
    reasons,
    platform: null,
    deployableChild:
      chosen === null
        ? null
        : {
            digest: chosen.descriptor.digest,
            mediaType: chosen.descriptor.mediaType,
            size: chosen.descriptor.size,
            platform: chosen.platform,
          },
    index: indexFacts(index, entries, chosen),
    provenance: provenanceFor(entries, provenanceSubject?.descriptor.digest, evidence.blobs),
  };
};

const single = (
  manifest: Manifest,
  kind: SubjectKind,
  verdict: VerdictName,
  reasons: readonly Reason[],
  extra: Partial<Pick<Verdict, 'platform'>> & { readonly artifactKind?: ArtifactKind } = {},
): Verdict => ({
  verdict,
  subject: {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    kind,
    size: manifest.size,
    ...(extra.artifactKind === undefined ? {} : { artifactKind: extra.artifactKind }),
  },
  reasons,
  platform: extra.platform ?? null,
  deployableChild: null,
  index: null,
  provenance: null,
});

/**
 * Decides whether AWS Lambda can run the subject of parsed evidence, and why, as data. Never throws.
 * The fetch planner works on the same parsed evidence, so a push parses each manifest once.
 */
export const classifyParsed = (evidence: ParsedEvidence, options: ClassifyOptions = {}): Verdict => {
  const architectures = options.architectures ?? [];
  const strict = options.strict ?? false;
  if (!evidence.subject.ok) return unreadable(evidence.subject.problem, evidence.declaredMediaType);
  const manifest = evidence.subject.manifest;
  switch (manifest.kind) {
    case 'index':
      return classifyIndex(manifest, evidence, architectures, strict);
    case 'schema1': {
      const reasons = [
        reason('SCHEMA1_MANIFEST', {
          signed: manifest.signed,
          ...(manifest.architecture === undefined ? {} : { architecture: manifest.architecture }),
        }),
      ];
      return single(manifest, 'schema1', verdictFor(reasons, strict), reasons);
    }
    case 'artifact': {
      const kind: ArtifactKind = artifactKindOfManifest(manifest) ?? 'artifact';
      return single(manifest, 'artifact', 'skipped', [skipReason(kind, manifest)], { artifactKind: kind });
    }
    case 'image': {
      const artifactKind = artifactKindOfImage(manifest);
      if (artifactKind !== undefined) {
        return single(manifest, 'artifact', 'skipped', [skipReason(artifactKind, manifest)], { artifactKind });
      }
      const configBytes = evidence.blobs.get(manifest.config.digest);
      const findings = checkImage(manifest, { ...(configBytes === undefined ? {} : { configBytes }), architectures });
      return single(manifest, 'image', verdictFor(findings.reasons, strict), findings.reasons, { platform: findings.platform });
    }
    default:
      return assertNever(manifest, 'manifest kind');
  }
};

/**
 * Decides whether AWS Lambda can run the subject, and why, as data. Never throws.
 *
 * @example
 * const verdict = classify({ subject: bytes, expectedDigest }, { architectures: ['arm64'] });
 * verdict.verdict; // 'quarantined'
 * verdict.reasons[0]?.code; // 'IMAGE_INDEX'
 * verdict.deployableChild?.digest; // the arm64 image inside the index
 */
export const classify = (evidence: Evidence, options: ClassifyOptions = {}): Verdict =>
  classifyParsed(parseEvidence(evidence), options);
