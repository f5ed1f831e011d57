import { artifactKindOfManifest, predicateTypesOf } from './artifact-detection.js';
import { assertNever } from './assert-never.js';
import type { Descriptor } from './descriptor.js';
import { childFor, type ParsedEvidence } from './evidence.js';
import { checkImage, checkPlatform, type ImageFindings, reportPlatform } from './image-rules.js';
import type { IndexManifest, Manifest, ManifestProblem } from './manifest.js';
import { type ArtifactKind, familyOf, guessArtifactKind, isImageManifest, isIndex, isManifest, isSchema1 } from './media-type.js';
import { formatPlatform, isUnknownPlatform, type LambdaArchitecture, normalizePlatform, type Platform } from './platform.js';
import { isProvenancePredicate } from './provenance.js';
import { type Reason, reason } from './reason.js';
import type { AttestationKind, EntryRole, IndexFacts, ReportedPlatform } from './verdict.js';

/** BuildKit's annotation naming what an index entry is (attestation-storage.md). */
export const REFERENCE_TYPE = 'vnd.docker.reference.type';
/** BuildKit's annotation naming the manifest an attestation describes. */
export const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
const SOCI_IMAGE_MANIFEST = 'com.amazon.soci.image-manifest-digest';
const BUILDKIT_HISTORY = 'vnd.buildkit.history.reference';

/** One index entry, understood. */
export interface EntryAnalysis {
  readonly position: number;
  readonly descriptor: Descriptor;
  readonly role: EntryRole;
  /** The child manifest, when its bytes were available and valid. */
  readonly child: Manifest | null;
  /** Why the child's bytes could not be used. */
  readonly problem: ManifestProblem | null;
  /** Image rules applied to the child (image entries only). */
  readonly findings: ImageFindings | null;
  readonly platform: ReportedPlatform | null;
  /** in-toto predicate types, for attestation entries whose manifest was read. */
  readonly predicateTypes: readonly string[];
  /** For attestations: the digest of the image they describe. */
  readonly attests: string | null;
}

const roleForKind = (kind: ArtifactKind): EntryRole => (kind === 'artifact' ? 'artifact' : kind);

/** What the entry says about itself before its manifest is read. */
const hintFromDescriptor = (descriptor: Descriptor): EntryRole | undefined => {
  const annotations = descriptor.annotations ?? {};
  const referenceType = annotations[REFERENCE_TYPE];
  if (referenceType === 'attestation-manifest') return 'attestation';
  // "If any other value is specified, the entire manifest should be ignored" (attestation-storage.md).
  if (referenceType !== undefined) return 'artifact';
  if (descriptor.artifactType !== undefined) return roleForKind(guessArtifactKind(descriptor.artifactType) ?? 'artifact');
  if (annotations[SOCI_IMAGE_MANIFEST] !== undefined) return 'soci-index';
  if (annotations[BUILDKIT_HISTORY] !== undefined) return 'buildkit-history';
  if (descriptor.platform !== undefined && isUnknownPlatform(descriptor.platform)) return 'attestation';
  if (isIndex(descriptor.mediaType)) return 'index';
  return undefined;
};

/**
 * The lie, when an index entry claims a platform its image config does not state: OS or
 * architecture differ, or both name a variant and the variants differ (a variant only one side
 * names is a refinement, not a contradiction, once normalised).
 */
export const platformLie = (claimed: Platform, config: ReportedPlatform): Reason | null => {
  const index = normalizePlatform(claimed);
  const same =
    index.os === config.os &&
    index.architecture === config.architecture &&
    (index.variant === undefined || config.variant === undefined || index.variant === config.variant);
  return same ? null : reason('INDEX_PLATFORM_MISMATCH', { index: formatPlatform(index), config: formatPlatform(config) });
};

const analyseEntry = (descriptor: Descriptor, position: number, evidence: ParsedEvidence): EntryAnalysis => {
  const hint = hintFromDescriptor(descriptor);
  const base = {
    position,
    descriptor,
    child: null,
    problem: null,
    findings: null,
    predicateTypes: [] as string[],
    attests: descriptor.annotations?.[REFERENCE_DIGEST] ?? null,
  };
  const indexPlatform = descriptor.platform === undefined ? null : reportPlatform(descriptor.platform, 'index');
  const parsed = childFor(evidence, descriptor);

  if (parsed === undefined) {
    if (hint !== undefined) return { ...base, role: hint, platform: indexPlatform };
    if (isSchema1(descriptor.mediaType)) return { ...base, role: 'image', platform: indexPlatform };
    if (!isImageManifest(descriptor.mediaType)) {
      return { ...base, role: isManifest(descriptor.mediaType) ? 'artifact' : 'invalid', platform: indexPlatform };
    }
    const runnable = indexPlatform === null || checkPlatform(indexPlatform, []).length === 0;
    return { ...base, role: runnable ? 'runnable' : 'image', platform: indexPlatform };
  }

  if (!parsed.ok) return { ...base, role: 'invalid', problem: parsed.problem, platform: indexPlatform };
  const child = parsed.manifest;
  const kind = artifactKindOfManifest(child);
  // An entry the index itself marks as an artifact (attestation annotations, `artifactType`, SOCI or
  // history annotations, `unknown/unknown`) is never counted runnable, whatever its body looks like.
  const declared = hint === 'index' ? undefined : hint;
  if (kind !== undefined || declared !== undefined) {
    const role = kind === undefined ? (declared ?? 'artifact') : roleForKind(kind);
    const predicateTypes = child.kind === 'image' ? predicateTypesOf(child) : [];
    const attests =
      base.attests ?? (child.kind === 'image' || child.kind === 'artifact' ? (child.subject?.digest ?? null) : null);
    return { ...base, role, child, predicateTypes, attests, platform: indexPlatform };
  }
  switch (child.kind) {
    case 'index':
      return { ...base, role: 'index', child, platform: indexPlatform };
    case 'schema1':
      return { ...base, role: 'image', child, platform: indexPlatform };
    case 'artifact':
      return { ...base, role: 'artifact', child, platform: indexPlatform };
    case 'image': {
      const configBytes = evidence.blobs.get(child.config.digest);
      // Target architecture is judged for the whole index, not per entry: a runnable arm64 child is
      // still runnable when the function is x86_64; it just is not the one to deploy.
      const checked = checkImage(child, {
        ...(configBytes === undefined ? {} : { configBytes }),
        ...(descriptor.platform === undefined ? {} : { platformHint: descriptor.platform }),
        architectures: [],
      });
      const lie =
        descriptor.platform === undefined || checked.platform?.from !== 'config'
          ? null
          : platformLie(descriptor.platform, checked.platform);
      const findings = lie === null ? checked : { ...checked, reasons: [...checked.reasons, lie] };
      const runnable = !findings.reasons.some((r) => r.severity === 'error');
      return { ...base, role: runnable ? 'runnable' : 'image', child, findings, platform: findings.platform };
    }
    default:
      return assertNever(child, 'manifest kind');
  }
};

/** Every entry of an index, understood with whatever children and blobs are at hand. */
export const analyseIndex = (index: IndexManifest, evidence: ParsedEvidence): EntryAnalysis[] =>
  index.manifests.map((descriptor, position) => analyseEntry(descriptor, position, evidence));

/** True when the entry's platform was read from its own image config, not taken from the index. */
export const isVerified = (entry: EntryAnalysis): boolean => entry.platform?.from === 'config';

/** True when a runnable entry can serve the target architectures (unknown architecture counts as possible). */
export const servesTargets = (entry: EntryAnalysis, architectures: readonly LambdaArchitecture[]): boolean => {
  const arch = entry.platform?.lambdaArchitecture ?? null;
  return architectures.length === 0 || arch === null || architectures.includes(arch);
};

/**
 * Picks the child to deploy: the runnable image for the first target architecture that has one,
 * or, with no target, the only runnable image. A child whose architecture is unknown is picked only
 * when it is the single candidate left: two such children are ambiguous. `strict` also refuses
 * children with warnings. Only a child whose manifest and config were read is ever picked (the
 * guard promises nothing it did not check); `tentative` drops that condition, for the fetch
 * planner deciding whose config to read.
 */
export const pickDeployableChild = (
  entries: readonly EntryAnalysis[],
  architectures: readonly LambdaArchitecture[],
  strict: boolean,
  tentative = false,
): EntryAnalysis | null => {
  const eligible = entries.filter(
    (entry) =>
      entry.role === 'runnable' &&
      (tentative || isVerified(entry)) &&
      servesTargets(entry, architectures) &&
      !(strict && (entry.findings?.reasons.some((r) => r.severity === 'warning') ?? entry.findings === null)),
  );
  if (architectures.length === 0) return eligible.length === 1 ? (eligible[0] ?? null) : null;
  for (const target of architectures) {
    const match = eligible.find((entry) => entry.platform?.lambdaArchitecture === target);
    if (match !== undefined) return match;
  }
  const unknown = eligible.filter((entry) => (entry.platform?.lambdaArchitecture ?? null) === null);
  return unknown.length === 1 ? (unknown[0] ?? null) : null;
};

/** The attestation entry that describes a given image entry, if the index has one. */
export const attestationFor = (entries: readonly EntryAnalysis[], imageDigest: string): EntryAnalysis | undefined =>
  entries.find((entry) => entry.role === 'attestation' && entry.attests === imageDigest);

/** What an in-toto predicate type says an attestation holds. */
export const attestationKindOf = (predicateType: string): AttestationKind => {
  if (isProvenancePredicate(predicateType)) return 'provenance';
  const lower = predicateType.toLowerCase();
  return lower.includes('spdx') || lower.includes('cyclonedx') ? 'sbom' : 'other';
};

/** The analysis as facts for the verdict: every entry, typed, with the chosen one marked. */
export const indexFacts = (
  index: IndexManifest,
  entries: readonly EntryAnalysis[],
  chosen: EntryAnalysis | null,
): IndexFacts => ({
  family: familyOf(index.mediaType) === 'docker' ? 'docker' : 'oci',
  entries: entries.map((entry) => {
    const findings = entry.findings?.reasons ?? [];
    return {
      position: entry.position,
      digest: entry.descriptor.digest,
      mediaType: entry.descriptor.mediaType,
      size: entry.descriptor.size,
      role: entry.role,
      childKind: entry.child?.kind ?? null,
      platform: entry.platform,
      predicateTypes: entry.predicateTypes,
      attestationKinds: entry.predicateTypes.map(attestationKindOf),
      attests: entry.attests,
      errors: entry.problem !== null ? [entry.problem.code] : findings.filter((r) => r.severity === 'error').map((r) => r.code),
      warnings: findings.filter((r) => r.severity === 'warning').map((r) => r.code),
      chosen: entry === chosen,
    };
  }),
});
