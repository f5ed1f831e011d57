/**
 * Puts hostile content into the local endpoint the way it could sit in ECR: children and blobs
 * stored straight into the endpoint's state (through its own ECR operations, so ECR's checks
 * apply), then the tagged subject pushed over HTTP, whose event the guard handles.
 */

import type { Fixture } from '../../fixtures/oci-fixtures.js';
import { putRawManifest } from '../../fixtures/push-fixture.js';
import { handleEcr } from '../../local/ecr/ecr-service.js';
import type { LocalEndpoint } from '../../local/server.js';
import { isServiceError } from '../../local/service-error.js';
import type { GuardHarness } from '../support/guard-harness.js';

const decoder = new TextDecoder();

const context = (endpoint: LocalEndpoint) => ({
  state: endpoint.state,
  requireLayers: false,
  acceptedMediaTypes: 'strict' as const,
  putImageLimiter: null,
  // Children are stored quietly: their untagged events would only be skipped by the guard.
  emit: () => undefined,
  downloadUrl: () => {
    throw new Error('not used while storing');
  },
  now: () => Date.now(),
});

/** Stores blobs and untagged child manifests in `repository` (created when missing). */
export const storeContent = (
  endpoint: LocalEndpoint,
  repository: string,
  content: { readonly manifests?: readonly Fixture[]; readonly blobs?: readonly Fixture[] },
): void => {
  try {
    handleEcr(context(endpoint), 'CreateRepository', { repositoryName: repository });
  } catch (error) {
    if (!isServiceError(error) || error.code !== 'RepositoryAlreadyExistsException') throw error;
  }
  for (const blob of content.blobs ?? []) endpoint.state.putBlob(blob.bytes);
  for (const manifest of content.manifests ?? []) {
    handleEcr(context(endpoint), 'PutImage', {
      repositoryName: repository,
      imageManifest: decoder.decode(manifest.bytes),
      imageManifestMediaType: manifest.mediaType,
    });
  }
};

/** What the guard's handler returned for one push event. */
export interface CheckedOutcome {
  readonly kind: string;
  readonly verdict?: string;
  readonly reasons?: readonly string[];
  readonly tags?: readonly { readonly tag: string; readonly outcome: string }[];
}

/** Pushes the tagged subject over HTTP, waits for the guard, and returns its outcome for that push. */
export const pushAndCheck = async (
  harness: GuardHarness,
  repository: string,
  subject: Fixture,
  tag: string,
): Promise<CheckedOutcome> => {
  await putRawManifest(harness.ecr, subject, { repository, tag });
  await harness.guard.stack.idle();
  const record = harness.runtime.successes.find((each) => {
    const detail = (each.requestPayload as { detail?: Record<string, unknown> }).detail;
    return detail?.['repository-name'] === repository && detail['image-tag'] === tag;
  });
  return (record?.responsePayload ?? { kind: 'lost' }) as CheckedOutcome;
};

/**
 * The calls the check of one push made: after the push's own PutImage, up to the guard's first tag
 * write. The events of the tags the guard writes are verified afterwards, in invocations of their own.
 */
export const callsOfCheck = (harness: GuardHarness, since: number): ReturnType<LocalEndpoint['calls']['list']> => {
  const calls = harness.endpoint.calls.list({ since });
  const puts = calls.flatMap((call, i) => (call.name === 'ecr:PutImage' ? [i] : []));
  return calls.slice((puts[0] ?? -1) + 1, puts[1] ?? calls.length);
};
