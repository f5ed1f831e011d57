import { artifactKindOfImage, artifactKindOfManifest } from './artifact-detection.js';
import { assertNever } from './assert-never.js';
import type { Digest } from './digest.js';
import { checkImage } from './image-rules.js';
import { analyseIndex, attestationFor, type EntryAnalysis, pickDeployableChild, servesTargets } from './index-analysis.js';
import type { IndexManifest, Manifest, ManifestProblem } from './manifest.js';
import { parseManifest } from './manifest.js';
import { type ArtifactKind, familyOf } from './media-type.js';
import { formatPlatform, type LambdaArchitecture } from './platform.js';
import { type BuildProvenance, isProvenancePredicate, parseProvenance } from './provenance.js';
import { reason } from './reason.js';
import { buildTree, singleNodeTree } from './tree.js';
import type { Reason, SubjectKind, Verdict, VerdictName } from './verdict.js';

/** Everything known about a subject: its bytes and whatever children and blobs could be read. */
export interface Evidence {
  readonly subject: Uint8Array;
  /** The media type the registry or file declared for the subject. */
  readonly declaredMediaType?: string;
  /** The digest the subject was requested by. */
  readonly expectedDigest?: Digest;
  /** Child manifests by digest, as raw bytes. */
  readonly manifests?: ReadonlyMap<string, Uint8Array>;
  /** Config blobs and attestation statements by digest, as raw bytes. */
  readonly blobs?: ReadonlyMap<string, Uint8Array>;
}

/** How to judge. */
export interface ClassifyOptions {
  /** The function's architectures; empty or absent means "any Lambda architecture". */
  readonly architectures?: readonly LambdaArchitecture[];
  /** Quarantine on warnings too. */
  readonly strict?: boolean;
}

const EMPTY = new Map<string, Uint8Array>();

/** Errors quarantine, skip reasons skip, warnings quarantine only in strict mode. */
export const verdictFor = (reasons: readonly Reason[], strict: boolean): VerdictName => {
  if (reasons.some((r) => r.code === 'NOT_A_CONTAINER_IMAGE')) return 'skipped';
  if (reasons.some((r) => r.severity === 'error')) return 'quarantined';
  if (strict && reasons.some((r) => r.severity === 'warning')) return 'quarantined';
  return 'deployable';
};

const kindOf = (manifest: Manifest): SubjectKind => manifest.kind;

const problemVerdict = (problem: ManifestProblem, evidence: Evidence): Verdict => {
  const mediaType = evidence.declaredMediaType ?? 'unknown';
  return {
    verdict: 'quarantined',
    subject: { digest: problem.digest, mediaType, kind: 'unknown', size: problem.size },
    reasons: [
      reason(problem.code, problem.path === '' ? `the document ${problem.message}` : `${problem.path} ${problem.message}`, {
        path: problem.path,
      }),
    ],
    platform: null,
    deployableChild: null,
    tree: singleNodeTree({
      digest: problem.digest,
      mediaType,
      size: problem.size,
      kind: 'unknown',
      mark: 'error',
      label: 'unreadable manifest',
    }),
    provenance: null,
  };
};

const skipReason = (kind: ArtifactKind, manifest: Manifest): Reason =>
  reason('NOT_A_CONTAINER_IMAGE', `this is ${describeArtifact(kind)}, not a container image`, {
    kind,
    ...('artifactType' in manifest && manifest.artifactType !== undefined ? { artifactType: manifest.artifactType } : {}),
    ...(manifest.kind === 'image' ? { configMediaType: manifest.config.mediaType } : {}),
    ...('subject' in manifest && manifest.subject !== undefined ? { subject: manifest.subject.digest } : {}),
  });

/** "a BuildKit attestation", "a Helm chart", … */
export const describeArtifact = (kind: ArtifactKind): string => {
  switch (kind) {
    case 'attestation':
      return 'an attestation (provenance or SBOM)';
    case 'signature':
      return 'a signature';
    case 'sbom':
      return 'an SBOM';
    case 'helm-chart':
      return 'a Helm chart';
    case 'soci-index':
      return 'a SOCI index';
    case 'buildkit-history':
      return 'a BuildKit build-history record';
    case 'referrer':
      return 'an artifact attached to another image (OCI referrer)';
    case 'artifact':
      return 'an OCI artifact';
    default:
      return assertNever(kind, 'artifact kind');
  }
};

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

const summariseEntries = (entries: readonly EntryAnalysis[]) =>
  entries.map((entry) => ({
    digest: entry.descriptor.digest,
    mediaType: entry.descriptor.mediaType,
    role: entry.role,
    platform: entry.platform === null ? null : formatPlatform(entry.platform),
    ...(entry.predicateTypes.length > 0 ? { predicateTypes: entry.predicateTypes } : {}),
    ...(entry.attests === null ? {} : { attests: entry.attests }),
    ...(entry.descriptor.artifactType === undefined ? {} : { artifactType: entry.descriptor.artifactType }),
  }));

const countRoles = (entries: readonly EntryAnalysis[]): string => {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.role, (counts.get(entry.role) ?? 0) + 1);
  const words: Record<string, string> = { runnable: 'runnable image', image: 'other image', attestation: 'attestation' };
  return [...counts.entries()].map(([role, n]) => `${n} ${words[role] ?? role}${n === 1 ? '' : 's'}`).join(' + ');
};

const classifyIndex = (
  index: IndexManifest,
  evidence: Evidence,
  architectures: readonly LambdaArchitecture[],
  strict: boolean,
): Verdict => {
  const blobs = evidence.blobs ?? EMPTY;
  const entries = analyseIndex(index, { manifests: evidence.manifests ?? EMPTY, blobs });
  const chosen = pickDeployableChild(entries, architectures, strict);
  const runnable = entries.filter((entry) => entry.role === 'runnable');
  const what = familyOf(index.mediaType) === 'docker' ? 'a Docker manifest list' : 'an OCI image index';
  const reasons: Reason[] = [
    reason(
      'IMAGE_INDEX',
      `the tag names ${what} (${entries.length === 0 ? 'empty' : countRoles(entries)}); Lambda deploys only a single image manifest`,
      {
        mediaType: index.mediaType,
        runnable: runnable.length,
        attestations: entries.filter((entry) => entry.role === 'attestation').length,
        entries: summariseEntries(entries).slice(0, 50),
        entryCount: entries.length,
      },
    ),
  ];
  // Only a real absence is a mismatch: strict mode may refuse a child of the right architecture for
  // its warnings, and that is not the architecture's fault.
  const noneForTarget = !runnable.some((entry) => servesTargets(entry, architectures));
  if (chosen === null && runnable.length > 0 && architectures.length > 0 && noneForTarget) {
    // Distinct architectures: an index of thousands of amd64 entries says "amd64" once.
    const found = [...new Set(runnable.map((entry) => entry.platform?.lambdaArchitecture ?? 'unknown'))];
    reasons.push(
      reason(
        'ARCHITECTURE_MISMATCH',
        `the index has no runnable image for ${architectures.join(' or ')} (found ${found.join(', ')})`,
        {
          target: [...architectures],
          found,
        },
      ),
    );
  }
  for (const entry of entries) {
    if (entry.problem !== null) {
      reasons.push(
        reason(
          entry.problem.code,
          `entry ${entry.position} (${entry.descriptor.digest}) ${entry.problem.path === '' ? '' : `${entry.problem.path} `}${entry.problem.message}`,
          {
            entry: entry.position,
            digest: entry.descriptor.digest,
            path: entry.problem.path,
          },
        ),
      );
    }
    // A child whose config is corrupt or lies about its digest is an integrity failure of the
    // push, not just an unrunnable entry: report it at the index level too.
    for (const finding of entry.findings?.reasons ?? []) {
      if (finding.code !== 'DIGEST_MISMATCH' && finding.code !== 'MALFORMED_MANIFEST') continue;
      reasons.push(
        reason(finding.code, `entry ${entry.position} (${entry.descriptor.digest}) ${finding.message}`, {
          entry: entry.position,
          digest: entry.descriptor.digest,
          path: typeof finding.details.path === 'string' ? finding.details.path : '',
        }),
      );
    }
  }
  const provenanceSubject = chosen ?? runnable[0];
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
    tree: buildTree(index, entries, chosen),
    provenance: provenanceFor(entries, provenanceSubject?.descriptor.digest, blobs),
  };
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
export const classify = (evidence: Evidence, options: ClassifyOptions = {}): Verdict => {
  const architectures = options.architectures ?? [];
  const strict = options.strict ?? false;
  const parsed = parseManifest(evidence.subject, {
    ...(evidence.declaredMediaType === undefined ? {} : { declaredMediaType: evidence.declaredMediaType }),
    ...(evidence.expectedDigest === undefined ? {} : { expectedDigest: evidence.expectedDigest }),
  });
  if (!parsed.ok) return problemVerdict(parsed.problem, evidence);
  const manifest = parsed.manifest;
  const subject = { digest: manifest.digest, mediaType: manifest.mediaType, kind: kindOf(manifest), size: manifest.size };

  switch (manifest.kind) {
    case 'index':
      return classifyIndex(manifest, evidence, architectures, strict);
    case 'schema1': {
      const reasons = [
        reason('SCHEMA1_MANIFEST', 'this is a Docker v2 schema 1 manifest; Lambda accepts only schema 2 and OCI manifests', {
          signed: manifest.signed,
          ...(manifest.architecture === undefined ? {} : { architecture: manifest.architecture }),
        }),
      ];
      return {
        verdict: verdictFor(reasons, strict),
        subject,
        reasons,
        platform: null,
        deployableChild: null,
        tree: singleNodeTree({ ...subject, mark: 'error', label: 'schema 1 manifest' }),
        provenance: null,
      };
    }
    case 'artifact': {
      const kind: ArtifactKind = artifactKindOfManifest(manifest) ?? 'artifact';
      const reasons = [skipReason(kind, manifest)];
      return {
        verdict: 'skipped',
        subject: { ...subject, artifactKind: kind },
        reasons,
        platform: null,
        deployableChild: null,
        tree: singleNodeTree({ ...subject, mark: 'ignored', label: describeArtifact(kind) }),
        provenance: null,
      };
    }
    case 'image': {
      const artifactKind = artifactKindOfImage(manifest);
      if (artifactKind !== undefined) {
        return {
          verdict: 'skipped',
          subject: { ...subject, kind: 'artifact', artifactKind },
          reasons: [skipReason(artifactKind, manifest)],
          platform: null,
          deployableChild: null,
          tree: singleNodeTree({ ...subject, kind: 'artifact', mark: 'ignored', label: describeArtifact(artifactKind) }),
          provenance: null,
        };
      }
      const configBytes = evidence.blobs?.get(manifest.config.digest);
      const findings = checkImage(manifest, { ...(configBytes === undefined ? {} : { configBytes }), architectures });
      const verdict = verdictFor(findings.reasons, strict);
      const hasError = findings.reasons.some((r) => r.severity === 'error');
      const mark = hasError || verdict === 'quarantined' ? 'error' : findings.reasons.length > 0 ? 'warning' : 'ok';
      const where = findings.platform === null ? 'platform unknown' : formatPlatform(findings.platform);
      return {
        verdict,
        subject,
        reasons: findings.reasons,
        platform: findings.platform,
        deployableChild: null,
        tree: singleNodeTree({ ...subject, mark, label: `image ${where}` }),
        provenance: null,
      };
    }
    default:
      return assertNever(manifest, 'manifest kind');
  }
};
