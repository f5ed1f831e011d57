/**
 * Pushes fixture-factory fixtures to the local endpoint through the real AWS SDK, the way a registry
 * client does: blobs through the layer upload API, children untagged, then the tagged subject
 * (`pushToEcr` over an in-memory content source). Malformed manifests, which `pushToEcr` refuses to
 * parse, go through {@link putRawManifest}: the endpoint stores the bytes as given.
 */
import {
  CreateRepositoryCommand,
  type CreateRepositoryCommandInput,
  ECRClient,
  type ImageTagMutability,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { type PushReport, pushToEcr } from '../../functions/adapters/ecr-push.js';
import type { BlobResult, ContentSource, RawManifest } from '../../functions/app/ports.js';
import type { Digest } from '../../functions/core/digest.js';
import type { Fixture, SeedCase } from './fixture-factory.js';

const credentials = { accessKeyId: 'AKIDPUSHFIXTURE', secretAccessKey: 'push-fixture-secret' };
const decoder = new TextDecoder('utf-8', { fatal: true });

/** An ECR client for a local endpoint; one attempt by default so a test sees every refusal. */
export const localEcrClient = (endpoint: { readonly url: string; readonly region: string }, maxAttempts = 1): ECRClient =>
  new ECRClient({ endpoint: endpoint.url, region: endpoint.region, credentials, maxAttempts });

const rawOf = (fixture: Fixture): RawManifest => ({ digest: fixture.digest, bytes: fixture.bytes, mediaType: fixture.mediaType });

/** A read-only source over fixtures: child manifests and blobs by digest; layers never exist. */
export const fixtureSource = (manifests: readonly Fixture[], blobs: readonly Fixture[]): ContentSource => {
  const manifestsByDigest = new Map(manifests.map((fixture) => [fixture.digest, rawOf(fixture)]));
  const blobsByDigest = new Map(blobs.map((fixture) => [fixture.digest, fixture.bytes]));
  return {
    getManifests: async (digests: readonly Digest[]) =>
      new Map(
        digests.flatMap((digest) => {
          const found = manifestsByDigest.get(digest);
          return found === undefined ? [] : [[digest, found] as const];
        }),
      ),
    getBlob: async (digest: Digest, maxBytes: number): Promise<BlobResult> => {
      const bytes = blobsByDigest.get(digest);
      if (bytes === undefined) return { ok: false, reason: 'not-found', message: `the fixtures hold no blob ${digest}` };
      if (bytes.byteLength > maxBytes) return { ok: false, reason: 'too-large', message: `${digest} is over ${maxBytes} bytes` };
      return { ok: true, bytes };
    },
  };
};

/** Where to push, and the repository to create first (with its tag mutability) when asked. */
export interface PushTarget {
  readonly repository: string;
  readonly tag: string;
  /** Create the repository first (an existing one is fine); default true. */
  readonly createRepository?: boolean;
  readonly mutability?: ImageTagMutability;
}

/** Creates a repository, tolerating one that exists already. */
export const ensureRepository = async (
  client: ECRClient,
  repositoryName: string,
  options: Omit<CreateRepositoryCommandInput, 'repositoryName'> = {},
): Promise<void> => {
  try {
    await client.send(new CreateRepositoryCommand({ repositoryName, ...options }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'RepositoryAlreadyExistsException') throw error;
  }
};

/**
 * Pushes `subject` (an image manifest or an index) with its child manifests and blobs: blobs
 * first, then every child untagged, then the subject under `target.tag`.
 */
export const pushFixture = async (
  client: ECRClient,
  push: { readonly subject: Fixture; readonly manifests?: readonly Fixture[]; readonly blobs?: readonly Fixture[] },
  target: PushTarget,
): Promise<PushReport> => {
  if (target.createRepository !== false) {
    await ensureRepository(
      client,
      target.repository,
      target.mutability === undefined ? {} : { imageTagMutability: target.mutability },
    );
  }
  return pushToEcr(client, fixtureSource(push.manifests ?? [], push.blobs ?? []), rawOf(push.subject), {
    repository: target.repository,
    tag: target.tag,
  });
};

/** Pushes the seed case (index over a linux image and its provenance attestation) under a tag. */
export const pushSeed = (client: ECRClient, seed: SeedCase, target: PushTarget): Promise<PushReport> =>
  pushFixture(
    client,
    {
      subject: seed.index,
      manifests: [seed.image, seed.attestation.manifest],
      blobs: [seed.image.config, seed.attestation.manifest.config, seed.statement],
    },
    target,
  );

/** Pushes the image inside the seed case alone: the same image built with `--provenance=false`. */
export const pushSeedImage = (client: ECRClient, seed: SeedCase, target: PushTarget): Promise<PushReport> =>
  pushFixture(client, { subject: seed.image, blobs: [seed.image.config] }, target);

/**
 * One PutImage with the exact bytes given, for manifests `pushToEcr` would refuse to parse. The
 * local endpoint checks only what ECR checks, so a manifest the guard calls malformed is stored.
 */
export const putRawManifest = async (
  client: ECRClient,
  manifest: { readonly bytes: Uint8Array; readonly mediaType?: string },
  target: { readonly repository: string; readonly tag?: string },
): Promise<string> => {
  const output = await client.send(
    new PutImageCommand({
      repositoryName: target.repository,
      imageManifest: decoder.decode(manifest.bytes),
      ...(manifest.mediaType === undefined ? {} : { imageManifestMediaType: manifest.mediaType }),
      ...(target.tag === undefined ? {} : { imageTag: target.tag }),
    }),
  );
  return output.image?.imageId?.imageDigest ?? '';
};
