/**
 * Small builders for registry content as exact bytes plus digests: image configs, OCI and Docker
 * image manifests, indexes, BuildKit attestation manifests (legacy and OCI-artifact forms) and
 * in-toto provenance statements. Layers are descriptors only: the guard never reads a layer.
 */
import type { Evidence } from '../../functions/core/classify.js';
import { type Digest, digestOf } from '../../functions/core/digest.js';

/** Bytes with their digest and media type. */
export interface Blob {
  readonly bytes: Uint8Array;
  readonly digest: Digest;
  readonly size: number;
  readonly mediaType: string;
}

/** A content descriptor as JSON (the shape written into manifests). */
export interface DescriptorJson {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string };
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly urls?: readonly string[];
}

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const IN_TOTO = 'application/vnd.in-toto+json';
export const ATTESTATION_ARTIFACT = 'application/vnd.docker.attestation.manifest.v1+json';
export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';

const encoder = new TextEncoder();

/** Exact bytes of a JSON document (or of a string taken as is), with digest and size. */
export const blobOf = (content: unknown, mediaType: string): Blob => {
  const bytes = encoder.encode(typeof content === 'string' ? content : JSON.stringify(content));
  return { bytes, digest: digestOf(bytes), size: bytes.byteLength, mediaType };
};

/** The descriptor of a blob, with optional platform, annotations and artifact type. */
export const descriptorOf = (blob: Blob, extra: Omit<DescriptorJson, 'mediaType' | 'digest' | 'size'> = {}): DescriptorJson => ({
  mediaType: blob.mediaType,
  digest: blob.digest,
  size: blob.size,
  ...extra,
});

/** A layer descriptor with a deterministic fake digest; layers are never fetched. */
export const layerOf = (seed: string, mediaType = OCI_LAYER_GZIP, size = 1024): DescriptorJson => ({
  mediaType,
  digest: digestOf(encoder.encode(`layer:${seed}`)),
  size,
});

/** An image config blob (`os`, `architecture`, optional `variant`). */
export const imageConfig = (platform: { os?: string; architecture: string; variant?: string }, mediaType = OCI_CONFIG): Blob =>
  blobOf(
    {
      architecture: platform.architecture,
      os: platform.os ?? 'linux',
      ...(platform.variant === undefined ? {} : { variant: platform.variant }),
      config: { Entrypoint: ['/lambda-entrypoint.sh'] },
      rootfs: { type: 'layers', diff_ids: [digestOf(encoder.encode(`diff:${platform.architecture}`))] },
    },
    mediaType,
  );

/** An image manifest over a config and layers (OCI unless a Docker media type is given). */
export const imageManifest = (options: {
  readonly config: Blob | DescriptorJson;
  readonly layers: readonly DescriptorJson[];
  readonly mediaType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly subject?: DescriptorJson;
}): Blob => {
  const mediaType = options.mediaType ?? OCI_MANIFEST;
  const config = 'bytes' in options.config ? descriptorOf(options.config) : options.config;
  return blobOf(
    {
      schemaVersion: 2,
      mediaType,
      ...(options.artifactType === undefined ? {} : { artifactType: options.artifactType }),
      config,
      layers: options.layers,
      ...(options.subject === undefined ? {} : { subject: options.subject }),
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    },
    mediaType,
  );
};

/** An OCI image index or Docker manifest list over descriptors. */
export const imageIndex = (
  manifests: readonly DescriptorJson[],
  options: { readonly mediaType?: string; readonly annotations?: Readonly<Record<string, string>> } = {},
): Blob => {
  const mediaType = options.mediaType ?? OCI_INDEX;
  return blobOf(
    {
      schemaVersion: 2,
      mediaType,
      manifests,
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    },
    mediaType,
  );
};

/** What a provenance statement says about the build. */
export interface ProvenanceFacts {
  readonly predicateType?: typeof SLSA_V02 | typeof SLSA_V1;
  readonly builderId?: string;
  readonly vcsSource?: string;
  readonly vcsRevision?: string;
  readonly dockerfile?: string;
  readonly mode?: 'min' | 'max';
  /** Extra bytes in an annotation-like field, to make statements huge. */
  readonly padding?: number;
}

/** A BuildKit-style in-toto statement with an SLSA provenance predicate (v0.2 or v1). */
export const provenanceStatement = (subjectDigest: string, facts: ProvenanceFacts = {}): Blob => {
  const predicateType = facts.predicateType ?? SLSA_V02;
  const vcs = {
    ...(facts.vcsSource === undefined ? {} : { source: facts.vcsSource }),
    ...(facts.vcsRevision === undefined ? {} : { revision: facts.vcsRevision }),
  };
  const hex = subjectDigest.slice('sha256:'.length);
  const predicate =
    predicateType === SLSA_V02
      ? {
          ...(facts.builderId === undefined ? {} : { builder: { id: facts.builderId } }),
          buildType: 'https://mobyproject.org/buildkit@v1',
          materials: [],
          invocation: {
            configSource: { entryPoint: facts.dockerfile ?? 'Dockerfile' },
            parameters: { frontend: 'dockerfile.v0' },
            environment: { platform: 'linux/amd64' },
          },
          ...(facts.mode === 'max' ? { buildConfig: { llbDefinition: [] } } : {}),
          metadata: {
            buildInvocationID: 'build-1',
            buildStartedOn: '2026-02-13T10:00:00Z',
            'https://mobyproject.org/buildkit@v1#metadata': {
              vcs,
              ...(facts.padding === undefined ? {} : { pad: 'x'.repeat(facts.padding) }),
            },
          },
        }
      : {
          buildDefinition: {
            buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
            externalParameters: {
              configSource: { path: facts.dockerfile ?? 'Dockerfile' },
              request: { frontend: 'dockerfile.v0' },
            },
            internalParameters: { builderPlatform: 'linux/amd64' },
          },
          runDetails: {
            ...(facts.builderId === undefined ? {} : { builder: { id: facts.builderId } }),
            metadata: { startedOn: '2026-02-13T10:00:00Z', buildkit_metadata: { vcs } },
          },
        };
  return blobOf(
    {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType,
      subject: [{ name: 'pkg:docker/app@latest', digest: { sha256: hex } }],
      predicate,
    },
    IN_TOTO,
  );
};

/** A BuildKit attestation manifest for one image, in the legacy or OCI-artifact storage form. */
export const attestationManifest = (
  image: DescriptorJson,
  statements: readonly { readonly blob: Blob; readonly predicateType: string }[],
  form: 'legacy' | 'oci-artifact' = 'legacy',
): { readonly manifest: Blob; readonly config: Blob } => {
  const layers = statements.map((s) => descriptorOf(s.blob, { annotations: { 'in-toto.io/predicate-type': s.predicateType } }));
  if (form === 'oci-artifact') {
    const config = blobOf('{}', OCI_EMPTY);
    return { manifest: imageManifest({ config, layers, artifactType: ATTESTATION_ARTIFACT, subject: image }), config };
  }
  const config = blobOf(
    { architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [] } },
    OCI_CONFIG,
  );
  return { manifest: imageManifest({ config, layers }), config };
};

/** The index entry BuildKit writes for an attestation manifest. */
export const attestationEntry = (attestation: Blob, imageDigest: string): DescriptorJson =>
  descriptorOf(attestation, {
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': imageDigest, 'vnd.docker.reference.type': 'attestation-manifest' },
  });

/** Evidence for `classify`: the subject plus whatever children and blobs are given. */
export const evidenceOf = (subject: Blob, manifests: readonly Blob[] = [], blobs: readonly Blob[] = []): Evidence => ({
  subject: subject.bytes,
  declaredMediaType: subject.mediaType,
  expectedDigest: subject.digest,
  manifests: new Map(manifests.map((m) => [m.digest, m.bytes])),
  blobs: new Map(blobs.map((b) => [b.digest, b.bytes])),
});

/** One runnable Linux image: config, manifest and its descriptor for an index. */
export const linuxImage = (
  architecture: string,
  options: { readonly mediaType?: string; readonly layerMediaType?: string; readonly os?: string; readonly seed?: string } = {},
): { readonly manifest: Blob; readonly config: Blob; readonly entry: DescriptorJson } => {
  const docker = options.mediaType === DOCKER_MANIFEST;
  const os = options.os ?? 'linux';
  const config = imageConfig({ architecture, os }, docker ? DOCKER_CONFIG : OCI_CONFIG);
  const layerType = options.layerMediaType ?? (docker ? DOCKER_LAYER_GZIP : OCI_LAYER_GZIP);
  const seed = options.seed ?? architecture;
  const manifest = imageManifest({
    config,
    layers: [layerOf(`${seed}-base`, layerType, 30_000_000), layerOf(`${seed}-app`, layerType, 4_000)],
    ...(options.mediaType === undefined ? {} : { mediaType: options.mediaType }),
  });
  return { manifest, config, entry: descriptorOf(manifest, { platform: { architecture, os } }) };
};

/** What BuildKit pushes: one index over images (one per architecture) and, optionally, their attestations. */
export const buildKitIndex = (options: {
  readonly architectures: readonly string[];
  readonly attestations?: 'legacy' | 'oci-artifact' | 'none';
  readonly provenance?: ProvenanceFacts;
  /** Leave the statement out of the evidence (the guard could not read it). */
  readonly statementUnavailable?: boolean;
  readonly mediaType?: string;
  /** Annotate the in-toto layers with this predicate type instead of the statement's (hostile or huge values). */
  readonly predicateTypeAnnotation?: string;
}): {
  readonly index: Blob;
  readonly evidence: Evidence;
  readonly images: readonly Blob[];
  readonly attestations: readonly Blob[];
} => {
  const form = options.attestations ?? 'legacy';
  const images = options.architectures.map((architecture, i) => linuxImage(architecture, { seed: `${architecture}-${i}` }));
  const entries: DescriptorJson[] = images.map((image) => image.entry);
  const manifests: Blob[] = images.map((image) => image.manifest);
  const blobs: Blob[] = images.map((image) => image.config);
  const attestations: Blob[] = [];
  if (form !== 'none') {
    for (const image of images) {
      const statement = provenanceStatement(image.manifest.digest, options.provenance ?? {});
      const predicateType = options.predicateTypeAnnotation ?? options.provenance?.predicateType ?? SLSA_V02;
      const attestation = attestationManifest(image.entry, [{ blob: statement, predicateType }], form);
      entries.push(attestationEntry(attestation.manifest, image.manifest.digest));
      manifests.push(attestation.manifest);
      attestations.push(attestation.manifest);
      blobs.push(attestation.config);
      if (options.statementUnavailable !== true) blobs.push(statement);
    }
  }
  const index = imageIndex(entries, options.mediaType === undefined ? {} : { mediaType: options.mediaType });
  return { index, evidence: evidenceOf(index, manifests, blobs), images: images.map((i) => i.manifest), attestations };
};

/** The same evidence with every child manifest replaced by bytes that do not match its digest. */
export const withCorruptChildren = (evidence: Evidence): Evidence => ({
  ...evidence,
  manifests: new Map(
    [...(evidence.manifests ?? new Map<string, Uint8Array>()).keys()].map((digest) => [digest, encoder.encode('{}')]),
  ),
});
