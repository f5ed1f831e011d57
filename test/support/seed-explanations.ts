/**
 * The stories every renderer test tells (explain, text, Slack, Chatbot, SNS, verdict JSON): the seed
 * push of the product brief, the context and push event it is told in, and the few other subjects every
 * renderer must handle. One place, so each renderer is judged on the same inputs.
 */

import { type BuildKitIndexFixture, buildKitIndex, helmChart, image, imageEvidence } from '../../fixtures/oci-fixtures.js';
import { classify, type Evidence } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import type { Verdict } from '../../functions/core/verdict.js';
import type { SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import type { FailureEvent } from '../../functions/report/guard-failure.js';
import type { GuardEventFields } from '../../functions/report/verdict-json.js';

/** The registry the stories' repositories live in. */
export const REGISTRY_URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
/** The GitHub Actions run the seed push's provenance names as its builder. */
export const GITHUB_RUN = 'https://github.com/acme/orders/actions/runs/9123456789';
/** The repository the seed push's provenance names as its source. */
export const SEED_SOURCE = 'https://github.com/acme/orders';
/** The seed push's commit, as short as the renderers show it. */
export const SEED_REVISION = '4f2c1e0d9b8a';
/** A longer form of the same commit, to check that a renderer shortens it to {@link SEED_REVISION}. */
export const SEED_REVISION_LONG = `${SEED_REVISION}7f6e5d4c`;

/** The seed push: an OCI index over a linux/arm64 image and its provenance attestation, built by {@link GITHUB_RUN}. */
export const seedPush = (vcsRevision: string = SEED_REVISION): BuildKitIndexFixture =>
  buildKitIndex({ architectures: ['arm64'], provenance: { builderId: GITHUB_RUN, vcsSource: SEED_SOURCE, vcsRevision } });

/** The seed push judged for an arm64 function, and the digest of the image inside it to deploy. */
export interface SeedVerdict {
  readonly push: BuildKitIndexFixture;
  readonly verdict: Verdict;
  readonly child: string;
}

export const seedVerdict = (vcsRevision: string = SEED_REVISION): SeedVerdict => {
  const push = seedPush(vcsRevision);
  return { push, verdict: classify(push.evidence, { architectures: ['arm64'] }), child: push.images[0]?.digest ?? '' };
};

export interface ContextSpec {
  readonly architectures?: readonly LambdaArchitecture[];
  readonly tagging?: readonly TagOutcome[];
  /** What a CLI run read; by default `oci-layout:./build` when there is no repository, else none. */
  readonly source?: string | null;
  /** `eu-west-1` by default. */
  readonly region?: string | null;
}

/** The context a verdict is explained in: a repository of {@link REGISTRY_URI} (or none, for the CLI) and a tag. */
export const subjectContext = (repository: string | null, tag: string | null, spec: ContextSpec = {}): SubjectContext => ({
  repository,
  tag,
  repositoryUri: repository === null ? null : `${REGISTRY_URI}/${repository}`,
  region: spec.region === undefined ? 'eu-west-1' : spec.region,
  architectures: spec.architectures ?? [],
  source: spec.source === undefined ? (repository === null ? 'oci-layout:./build' : null) : spec.source,
  tagging: spec.tagging ?? [],
});

/** The push event a notification reports on. */
export const PUSH_EVENT: GuardEventFields = {
  eventId: '13cde686-328b-6117-af20-0e5566167482',
  account: '123456789012',
  region: 'eu-west-1',
  time: '2026-02-13T10:00:00Z',
  repository: 'orders-api',
};

/** The push a failure report is about: `orders-api` at an `ab…` digest, announced without a time. */
export const failedPush = (tag: string | null, fields: Partial<FailureEvent> = {}): FailureEvent => ({
  eventId: 'ev-1',
  account: '123456789012',
  region: 'eu-west-1',
  time: '',
  repository: 'orders-api',
  digest: `sha256:${'ab'.repeat(32)}`,
  tag,
  ...fields,
});

/** A Helm chart (with its top-level `mediaType`): skipped, not a container image. */
export const helmChartEvidence = (): Evidence => imageEvidence(helmChart({ withMediaType: true }));

/** An amd64 image whose only layer is zstd-compressed: deployable, with an unverified warning. */
export const zstdImage = (): Evidence => imageEvidence(image({ platform: 'linux/amd64', layers: [MediaType.OciLayerZstd] }));
