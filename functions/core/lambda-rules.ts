/**
 * The rules the guard applies, one row per reason code, each with where the fact comes from and
 * whether AWS documents it (`confirmed`) or it is inferred from practice (`unverified`).
 *
 * Reason codes are a public contract (JSON output, SNS filter policies, dashboards): add codes,
 * never rename them.
 */

export type Severity = 'error' | 'warning' | 'info';

/** `confirmed`: stated by AWS or the OCI specs. `unverified`: inferred from practice, not documented. */
export type RuleStatus = 'confirmed' | 'unverified';

export interface LambdaRule {
  readonly code: string;
  readonly severity: Severity;
  /** What the rule says, in one line. */
  readonly rule: string;
  readonly source: string;
  readonly status: RuleStatus;
}

const IMAGES_CREATE = 'https://docs.aws.amazon.com/lambda/latest/dg/images-create.html';
const FOUNDATION_ARCH = 'https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html';
const IMAGE_SPEC_MANIFEST = 'https://github.com/opencontainers/image-spec/blob/main/manifest.md';
const IMAGE_SPEC_DESCRIPTOR = 'https://github.com/opencontainers/image-spec/blob/main/descriptor.md';
const IMAGE_SPEC_LAYER = 'https://github.com/opencontainers/image-spec/blob/main/layer.md';

/** The table, errors first, then warnings, then the skip reason (a verdict lists its reasons in the order the rules found them). */
export const LAMBDA_RULES = [
  {
    code: 'MALFORMED_MANIFEST',
    severity: 'error',
    rule: 'The manifest must be a valid OCI or Docker schema 2 document of at most 4 MiB.',
    source: IMAGE_SPEC_MANIFEST,
    status: 'confirmed',
  },
  {
    code: 'DIGEST_MISMATCH',
    severity: 'error',
    rule: 'Content must hash to the digest (and have the size) it was referenced by.',
    source: IMAGE_SPEC_DESCRIPTOR,
    status: 'confirmed',
  },
  {
    code: 'IMAGE_INDEX',
    severity: 'error',
    rule: 'Lambda deploys a single image manifest, never an image index or manifest list, even with one platform.',
    source: IMAGES_CREATE,
    status: 'confirmed',
  },
  {
    code: 'SCHEMA1_MANIFEST',
    severity: 'error',
    rule: 'Lambda accepts Docker image manifest v2 schema 2 and OCI manifests; schema 1 is not among them.',
    source: IMAGES_CREATE,
    status: 'confirmed',
  },
  {
    code: 'NOT_LINUX',
    severity: 'error',
    rule: 'Lambda supports only Linux-based container images.',
    source: IMAGES_CREATE,
    status: 'confirmed',
  },
  {
    code: 'UNSUPPORTED_ARCHITECTURE',
    severity: 'error',
    rule: 'Lambda functions run on x86_64 (amd64) or arm64 only.',
    source: FOUNDATION_ARCH,
    status: 'confirmed',
  },
  {
    code: 'ARCHITECTURE_MISMATCH',
    severity: 'error',
    rule: "The image's architecture must match the function's; Lambda does not check at deploy time and the function fails at init (exec format error).",
    source: FOUNDATION_ARCH,
    status: 'confirmed',
  },
  {
    code: 'ENCRYPTED_LAYER',
    severity: 'error',
    rule: 'Lambda has no way to receive keys for ocicrypt-encrypted layers.',
    source: IMAGE_SPEC_LAYER,
    status: 'unverified',
  },
  {
    code: 'FOREIGN_LAYER',
    severity: 'error',
    rule: 'Foreign (Windows base) layers live outside the registry; Lambda pulls layers from ECR only.',
    source: 'https://github.com/distribution/distribution/blob/main/docs/content/spec/manifest-v2-2.md',
    status: 'unverified',
  },
  {
    code: 'UNSUPPORTED_LAYER_MEDIA_TYPE',
    severity: 'error',
    rule: 'Layers must be filesystem layers Lambda understands; it rejects unsupported layer media types at deploy time.',
    source: IMAGES_CREATE,
    status: 'unverified',
  },
  {
    code: 'UNSUPPORTED_CONFIG_MEDIA_TYPE',
    severity: 'error',
    rule: 'The config must be an OCI or Docker image config; Lambda rejects unsupported config media types.',
    source: IMAGES_CREATE,
    status: 'unverified',
  },
  {
    code: 'IMAGE_TOO_LARGE',
    severity: 'error',
    rule: 'Lambda supports a maximum uncompressed image size of 10 GB including all layers; compressed layers alone above that can never fit.',
    source: IMAGES_CREATE,
    status: 'confirmed',
  },
  {
    code: 'UNVERIFIED_LAYER_COMPRESSION',
    severity: 'warning',
    rule: 'Only gzip layers are known to deploy; zstd and uncompressed layers are undocumented for Lambda.',
    source: IMAGES_CREATE,
    status: 'unverified',
  },
  {
    code: 'NONDISTRIBUTABLE_LAYER',
    severity: 'warning',
    rule: 'Non-distributable layers (deprecated in image-spec 1.1) are undocumented for Lambda.',
    source: IMAGE_SPEC_LAYER,
    status: 'unverified',
  },
  {
    code: 'ARCHITECTURE_UNKNOWN',
    severity: 'warning',
    rule: "The image config was not available, so the image's OS and architecture could not be checked.",
    source: FOUNDATION_ARCH,
    status: 'confirmed',
  },
  {
    code: 'LARGE_MANIFEST',
    severity: 'warning',
    rule: 'For optimal performance, keep the image manifest under 25,400 bytes.',
    source: IMAGES_CREATE,
    status: 'confirmed',
  },
  {
    code: 'NOT_A_CONTAINER_IMAGE',
    severity: 'info',
    rule: 'Artifacts stored in a registry (attestations, signatures, SBOMs, Helm charts, SOCI indexes) are not images and are not checked.',
    source: IMAGE_SPEC_MANIFEST,
    status: 'confirmed',
  },
] as const satisfies readonly LambdaRule[];

/** A stable reason code. */
export type ReasonCode = (typeof LAMBDA_RULES)[number]['code'];

/** All reason codes, in report order. */
export const REASON_CODES: readonly ReasonCode[] = LAMBDA_RULES.map((row) => row.code);

const byCode = new Map<ReasonCode, LambdaRule>(LAMBDA_RULES.map((row) => [row.code, row]));

/** The rule row behind a reason code. */
export const ruleFor = (code: ReasonCode): LambdaRule => byCode.get(code) as LambdaRule;

/** 10 GiB, the figure in Lambda's `SizeLimitExceeded` error text. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024 * 1024;

/** Lambda's manifest-size advice (images-create.html). */
export const LARGE_MANIFEST_BYTES = 25_400;
