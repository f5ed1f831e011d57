import { describe, expect, it } from 'vitest';
import {
  buildkitHistory,
  cosignSignature,
  emptyBlob,
  type Fixture,
  genericArtifact,
  helmChart,
  image,
  jsonBytes,
  jsonFixture,
  legacyAttestation,
  notationSignature,
  ociArtifactAttestation,
  rawFixture,
  sbomReferrer,
  schema1,
  sociV2,
} from '../../fixtures/oci-fixtures.js';
import { classify } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';
import { withTree } from '../support/verdict-view.js';

const subjectImage = image({ platform: 'linux/amd64' });

/** A manifest fixture of the withdrawn OCI 1.1-rc artifact manifest. */
const rcArtifact = (fields: Record<string, unknown>): Fixture =>
  rawFixture(MediaType.OciArtifactManifest, jsonBytes({ mediaType: MediaType.OciArtifactManifest, blobs: [], ...fields }));

describe('classify: NOT_A_CONTAINER_IMAGE for every artifact kind', () => {
  it.each([
    {
      name: 'legacy BuildKit attestation manifest',
      make: () => legacyAttestation({ subject: subjectImage }).manifest,
      kind: 'attestation',
    },
    {
      name: 'OCI-artifact BuildKit attestation',
      make: () => ociArtifactAttestation({ subject: subjectImage }).manifest,
      kind: 'attestation',
    },
    {
      name: 'cosign attestation (image config over a DSSE envelope)',
      make: () =>
        image({
          config: jsonFixture(MediaType.OciConfig, {
            architecture: '',
            os: '',
            config: {},
            rootfs: { type: 'layers', diff_ids: [] },
          }),
          layers: [{ mediaType: MediaType.DsseEnvelope, size: 900, seed: 'dsse' }],
        }),
      kind: 'attestation',
    },
    { name: 'cosign signature (simplesigning layer)', make: () => cosignSignature(subjectImage), kind: 'signature' },
    { name: 'Notation signature (artifactType)', make: () => notationSignature(subjectImage), kind: 'signature' },
    { name: 'SPDX SBOM referrer', make: () => sbomReferrer(subjectImage), kind: 'sbom' },
    {
      name: 'vendor SBOM artifactType (application/example.sbom)',
      make: () => sbomReferrer(subjectImage, 'application/example.sbom'),
      kind: 'sbom',
    },
    { name: 'Helm chart', make: () => helmChart(), kind: 'helm-chart' },
    {
      name: 'SOCI v2 index manifest',
      make: () => sociV2({ image: subjectImage, platform: 'linux/amd64' }).manifest,
      kind: 'soci-index',
    },
    {
      name: 'SOCI v1 index (config type, no artifactType)',
      make: () =>
        image({
          config: emptyBlob(MediaType.SociIndexV1),
          layers: [{ mediaType: 'application/octet-stream', seed: 'ztoc', size: 100 }],
          subject: subjectImage,
        }),
      kind: 'soci-index',
    },
    { name: 'BuildKit history record', make: () => buildkitHistory(), kind: 'buildkit-history' },
    {
      name: 'unknown artifactType with a subject',
      make: () => genericArtifact({ artifactType: 'application/vnd.example.thing', subject: subjectImage }),
      kind: 'referrer',
    },
    {
      name: 'image config over unknown layers, with a subject',
      make: () => image({ layers: ['application/vnd.example.blob'], subject: subjectImage }),
      kind: 'referrer',
    },
    { name: 'unknown artifactType without a subject', make: () => genericArtifact(), kind: 'artifact' },
    {
      name: 'custom config type over filesystem layers (OCI)',
      make: () => image({ config: jsonFixture('application/vnd.example.config.v1+json', {}) }),
      kind: 'artifact',
    },
    {
      name: 'withdrawn OCI artifact manifest, SBOM type',
      make: () => rcArtifact({ artifactType: 'application/spdx+json' }),
      kind: 'sbom',
    },
    {
      name: 'withdrawn OCI artifact manifest with a subject',
      make: () =>
        rcArtifact({
          artifactType: 'application/vnd.example',
          subject: { mediaType: MediaType.OciManifest, digest: subjectImage.digest, size: subjectImage.size },
        }),
      kind: 'referrer',
    },
    { name: 'withdrawn OCI artifact manifest, bare', make: () => rcArtifact({}), kind: 'artifact' },
    {
      name: 'ORAS artifact manifest',
      make: () =>
        rawFixture(
          MediaType.OrasArtifactManifest,
          jsonBytes({
            mediaType: MediaType.OrasArtifactManifest,
            artifactType: 'application/vnd.cncf.notary.signature',
            blobs: [],
          }),
        ),
      kind: 'signature',
    },
  ])('$name -> skipped, kind $kind', ({ make, kind }) => {
    // Prepare
    const artifact = make();

    // Act
    const lenient = classify({ subject: artifact.bytes });
    const strict = classify({ subject: artifact.bytes }, { strict: true, architectures: ['arm64'] });

    // Assess
    for (const verdict of [lenient, strict]) {
      expect(withTree(verdict)).toMatchObject({
        verdict: 'skipped',
        subject: { digest: artifact.digest, kind: 'artifact', artifactKind: kind },
        reasons: [{ code: 'NOT_A_CONTAINER_IMAGE', severity: 'info', details: { kind } }],
        platform: null,
        deployableChild: null,
        tree: { mark: 'ignored', children: [] },
      });
      expect(verdict.reasons).toHaveLength(1);
    }
  });

  it('whole verdict for a Notation signature', () => {
    // Prepare
    const signature = notationSignature(subjectImage);

    // Act
    const verdict = classify({ subject: signature.bytes, expectedDigest: signature.digest });

    // Assess
    const subject = { digest: signature.digest, mediaType: MediaType.OciManifest, kind: 'artifact', size: signature.size };
    expect(withTree(verdict)).toStrictEqual({
      verdict: 'skipped',
      subject: { ...subject, artifactKind: 'signature' },
      reasons: [
        {
          code: 'NOT_A_CONTAINER_IMAGE',
          severity: 'info',
          status: 'confirmed',
          message: 'this is a signature, not a container image',
          details: {
            kind: 'signature',
            artifactType: MediaType.NotationSignature,
            configMediaType: MediaType.OciEmpty,
            subject: subjectImage.digest,
          },
        },
      ],
      platform: null,
      deployableChild: null,
      index: null,
      tree: { ...subject, role: 'subject', platform: null, mark: 'ignored', label: 'a signature', children: [] },
      provenance: null,
    });
  });
});

describe('classify: SCHEMA1_MANIFEST', () => {
  it.each([
    { name: 'unsigned', signed: false, mediaType: MediaType.DockerSchema1 },
    { name: 'signed (prettyjws)', signed: true, mediaType: MediaType.DockerSchema1Signed },
  ])('$name', ({ signed, mediaType }) => {
    // Prepare
    const manifest = schema1({ signed, architecture: 'amd64' });

    // Act
    const verdict = classify({ subject: manifest.bytes });

    // Assess
    expect(withTree(verdict)).toMatchObject({
      verdict: 'quarantined',
      subject: { kind: 'schema1', mediaType },
      reasons: [{ code: 'SCHEMA1_MANIFEST', severity: 'error', status: 'confirmed', details: { signed, architecture: 'amd64' } }],
      tree: { mark: 'error', label: 'schema 1 manifest' },
    });
    expect(verdict.reasons).toHaveLength(1);
  });

  it('a schema 1 manifest declared by ECR with its media type', () => {
    // Prepare
    const manifest = schema1({ signed: true });

    // Act
    const verdict = classify({ subject: manifest.bytes, declaredMediaType: MediaType.DockerSchema1Signed });

    // Assess
    expect(verdict.reasons.map((r) => r.code)).toStrictEqual(['SCHEMA1_MANIFEST']);
  });

  it('schema 1 without fsLayers is still schema 1', () => {
    // Prepare
    const bytes = jsonBytes({ schemaVersion: 1, name: 'x', tag: 'y' });

    // Act
    const verdict = classify({ subject: bytes });

    // Assess
    expect(verdict.reasons).toMatchObject([{ code: 'SCHEMA1_MANIFEST', details: { signed: false } }]);
  });
});

describe('classify: artifact detection does not swallow images', () => {
  it.each([
    {
      name: 'an image whose annotations mention signatures',
      make: () => image({ annotations: { 'dev.sigstore.signature': 'x' } }),
    },
    { name: 'an image with a subject (OCI 1.1 allows it) and real layers', make: () => image({ subject: subjectImage }) },
    { name: 'a Docker image with no layers', make: () => image({ format: 'docker', layers: [] }) },
  ])('$name is judged as an image', ({ make }) => {
    // Prepare
    const img = make();

    // Act
    const verdict = classify({ subject: img.bytes, blobs: new Map([[img.config.digest, img.config.bytes]]) });

    // Assess
    expect(verdict.subject.kind).toBe('image');
    expect(verdict.verdict).toBe('deployable');
  });

  it('an unknown digest in a subject descriptor is fine (the subject need not be present)', () => {
    // Prepare
    const artifact = genericArtifact({ subject: rawFixture(MediaType.OciManifest, 'elsewhere') });

    // Act
    const verdict = classify({ subject: artifact.bytes });

    // Assess
    expect(verdict.reasons[0]?.details).toMatchObject({ kind: 'referrer', subject: expect.stringMatching(/^sha256:/) });
  });
});
