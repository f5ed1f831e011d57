import { type Blob, type BlobDescriptor, blobOf, entryOf, jsonBytes } from './oci-bytes.js';

/**
 * BuildKit's attestation storage, legacy form (moby/buildkit docs/attestations/attestation-storage.md):
 * an image index whose extra entry, platform unknown/unknown and annotated
 * `vnd.docker.reference.type=attestation-manifest`, points at an image manifest whose layers are
 * in-toto statements. The statement here is SLSA provenance v0.2 in `mode=min`, shaped like the
 * one BuildKit writes (docs.docker.com/build/metadata/attestations/slsa-provenance).
 */

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const IN_TOTO = 'application/vnd.in-toto+json';
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';

/** The facts a mode=min provenance statement records. */
export interface ProvenanceFacts {
  /** e.g. `https://github.com/<org>/<repo>/actions/runs/<id>` (docker/build-push-action sets it). */
  readonly builderId: string;
  /** `os/arch` of the build, e.g. `linux/arm64`. */
  readonly platform: string;
  readonly vcsSource: string;
  readonly vcsRevision: string;
  readonly buildInvocationId: string;
  readonly startedOn: string;
  readonly finishedOn: string;
  /** The purl BuildKit names the subject by, e.g. `pkg:docker/orders-service@v7?platform=linux%2Farm64`. */
  readonly subjectName: string;
}

/** An in-toto v0.1 statement carrying a SLSA v0.2 predicate about `image`. */
export const provenanceStatement = (image: BlobDescriptor, facts: ProvenanceFacts): Uint8Array =>
  jsonBytes({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: SLSA_V02,
    subject: [{ name: facts.subjectName, digest: { sha256: image.digest.slice('sha256:'.length) } }],
    predicate: {
      builder: { id: facts.builderId },
      buildType: 'https://mobyproject.org/buildkit@v1',
      invocation: {
        configSource: { entryPoint: 'Dockerfile' },
        parameters: { frontend: 'dockerfile.v0', locals: [{ name: 'context' }, { name: 'dockerfile' }] },
        environment: { platform: facts.platform },
      },
      metadata: {
        buildInvocationID: facts.buildInvocationId,
        buildStartedOn: facts.startedOn,
        buildFinishedOn: facts.finishedOn,
        completeness: { parameters: false, environment: true, materials: false },
        reproducible: false,
        'https://mobyproject.org/buildkit@v1#metadata': {
          vcs: { source: facts.vcsSource, revision: facts.vcsRevision },
        },
      },
    },
  });

/** The attestation manifest and the blobs it names. */
export interface BuiltAttestation {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly statements: readonly Blob[];
  /** The index entry BuildKit writes for it. */
  readonly entry: BlobDescriptor;
}

/** Wraps a provenance statement about `image` in an attestation manifest (legacy form). */
export const attestationFor = (image: BlobDescriptor, statement: Uint8Array): BuiltAttestation => {
  const layer = blobOf(IN_TOTO, statement, { annotations: { 'in-toto.io/predicate-type': SLSA_V02 } });
  // BuildKit's attestation config: a placeholder image config whose diff_ids are the statements.
  const config = blobOf(
    OCI_CONFIG,
    jsonBytes({
      architecture: 'unknown',
      os: 'unknown',
      config: {},
      rootfs: { type: 'layers', diff_ids: [layer.descriptor.digest] },
    }),
  );
  const manifest = blobOf(
    OCI_MANIFEST,
    jsonBytes({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: config.descriptor, layers: [layer.descriptor] }),
  );
  return {
    manifest,
    config,
    statements: [layer],
    entry: entryOf(manifest, {
      annotations: { 'vnd.docker.reference.digest': image.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    }),
  };
};

/** An OCI image index of the given entries (the image entries first, attestations last, as BuildKit orders them). */
export const imageIndex = (entries: readonly BlobDescriptor[]): Blob =>
  blobOf(OCI_INDEX, jsonBytes({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
