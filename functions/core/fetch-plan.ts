import { artifactKindOfImage } from './artifact-detection.js';
import type { Evidence } from './classify.js';
import type { Digest } from './digest.js';
import { analyseIndex, attestationFor, pickDeployableChild } from './index-analysis.js';
import { parseManifest } from './manifest.js';
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
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  maxConfigBytes: 4 * 1024 * 1024,
  maxProvenanceBytes: 1024 * 1024,
  maxChildren: 200,
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

const EMPTY = new Map<string, Uint8Array>();
const NOTHING: FetchPlan = { manifests: [], blobs: [] };

/**
 * Decides what else must be read to classify the subject, given what is already at hand. Called
 * in rounds (subject → children → blobs), each round's reads are independent and can run at once,
 * so the number of sequential round trips is what the data forces and no more. Never plans a
 * layer blob: only manifests, configs and provenance statements.
 */
export const planFetch = (
  evidence: Evidence,
  options: { readonly architectures?: readonly LambdaArchitecture[]; readonly strict?: boolean },
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
): FetchPlan => {
  const parsed = parseManifest(evidence.subject, {
    ...(evidence.declaredMediaType === undefined ? {} : { declaredMediaType: evidence.declaredMediaType }),
    ...(evidence.expectedDigest === undefined ? {} : { expectedDigest: evidence.expectedDigest }),
  });
  if (!parsed.ok) return NOTHING;
  const manifest = parsed.manifest;
  const manifests = evidence.manifests ?? EMPTY;
  const blobs = evidence.blobs ?? EMPTY;

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
    .filter((digest, i, all) => !manifests.has(digest) && all.indexOf(digest) === i);
  if (wantedChildren.length > 0) return { manifests: wantedChildren, blobs: [] };

  // Round 3: configs where the index does not say the platform, and the chosen image's provenance.
  const entries = analyseIndex(manifest, { manifests, blobs });
  const requests: BlobRequest[] = [];
  for (const entry of entries) {
    if (entry.role !== 'runnable' || entry.descriptor.platform !== undefined) continue;
    if (entry.child?.kind !== 'image' || !isImageManifest(entry.child.mediaType)) continue;
    const config = entry.child.config;
    if (!blobs.has(config.digest) && config.size <= limits.maxConfigBytes) {
      requests.push({ digest: config.digest, purpose: 'config', size: config.size, maxBytes: limits.maxConfigBytes });
    }
  }
  if (limits.maxProvenanceBytes > 0) {
    const chosen =
      pickDeployableChild(entries, options.architectures ?? [], options.strict ?? false) ??
      entries.find((entry) => entry.role === 'runnable');
    const attestation = chosen === undefined ? undefined : attestationFor(entries, chosen.descriptor.digest);
    if (attestation?.child?.kind === 'image') {
      const statement = attestation.child.layers.find((layer) => {
        const predicate = layer.annotations?.['in-toto.io/predicate-type'];
        return predicate !== undefined && isProvenancePredicate(predicate);
      });
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
