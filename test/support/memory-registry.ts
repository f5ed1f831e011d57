import { GuardError } from '../../functions/app/guard-error.js';
import type {
  BlobResult,
  ContentSource,
  FoundImage,
  ImageId,
  PutTagResult,
  RawManifest,
  Registry,
  TagPolicy,
} from '../../functions/app/ports.js';
import { type Digest, digestOf } from '../../functions/core/digest.js';

/** One call the fake registry saw, for asserting call counts and order. */
export interface RegistryCall {
  readonly op: 'getImages' | 'getManifests' | 'getBlob' | 'putTag' | 'tagPolicy' | 'pushedAt';
  readonly detail: string;
}

/**
 * An in-memory {@link Registry} for pipeline tests: one repository's manifests, tags and blobs,
 * ECR's PutImage semantics (same bytes + same tag = unchanged; immutable tags refuse to move),
 * a call log, and injectable failures.
 */
export const createMemoryRegistry = (options: { policy?: TagPolicy } = {}) => {
  const manifests = new Map<string, RawManifest>();
  const tags = new Map<string, string>();
  const blobs = new Map<string, Uint8Array>();
  const calls: RegistryCall[] = [];
  // Push times, one minute apart from a fixed start, so notes that name them are reproducible.
  const pushed = new Map<string, number>();
  const markPushed = (digest: string) => {
    if (!pushed.has(digest)) pushed.set(digest, Date.UTC(2026, 11, 1, 9, 0) + pushed.size * 60_000);
  };
  const failures: { op: RegistryCall['op']; error: Error; remaining: number }[] = [];
  let policy: TagPolicy = options.policy ?? { mutability: 'MUTABLE', exclusionFilters: [] };

  const maybeFail = (op: RegistryCall['op']) => {
    const failure = failures.find((f) => f.op === op && f.remaining > 0);
    if (failure !== undefined) {
      failure.remaining -= 1;
      throw failure.error;
    }
  };

  const addManifest = (bytes: Uint8Array, mediaType?: string, tag?: string): RawManifest => {
    const manifest: RawManifest = { digest: digestOf(bytes), bytes, ...(mediaType === undefined ? {} : { mediaType }) };
    manifests.set(manifest.digest, manifest);
    markPushed(manifest.digest);
    if (tag !== undefined) tags.set(tag, manifest.digest);
    return manifest;
  };

  const source: ContentSource = {
    getManifests: async (digests) => {
      calls.push({ op: 'getManifests', detail: digests.join(',') });
      maybeFail('getManifests');
      return new Map(
        digests.flatMap((digest) => (manifests.has(digest) ? [[digest, manifests.get(digest) as RawManifest]] : [])),
      );
    },
    getBlob: async (digest: Digest, maxBytes: number): Promise<BlobResult> => {
      calls.push({ op: 'getBlob', detail: digest });
      maybeFail('getBlob');
      const bytes = blobs.get(digest);
      if (bytes === undefined) return { ok: false, reason: 'not-found', message: 'no such blob' };
      if (bytes.byteLength > maxBytes) return { ok: false, reason: 'too-large', message: 'too large' };
      return { ok: true, bytes };
    },
  };

  const registry: Registry = {
    getImages: async (_repository, ids: readonly ImageId[]) => {
      calls.push({ op: 'getImages', detail: ids.map((id) => ('digest' in id ? id.digest : id.tag)).join(',') });
      maybeFail('getImages');
      const found: FoundImage[] = [];
      for (const id of ids) {
        const digest = 'digest' in id ? id.digest : tags.get(id.tag);
        const manifest = digest === undefined ? undefined : manifests.get(digest);
        if (manifest !== undefined) found.push({ requested: id, manifest });
      }
      return found;
    },
    source: () => source,
    putTag: async (_repository, tag, manifest): Promise<PutTagResult> => {
      calls.push({ op: 'putTag', detail: `${tag}=${manifest.digest}` });
      maybeFail('putTag');
      const current = tags.get(tag);
      if (current === manifest.digest) return 'unchanged';
      if (current !== undefined && policy.mutability === 'IMMUTABLE') return 'immutable';
      manifests.set(manifest.digest, manifest);
      tags.set(tag, manifest.digest);
      return 'created';
    },
    tagPolicy: async () => {
      calls.push({ op: 'tagPolicy', detail: '' });
      maybeFail('tagPolicy');
      return policy;
    },
    pushedAt: async (_repository, digests) => {
      calls.push({ op: 'pushedAt', detail: digests.join(',') });
      maybeFail('pushedAt');
      return new Map(digests.flatMap((digest) => (pushed.has(digest) ? [[digest, pushed.get(digest) as number] as const] : [])));
    },
  };

  return {
    registry,
    calls,
    tags,
    addManifest,
    addBlob: (bytes: Uint8Array) => {
      blobs.set(digestOf(bytes), bytes);
      return digestOf(bytes);
    },
    setPolicy: (next: TagPolicy) => {
      policy = next;
    },
    failNext: (op: RegistryCall['op'], error: Error = new GuardError('THROTTLED', `${op} throttled`, true), times = 1) => {
      failures.push({ op, error, remaining: times });
    },
  };
};
