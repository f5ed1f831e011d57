import { describe, expect, it } from 'vitest';
import {
  buildkitHistory,
  type EntrySpec,
  fakeDigest,
  type ImageFixture,
  image,
  imageConfig,
  index,
  legacyAttestation,
  ociArtifactAttestation,
  pool,
  provenanceV1,
  provenanceV02,
  REFERENCE_DIGEST,
  REFERENCE_TYPE,
  rawFixture,
  SLSA_V1,
  SLSA_V02,
  SOCI_INDEX_DIGEST,
  SPDX,
  sbomStatement,
  seedCase,
  sociV2,
} from '../../fixtures/oci-fixtures.js';
import { classify, type Evidence } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import { treeOf } from '../../functions/report/tree.js';
import { withTree } from '../support/verdict-view.js';

/** Evidence for an index with every child and blob of `images` (and extra fixtures) at hand. */
const evidenceFor = (subject: Uint8Array, images: readonly ImageFixture[], extraBlobs: Map<string, Uint8Array> = new Map()) => ({
  subject,
  manifests: pool(...images),
  blobs: new Map([...pool(...images.map((img) => img.config)), ...extraBlobs]),
});

const arm64 = image({ platform: 'linux/arm64' });
const amd64 = image({ platform: 'linux/amd64' });

describe('classify: the seed case (linux/arm64 image + provenance attestation)', () => {
  it.each([{ form: 'legacy' as const }, { form: 'oci-artifact' as const }])(
    '$form attestation form: IMAGE_INDEX with every detail, the child to deploy, the builder',
    ({ form }) => {
      // Prepare
      const seed = seedCase({ attestationForm: form });
      const evidence: Evidence = {
        subject: seed.index.bytes,
        expectedDigest: seed.index.digest,
        manifests: seed.manifests,
        blobs: seed.blobs,
      };

      // Act
      const verdict = classify(evidence, { architectures: ['arm64'] });

      // Assess
      expect(verdict.verdict).toBe('quarantined');
      expect(verdict.subject).toStrictEqual({
        digest: seed.index.digest,
        mediaType: MediaType.OciIndex,
        kind: 'index',
        size: seed.index.size,
      });
      expect(verdict.reasons).toStrictEqual([
        {
          code: 'IMAGE_INDEX',
          severity: 'error',
          status: 'practice',
          message:
            'the tag names an OCI image index (1 runnable image + 1 attestation); Lambda deploys only a single image manifest',
          details: {
            mediaType: MediaType.OciIndex,
            runnable: 1,
            attestations: 1,
            roles: { runnable: 1, attestation: 1 },
            entryCount: 2,
            entries: [
              { digest: seed.image.digest, mediaType: MediaType.OciManifest, role: 'runnable', platform: 'linux/arm64' },
              {
                digest: seed.attestation.manifest.digest,
                mediaType: MediaType.OciManifest,
                role: 'attestation',
                platform: 'unknown/unknown',
                predicateTypes: [SLSA_V02],
                attests: seed.image.digest,
              },
            ],
          },
        },
      ]);
      expect(verdict.deployableChild).toStrictEqual({
        digest: seed.image.digest,
        mediaType: MediaType.OciManifest,
        size: seed.image.size,
        platform: { os: 'linux', architecture: 'arm64', lambdaArchitecture: 'arm64', from: 'config' },
      });
      expect(verdict.platform).toBeNull();
      expect(verdict.provenance).toMatchObject({
        predicateType: SLSA_V02,
        builderId: 'https://github.com/example-org/lambda-app/actions/runs/4242424242/attempts/1',
        ciRunUrl: 'https://github.com/example-org/lambda-app/actions/runs/4242424242/attempts/1',
        ciProvider: 'github-actions',
        vcsSource: 'https://github.com/example-org/lambda-app',
        vcsRevision: 'a'.repeat(40),
        buildType: 'https://mobyproject.org/buildkit@v1',
      });
      expect(treeOf(verdict)).toMatchObject({
        kind: 'index',
        mark: 'error',
        label: 'image index, 2 entries',
        children: [
          { role: 'runnable', mark: 'ok', label: 'image linux/arm64 — deployable', kind: 'image' },
          { role: 'attestation', mark: 'ignored', label: expect.stringContaining('SLSA provenance v0.2') },
        ],
      });
    },
  );

  it('judges the index from its descriptors alone when no child could be read', () => {
    // Prepare
    const seed = seedCase();

    // Act
    const verdict = classify({ subject: seed.index.bytes });

    // Assess
    expect(verdict).toMatchObject({
      verdict: 'quarantined',
      reasons: [
        {
          code: 'IMAGE_INDEX',
          details: {
            runnable: 1,
            attestations: 1,
            entries: [
              { role: 'runnable', platform: 'linux/arm64' },
              { role: 'attestation', platform: 'unknown/unknown', attests: seed.image.digest },
            ],
          },
        },
      ],
      // What the index claims is reported, but nothing unread is offered to deploy.
      deployableChild: null,
      provenance: null,
    });
  });

  it('an x86_64 function gets ARCHITECTURE_MISMATCH and no child', () => {
    // Prepare
    const seed = seedCase();

    // Act
    const verdict = classify(
      { subject: seed.index.bytes, manifests: seed.manifests, blobs: seed.blobs },
      { architectures: ['x86_64'] },
    );

    // Assess
    expect(verdict.deployableChild).toBeNull();
    expect(verdict.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX', 'ARCHITECTURE_MISMATCH']);
    expect(verdict.reasons[1]).toMatchObject({ severity: 'error', details: { target: ['x86_64'], found: ['arm64'] } });
  });
});

describe('classify: attestation manifests and their predicate types', () => {
  it.each([
    {
      name: 'legacy form with SBOM and provenance layers',
      make: (subject: ImageFixture) =>
        legacyAttestation({
          subject,
          statements: [
            { statement: sbomStatement(subject), predicateType: SPDX },
            { statement: provenanceV1({ subject }), predicateType: SLSA_V1 },
          ],
        }),
      predicateTypes: [SPDX, SLSA_V1],
    },
    {
      name: 'OCI-artifact form with provenance',
      make: (subject: ImageFixture) => ociArtifactAttestation({ subject }),
      predicateTypes: [SLSA_V02],
    },
  ])('$name', ({ make, predicateTypes }) => {
    // Prepare
    const attestation = make(amd64);
    const idx = index({ entries: [{ of: amd64, platform: 'linux/amd64' }, attestation.entry] });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [amd64, attestation.manifest]));

    // Assess
    expect(verdict.reasons[0]?.details).toMatchObject({
      attestations: 1,
      entries: [{ role: 'runnable' }, { role: 'attestation', predicateTypes, attests: amd64.digest }],
    });
  });

  it('finds what an OCI-artifact attestation describes through its subject when the entry has no annotations', () => {
    // Prepare
    const attestation = ociArtifactAttestation({ subject: amd64 });
    const idx = index({
      entries: [
        { of: amd64, platform: 'linux/amd64' },
        { of: attestation.manifest, platform: 'unknown/unknown' },
      ],
    });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [amd64, attestation.manifest]));

    // Assess
    expect(verdict.reasons[0]?.details).toMatchObject({ entries: [{}, { role: 'attestation', attests: amd64.digest }] });
  });

  it('reads provenance v1 for the chosen child', () => {
    // Prepare
    const statement = provenanceV1({
      subject: arm64,
      builderId: 'https://github.com/o/r/actions/runs/77',
      configSourceUri: 'https://github.com/o/r.git#0123456789abcdef0123456789abcdef01234567',
    });
    const attestation = legacyAttestation({ subject: arm64, statements: [{ statement, predicateType: SLSA_V1 }] });
    const idx = index({ entries: [{ of: arm64, platform: 'linux/arm64' }, attestation.entry] });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [arm64, attestation.manifest], pool(statement)));

    // Assess
    expect(verdict.provenance).toMatchObject({
      predicateType: SLSA_V1,
      ciRunUrl: 'https://github.com/o/r/actions/runs/77',
      vcsSource: 'https://github.com/o/r.git',
      vcsRevision: '0123456789abcdef0123456789abcdef01234567',
    });
  });

  it('names no builder when the statement is an SBOM only', () => {
    // Prepare
    const attestation = legacyAttestation({
      subject: arm64,
      statements: [{ statement: sbomStatement(arm64), predicateType: SPDX }],
    });
    const idx = index({ entries: [{ of: arm64, platform: 'linux/arm64' }, attestation.entry] });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [arm64, attestation.manifest], pool(...attestation.statements)));

    // Assess
    expect(verdict.provenance).toBeNull();
    expect(verdict.deployableChild?.digest).toBe(arm64.digest);
  });
});

describe('classify: deployableChild selection', () => {
  const both = () => {
    const amdAttestation = legacyAttestation({ subject: amd64 });
    const armAttestation = legacyAttestation({ subject: arm64 });
    const idx = index({
      entries: [
        { of: amd64, platform: 'linux/amd64' },
        { of: arm64, platform: 'linux/arm64' },
        amdAttestation.entry,
        armAttestation.entry,
      ],
    });
    return evidenceFor(idx.bytes, [amd64, arm64, amdAttestation.manifest, armAttestation.manifest]);
  };

  it.each([
    { name: 'no target, two runnable children: none (ambiguous)', target: [], child: null },
    { name: 'arm64 target', target: ['arm64'], child: arm64.digest },
    { name: 'x86_64 target', target: ['x86_64'], child: amd64.digest },
    { name: 'both targets: the first listed', target: ['x86_64', 'arm64'], child: amd64.digest },
    { name: 'both targets, arm64 first', target: ['arm64', 'x86_64'], child: arm64.digest },
  ] satisfies { name: string; target: LambdaArchitecture[]; child: string | null }[])('$name', ({ target, child }) => {
    // Act
    const verdict = classify(both(), { architectures: target });

    // Assess
    expect(verdict.deployableChild?.digest ?? null).toBe(child);
    expect(verdict.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX']);
    expect(verdict.reasons[0]?.details).toMatchObject({ runnable: 2, attestations: 2, entryCount: 4 });
  });

  it.each([
    { name: 'aarch64', platform: 'linux/aarch64' },
    { name: 'arm64/v8', platform: 'linux/arm64/v8' },
    { name: 'ARM64 in capitals', platform: 'Linux/ARM64' },
  ])('matches an entry written as $name to arm64 (configs at hand)', ({ platform }) => {
    // Prepare
    const idx = index({
      entries: [
        { of: amd64, platform: 'linux/x86_64' },
        { of: arm64, platform },
      ],
    });

    // Act
    const arm = classify(evidenceFor(idx.bytes, [amd64, arm64]), { architectures: ['arm64'] });
    const x86 = classify(evidenceFor(idx.bytes, [amd64, arm64]), { architectures: ['x86_64'] });
    const unread = classify({ subject: idx.bytes }, { architectures: ['arm64'] });

    // Assess
    expect(arm.deployableChild).toMatchObject({
      digest: arm64.digest,
      platform: { architecture: 'arm64', lambdaArchitecture: 'arm64' },
    });
    expect(x86.deployableChild).toMatchObject({
      digest: amd64.digest,
      platform: { architecture: 'amd64', lambdaArchitecture: 'x86_64' },
    });
    expect(arm.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX']);
    expect(unread.deployableChild).toBeNull();
  });

  it.each([
    { name: 'windows', platform: 'windows/amd64' },
    { name: 'arm/v7', platform: 'linux/arm/v7' },
    { name: 'ppc64le', platform: 'linux/ppc64le' },
  ])('a $name entry is an image but not runnable', ({ platform }) => {
    // Prepare
    const other = image({ platform });
    const idx = index({ entries: [{ of: other, platform }] });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [other]));

    // Assess
    expect(verdict.deployableChild).toBeNull();
    expect(verdict.reasons[0]?.details).toMatchObject({ runnable: 0, entries: [{ role: 'image' }] });
    expect(treeOf(verdict).children[0]).toMatchObject({
      mark: 'error',
      label: expect.stringMatching(/NOT_LINUX|UNSUPPORTED_ARCHITECTURE/),
    });
  });

  it('takes the only runnable child of a multi-platform index with one Lambda platform', () => {
    // Prepare
    const ppc = image({ platform: 'linux/ppc64le' });
    const idx = index({
      entries: [
        { of: ppc, platform: 'linux/ppc64le' },
        { of: amd64, platform: 'linux/amd64' },
      ],
    });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [ppc, amd64]));

    // Assess
    expect(verdict.deployableChild?.digest).toBe(amd64.digest);
  });

  it.each([
    { name: 'one unread child of unknown platform is not offered', entries: 1, target: ['arm64'], read: false, chosen: false },
    { name: 'one child whose config says arm64 is taken', entries: 1, target: ['arm64'], read: true, chosen: true },
    { name: 'two unread children of unknown platform', entries: 2, target: ['arm64'], read: false, chosen: false },
    { name: 'two children of the same platform, no target: ambiguous', entries: 2, target: [], read: true, chosen: false },
  ] satisfies { name: string; entries: number; target: LambdaArchitecture[]; read: boolean; chosen: boolean }[])(
    '$name',
    ({ entries, target, read, chosen }) => {
      // Prepare: entries without platform
      const children = Array.from({ length: entries }, (_, i) =>
        image({ platform: 'linux/arm64', layers: [{ seed: `unknown-${i}` }] }),
      );
      const idx = index({ entries: children.map((of) => ({ of })) });

      // Act
      const verdict = classify(read ? evidenceFor(idx.bytes, children) : { subject: idx.bytes }, { architectures: target });

      // Assess
      expect(verdict.deployableChild?.digest ?? null).toBe(chosen ? children[0]?.digest : null);
      expect(verdict.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX']);
    },
  );

  it('strict refuses a child with warnings but does not call it an architecture mismatch', () => {
    // Prepare
    const zstd = image({ platform: 'linux/arm64', layers: [MediaType.OciLayerZstd] });
    const idx = index({ entries: [{ of: zstd, platform: 'linux/arm64' }] });
    const evidence = evidenceFor(idx.bytes, [zstd]);

    // Act
    const lenient = classify(evidence, { architectures: ['arm64'] });
    const strict = classify(evidence, { architectures: ['arm64'], strict: true });

    // Assess
    expect(lenient.deployableChild?.digest).toBe(zstd.digest);
    expect(treeOf(lenient).children[0]).toMatchObject({ mark: 'warning' });
    expect(strict.deployableChild).toBeNull();
    expect(strict.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX']);
  });

  it('a child with an error is not runnable', () => {
    // Prepare
    const encrypted = image({ platform: 'linux/amd64', layers: [MediaType.OciLayerGzipEncrypted] });
    const idx = index({ entries: [{ of: encrypted, platform: 'linux/amd64' }] });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [encrypted]));

    // Assess
    expect(verdict.deployableChild).toBeNull();
    expect(treeOf(verdict).children[0]).toMatchObject({
      role: 'image',
      mark: 'error',
      label: 'image linux/amd64 — ENCRYPTED_LAYER',
    });
  });

  it.each([
    { name: 'claims arm64, config says amd64', of: amd64, claim: 'linux/arm64', config: 'linux/amd64', target: ['arm64'] },
    { name: 'claims amd64, config says arm64', of: arm64, claim: 'linux/amd64', config: 'linux/arm64', target: [] },
    {
      name: 'claims amd64, config says s390x (buildah manifest add --arch)',
      of: image({ platform: 'linux/s390x' }),
      claim: 'linux/amd64',
      config: 'linux/s390x',
      target: ['x86_64'],
    },
  ] satisfies { name: string; of: ImageFixture; claim: string; config: string; target: LambdaArchitecture[] }[])(
    'an entry that lies about its platform is not runnable: $name',
    ({ of, claim, config, target }) => {
      // Prepare
      const idx = index({ entries: [{ of, platform: claim }] });

      // Act
      const verdict = classify(evidenceFor(idx.bytes, [of]), { architectures: target });

      // Assess
      expect(verdict.deployableChild).toBeNull();
      expect(verdict.index?.entries[0]).toMatchObject({
        role: 'image',
        errors: expect.arrayContaining(['INDEX_PLATFORM_MISMATCH']),
      });
      const lie = verdict.reasons.find((r) => r.code === 'INDEX_PLATFORM_MISMATCH');
      expect(lie?.details).toMatchObject({ index: claim, config, entry: 0, digest: of.digest });
      expect(lie?.message).toContain(claim);
      expect(lie?.message).toContain(config);
    },
  );
});

describe('classify: SOCI v2 indexes', () => {
  const sociImage = image({ platform: 'linux/amd64', annotations: { [SOCI_INDEX_DIGEST]: fakeDigest('soci') } });
  const soci = sociV2({ image: sociImage, platform: 'linux/amd64' });

  it.each([
    { name: 'children at hand', withChildren: true },
    { name: 'descriptors only', withChildren: false },
  ])('a SOCI entry with a real platform is not runnable ($name)', ({ withChildren }) => {
    // Prepare
    const idx = index({ entries: [{ of: sociImage, platform: 'linux/amd64' }, soci.entry] });
    const evidence = withChildren ? evidenceFor(idx.bytes, [sociImage, soci.manifest]) : { subject: idx.bytes };

    // Act
    const verdict = classify(evidence);

    // Assess: the image is offered only once its manifest and config were read.
    expect(verdict.deployableChild?.digest ?? null).toBe(withChildren ? sociImage.digest : null);
    expect(verdict.reasons[0]?.details).toMatchObject({
      runnable: 1,
      entries: [
        { role: 'runnable', platform: 'linux/amd64' },
        { role: 'soci-index', platform: 'linux/amd64', artifactType: MediaType.SociIndexV2 },
      ],
    });
    expect(verdict.reasons[0]?.message).toContain('1 runnable image + 1 soci-index');
  });

  it('recognises a SOCI entry by its annotation alone', () => {
    // Prepare: no artifactType on the entry, and the manifest itself not at hand
    const entry: EntrySpec = { of: soci.manifest, platform: 'linux/amd64', annotations: soci.entry.annotations ?? {} };
    const idx = index({ entries: [{ of: sociImage, platform: 'linux/amd64' }, entry] });

    // Act
    const verdict = classify({ subject: idx.bytes });

    // Assess
    expect(verdict.reasons[0]?.details).toMatchObject({ runnable: 1, entries: [{}, { role: 'soci-index' }] });
  });
});

describe('classify: other index entries', () => {
  it.each([
    {
      name: 'a nested index',
      entry: () => ({ of: index({ entries: [{ of: amd64, platform: 'linux/amd64' }] }) }),
      role: 'index',
    },
    {
      name: 'an unknown/unknown entry with another reference type (ignored, per attestation-storage.md)',
      entry: () => ({
        of: image({ layers: [{ seed: 'builder' }] }),
        platform: 'unknown/unknown',
        annotations: { [REFERENCE_TYPE]: 'builder', [REFERENCE_DIGEST]: amd64.digest },
      }),
      role: 'artifact',
    },
    {
      name: 'a BuildKit history record',
      entry: () => ({ of: buildkitHistory(), annotations: { 'vnd.buildkit.history.reference': 'ref' } }),
      role: 'buildkit-history',
    },
    {
      name: 'an entry with an SBOM artifactType',
      entry: () => ({ of: image({ layers: [{ seed: 'sbom-entry' }] }), artifactType: MediaType.SpdxJson }),
      role: 'sbom',
    },
    {
      name: 'an entry with a media type that is no manifest',
      entry: () => ({ of: amd64, mediaType: 'application/vnd.example.blob' }),
      role: 'invalid',
    },
    { name: 'a schema 1 entry', entry: () => ({ of: amd64, mediaType: MediaType.DockerSchema1 }), role: 'image' },
  ])('$name -> role $role, never runnable', ({ entry, role }) => {
    // Prepare
    const idx = index({ entries: [entry()] });

    // Act
    const verdict = classify({ subject: idx.bytes });

    // Assess
    expect(verdict.deployableChild).toBeNull();
    expect(verdict.reasons[0]?.details).toMatchObject({ runnable: 0, entries: [{ role }] });
  });

  it('an entry the index marks as an attestation stays one even if its body looks like an image', () => {
    // Prepare
    const disguised = image({ platform: 'linux/amd64', layers: [{ seed: 'disguised' }] });
    const idx = index({
      entries: [
        { of: amd64, platform: 'linux/amd64' },
        { of: disguised, platform: 'linux/amd64', annotations: { [REFERENCE_TYPE]: 'attestation-manifest' } },
      ],
    });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [amd64, disguised]));

    // Assess
    expect(verdict.deployableChild?.digest).toBe(amd64.digest);
    expect(verdict.reasons[0]?.details).toMatchObject({ runnable: 1, attestations: 1 });
  });

  it('an empty index is still an index', () => {
    // Prepare
    const idx = index({ entries: [] });

    // Act
    const verdict = classify({ subject: idx.bytes }, { architectures: ['arm64'] });

    // Assess
    expect(withTree(verdict)).toMatchObject({
      verdict: 'quarantined',
      deployableChild: null,
      reasons: [{ code: 'IMAGE_INDEX', message: expect.stringContaining('(empty)'), details: { entryCount: 0, entries: [] } }],
      tree: { label: 'image index, 0 entries', children: [] },
    });
  });

  it('a Docker manifest list says so', () => {
    // Prepare
    const d64 = image({ format: 'docker', platform: 'linux/amd64' });
    const list = index({ format: 'docker', entries: [{ of: d64, platform: 'linux/amd64' }] });

    // Act
    const verdict = classify(evidenceFor(list.bytes, [d64]));

    // Assess
    expect(withTree(verdict)).toMatchObject({
      verdict: 'quarantined',
      subject: { mediaType: MediaType.DockerManifestList, kind: 'index' },
      reasons: [{ code: 'IMAGE_INDEX', message: expect.stringContaining('a Docker manifest list'), details: { runnable: 1 } }],
      deployableChild: { digest: d64.digest, mediaType: MediaType.DockerManifest },
      tree: { label: 'manifest list, 1 entry' },
    });
  });

  it('keeps the details bounded for an index of thousands of entries', () => {
    // Prepare
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      of: rawFixture(MediaType.OciManifest, `child-${i}`),
      platform: i % 2 === 0 ? 'linux/amd64' : 'linux/arm64',
    }));
    const idx = index({ entries });

    // Act
    const verdict = classify({ subject: idx.bytes }, { architectures: ['arm64'] });

    // Assess
    expect(verdict.reasons[0]?.details).toMatchObject({ runnable: 3000, entryCount: 3000 });
    expect(verdict.reasons[0]?.code === 'IMAGE_INDEX' && verdict.reasons[0].details.entries).toHaveLength(50);
    expect(verdict.index?.entries).toHaveLength(3000);
    // No child was read: none is offered.
    expect(verdict.deployableChild).toBeNull();
  });
});

describe('classify: problems with index children', () => {
  it.each([
    {
      name: 'child bytes that hash differently',
      build: () => {
        const idx = index({ entries: [{ of: amd64, platform: 'linux/amd64' }] });
        return { idx, manifests: new Map([[amd64.digest, arm64.bytes]]) };
      },
      code: 'DIGEST_MISMATCH',
      message: /hashes to/,
    },
    {
      name: 'a child whose size differs from its descriptor',
      build: () => {
        const idx = index({ entries: [{ of: amd64, platform: 'linux/amd64', size: amd64.size + 1 }] });
        return { idx, manifests: pool(amd64) };
      },
      code: 'DIGEST_MISMATCH',
      message: /but its descriptor says/,
    },
    {
      name: 'a child that is not JSON',
      build: () => {
        const broken = rawFixture(MediaType.OciManifest, '{"schemaVersion": 2');
        return { idx: index({ entries: [{ of: broken, platform: 'linux/amd64' }] }), manifests: pool(broken) };
      },
      code: 'MALFORMED_MANIFEST',
      message: /not valid JSON/,
    },
    {
      name: 'a child whose body contradicts the entry media type',
      build: () => {
        const idx = index({ entries: [{ of: amd64, platform: 'linux/amd64', mediaType: MediaType.DockerManifest }] });
        return { idx, manifests: pool(amd64) };
      },
      code: 'MALFORMED_MANIFEST',
      message: /declared/,
    },
  ])('$name -> $code naming the entry', ({ build, code, message }) => {
    // Prepare
    const { idx, manifests } = build();

    // Act
    const verdict = classify({ subject: idx.bytes, manifests });

    // Assess
    expect(verdict.verdict).toBe('quarantined');
    expect(verdict.deployableChild).toBeNull();
    expect(verdict.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX', code]);
    expect(verdict.reasons[1]).toMatchObject({ details: { entry: 0, digest: expect.stringMatching(/^sha256:/) } });
    expect(verdict.reasons[1]?.message).toMatch(message);
    expect(treeOf(verdict).children[0]).toMatchObject({ role: 'invalid', mark: 'error', label: `unreadable entry: ${code}` });
  });

  it.each([
    {
      name: 'config bytes that hash differently',
      blobs: () => new Map([[amd64.config.digest, arm64.config.bytes]]),
      code: 'DIGEST_MISMATCH',
      path: 'config',
    },
  ])('a child with $name is reported at the index level', ({ blobs, code, path }) => {
    // Prepare
    const idx = index({ entries: [{ of: amd64, platform: 'linux/amd64' }] });

    // Act
    const verdict = classify({ subject: idx.bytes, manifests: pool(amd64), blobs: blobs() });

    // Assess
    expect(verdict.deployableChild).toBeNull();
    expect(verdict.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX', code]);
    expect(verdict.reasons[1]).toMatchObject({ details: { entry: 0, digest: amd64.digest, path } });
    expect(treeOf(verdict).children[0]).toMatchObject({ role: 'image', mark: 'error', label: `image linux/amd64 — ${code}` });
  });

  it('a child config without os is MALFORMED_CONFIG at the index level', () => {
    // Prepare
    const broken = image({ platform: 'linux/amd64', config: imageConfig({ omit: ['os'] }) });
    const idx = index({ entries: [{ of: broken, platform: 'linux/amd64' }] });

    // Act
    const verdict = classify({ subject: idx.bytes, manifests: pool(broken), blobs: pool(broken.config) });

    // Assess
    expect(verdict.reasons.map((r) => r.code)).toStrictEqual(['IMAGE_INDEX', 'MALFORMED_CONFIG']);
    expect(verdict.reasons[1]).toMatchObject({ details: { entry: 0, path: 'config.os' } });
  });

  it('a provenance statement of another image is not read as this one’s', () => {
    // Prepare: the attestation describes amd64, the index only has arm64 runnable
    const statement = provenanceV02({ subject: amd64, builderId: 'https://github.com/o/r/actions/runs/1' });
    const attestation = legacyAttestation({ subject: amd64, statements: [{ statement, predicateType: SLSA_V02 }] });
    const idx = index({ entries: [{ of: arm64, platform: 'linux/arm64' }, attestation.entry] });

    // Act
    const verdict = classify(evidenceFor(idx.bytes, [arm64, attestation.manifest], pool(statement)));

    // Assess
    expect(verdict.deployableChild?.digest).toBe(arm64.digest);
    expect(verdict.provenance).toBeNull();
  });
});
