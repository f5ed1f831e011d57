import { artifactKindOfImage } from './artifact-detection.js';
import type { Descriptor } from './descriptor.js';
import type { Digest } from './digest.js';
import type { ParsedEvidence } from './evidence.js';
import { analyseIndex, attestationFor, type EntryAnalysis, pickDeployableChild, servesTargets } from './index-analysis.js';
import { isImageConfig, isImageManifest, isIndex, isManifest } from './media-type.js';
import type { LambdaArchitecture } from './platform.js';
import { isProvenancePredicate } from './provenance.js';

/** How much the guard is willing to read besides manifests. */
export interface FetchLimits {
  /** Largest config blob to read (configs are usually a few KiB). */
  readonly maxConfigBytes: number;
  /** Largest provenance statement to read; 0 turns provenance off. mode=max statements can be large. */
  readonly maxProvenanceBytes: number;
  /** Most child manifests to read from one index (a normal index has 2 to 10). */
  readonly maxChildren: number;
  /** Most child configs to read from one index: only children with a config read are offered. */
  readonly maxChildConfigs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  maxConfigBytes: 4 * 1024 * 1024,
  maxProvenanceBytes: 1024 * 1024,
  maxChildren: 200,
  maxChildConfigs: 32,
};

/** One blob to read, and why. */
export interface BlobRequest {
  readonly digest: Digest;
  readonly purpose: 'config' | 'provenance';
  /** The size the referencing descriptor promised. */
  readonly size: number;
  readonly maxBytes: number;
}

/** What to read next. Empty lists mean the evidence is complete. */
export interface FetchPlan {
  readonly manifests: readonly Digest[];
  readonly blobs: readonly BlobRequest[];
}

const NOTHING: FetchPlan = { manifests: [], blobs: [] };

/** The layer of an attestation manifest that holds the SLSA provenance statement. */
const provenanceStatementOf = (attestation: EntryAnalysis | undefined): Descriptor | undefined => {
  if (attestation?.child?.kind !== 'image') return undefined;
  return attestation.child.layers.find((layer) => {
    const predicate = layer.annotations?.['in-toto.io/predicate-type'];
    return predicate !== undefined && isProvenancePredicate(predicate);
  });
};

/**
 * Decides what else must be read to classify the subject, given what is already at hand. Called
 * in rounds (subject → children → blobs), each round's reads are independent and can run at once,
 * so the number of sequential round trips is what the data forces and no more. Never plans a
 * layer blob: only manifests, configs and provenance statements.
 */
export const planFetch = (
  evidence: ParsedEvidence,
  options: { readonly architectures?: readonly LambdaArchitecture[]; readonly strict?: boolean },
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
): FetchPlan => {
  if (!evidence.subject.ok) return NOTHING;
  const manifest = evidence.subject.manifest;
  const blobs = evidence.blobs;

  if (manifest.kind === 'image') {
    const config = manifest.config;
    if (artifactKindOfImage(manifest) !== undefined || !isImageConfig(config.mediaType)) return NOTHING;
    if (blobs.has(config.digest) || config.size > limits.maxConfigBytes) return NOTHING;
    return {
      manifests: [],
      blobs: [{ digest: config.digest, purpose: 'config', size: config.size, maxBytes: limits.maxConfigBytes }],
    };
  }
  if (manifest.kind !== 'index') return NOTHING;

  // Round 2: the children. Image entries and attestation entries first; nested indexes are
  // reported, not walked (Lambda would refuse them whatever they hold).
  const wantedChildren = manifest.manifests
    .filter((entry) => isManifest(entry.mediaType) && !isIndex(entry.mediaType))
    .slice(0, limits.maxChildren)
    .map((entry) => entry.digest)
    .filter((digest, i, all) => !evidence.children.has(digest) && all.indexOf(digest) === i);
  if (wantedChildren.length > 0) return { manifests: wantedChildren, blobs: [] };

  // Round 3: the config of every child that could be offered (an index may claim any platform for
  // an entry: only the config says what the image is, and nothing is offered unread), and the
  // provenance statement of the child the index points at, in the same round.
  const architectures = options.architectures ?? [];
  const entries = analyseIndex(manifest, evidence);
  const requests: BlobRequest[] = [];
  const configs = entries.filter(
    (entry) =>
      entry.role === 'runnable' &&
      servesTargets(entry, architectures) &&
      entry.child?.kind === 'image' &&
      isImageManifest(entry.child.mediaType),
  );
  for (const entry of configs.slice(0, limits.maxChildConfigs)) {
    if (entry.child?.kind !== 'image') continue;
    const config = entry.child.config;
    if (!blobs.has(config.digest) && config.size <= limits.maxConfigBytes) {
      requests.push({ digest: config.digest, purpose: 'config', size: config.size, maxBytes: limits.maxConfigBytes });
    }
  }
  if (limits.maxProvenanceBytes > 0) {
    const runnable = entries.filter((entry) => entry.role === 'runnable');
    // The index's own claims decide whose statement to read alongside the configs; a config that
    // contradicts them costs one more round, and only then.
    const chosen = pickDeployableChild(entries, architectures, options.strict ?? false, true);
    // When the index names no platform the choice waits on the configs: read the statements of every
    // child that could still be chosen now, rather than spend one more sequential round on them later.
    const choiceOpen = chosen === null && requests.length > 0;
    const candidates =
      chosen !== null
        ? [chosen]
        : choiceOpen
          ? runnable.filter((entry) => servesTargets(entry, architectures))
          : runnable.slice(0, 1);
    for (const candidate of candidates) {
      const statement = provenanceStatementOf(attestationFor(entries, candidate.descriptor.digest));
      if (statement !== undefined && !blobs.has(statement.digest) && statement.size <= limits.maxProvenanceBytes) {
        requests.push({
          digest: statement.digest,
          purpose: 'provenance',
          size: statement.size,
          maxBytes: limits.maxProvenanceBytes,
        });
      }
    }
  }
  return { manifests: [], blobs: requests };
};
