/**
 * Generated fixtures for the core's tests: manifests, configs, indexes, attestations and artifacts
 * built by code, each as the exact bytes a registry would serve plus their sha256 digest.
 *
 * Every fixture is made from the shapes the OCI image-spec, Docker schema 2 and the BuildKit
 * attestation-storage doc define, so a test names what it varies (a layer type, a platform, an
 * annotation) and nothing else. Layer blobs are never materialised: their digests are the sha256 of
 * a seed string, which is all a manifest needs.
 */
import { createHash } from 'node:crypto';
import type { Evidence } from '../../functions/core/classify.js';
import type { Digest } from '../../functions/core/digest.js';
import { MediaType } from '../../functions/core/media-type.js';

/** Bytes plus what a descriptor says about them. */
export interface Fixture {
  readonly bytes: Uint8Array;
  readonly digest: Digest;
  readonly size: number;
  readonly mediaType: string;
}

/** A descriptor as it appears in JSON (image-spec descriptor.md). */
export interface DescriptorJson {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly platform?: PlatformJson;
}

export interface PlatformJson {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const encoder = new TextEncoder();

/** sha256 of exactly these bytes, in the `sha256:<hex>` form. */
export const sha256 = (bytes: Uint8Array | string): Digest =>
  `sha256:${createHash('sha256')
    .update(typeof bytes === 'string' ? encoder.encode(bytes) : bytes)
    .digest('hex')}` as Digest;

/** A digest for content the tests never materialise (layers, absent children). */
export const fakeDigest = (seed: string): Digest => sha256(`fixture:${seed}`);

/** JSON text as bytes; `indent` reproduces the pretty-printed forms registries and tools store. */
export const jsonBytes = (value: unknown, indent = 0): Uint8Array => encoder.encode(JSON.stringify(value, null, indent));

/** A fixture from exact bytes. */
export const rawFixture = (mediaType: string, bytes: Uint8Array | string): Fixture => {
  const data = typeof bytes === 'string' ? encoder.encode(bytes) : bytes;
  return { bytes: data, digest: sha256(data), size: data.byteLength, mediaType };
};

/** A fixture from a JSON value. */
export const jsonFixture = (mediaType: string, value: unknown, indent = 0): Fixture =>
  rawFixture(mediaType, jsonBytes(value, indent));

/** `linux/arm64/v8` → `{ os: 'linux', architecture: 'arm64', variant: 'v8' }`. */
export const platformOf = (text: string): PlatformJson => {
  const [os = '', architecture = '', variant] = text.split('/');
  return { os, architecture, ...(variant === undefined ? {} : { variant }) };
};

/** The descriptor of a fixture, with whatever extra fields an index entry or manifest needs. */
export const descriptor = (
  of: Fixture,
  extra: {
    readonly platform?: string | PlatformJson;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly artifactType?: string;
    readonly mediaType?: string;
    readonly size?: number;
    readonly digest?: string;
  } = {},
): DescriptorJson => ({
  mediaType: extra.mediaType ?? of.mediaType,
  digest: extra.digest ?? of.digest,
  size: extra.size ?? of.size,
  ...(extra.artifactType === undefined ? {} : { artifactType: extra.artifactType }),
  ...(extra.platform === undefined
    ? {}
    : { platform: typeof extra.platform === 'string' ? platformOf(extra.platform) : extra.platform }),
  ...(extra.annotations === undefined ? {} : { annotations: extra.annotations }),
});

// ---------------------------------------------------------------------------------------------
// Image configs and layers
// ---------------------------------------------------------------------------------------------

export interface ConfigSpec {
  /** `linux/amd64` by default. */
  readonly platform?: string | PlatformJson;
  /** Docker's config media type instead of OCI's. */
  readonly docker?: boolean;
  /** Fields to leave out, to build broken configs. */
  readonly omit?: readonly ('os' | 'architecture')[];
  /** Fields to add or override (e.g. a numeric `os`). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** An image config blob (image-spec config.md). */
export const imageConfig = (spec: ConfigSpec = {}): Fixture => {
  const platform = typeof spec.platform === 'string' ? platformOf(spec.platform) : (spec.platform ?? platformOf('linux/amd64'));
  const omit = new Set(spec.omit ?? []);
  const value = {
    created: '2026-01-01T00:00:00Z',
    ...(omit.has('architecture') ? {} : { architecture: platform.architecture }),
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    ...(omit.has('os') ? {} : { os: platform.os }),
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['app.handler'] },
    rootfs: { type: 'layers', diff_ids: [fakeDigest('diff-0')] },
    ...spec.extra,
  };
  return jsonFixture(spec.docker === true ? MediaType.DockerConfig : MediaType.OciConfig, value);
};

/** The two-byte `{}` blob OCI artifacts use as config (image-spec manifest.md "Guidance for an empty descriptor"). */
export const emptyBlob = (mediaType: string = MediaType.OciEmpty): Fixture => rawFixture(mediaType, '{}');

export interface LayerSpec {
  readonly mediaType?: string;
  readonly size?: number;
  /** Different seeds give different digests. */
  readonly seed?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly urls?: readonly string[];
}

/** A layer descriptor; a bare string is a media type. The blob itself never exists. */
export const layer = (spec: LayerSpec | string = {}, position = 0): DescriptorJson => {
  const s: LayerSpec = typeof spec === 'string' ? { mediaType: spec } : spec;
  const mediaType = s.mediaType ?? MediaType.OciLayerGzip;
  const size = s.size ?? 1_000_000 + position;
  return {
    mediaType,
    digest: fakeDigest(s.seed ?? `layer-${position}-${mediaType}-${size}`),
    size,
    ...(s.urls === undefined ? {} : { urls: s.urls }),
    ...(s.annotations === undefined ? {} : { annotations: s.annotations }),
  };
};

// ---------------------------------------------------------------------------------------------
// Image manifests
// ---------------------------------------------------------------------------------------------

export interface ImageSpec {
  /** `oci` (default) or `docker` (schema 2). */
  readonly format?: 'oci' | 'docker';
  /** The config blob; by default an image config for {@link ImageSpec.platform}. */
  readonly config?: Fixture;
  /** Shorthand for the default config's platform (`linux/amd64` by default). */
  readonly platform?: string;
  /** Layer specs; a bare string is a media type. Default: one gzip layer of the format. */
  readonly layers?: readonly (LayerSpec | string)[];
  /** The config descriptor, overridden field by field (to build lies: wrong size, wrong type). */
  readonly configDescriptor?: Partial<DescriptorJson>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly subject?: Fixture;
  /** Leave the top-level `mediaType` out (it is optional in OCI and must then be sniffed). */
  readonly omitMediaType?: boolean;
  /** Fields to add or override at the top level. */
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly indent?: number;
}

/** An image manifest together with its config blob and the JSON it was made from. */
export interface ImageFixture extends Fixture {
  readonly config: Fixture;
  readonly json: Readonly<Record<string, unknown>>;
}

/** An OCI image manifest or Docker schema 2 manifest (image-spec manifest.md). */
export const image = (spec: ImageSpec = {}): ImageFixture => {
  const docker = spec.format === 'docker';
  const config = spec.config ?? imageConfig({ platform: spec.platform ?? 'linux/amd64', docker });
  const defaultLayer = docker ? MediaType.DockerLayerGzip : MediaType.OciLayerGzip;
  const layers = (spec.layers ?? [defaultLayer]).map((entry, i) => layer(entry, i));
  const mediaType = docker ? MediaType.DockerManifest : MediaType.OciManifest;
  const json: Record<string, unknown> = {
    schemaVersion: 2,
    ...(spec.omitMediaType === true ? {} : { mediaType }),
    ...(spec.artifactType === undefined ? {} : { artifactType: spec.artifactType }),
    config: { ...descriptor(config), ...spec.configDescriptor },
    layers,
    ...(spec.subject === undefined ? {} : { subject: descriptor(spec.subject) }),
    ...(spec.annotations === undefined ? {} : { annotations: spec.annotations }),
    ...spec.extra,
  };
  return { ...jsonFixture(mediaType, json, spec.indent ?? 0), config, json };
};

// ---------------------------------------------------------------------------------------------
// Indexes and manifest lists
// ---------------------------------------------------------------------------------------------

export interface EntrySpec {
  readonly of: Fixture;
  /** `linux/arm64`; `null` leaves `platform` out. Default: none. */
  readonly platform?: string | PlatformJson | null;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  /** Override the entry's media type, size or digest (to build lies). */
  readonly mediaType?: string;
  readonly size?: number;
  readonly digest?: string;
}

export interface IndexSpec {
  /** `oci` (default) or `docker` (manifest list). */
  readonly format?: 'oci' | 'docker';
  readonly entries: readonly EntrySpec[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly subject?: Fixture;
  readonly omitMediaType?: boolean;
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly indent?: number;
}

export interface IndexFixture extends Fixture {
  readonly json: Readonly<Record<string, unknown>>;
}

/** An OCI image index or Docker manifest list (image-spec image-index.md). */
export const index = (spec: IndexSpec): IndexFixture => {
  const mediaType = spec.format === 'docker' ? MediaType.DockerManifestList : MediaType.OciIndex;
  const json: Record<string, unknown> = {
    schemaVersion: 2,
    ...(spec.omitMediaType === true ? {} : { mediaType }),
    ...(spec.artifactType === undefined ? {} : { artifactType: spec.artifactType }),
    manifests: spec.entries.map((entry) =>
      descriptor(entry.of, {
        ...(entry.platform === undefined || entry.platform === null ? {} : { platform: entry.platform }),
        ...(entry.annotations === undefined ? {} : { annotations: entry.annotations }),
        ...(entry.artifactType === undefined ? {} : { artifactType: entry.artifactType }),
        ...(entry.mediaType === undefined ? {} : { mediaType: entry.mediaType }),
        ...(entry.size === undefined ? {} : { size: entry.size }),
        ...(entry.digest === undefined ? {} : { digest: entry.digest }),
      }),
    ),
    ...(spec.subject === undefined ? {} : { subject: descriptor(spec.subject) }),
    ...(spec.annotations === undefined ? {} : { annotations: spec.annotations }),
    ...spec.extra,
  };
  return { ...jsonFixture(mediaType, json, spec.indent ?? 0), json };
};

// ---------------------------------------------------------------------------------------------
// Provenance and other in-toto statements
// ---------------------------------------------------------------------------------------------

export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';
export const SPDX = 'https://spdx.dev/Document';
const BUILDKIT_BUILD_TYPE = 'https://mobyproject.org/buildkit@v1';
const BUILDKIT_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';

const statementSubject = (subject: Fixture | undefined) =>
  subject === undefined ? [] : [{ name: 'pkg:docker/app', digest: { sha256: subject.digest.slice('sha256:'.length) } }];

/** BuildKit's `vcs` metadata (`source`, `revision`), or nothing when neither is given. */
const vcsOf = (spec: { readonly vcsSource?: string; readonly vcsRevision?: string }) =>
  spec.vcsSource === undefined && spec.vcsRevision === undefined
    ? undefined
    : {
        ...(spec.vcsSource === undefined ? {} : { source: spec.vcsSource }),
        ...(spec.vcsRevision === undefined ? {} : { revision: spec.vcsRevision }),
      };

export interface ProvenanceV02Spec {
  readonly subject?: Fixture;
  readonly builderId?: string;
  readonly buildType?: string;
  readonly vcsSource?: string;
  readonly vcsRevision?: string;
  /** `invocation.configSource.uri` (set when building from a git context). */
  readonly configSourceUri?: string;
  readonly configSourceSha1?: string;
  readonly entryPoint?: string;
  /** `mode=max`: adds buildConfig and the Dockerfile source. */
  readonly max?: boolean;
}

/** An in-toto v0.1 statement with a SLSA v0.2 predicate, as BuildKit writes it. */
export const provenanceV02 = (spec: ProvenanceV02Spec = {}): Fixture => {
  const vcs = vcsOf(spec);
  const buildkitMetadata = {
    ...(vcs === undefined ? {} : { vcs }),
    ...(spec.max === true ? { source: { infos: [{ filename: 'Dockerfile', data: 'RlJPTSBzY3JhdGNo' }] } } : {}),
  };
  return jsonFixture(MediaType.InToto, {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: SLSA_V02,
    subject: statementSubject(spec.subject),
    predicate: {
      builder: { id: spec.builderId ?? '' },
      buildType: spec.buildType ?? BUILDKIT_BUILD_TYPE,
      materials: [{ uri: 'pkg:docker/public.ecr.aws/lambda/nodejs@22', digest: { sha256: fakeDigest('base').slice(7) } }],
      invocation: {
        configSource: {
          entryPoint: spec.entryPoint ?? 'Dockerfile',
          ...(spec.configSourceUri === undefined ? {} : { uri: spec.configSourceUri }),
          ...(spec.configSourceSha1 === undefined ? {} : { digest: { sha1: spec.configSourceSha1 } }),
        },
        parameters: { frontend: 'dockerfile.v0', locals: [{ name: 'context' }, { name: 'dockerfile' }] },
        environment: { platform: 'linux/amd64' },
      },
      ...(spec.max === true ? { buildConfig: { llbDefinition: [{ id: 'step0' }] } } : {}),
      metadata: {
        buildInvocationID: 'fixture-invocation',
        buildStartedOn: '2026-01-01T00:00:00Z',
        buildFinishedOn: '2026-01-01T00:01:00Z',
        completeness: { parameters: true, environment: true, materials: false },
        reproducible: false,
        ...(Object.keys(buildkitMetadata).length === 0 ? {} : { [BUILDKIT_METADATA]: buildkitMetadata }),
      },
    },
  });
};

export interface ProvenanceV1Spec {
  readonly subject?: Fixture;
  readonly builderId?: string;
  readonly buildType?: string;
  /** `buildDefinition.externalParameters.configSource.uri`, e.g. `https://github.com/o/r.git#<sha>`. */
  readonly configSourceUri?: string;
  readonly configSourcePath?: string;
  /** `runDetails.metadata.buildkit_metadata.vcs`. */
  readonly vcsSource?: string;
  readonly vcsRevision?: string;
  /** docker/build-push-action's `internalParameters.github_*`. */
  readonly github?: { readonly serverUrl: string; readonly repository: string; readonly runId: string };
  readonly max?: boolean;
}

/** An in-toto statement with a SLSA v1 predicate, as BuildKit writes it with `version=v1`. */
export const provenanceV1 = (spec: ProvenanceV1Spec = {}): Fixture => {
  const vcs = vcsOf(spec);
  return jsonFixture(MediaType.InToto, {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: SLSA_V1,
    subject: statementSubject(spec.subject),
    predicate: {
      buildDefinition: {
        buildType: spec.buildType ?? 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
        externalParameters: {
          configSource: {
            ...(spec.configSourceUri === undefined ? {} : { uri: spec.configSourceUri }),
            path: spec.configSourcePath ?? 'Dockerfile',
          },
          request: { frontend: 'dockerfile.v0' },
        },
        internalParameters: {
          builderPlatform: 'linux/arm64',
          ...(spec.max === true ? { buildConfig: { llbDefinition: [{ id: 'step0' }] } } : {}),
          ...(spec.github === undefined
            ? {}
            : {
                github_server_url: spec.github.serverUrl,
                github_repository: spec.github.repository,
                github_run_id: spec.github.runId,
              }),
        },
        resolvedDependencies: [],
      },
      runDetails: {
        builder: { id: spec.builderId ?? '' },
        metadata: {
          invocationID: 'fixture-invocation',
          startedOn: '2026-01-01T00:00:00Z',
          finishedOn: '2026-01-01T00:01:00Z',
          ...(vcs === undefined ? {} : { buildkit_metadata: { vcs } }),
        },
      },
    },
  });
};

/** An in-toto statement carrying an SPDX SBOM (BuildKit `--sbom=true`). */
export const sbomStatement = (subject?: Fixture): Fixture =>
  jsonFixture(MediaType.InToto, {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: SPDX,
    subject: statementSubject(subject),
    predicate: { spdxVersion: 'SPDX-2.3', name: 'sbom', packages: [] },
  });

// ---------------------------------------------------------------------------------------------
// BuildKit attestation manifests
// ---------------------------------------------------------------------------------------------

/** Annotation keys of the BuildKit attestation-storage format. */
export const REFERENCE_TYPE = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const PREDICATE_TYPE = 'in-toto.io/predicate-type';

export interface AttestationSpec {
  /** The image manifest the attestation describes. */
  readonly subject: Fixture;
  /** Statements and their predicate types, in layer order. Default: one SLSA v0.2 provenance. */
  readonly statements?: readonly { readonly statement: Fixture; readonly predicateType: string }[];
}

/** An attestation manifest plus the index entry that points at it. */
export interface AttestationFixture {
  readonly manifest: ImageFixture;
  readonly entry: EntrySpec;
  readonly statements: readonly Fixture[];
}

const statementLayers = (statements: AttestationSpec['statements'], subject: Fixture) =>
  (statements ?? [{ statement: provenanceV02({ subject }), predicateType: SLSA_V02 }]).map(({ statement, predicateType }) => ({
    statement,
    layer: { ...descriptor(statement), annotations: { [PREDICATE_TYPE]: predicateType } },
  }));

/** The index entry BuildKit writes for an attestation manifest: `unknown/unknown` plus the reference annotations. */
const attestationEntry = (manifest: Fixture, subject: Fixture): EntrySpec => ({
  of: manifest,
  platform: 'unknown/unknown',
  annotations: { [REFERENCE_DIGEST]: subject.digest, [REFERENCE_TYPE]: 'attestation-manifest' },
});

/**
 * The legacy form: an OCI manifest whose config is an image config with `unknown` platform, over
 * in-toto layers annotated `in-toto.io/predicate-type` (BuildKit attestation-storage.md).
 */
export const legacyAttestation = (spec: AttestationSpec): AttestationFixture => {
  const layers = statementLayers(spec.statements, spec.subject);
  const config = jsonFixture(MediaType.OciConfig, {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map(({ statement }) => statement.digest) },
  });
  const json = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: descriptor(config),
    layers: layers.map(({ layer: l }) => l),
  };
  const manifest: ImageFixture = { ...jsonFixture(MediaType.OciManifest, json), config, json };
  return { manifest, entry: attestationEntry(manifest, spec.subject), statements: layers.map(({ statement }) => statement) };
};

/**
 * The OCI-artifact form (BuildKit `oci-artifact=true`, the default from v0.32): `artifactType`
 * `application/vnd.docker.attestation.manifest.v1+json`, the empty config, and a `subject`.
 */
export const ociArtifactAttestation = (spec: AttestationSpec): AttestationFixture => {
  const layers = statementLayers(spec.statements, spec.subject);
  const config = emptyBlob();
  const json = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: MediaType.BuildkitAttestationManifest,
    config: descriptor(config),
    layers: layers.map(({ layer: l }) => l),
    subject: descriptor(spec.subject),
  };
  const manifest: ImageFixture = { ...jsonFixture(MediaType.OciManifest, json), config, json };
  return { manifest, entry: attestationEntry(manifest, spec.subject), statements: layers.map(({ statement }) => statement) };
};

// ---------------------------------------------------------------------------------------------
// Other artifacts
// ---------------------------------------------------------------------------------------------

/** SOCI index-manifest-v2 annotations (awslabs/soci-snapshotter docs/soci-index-manifest-v2.md). */
export const SOCI_IMAGE_MANIFEST_DIGEST = 'com.amazon.soci.image-manifest-digest';
export const SOCI_INDEX_DIGEST = 'com.amazon.soci.index-digest';

/**
 * A SOCI v2 index manifest and its index entry: `artifactType` SOCI v2, the two-byte config typed
 * as the SOCI index, ztoc layers, and a REAL platform on the entry (not unknown/unknown).
 */
export const sociV2 = (spec: {
  readonly image: Fixture;
  readonly platform: string;
}): { manifest: ImageFixture; entry: EntrySpec } => {
  const config = emptyBlob(MediaType.SociIndexV2);
  const json = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: MediaType.SociIndexV2,
    config: descriptor(config),
    layers: [
      layer({ mediaType: 'application/octet-stream', seed: 'ztoc-0', size: 40_000 }),
      layer({ mediaType: 'application/octet-stream', seed: 'ztoc-1', size: 50_000 }),
    ],
  };
  const manifest: ImageFixture = { ...jsonFixture(MediaType.OciManifest, json), config, json };
  return {
    manifest,
    entry: {
      of: manifest,
      platform: spec.platform,
      artifactType: MediaType.SociIndexV2,
      annotations: { [SOCI_IMAGE_MANIFEST_DIGEST]: spec.image.digest },
    },
  };
};

/** A cosign signature image (`sha256-<digest>.sig` tag): image config over a simplesigning layer. */
export const cosignSignature = (subject: Fixture): ImageFixture =>
  image({
    config: jsonFixture(MediaType.OciConfig, {
      architecture: '',
      os: '',
      config: {},
      rootfs: { type: 'layers', diff_ids: [fakeDigest('payload')] },
    }),
    layers: [
      {
        mediaType: MediaType.CosignSimpleSigning,
        size: 242,
        seed: `cosign-payload-${subject.digest}`,
        annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ==' },
      },
    ],
  });

/** A Notation signature: OCI 1.1 artifact with the empty config, a JWS layer and a subject. */
export const notationSignature = (subject: Fixture): ImageFixture =>
  image({
    artifactType: MediaType.NotationSignature,
    config: emptyBlob(),
    layers: [{ mediaType: MediaType.NotationJws, size: 2000, seed: `jws-${subject.digest}` }],
    subject,
  });

/**
 * A Helm chart: Helm's config type over the chart tarball, without a top-level `mediaType` (as `helm push`
 * writes it) unless `withMediaType`.
 */
export const helmChart = (options: { readonly withMediaType?: boolean } = {}): ImageFixture =>
  image({
    config: jsonFixture(MediaType.HelmConfig, { name: 'guard', version: '0.1.0', apiVersion: 'v2' }),
    layers: [{ mediaType: MediaType.HelmChart, size: 3000, seed: 'chart' }],
    omitMediaType: options.withMediaType !== true,
  });

/** An SBOM referrer: artifact with an SBOM `artifactType` and a subject. */
export const sbomReferrer = (subject: Fixture, artifactType: string = MediaType.SpdxJson): ImageFixture =>
  image({
    artifactType,
    config: emptyBlob(),
    layers: [{ mediaType: MediaType.SpdxJson, size: 5000, seed: `sbom-${subject.digest}` }],
    subject,
  });

/** A BuildKit build-history record (`docker buildx history export`). */
export const buildkitHistory = (): ImageFixture =>
  image({
    config: jsonFixture(MediaType.BuildkitHistoryRecord, { ref: 'fixture' }),
    layers: [{ mediaType: MediaType.BuildkitStatus, size: 100, seed: 'status' }],
  });

/** A generic OCI 1.1 artifact (image-spec manifest.md "artifactType" example). */
export const genericArtifact = (options: { readonly artifactType?: string; readonly subject?: Fixture } = {}): ImageFixture =>
  image({
    artifactType: options.artifactType ?? 'application/vnd.example+type',
    config: emptyBlob(),
    layers: [{ mediaType: 'application/vnd.example+type', size: 10, seed: 'artifact' }],
    ...(options.subject === undefined ? {} : { subject: options.subject }),
  });

/** A Docker v2 schema 1 manifest, signed (`+prettyjws`, with `signatures`) or not. */
export const schema1 = (options: { readonly signed?: boolean; readonly architecture?: string } = {}): Fixture => {
  const value = {
    schemaVersion: 1,
    name: 'library/app',
    tag: 'latest',
    architecture: options.architecture ?? 'amd64',
    fsLayers: [{ blobSum: fakeDigest('s1-layer-0') }, { blobSum: fakeDigest('s1-layer-1') }],
    history: [{ v1Compatibility: '{"id":"a"}' }, { v1Compatibility: '{"id":"b","parent":"a"}' }],
    ...(options.signed === true
      ? {
          signatures: [
            {
              header: { jwk: { crv: 'P-256', kty: 'EC', x: 'x', y: 'y' }, alg: 'ES256' },
              signature: 'c2lnbmF0dXJl',
              protected: 'e30',
            },
          ],
        }
      : {}),
  };
  return jsonFixture(options.signed === true ? MediaType.DockerSchema1Signed : MediaType.DockerSchema1, value, 3);
};

// ---------------------------------------------------------------------------------------------
// Pools and the seed case
// ---------------------------------------------------------------------------------------------

/** Content by digest, the way the core's `Evidence` maps are keyed. */
export const pool = (...fixtures: readonly Fixture[]): Map<string, Uint8Array> =>
  new Map(fixtures.map((fixture) => [fixture.digest, fixture.bytes]));

/** The seed case of the product brief, for one architecture. */
export interface SeedCase {
  readonly index: IndexFixture;
  readonly image: ImageFixture;
  readonly attestation: AttestationFixture;
  readonly statement: Fixture;
  /** Every child manifest, by digest. */
  readonly manifests: Map<string, Uint8Array>;
  /** Every config and statement, by digest. */
  readonly blobs: Map<string, Uint8Array>;
}

/**
 * What BuildKit pushes for `docker build` with default provenance: an OCI index holding a
 * linux/<arch> image and its provenance attestation manifest (`unknown/unknown`).
 */
export const seedCase = (
  options: {
    readonly architecture?: 'arm64' | 'amd64';
    readonly attestationForm?: 'legacy' | 'oci-artifact';
    /** The provenance statement; a SLSA v0.2 one naming a GitHub Actions run by default. */
    readonly statement?: Fixture;
    readonly predicateType?: string;
  } = {},
): SeedCase => {
  const architecture = options.architecture ?? 'arm64';
  const img = image({ platform: `linux/${architecture}` });
  const statement =
    options.statement ??
    provenanceV02({
      subject: img,
      builderId: 'https://github.com/example-org/lambda-app/actions/runs/4242424242/attempts/1',
      vcsSource: 'https://github.com/example-org/lambda-app',
      vcsRevision: 'a'.repeat(40),
    });
  const form = options.attestationForm === 'oci-artifact' ? ociArtifactAttestation : legacyAttestation;
  const attestation = form({ subject: img, statements: [{ statement, predicateType: options.predicateType ?? SLSA_V02 }] });
  const idx = index({ entries: [{ of: img, platform: `linux/${architecture}` }, attestation.entry] });
  return {
    index: idx,
    image: img,
    attestation,
    statement,
    manifests: pool(img, attestation.manifest),
    blobs: pool(img.config, attestation.manifest.config, statement),
  };
};

// ---------------------------------------------------------------------------------------------
// Evidence and BuildKit pushes of any width
// ---------------------------------------------------------------------------------------------

/** Evidence for `classify`: the subject, requested by its digest, plus whatever children and blobs are at hand. */
export const evidenceOf = (subject: Fixture, manifests: readonly Fixture[] = [], blobs: readonly Fixture[] = []): Evidence => ({
  subject: subject.bytes,
  declaredMediaType: subject.mediaType,
  expectedDigest: subject.digest,
  manifests: pool(...manifests),
  blobs: pool(...blobs),
});

/** Evidence for a single image manifest with its config at hand. */
export const imageEvidence = (img: ImageFixture): Evidence => evidenceOf(img, [], [img.config]);

/** The same evidence with every child manifest replaced by bytes that do not match its digest. */
export const withCorruptChildren = (evidence: Evidence): Evidence => ({
  ...evidence,
  manifests: new Map(
    [...(evidence.manifests ?? new Map<string, Uint8Array>()).keys()].map((digest) => [digest, encoder.encode('{}')]),
  ),
});

/** What a BuildKit provenance statement of {@link buildKitIndex} says; nothing is set by default (Docker Engine 29). */
export interface BuildKitProvenance {
  readonly predicateType?: typeof SLSA_V02 | typeof SLSA_V1;
  readonly builderId?: string;
  readonly vcsSource?: string;
  readonly vcsRevision?: string;
}

export interface BuildKitIndexSpec {
  /** One linux image per entry, in this order; repeated architectures give distinct images. */
  readonly architectures: readonly string[];
  /** How the provenance attestations are stored, one per image; `none` pushes the images alone. Default `legacy`. */
  readonly attestations?: 'legacy' | 'oci-artifact' | 'none';
  readonly provenance?: BuildKitProvenance;
  /** Leave the statements out of the evidence (the guard could not read them). */
  readonly statementUnavailable?: boolean;
  /** Annotate the in-toto layers with this predicate type instead of the statement's (hostile or huge values). */
  readonly predicateTypeAnnotation?: string;
}

/** A BuildKit push with everything the guard would read, as evidence. */
export interface BuildKitIndexFixture {
  readonly index: IndexFixture;
  readonly evidence: Evidence;
  /** The images, in entry order. */
  readonly images: readonly ImageFixture[];
  /** The attestation manifests, one per image (none for `attestations: 'none'`). */
  readonly attestations: readonly ImageFixture[];
}

/**
 * What BuildKit pushes for a multi-platform build: one OCI index over linux images (each a base and an
 * app layer) and, unless `attestations: 'none'`, a provenance attestation manifest per image.
 */
export const buildKitIndex = (spec: BuildKitIndexSpec): BuildKitIndexFixture => {
  const linux = spec.architectures.map((architecture, i) => {
    const platform = `linux/${architecture}`;
    const layers = [
      { seed: `${architecture}-${i}-base`, size: 30_000_000 },
      { seed: `${architecture}-${i}-app`, size: 4_000 },
    ];
    return { platform, image: image({ platform, layers }) };
  });
  const images = linux.map((entry) => entry.image);
  const entries: EntrySpec[] = linux.map((entry) => ({ of: entry.image, platform: entry.platform }));
  const blobs: Fixture[] = images.map((img) => img.config);
  const attestations: ImageFixture[] = [];
  const form = spec.attestations ?? 'legacy';
  if (form !== 'none') {
    const { predicateType = SLSA_V02, ...facts } = spec.provenance ?? {};
    const attest = form === 'oci-artifact' ? ociArtifactAttestation : legacyAttestation;
    for (const img of images) {
      const statement =
        predicateType === SLSA_V1 ? provenanceV1({ subject: img, ...facts }) : provenanceV02({ subject: img, ...facts });
      const attestation = attest({
        subject: img,
        statements: [{ statement, predicateType: spec.predicateTypeAnnotation ?? predicateType }],
      });
      entries.push(attestation.entry);
      attestations.push(attestation.manifest);
      blobs.push(attestation.manifest.config);
      if (spec.statementUnavailable !== true) blobs.push(statement);
    }
  }
  const idx = index({ entries });
  return { index: idx, evidence: evidenceOf(idx, [...images, ...attestations], blobs), images, attestations };
};
