/**
 * The rules the guard applies: one row per reason code, and everything about a rule in its row —
 * severity, what it says, the sentence a verdict gives, the words an explanation uses, which fix
 * catalogue answers it, where the fact comes from and how firmly it is established.
 *
 * Reason codes are a public contract (JSON output, SNS filter policies, dashboards): add codes,
 * never rename them. `docs/reason-codes.md` is generated from this table.
 */
import { describeArtifact } from './artifact-detection.js';
import { formatBytes } from './format-bytes.js';
import { familyOf } from './media-type.js';
import type { ProblemLocation, ReasonCode, ReasonDetails } from './reason-details.js';

export type { ReasonCode } from './reason-details.js';

export type Severity = 'error' | 'warning' | 'info';

/**
 * `confirmed`: stated by AWS or the OCI specs. `practice`: established by public reports of real
 * deployments, not by a document. `unverified`: inferred, with no report either way.
 */
export type RuleStatus = 'confirmed' | 'practice' | 'unverified';

/** A primary source: a documentation page, a specification, an issue or pull request, a release. */
export interface Source {
  readonly title: string;
  readonly url: string;
}

/** The fix catalogues (`functions/report/remedies.ts` has one per topic). */
export type RemedyTopic =
  | 'attestation-index'
  | 'multi-platform-index'
  | 'single-platform-index'
  | 'architecture-mismatch'
  | 'index-platform-mismatch'
  | 'schema1'
  | 'layer-compression'
  | 'nondistributable-layer'
  | 'encrypted-layer'
  | 'foreign-layer'
  | 'not-linux'
  | 'unsupported-architecture'
  | 'image-too-large'
  | 'unsupported-media-type'
  | 'large-manifest'
  | 'unreadable-manifest'
  | 'unreadable-config';

export interface LambdaRule<C extends ReasonCode = ReasonCode> {
  readonly code: C;
  readonly severity: Severity;
  readonly status: RuleStatus;
  /** What the rule says, in one line. */
  readonly rule: string;
  /** The heading an explanation gives it. */
  readonly title: string;
  /** What a person should know beyond the rule (how it fails, what to give the guard); empty when nothing. */
  readonly prose: string;
  /** The fix catalogue that answers it; `null` when nothing in the build needs fixing. */
  readonly remedy: RemedyTopic | ((details: ReasonDetails[C]) => RemedyTopic) | null;
  /** Where the predicate lives: `file.ts#function` under `functions/core` (a test holds these to the code). */
  readonly predicates: readonly string[];
  readonly sources: readonly Source[];
  /** The one-sentence message a verdict gives, from the details alone. */
  readonly message: (details: ReasonDetails[C]) => string;
}

const LAMBDA_IMAGES: Source = {
  title: 'AWS Lambda Developer Guide: Create a Lambda function using a container image',
  url: 'https://docs.aws.amazon.com/lambda/latest/dg/images-create.html',
};
const LAMBDA_ARCHITECTURES: Source = {
  title: 'AWS Lambda Developer Guide: Selecting and configuring an instruction set architecture',
  url: 'https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html',
};
const ECR_PUT_IMAGE: Source = {
  title: 'Amazon ECR API Reference: PutImage (imageManifest, 1 to 4,194,304 characters)',
  url: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html',
};
const IMAGE_SPEC_MANIFEST: Source = {
  title: 'OCI image-spec: Image Manifest',
  url: 'https://github.com/opencontainers/image-spec/blob/main/manifest.md',
};
const IMAGE_SPEC_DESCRIPTOR: Source = {
  title: 'OCI image-spec: Content Descriptors (digest and size)',
  url: 'https://github.com/opencontainers/image-spec/blob/main/descriptor.md',
};
const IMAGE_SPEC_LAYER: Source = {
  title: 'OCI image-spec: Image Layer Filesystem Changeset (media types, non-distributable layers)',
  url: 'https://github.com/opencontainers/image-spec/blob/main/layer.md',
};
const IMAGE_SPEC_CONFIG: Source = {
  title: 'OCI image-spec: Image Configuration (architecture and os are required)',
  url: 'https://github.com/opencontainers/image-spec/blob/main/config.md',
};
const DOCKER_SCHEMA2: Source = {
  title: 'Docker Image Manifest V2, Schema 2 (foreign layers)',
  url: 'https://github.com/distribution/distribution/blob/main/docs/content/spec/manifest-v2-2.md',
};
const OCICRYPT: Source = {
  title: 'containers/ocicrypt: encrypted OCI layers (+encrypted media types)',
  url: 'https://github.com/containers/ocicrypt/blob/main/docs/spec.md',
};
const BOTO3_3255: Source = {
  title: 'boto/boto3#3255: UpdateFunctionCode with a manifest-list digest is refused',
  url: 'https://github.com/boto/boto3/issues/3255',
};
const BUILDX_1533: Source = {
  title: 'docker/buildx#1533: default buildx 0.10 output (index + provenance) cannot run on AWS Lambda',
  url: 'https://github.com/docker/buildx/issues/1533',
};
const MOBY_51532: Source = {
  title: 'moby/moby#51532: Docker Engine 29 pushes a single-platform OCI index; Lambda refuses it',
  url: 'https://github.com/moby/moby/issues/51532',
};
const LAMBDA_ROADMAP_82: Source = {
  title: 'aws/aws-lambda-roadmap#82: support pulling a platform-specific digest from an OCI index (open)',
  url: 'https://github.com/aws/aws-lambda-roadmap/issues/82',
};
const BASE_IMAGES_26: Source = {
  title: 'aws/aws-lambda-base-images#26: exec format error at launch for an image of the other architecture',
  url: 'https://github.com/aws/aws-lambda-base-images/issues/26',
};
const BEDROCK_GATEWAY_32: Source = {
  title: 'aws-samples/bedrock-access-gateway#32: Runtime.InvalidEntrypoint from an image built for the wrong architecture',
  url: 'https://github.com/aws-samples/bedrock-access-gateway/pull/32',
};
const IMAGE_SPEC_INDEX: Source = {
  title: 'OCI image-spec: Image Index (platform: the minimum runtime requirements of the image)',
  url: 'https://github.com/opencontainers/image-spec/blob/main/image-index.md',
};
const BUILDAH_MANIFEST_ADD: Source = {
  title: 'buildah-manifest-add(1): --arch/--os/--variant override the platform recorded in the list',
  url: 'https://github.com/containers/buildah/blob/main/docs/buildah-manifest-add.1.md',
};
const RULES_OCI_777: Source = {
  title: 'bazel-contrib/rules_oci#777: ImageLayerFailure: UnsupportedImageLayerDetected on images pushed by oci_push',
  url: 'https://github.com/bazel-contrib/rules_oci/issues/777',
};
const RULES_OCI_IMAGE_SH: Source = {
  title:
    'rules_oci oci/private/image.sh and descriptor.sh: a layer is pushed as application/vnd.oci.image.layer.v1.tar unless its bytes start with gzip or zstd magic',
  url: 'https://github.com/bazel-contrib/rules_oci/blob/main/oci/private/image.sh',
};
const RULES_OCI_645: Source = {
  title: 'bazel-contrib/rules_oci#645: UnsupportedImageLayerDetected; the same image re-pushed with docker push deploys',
  url: 'https://github.com/bazel-contrib/rules_oci/issues/645',
};

/** "the document" for the whole manifest, the field path otherwise; entries of an index are named first. */
const located = (where: ProblemLocation): string => {
  const entry = where.entry === undefined ? '' : `entry ${where.entry} (${where.digest ?? 'unknown digest'}) `;
  const subject = where.path === '' ? (where.entry === undefined ? 'the document' : 'its manifest') : where.path;
  return `${entry}${subject} ${where.problem}`;
};

const layers = (n: number): string => `${n} layer${n === 1 ? '' : 's'}`;
const are = (n: number): string => (n === 1 ? 'is' : 'are');

const ROLE_WORDS: Readonly<Record<string, string>> = { runnable: 'runnable image', image: 'other image' };

/** `2 runnable images + 2 attestations`, counted over the whole index. */
const describeRoles = (roles: Readonly<Record<string, number>>): string => {
  const parts = Object.entries(roles)
    .filter(([, n]) => n > 0)
    .map(([role, n]) => `${n} ${ROLE_WORDS[role] ?? role}${n === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'empty' : parts.join(' + ');
};

/** The table, errors first, then warnings, then the skip reason (a verdict lists its reasons in the order the rules found them). */
export const LAMBDA_RULES: { readonly [C in ReasonCode]: LambdaRule<C> } = {
  MALFORMED_MANIFEST: {
    code: 'MALFORMED_MANIFEST',
    severity: 'error',
    status: 'confirmed',
    rule: 'The manifest must be a valid OCI or Docker schema 2 document, and ECR stores manifests of at most 4 MiB.',
    title: 'The manifest cannot be read',
    prose: '',
    remedy: 'unreadable-manifest',
    predicates: ['manifest.ts#parseManifest'],
    sources: [IMAGE_SPEC_MANIFEST, ECR_PUT_IMAGE],
    message: located,
  },
  MALFORMED_CONFIG: {
    code: 'MALFORMED_CONFIG',
    severity: 'error',
    status: 'confirmed',
    rule: 'The image config must be JSON naming at least the os and architecture the image runs on (image-spec config.md marks both REQUIRED).',
    title: 'The image config cannot be read',
    prose: '',
    remedy: 'unreadable-config',
    predicates: ['image-config.ts#readImageConfig'],
    sources: [IMAGE_SPEC_CONFIG],
    message: located,
  },
  DIGEST_MISMATCH: {
    code: 'DIGEST_MISMATCH',
    severity: 'error',
    status: 'confirmed',
    rule: 'Content must hash to the digest, and have the size, it was referenced by.',
    title: 'The content does not match its digest',
    prose: '',
    remedy: 'unreadable-manifest',
    predicates: ['manifest.ts#parseManifest', 'image-config.ts#readImageConfig'],
    sources: [IMAGE_SPEC_DESCRIPTOR],
    message: located,
  },
  IMAGE_INDEX: {
    code: 'IMAGE_INDEX',
    severity: 'error',
    status: 'practice',
    rule: 'Lambda deploys a single image manifest, never an image index or manifest list, even one with a single platform.',
    title: 'The tag names an index',
    prose:
      'AWS documents that Lambda does not support multi-architecture images; that it refuses every index, including a single image with an attestation, is established by reported deployments.',
    remedy: (details) =>
      details.attestations > 0
        ? 'attestation-index'
        : (details.roles.runnable ?? 0) + (details.roles.image ?? 0) >= 2
          ? 'multi-platform-index'
          : 'single-platform-index',
    predicates: ['classify.ts#classifyIndex'],
    sources: [LAMBDA_IMAGES, BOTO3_3255, BUILDX_1533, MOBY_51532, LAMBDA_ROADMAP_82],
    message: (details) =>
      `the tag names ${familyOf(details.mediaType) === 'docker' ? 'a Docker manifest list' : 'an OCI image index'} (${describeRoles(details.roles)}); Lambda deploys only a single image manifest`,
  },
  SCHEMA1_MANIFEST: {
    code: 'SCHEMA1_MANIFEST',
    severity: 'error',
    status: 'confirmed',
    rule: 'Lambda accepts Docker image manifest v2 schema 2 and OCI manifests; schema 1 is not among them.',
    title: 'Schema 1 manifest',
    prose: '',
    remedy: 'schema1',
    predicates: ['classify.ts#classify'],
    sources: [LAMBDA_IMAGES],
    message: () => 'this is a Docker v2 schema 1 manifest; Lambda accepts only schema 2 and OCI manifests',
  },
  NOT_LINUX: {
    code: 'NOT_LINUX',
    severity: 'error',
    status: 'confirmed',
    rule: 'Lambda supports only Linux-based container images.',
    title: 'Not a Linux image',
    prose: '',
    remedy: 'not-linux',
    predicates: ['image-rules.ts#checkPlatform'],
    sources: [LAMBDA_IMAGES],
    message: (details) => `the image is built for ${details.platform}; Lambda runs Linux images only`,
  },
  UNSUPPORTED_ARCHITECTURE: {
    code: 'UNSUPPORTED_ARCHITECTURE',
    severity: 'error',
    status: 'confirmed',
    rule: 'Lambda functions run on x86_64 (amd64) or arm64 only.',
    title: 'Architecture Lambda does not run',
    prose: '',
    remedy: 'unsupported-architecture',
    predicates: ['image-rules.ts#checkPlatform'],
    sources: [LAMBDA_ARCHITECTURES],
    message: (details) => `the image is built for ${details.platform}; Lambda runs x86_64 (amd64) or arm64 only`,
  },
  ARCHITECTURE_MISMATCH: {
    code: 'ARCHITECTURE_MISMATCH',
    severity: 'error',
    status: 'practice',
    rule: "The image's architecture must match the function's; Lambda does not compare them at deploy time, and the function fails when it starts.",
    title: 'Image and function architectures differ',
    prose:
      'The mismatch shows only when the function starts: `exec format error` (`Runtime.InvalidEntrypoint`), as reported by many teams building on Apple Silicon for x86_64 functions.',
    remedy: 'architecture-mismatch',
    predicates: ['image-rules.ts#checkPlatform', 'classify.ts#classifyIndex'],
    sources: [LAMBDA_ARCHITECTURES, BASE_IMAGES_26, BEDROCK_GATEWAY_32],
    message: (details) =>
      'image' in details
        ? `the image is ${details.image} but the function targets ${details.target.join(' or ')}`
        : `the index has no runnable image for ${details.target.join(' or ')} (found ${details.found.join(', ')})`,
  },
  INDEX_PLATFORM_MISMATCH: {
    code: 'INDEX_PLATFORM_MISMATCH',
    severity: 'error',
    status: 'confirmed',
    rule: "An index entry's platform must be the platform its image config states; an entry that claims another is not deployed.",
    title: 'The index lies about a platform',
    prose:
      'Clients pick an image from an index by the platform the index claims, but the image runs as its config says. Tools can record any platform for an entry (`buildah manifest add --arch`), so the guard reads the config of every image it would offer and offers none whose config disagrees.',
    remedy: 'index-platform-mismatch',
    predicates: ['index-analysis.ts#platformLie'],
    sources: [IMAGE_SPEC_INDEX, IMAGE_SPEC_CONFIG, BUILDAH_MANIFEST_ADD],
    message: (details) => {
      const entry =
        details.entry === undefined ? 'the index entry' : `entry ${details.entry} (${details.digest ?? 'unknown digest'})`;
      return `${entry} claims ${details.index} in the index, but its image config says ${details.config}; it runs as ${details.config}`;
    },
  },
  ENCRYPTED_LAYER: {
    code: 'ENCRYPTED_LAYER',
    severity: 'error',
    status: 'unverified',
    rule: 'Lambda has no way to receive keys for ocicrypt-encrypted layers.',
    title: 'Encrypted layers',
    prose: '',
    remedy: 'encrypted-layer',
    predicates: ['image-rules.ts#checkLayers'],
    sources: [OCICRYPT, LAMBDA_IMAGES],
    message: (details) => `${layers(details.count)} ${are(details.count)} encrypted; Lambda cannot decrypt them`,
  },
  FOREIGN_LAYER: {
    code: 'FOREIGN_LAYER',
    severity: 'error',
    status: 'unverified',
    rule: 'Foreign (Windows base) layers live outside the registry; Lambda pulls layers from ECR only.',
    title: 'Foreign layers',
    prose: '',
    remedy: 'foreign-layer',
    predicates: ['image-rules.ts#checkLayers'],
    sources: [DOCKER_SCHEMA2, LAMBDA_IMAGES],
    message: (details) =>
      `${layers(details.count)} ${are(details.count)} foreign (Windows base) layers that are not stored in the registry`,
  },
  UNSUPPORTED_LAYER_MEDIA_TYPE: {
    code: 'UNSUPPORTED_LAYER_MEDIA_TYPE',
    severity: 'error',
    status: 'unverified',
    rule: 'Layers must be filesystem layers Lambda understands; it refuses unsupported layer media types at deploy time.',
    title: 'Unsupported layer media type',
    prose: '',
    remedy: 'unsupported-media-type',
    predicates: ['image-rules.ts#checkLayers'],
    sources: [LAMBDA_IMAGES, IMAGE_SPEC_LAYER],
    message: (details) =>
      `${layers(details.count)} use${details.count === 1 ? 's' : ''} a media type that is not a filesystem layer Lambda can unpack`,
  },
  UNSUPPORTED_CONFIG_MEDIA_TYPE: {
    code: 'UNSUPPORTED_CONFIG_MEDIA_TYPE',
    severity: 'error',
    status: 'unverified',
    rule: 'The config must be an OCI or Docker image config; Lambda refuses unsupported config media types at deploy time.',
    title: 'Unsupported config media type',
    prose: '',
    remedy: 'unsupported-media-type',
    predicates: ['image-rules.ts#checkImage'],
    sources: [LAMBDA_IMAGES, IMAGE_SPEC_CONFIG],
    message: (details) => `the config media type "${details.mediaType}" is not an image config`,
  },
  IMAGE_TOO_LARGE: {
    code: 'IMAGE_TOO_LARGE',
    severity: 'error',
    status: 'confirmed',
    rule: 'Lambda supports a maximum uncompressed image size of 10 GB including all layers; compressed layers alone above that can never fit.',
    title: 'Image too large',
    prose: '',
    remedy: 'image-too-large',
    predicates: ['image-rules.ts#checkImage'],
    sources: [LAMBDA_IMAGES],
    message: (details) =>
      `compressed layers alone are ${formatBytes(details.compressedBytes)}; Lambda's limit is 10 GiB uncompressed`,
  },
  /*
   * Decided from evidence (issue 9), per media type:
   * - uncompressed tar (`…layer.v1.tar`, `…rootfs.diff.tar`): an error, `practice`. rules_oci pushes a
   *   layer whose bytes are not gzip or zstd as `application/vnd.oci.image.layer.v1.tar` (image.sh,
   *   descriptor.sh); rules_oci#777 reports `UnsupportedImageLayerDetected` naming exactly the layer
   *   rules_oci added (a plain pkg_tar), and the same image deploying once `docker push` re-compressed
   *   it (194 MB in ECR instead of 263 MB); rules_oci#645 reports the same error from v2, whose layer
   *   path this is, where v1 worked. No report shows an uncompressed layer deploying.
   * - zstd (`…+zstd`): stays a warning, `unverified`: no report either way for Lambda.
   * - non-distributable: stays a warning (`NONDISTRIBUTABLE_LAYER`); its gzip form is gzip.
   */
  UNCOMPRESSED_LAYER: {
    code: 'UNCOMPRESSED_LAYER',
    severity: 'error',
    status: 'practice',
    rule: 'Uncompressed (plain tar) layers fail at function creation with UnsupportedImageLayerDetected; gzip layers deploy.',
    title: 'Uncompressed layers',
    prose:
      'Lambda accepts the image at `CreateFunction` and then fails it (`InvalidImage: ImageLayerFailure: UnsupportedImageLayerDetected`, naming the layer). Bazel rules_oci pushes a plain tar layer as it is; the same image re-pushed by `docker push`, which gzips every layer, deploys.',
    remedy: 'layer-compression',
    predicates: ['image-rules.ts#checkLayers'],
    sources: [RULES_OCI_777, RULES_OCI_645, RULES_OCI_IMAGE_SH, IMAGE_SPEC_LAYER],
    message: (details) =>
      `${layers(details.count)} ${are(details.count)} uncompressed tar; Lambda has refused such layers (UnsupportedImageLayerDetected)`,
  },
  UNVERIFIED_LAYER_COMPRESSION: {
    code: 'UNVERIFIED_LAYER_COMPRESSION',
    severity: 'warning',
    status: 'unverified',
    rule: 'Only gzip layers are known to deploy; zstd layers are not documented for Lambda and no deployment has been reported either way.',
    title: 'zstd layers',
    prose:
      'Docker and BuildKit can push zstd layers (`compression=zstd`); Lambda documents neither support nor refusal. Re-push with gzip to be safe.',
    remedy: 'layer-compression',
    predicates: ['image-rules.ts#checkLayers'],
    sources: [LAMBDA_IMAGES, IMAGE_SPEC_LAYER],
    message: (details) => `${layers(details.count)} ${are(details.count)} zstd-compressed; only gzip is known to deploy`,
  },
  NONDISTRIBUTABLE_LAYER: {
    code: 'NONDISTRIBUTABLE_LAYER',
    severity: 'warning',
    status: 'unverified',
    rule: 'Non-distributable layers (deprecated in image-spec 1.1) are not documented for Lambda.',
    title: 'Non-distributable layers',
    prose: '',
    remedy: 'nondistributable-layer',
    predicates: ['image-rules.ts#checkLayers'],
    sources: [IMAGE_SPEC_LAYER, LAMBDA_IMAGES],
    message: (details) =>
      `${layers(details.count)} ${are(details.count)} marked non-distributable; Lambda support is undocumented`,
  },
  ARCHITECTURE_UNKNOWN: {
    code: 'ARCHITECTURE_UNKNOWN',
    severity: 'warning',
    status: 'confirmed',
    rule: 'Lambda runs linux images for x86_64 or arm64; the guard reads both from the image config.',
    title: 'Architecture not checked',
    prose:
      'Give the guard `ecr:GetDownloadUrlForLayer` on the repository, or pass the CLI a `--blobs` folder holding the config, so it can read the image config.',
    remedy: null,
    predicates: ['image-rules.ts#checkImage'],
    sources: [IMAGE_SPEC_CONFIG, LAMBDA_ARCHITECTURES],
    message: () => 'the image config was not available, so OS and architecture were not checked',
  },
  LARGE_MANIFEST: {
    code: 'LARGE_MANIFEST',
    severity: 'warning',
    status: 'confirmed',
    rule: 'For optimal performance, keep the image manifest under 25,400 bytes.',
    title: 'Large manifest',
    prose: '',
    remedy: 'large-manifest',
    predicates: ['image-rules.ts#checkImage'],
    sources: [LAMBDA_IMAGES],
    message: (details) => `the manifest is ${details.bytes} bytes; Lambda advises under ${details.adviceBytes}`,
  },
  NOT_A_CONTAINER_IMAGE: {
    code: 'NOT_A_CONTAINER_IMAGE',
    severity: 'info',
    status: 'confirmed',
    rule: 'Artifacts stored in a registry (attestations, signatures, SBOMs, Helm charts, SOCI indexes) are not images and are not checked.',
    title: 'Not a container image',
    prose:
      'Registries store signatures, SBOMs, attestations, Helm charts and SOCI indexes next to images; they are never deployed to Lambda, so the guard neither tags nor quarantines them.',
    remedy: null,
    predicates: ['classify.ts#classify'],
    sources: [IMAGE_SPEC_MANIFEST],
    message: (details) => `this is ${describeArtifact(details.kind)}, not a container image`,
  },
};

/** All reason codes, in report order. */
export const REASON_CODES = Object.keys(LAMBDA_RULES) as readonly ReasonCode[];

/** The rule row behind a reason code. */
export const ruleFor = <C extends ReasonCode>(code: C): LambdaRule<C> => LAMBDA_RULES[code] as LambdaRule<C>;

/** 10 GiB, the figure in Lambda's `SizeLimitExceeded` error text. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024 * 1024;

/** Lambda's manifest-size advice (images-create.html). */
export const LARGE_MANIFEST_BYTES = 25_400;
