/**
 * Every user-facing fact the explanations and remedies state (versions, dates, defaults, limits),
 * one row each with its primary source. The prose refers to a row instead of repeating the value,
 * so a correction is made once, and `docs/remedies.md` lists the rows with their sources.
 *
 * `confirmed`: the source (documentation, release notes, the change itself) says so.
 * `practice`: known from user reports only.
 */
import type { Source } from '../core/lambda-rules.js';

export type FactStatus = 'confirmed' | 'practice';

export interface Fact {
  /** The value the prose quotes. */
  readonly value: string;
  /** What the value means, as a sentence. */
  readonly statement: string;
  readonly source: Source;
  readonly status: FactStatus;
}

const fact = (row: Fact): Fact => row;

const LAMBDA_IMAGES: Source = {
  title: 'Lambda: Create a function using a container image',
  url: 'https://docs.aws.amazon.com/lambda/latest/dg/images-create.html',
};

export const FACTS = {
  buildkitProvenanceDefault: fact({
    value: 'BuildKit 0.11',
    statement: 'BuildKit adds a provenance attestation (mode=min) to every image it exports, by default, since v0.11.',
    source: {
      title: 'Docker docs: Provenance attestations',
      url: 'https://docs.docker.com/build/metadata/attestations/slsa-provenance/',
    },
    status: 'confirmed',
  }),
  buildxProvenanceDefault: fact({
    value: 'docker buildx 0.10',
    statement: 'docker buildx 0.10 (with BuildKit 0.11) is the first buildx that attaches provenance by default.',
    source: { title: 'docker/buildx v0.10.0 release notes', url: 'https://github.com/docker/buildx/releases/tag/v0.10.0' },
    status: 'confirmed',
  }),
  buildPushActionProvenanceDefault: fact({
    value: 'docker/build-push-action 3.3.0 and 4+',
    statement: 'docker/build-push-action turned provenance on by default in v3.3.0, off again in v3.3.1, and on again from v4.',
    source: {
      title: 'docker/build-push-action v4.0.0 release notes',
      url: 'https://github.com/docker/build-push-action/releases/tag/v4.0.0',
    },
    status: 'confirmed',
  }),
  noDefaultAttestationsVariable: fact({
    value: 'BUILDX_NO_DEFAULT_ATTESTATIONS',
    statement: 'Setting BUILDX_NO_DEFAULT_ATTESTATIONS=1 turns off the default provenance attestation (buildx 0.10.4+).',
    source: {
      title: 'Docker docs: Build variables, BUILDX_NO_DEFAULT_ATTESTATIONS',
      url: 'https://docs.docker.com/build/building/variables/#buildx_no_default_attestations',
    },
    status: 'confirmed',
  }),
  provenanceFlag: fact({
    value: '--provenance=false',
    statement: 'The build flag that leaves the provenance attestation out.',
    source: {
      title: 'docker buildx build --provenance',
      url: 'https://docs.docker.com/reference/cli/docker/buildx/build/#provenance',
    },
    status: 'confirmed',
  }),
  sbomFlag: fact({
    value: '--sbom=false',
    statement: 'The build flag that leaves the SBOM attestation out (SBOMs are opt-in; the flag makes it explicit).',
    source: { title: 'docker buildx build --sbom', url: 'https://docs.docker.com/reference/cli/docker/buildx/build/#sbom' },
    status: 'confirmed',
  }),
  containerdStoreDefault: fact({
    value: 'fresh Docker Engine 29 installs and new Docker Desktop 4.34+ installs',
    statement:
      'The containerd image store, with which plain `docker build` attests and `docker push` sends an index, is the default only on fresh installs; an upgraded daemon keeps its store.',
    source: { title: 'Docker docs: containerd image store', url: 'https://docs.docker.com/engine/storage/containerd/' },
    status: 'confirmed',
  }),
  githubRunnersEngine29: fact({
    value: 'from 9 to 20 February 2026',
    statement:
      'GitHub-hosted Ubuntu runners had Docker Engine 29 from 9 February 2026 until the rollback to Docker 28 on 20 February 2026; ubuntu-latest still ships Docker 28, and only the Windows images and the ubuntu-26.04 preview have Engine 29.',
    source: {
      title: 'actions/runner-images#13708: revert the Ubuntu Docker 29.1.5 update',
      url: 'https://github.com/actions/runner-images/pull/13708',
    },
    status: 'confirmed',
  }),
  composeProvenanceFix: fact({
    value: 'a 2026 compose fix',
    statement: '`build.provenance: false` was ignored by docker compose on the containerd image store until compose PR #14112.',
    source: { title: 'docker/compose#14112', url: 'https://github.com/docker/compose/pull/14112' },
    status: 'practice',
  }),
  cdkAssetsNoAttestations: fact({
    value: 'February 2025',
    statement: "The CDK CLI's asset publisher (cdk-assets) builds with BUILDX_NO_DEFAULT_ATTESTATIONS=1 since February 2025.",
    source: { title: 'cdklabs/cdk-assets#342', url: 'https://github.com/cdklabs/cdk-assets/pull/342' },
    status: 'confirmed',
  }),
  samUseBuildkit: fact({
    value: 'SAM CLI 1.156.0',
    statement: '`sam build --use-buildkit` (SAM CLI 1.156.0+) runs docker buildx build with --provenance=false --sbom=false.',
    source: { title: 'aws/aws-sam-cli#8772', url: 'https://github.com/aws/aws-sam-cli/pull/8772' },
    status: 'confirmed',
  }),
  serverlessProvenance: fact({
    value: 'Serverless Framework v4.4.17',
    statement: 'Serverless Framework v4.4.17 added `provenance` to `provider.ecr.images.<name>`.',
    source: { title: 'serverless/serverless#12958', url: 'https://github.com/serverless/serverless/pull/12958' },
    status: 'confirmed',
  }),
  kreuzwerkerProvenance: fact({
    value: 'v4.3.0 (May 2026)',
    statement:
      'The kreuzwerker/docker Terraform provider gained the `provenance` and `sbom` build options of `docker_image` in v4.3.0; they take effect with a buildx builder.',
    source: {
      title: 'kreuzwerker/terraform-provider-docker#840',
      url: 'https://github.com/kreuzwerker/terraform-provider-docker/pull/840',
    },
    status: 'confirmed',
  }),
  imagetoolsPreferIndex: fact({
    value: '--prefer-index=false',
    statement:
      '`docker buildx imagetools create` wraps its source in a new index, unless `--prefer-index=false` (buildx 0.15+) is given for a single source manifest, which is then copied byte for byte.',
    source: {
      title: 'docker buildx imagetools create --prefer-index',
      url: 'https://docs.docker.com/reference/cli/docker/buildx/imagetools/create/#prefer-index',
    },
    status: 'confirmed',
  }),
  lambdaMaxImageSize: fact({
    value: '10 GB',
    statement: 'Lambda supports a maximum uncompressed image size of 10 GB, including all layers.',
    source: LAMBDA_IMAGES,
    status: 'confirmed',
  }),
  lambdaManifestAdvice: fact({
    value: '25,400 bytes',
    statement: 'For optimal performance Lambda advises keeping the image manifest under 25,400 bytes.',
    source: LAMBDA_IMAGES,
    status: 'confirmed',
  }),
  architectureMismatchAtStart: fact({
    value: '`exec format error` (`Runtime.InvalidEntrypoint`)',
    statement: 'Lambda does not compare architectures at deploy time; a mismatched image deploys and fails when it starts.',
    source: { title: 'aws/aws-lambda-base-images#26', url: 'https://github.com/aws/aws-lambda-base-images/issues/26' },
    status: 'practice',
  }),
  unsupportedLayerReports: fact({
    value: '`UnsupportedImageLayerDetected`',
    statement: 'Images pushed by rules_oci failed with UnsupportedImageLayerDetected until re-pushed with docker push.',
    source: { title: 'bazel-contrib/rules_oci#645', url: 'https://github.com/bazel-contrib/rules_oci/issues/645' },
    status: 'practice',
  }),
  consoleSaveUnstuck: fact({
    value: 'saving the function once in the console',
    statement: 'One report: a function stuck in InvalidImage that refused the update recovered after being saved in the console.',
    source: { title: 'marchof/java-almanac#310', url: 'https://github.com/marchof/java-almanac/issues/310' },
    status: 'practice',
  }),
  lambdaUnreservedConcurrency: fact({
    value: '100',
    statement:
      'Lambda keeps at least 100 concurrent executions unreserved, so reserving N needs an account concurrency quota of at least N + 100.',
    source: {
      title: 'Lambda API: PutFunctionConcurrency',
      url: 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html',
    },
    status: 'confirmed',
  }),
} as const satisfies Record<string, Fact>;
