/**
 * The burst's pushes: distinct BuildKit-style indexes (image + provenance attestation) and distinct
 * single images, spread over a few repositories. They are stored straight into the endpoint's state
 * through its own ECR operations (no HTTP, no PutImage quota: the pushers are not what is measured),
 * collecting the `ECR Image Action` events ECR would emit, in push order.
 */

import { type Fixture, image, imageConfig, index, legacyAttestation, provenanceV02, SLSA_V02 } from '../fixtures/oci-fixtures.js';
import { handleEcr } from '../local/ecr/ecr-service.js';
import type { EventBridgeEvent } from '../local/event-bus.js';
import type { LocalEndpoint } from '../local/server.js';

/** What the guard must end up doing for one tagged push. */
export interface ExpectedPush {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  /** tag -> digest the guard must write. */
  readonly tags: Readonly<Record<string, string>>;
  /** Whether exactly one notification is expected (quarantined) or none (deployable, silent). */
  readonly notify: boolean;
}

export interface BurstContent {
  /** Every event ECR emitted, in push order (children before their index). */
  readonly events: readonly EventBridgeEvent[];
  readonly expected: readonly ExpectedPush[];
}

const decoder = new TextDecoder();

/** A distinct linux/arm64 image: the config's `created` time differs per index `i`. */
const distinctImage = (i: number) =>
  image({
    config: imageConfig({
      platform: 'linux/arm64',
      extra: { created: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() },
    }),
  });

/**
 * Stores `indexes` BuildKit-style pushes (3 events each: two untagged children, then the tagged
 * index) and `singles` single-image pushes (1 event each), round-robin over `repositories`.
 */
export const loadBurstContent = (
  endpoint: LocalEndpoint,
  options: { readonly indexes: number; readonly singles: number; readonly repositories: number },
): BurstContent => {
  const events: EventBridgeEvent[] = [];
  const context = {
    state: endpoint.state,
    requireLayers: false,
    acceptedMediaTypes: 'strict' as const,
    putImageLimiter: null,
    emit: (event: EventBridgeEvent) => {
      events.push(event);
    },
    downloadUrl: () => {
      throw new Error('not used while loading');
    },
    now: () => Date.now(),
  };
  const repositories = Array.from({ length: options.repositories }, (_, i) => `team-${i + 1}/service`);
  for (const repositoryName of repositories) handleEcr(context, 'CreateRepository', { repositoryName });
  const put = (repositoryName: string, manifest: Fixture, tag?: string): void => {
    handleEcr(context, 'PutImage', {
      repositoryName,
      imageManifest: decoder.decode(manifest.bytes),
      imageManifestMediaType: manifest.mediaType,
      ...(tag === undefined ? {} : { imageTag: tag }),
    });
  };
  const expected: ExpectedPush[] = [];
  for (let i = 0; i < options.indexes; i += 1) {
    const repository = repositories[i % repositories.length] ?? 'team-1/service';
    const img = distinctImage(i);
    const statement = provenanceV02({ subject: img, builderId: `https://github.com/example-org/app/actions/runs/${i}` });
    const attestation = legacyAttestation({ subject: img, statements: [{ statement, predicateType: SLSA_V02 }] });
    const idx = index({ entries: [{ of: img, platform: 'linux/arm64' }, attestation.entry] });
    for (const blob of [img.config, attestation.manifest.config, statement]) endpoint.state.putBlob(blob.bytes);
    const tag = `i${i}`;
    put(repository, img);
    put(repository, attestation.manifest);
    put(repository, idx, tag);
    expected.push({
      repository,
      tag,
      digest: idx.digest,
      tags: { [`${tag}-deployable`]: img.digest, [`${tag}-quarantined`]: idx.digest },
      notify: true,
    });
  }
  for (let i = 0; i < options.singles; i += 1) {
    const repository = repositories[i % repositories.length] ?? 'team-1/service';
    const img = distinctImage(options.indexes + i);
    endpoint.state.putBlob(img.config.bytes);
    const tag = `s${i}`;
    put(repository, img, tag);
    expected.push({ repository, tag, digest: img.digest, tags: { [`${tag}-deployable`]: img.digest }, notify: false });
  }
  return { events, expected };
};
