import { type Digest, matchesDigest } from '../core/digest.js';
import { type ManifestParser, type ParsedEvidence, parseEvidence, withBlobs, withChildren } from '../core/evidence.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits, planFetch } from '../core/fetch-plan.js';
import { parseManifest } from '../core/manifest.js';
import type { LambdaArchitecture } from '../core/platform.js';
import type { ContentSource, RawManifest } from './ports.js';

/** What was read, round by round: the figures behind "no wave beyond what the data forces". */
export interface GatherLog {
  readonly rounds: number;
  readonly manifestsRead: number;
  readonly blobsRead: number;
  /** Blobs that were wanted and could not be read, with why. */
  readonly missing: readonly { readonly digest: string; readonly purpose: string; readonly reason: string }[];
}

/**
 * Reads, in as few sequential rounds as the data allows, everything the core needs to judge the
 * subject: the children of an index (one batch), then configs and the provenance statement
 * (in parallel). Never reads a layer. Each manifest is parsed once, when it arrives; the planner
 * and `classifyParsed` share the parsed evidence this returns.
 */
export const gatherEvidence = async (
  source: ContentSource,
  subject: RawManifest,
  options: { readonly architectures?: readonly LambdaArchitecture[]; readonly strict?: boolean },
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  parse: ManifestParser = parseManifest,
): Promise<{ evidence: ParsedEvidence; log: GatherLog; children: ReadonlyMap<string, RawManifest> }> => {
  const children = new Map<string, RawManifest>();
  const attempted = new Set<string>();
  const missing: { digest: string; purpose: string; reason: string }[] = [];
  let rounds = 0;
  let manifestsRead = 0;
  let blobsRead = 0;
  let evidence = parseEvidence(
    {
      subject: subject.bytes,
      expectedDigest: subject.digest,
      ...(subject.mediaType === undefined ? {} : { declaredMediaType: subject.mediaType }),
      ...(subject.descriptorSize === undefined ? {} : { expectedSize: subject.descriptorSize }),
    },
    parse,
  );

  // Three rounds suffice (children, then blobs); the bound guards against a planner bug looping.
  for (let guard = 0; guard < 4; guard += 1) {
    const plan = planFetch(evidence, options, limits);
    const wantedManifests = plan.manifests.filter((digest) => !attempted.has(digest));
    const wantedBlobs = plan.blobs.filter((request) => !attempted.has(request.digest));
    if (wantedManifests.length === 0 && wantedBlobs.length === 0) break;
    rounds += 1;
    for (const digest of wantedManifests) attempted.add(digest);
    for (const request of wantedBlobs) attempted.add(request.digest);
    const [fetched, blobResults] = await Promise.all([
      wantedManifests.length === 0 ? new Map<string, RawManifest>() : source.getManifests(wantedManifests),
      Promise.all(
        wantedBlobs.map(async (request) => ({ request, result: await source.getBlob(request.digest, request.maxBytes) })),
      ),
    ]);
    const manifests = new Map<string, Uint8Array>();
    for (const [digest, child] of fetched) {
      manifests.set(digest, child.bytes);
      children.set(digest, child);
    }
    const blobs = new Map<string, Uint8Array>();
    for (const { request, result } of blobResults) {
      if (!result.ok) {
        missing.push({ digest: request.digest, purpose: request.purpose, reason: result.message });
      } else if (!matchesDigest(result.bytes, request.digest as Digest)) {
        // A blob that lies about its digest is not evidence; the core reports the config case itself
        // when it is handed the bytes, but a statement must never name a builder it did not describe.
        if (request.purpose === 'config') blobs.set(request.digest, result.bytes);
        else missing.push({ digest: request.digest, purpose: request.purpose, reason: 'digest mismatch' });
      } else {
        blobs.set(request.digest, result.bytes);
      }
    }
    evidence = withBlobs(withChildren(evidence, manifests, parse), blobs);
    manifestsRead += manifests.size;
    blobsRead += blobs.size;
  }
  return { evidence, log: { rounds, manifestsRead, blobsRead, missing }, children };
};
