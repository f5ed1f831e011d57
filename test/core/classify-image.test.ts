import { describe, expect, it } from 'vitest';
import {
  fakeDigest,
  type ImageFixture,
  type ImageSpec,
  image,
  imageConfig,
  jsonFixture,
  pool,
  rawFixture,
} from '../../fixtures/oci-fixtures.js';
import { type ClassifyOptions, classify, type Evidence } from '../../functions/core/classify.js';
import { LARGE_MANIFEST_BYTES, MAX_IMAGE_BYTES } from '../../functions/core/lambda-rules.js';
import { MediaType } from '../../functions/core/media-type.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import { treeOf } from '../../functions/report/tree.js';
import { withTree } from '../support/verdict-view.js';

/** Evidence for a single image with its config at hand. */
const withConfig = (img: ImageFixture): Evidence => ({ subject: img.bytes, blobs: pool(img.config) });
const codes = (evidence: Evidence, options: ClassifyOptions = {}): string[] =>
  classify(evidence, options).reasons.map((r) => r.code);

describe('classify: a deployable image, whole verdict', () => {
  it.each([
    { name: 'OCI linux/amd64', spec: { platform: 'linux/amd64' }, arch: 'x86_64', osArch: 'amd64' },
    { name: 'OCI linux/arm64', spec: { platform: 'linux/arm64' }, arch: 'arm64', osArch: 'arm64' },
    { name: 'Docker schema 2 linux/amd64', spec: { format: 'docker', platform: 'linux/amd64' }, arch: 'x86_64', osArch: 'amd64' },
  ] satisfies { name: string; spec: ImageSpec; arch: LambdaArchitecture; osArch: string }[])(
    '$name',
    ({ spec, arch, osArch }) => {
      // Prepare
      const img = image(spec);

      // Act
      const verdict = classify({ ...withConfig(img), expectedDigest: img.digest }, { architectures: [arch] });

      // Assess
      const subject = { digest: img.digest, mediaType: img.mediaType, kind: 'image', size: img.size };
      expect(withTree(verdict)).toStrictEqual({
        verdict: 'deployable',
        subject,
        reasons: [],
        platform: { os: 'linux', architecture: osArch, lambdaArchitecture: arch, from: 'config' },
        deployableChild: null,
        index: null,
        tree: { ...subject, role: 'subject', platform: null, mark: 'ok', label: `image linux/${osArch}`, children: [] },
        provenance: null,
      });
    },
  );
});

describe('classify: platform rules from the config blob', () => {
  it.each([
    {
      name: 'windows/amd64 -> NOT_LINUX',
      platform: 'windows/amd64',
      reason: { code: 'NOT_LINUX', severity: 'error', details: { os: 'windows' } },
    },
    {
      name: 'darwin/arm64 -> NOT_LINUX',
      platform: 'darwin/arm64',
      reason: { code: 'NOT_LINUX', severity: 'error', details: { os: 'darwin' } },
    },
    {
      name: 'linux/ppc64le -> UNSUPPORTED_ARCHITECTURE',
      platform: 'linux/ppc64le',
      reason: { code: 'UNSUPPORTED_ARCHITECTURE', severity: 'error', details: { architecture: 'ppc64le' } },
    },
    {
      name: 'linux/arm/v7 -> UNSUPPORTED_ARCHITECTURE with the variant',
      platform: 'linux/arm/v7',
      reason: { code: 'UNSUPPORTED_ARCHITECTURE', severity: 'error', details: { architecture: 'arm', variant: 'v7' } },
    },
    {
      name: 'linux/386 -> UNSUPPORTED_ARCHITECTURE',
      platform: 'linux/386',
      reason: { code: 'UNSUPPORTED_ARCHITECTURE', severity: 'error', details: { architecture: '386' } },
    },
    {
      name: 'linux/s390x -> UNSUPPORTED_ARCHITECTURE',
      platform: 'linux/s390x',
      reason: { code: 'UNSUPPORTED_ARCHITECTURE', severity: 'error', details: { architecture: 's390x' } },
    },
    {
      name: 'empty os (cosign-style config) -> NOT_LINUX',
      platform: '/',
      reason: { code: 'NOT_LINUX', severity: 'error', details: { os: '' } },
    },
  ])('$name', ({ platform, reason }) => {
    // Prepare
    const img = image({ platform });

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    expect(verdict.verdict).toBe('quarantined');
    expect(verdict.reasons).toStrictEqual([
      expect.objectContaining({ ...reason, details: expect.objectContaining(reason.details) }),
    ]);
  });

  it.each([
    { name: 'arm64 image, x86_64 function', platform: 'linux/arm64', target: ['x86_64'], image: 'arm64' },
    { name: 'amd64 image, arm64 function', platform: 'linux/amd64', target: ['arm64'], image: 'x86_64' },
  ] satisfies { name: string; platform: string; target: LambdaArchitecture[]; image: string }[])(
    'ARCHITECTURE_MISMATCH: $name',
    ({ platform, target, image: found }) => {
      // Prepare
      const img = image({ platform });

      // Act
      const verdict = classify(withConfig(img), { architectures: target });

      // Assess
      expect(verdict).toMatchObject({
        verdict: 'quarantined',
        reasons: [{ code: 'ARCHITECTURE_MISMATCH', severity: 'error', status: 'practice', details: { image: found, target } }],
      });
    },
  );

  it.each([
    { name: 'no target', target: [] },
    { name: 'both targets', target: ['x86_64', 'arm64'] },
    { name: 'the matching target', target: ['arm64'] },
  ] satisfies { name: string; target: LambdaArchitecture[] }[])('an arm64 image with $name is deployable', ({ target }) => {
    // Prepare
    const img = image({ platform: 'linux/arm64' });

    // Act
    const verdict = classify(withConfig(img), { architectures: target });

    // Assess
    expect(verdict).toMatchObject({ verdict: 'deployable', reasons: [], platform: { lambdaArchitecture: 'arm64' } });
  });

  it.each([
    { name: 'aarch64', config: { os: 'linux', architecture: 'aarch64' }, arch: 'arm64', lambda: 'arm64' },
    { name: 'arm64/v8', config: { os: 'linux', architecture: 'arm64', variant: 'v8' }, arch: 'arm64', lambda: 'arm64' },
    { name: 'x86_64', config: { os: 'linux', architecture: 'x86_64' }, arch: 'amd64', lambda: 'x86_64' },
    { name: 'amd64/v1', config: { os: 'linux', architecture: 'amd64', variant: 'v1' }, arch: 'amd64', lambda: 'x86_64' },
    { name: 'Linux/AMD64 (case)', config: { os: 'Linux', architecture: 'AMD64' }, arch: 'amd64', lambda: 'x86_64' },
  ])('normalises a config platform written as $name', ({ config, arch, lambda }) => {
    // Prepare
    const img = image({ config: imageConfig({ platform: config }) });

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    expect(verdict.verdict).toBe('deployable');
    expect(verdict.platform).toStrictEqual({ os: 'linux', architecture: arch, lambdaArchitecture: lambda, from: 'config' });
  });
});

describe('classify: layer rules', () => {
  it.each([
    {
      name: 'encrypted gzip layer -> ENCRYPTED_LAYER',
      layers: [MediaType.OciLayerGzipEncrypted],
      expected: ['ENCRYPTED_LAYER'],
      verdict: 'quarantined',
    },
    {
      name: 'encrypted zstd layer -> ENCRYPTED_LAYER only (compression is moot)',
      layers: [MediaType.OciLayerZstdEncrypted],
      expected: ['ENCRYPTED_LAYER'],
      verdict: 'quarantined',
    },
    {
      name: 'Docker foreign gzip layer -> FOREIGN_LAYER',
      layers: [MediaType.DockerLayerGzip, MediaType.DockerForeignLayerGzip],
      expected: ['FOREIGN_LAYER'],
      verdict: 'quarantined',
      docker: true,
    },
    {
      name: 'Docker foreign tar layer -> FOREIGN_LAYER only',
      layers: [MediaType.DockerForeignLayer],
      expected: ['FOREIGN_LAYER'],
      verdict: 'quarantined',
      docker: true,
    },
    {
      name: 'octet-stream among filesystem layers -> UNSUPPORTED_LAYER_MEDIA_TYPE',
      layers: [MediaType.OciLayerGzip, 'application/octet-stream'],
      expected: ['UNSUPPORTED_LAYER_MEDIA_TYPE'],
      verdict: 'quarantined',
    },
    {
      name: 'an unknown layer type under an image config -> UNSUPPORTED_LAYER_MEDIA_TYPE (not skipped as an artifact)',
      layers: ['application/x-tar'],
      expected: ['UNSUPPORTED_LAYER_MEDIA_TYPE'],
      verdict: 'quarantined',
    },
    {
      name: 'zstd layer -> UNVERIFIED_LAYER_COMPRESSION',
      layers: [MediaType.OciLayerGzip, MediaType.OciLayerZstd],
      expected: ['UNVERIFIED_LAYER_COMPRESSION'],
      verdict: 'deployable',
    },
    {
      name: 'uncompressed OCI tar -> UNCOMPRESSED_LAYER (rules_oci#777)',
      layers: [MediaType.OciLayer],
      expected: ['UNCOMPRESSED_LAYER'],
      verdict: 'quarantined',
    },
    {
      name: 'uncompressed Docker tar -> UNCOMPRESSED_LAYER (rules_oci#777)',
      layers: [MediaType.DockerLayer],
      expected: ['UNCOMPRESSED_LAYER'],
      verdict: 'quarantined',
      docker: true,
    },
    {
      name: 'Docker zstd -> UNVERIFIED_LAYER_COMPRESSION',
      layers: [MediaType.DockerLayerZstd],
      expected: ['UNVERIFIED_LAYER_COMPRESSION'],
      verdict: 'deployable',
      docker: true,
    },
    {
      name: 'non-distributable gzip -> NONDISTRIBUTABLE_LAYER',
      layers: [MediaType.OciLayerNondistributableGzip],
      expected: ['NONDISTRIBUTABLE_LAYER'],
      verdict: 'deployable',
    },
    {
      name: 'non-distributable tar -> NONDISTRIBUTABLE_LAYER and UNCOMPRESSED_LAYER',
      layers: [MediaType.OciLayerNondistributable],
      expected: ['NONDISTRIBUTABLE_LAYER', 'UNCOMPRESSED_LAYER'],
      verdict: 'quarantined',
    },
    {
      name: 'every gzip type -> nothing',
      layers: [MediaType.OciLayerGzip, 'APPLICATION/VND.OCI.IMAGE.LAYER.V1.TAR+GZIP'],
      expected: [],
      verdict: 'deployable',
    },
  ])('$name', ({ layers, expected, verdict, docker }) => {
    // Prepare
    const img = image({ layers, format: docker === true ? 'docker' : 'oci' });

    // Act
    const result = classify(withConfig(img));

    // Assess
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.map((r) => r.code)).toStrictEqual(expected);
  });

  it('lists the offending layers with their positions', () => {
    // Prepare
    const img = image({
      layers: [MediaType.OciLayerGzip, MediaType.OciLayerZstd, MediaType.OciLayerGzip, MediaType.OciLayerZstd],
    });
    const layers = img.json.layers as { digest: string; mediaType: string; size: number }[];

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    expect(verdict.reasons).toStrictEqual([
      {
        code: 'UNVERIFIED_LAYER_COMPRESSION',
        severity: 'warning',
        status: 'unverified',
        message: '2 layers are zstd-compressed; only gzip is known to deploy',
        details: {
          count: 2,
          layers: [1, 3].map((i) => ({
            index: i,
            digest: layers[i]?.digest,
            mediaType: MediaType.OciLayerZstd,
            size: layers[i]?.size,
          })),
        },
      },
    ]);
  });
});

describe('classify: config media type', () => {
  it('Docker schema 2 with an application/octet-stream config -> UNSUPPORTED_CONFIG_MEDIA_TYPE', () => {
    // Prepare
    const img = image({ format: 'docker', config: rawFixture('application/octet-stream', imageConfig().bytes) });

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    expect(verdict).toMatchObject({
      verdict: 'quarantined',
      reasons: [{ code: 'UNSUPPORTED_CONFIG_MEDIA_TYPE', severity: 'error', details: { mediaType: 'application/octet-stream' } }],
      platform: { lambdaArchitecture: 'x86_64' },
    });
  });

  it('an OCI manifest with a custom config is an artifact by definition (image-spec manifest.md)', () => {
    // Prepare
    const img = image({ config: jsonFixture('application/vnd.example.config.v1+json', {}) });

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    expect(verdict).toMatchObject({
      verdict: 'skipped',
      reasons: [{ code: 'NOT_A_CONTAINER_IMAGE', details: { kind: 'artifact' } }],
    });
  });

  it.each([
    { name: 'Docker config type', config: imageConfig({ docker: true }) },
    { name: 'OCI config type', config: imageConfig() },
    { name: 'OCI config type with parameters', config: rawFixture(`${MediaType.OciConfig}; charset=utf-8`, imageConfig().bytes) },
  ])('accepts the $name', ({ config }) => {
    // Prepare
    const img = image({ format: 'docker', config });

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    expect(verdict.verdict).toBe('deployable');
  });
});

describe('classify: sizes', () => {
  const GiB = 1024 ** 3;
  it.each([
    { name: '10 GiB exactly', sizes: [6 * GiB, 4 * GiB], tooLarge: false },
    { name: 'one byte over 10 GiB', sizes: [6 * GiB, 4 * GiB + 1], tooLarge: true },
    { name: '40 GiB in many layers', sizes: Array.from({ length: 40 }, () => GiB), tooLarge: true },
  ])('IMAGE_TOO_LARGE: $name', ({ sizes, tooLarge }) => {
    // Prepare
    const img = image({ layers: sizes.map((size, i) => ({ size, seed: `big-${i}` })) });
    const total = sizes.reduce((a, b) => a + b, 0);

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    if (tooLarge) {
      expect(verdict).toMatchObject({
        verdict: 'quarantined',
        reasons: [
          { code: 'IMAGE_TOO_LARGE', severity: 'error', details: { compressedBytes: total, limitBytes: MAX_IMAGE_BYTES } },
        ],
      });
    } else {
      expect(verdict).toMatchObject({ verdict: 'deployable', reasons: [] });
    }
  });

  /** An image manifest padded through an annotation to exactly `size` bytes. */
  const imageOfSize = (size: number): ImageFixture => {
    const probe = image({ annotations: { pad: '' } });
    return image({ annotations: { pad: 'x'.repeat(size - probe.size) } });
  };

  it.each([
    { name: 'exactly 25,400 bytes', size: LARGE_MANIFEST_BYTES, large: false },
    { name: '25,401 bytes', size: LARGE_MANIFEST_BYTES + 1, large: true },
    { name: '1 MiB', size: 1024 * 1024, large: true },
  ])('LARGE_MANIFEST: $name', ({ size, large }) => {
    // Prepare
    const img = imageOfSize(size);

    // Act
    const verdict = classify(withConfig(img));

    // Assess
    expect(img.size).toBe(size);
    expect(verdict.verdict).toBe('deployable');
    expect(verdict.reasons).toStrictEqual(
      large
        ? [
            expect.objectContaining({
              code: 'LARGE_MANIFEST',
              severity: 'warning',
              details: { bytes: size, adviceBytes: LARGE_MANIFEST_BYTES },
            }),
          ]
        : [],
    );
  });

  it('LARGE_MANIFEST from many layers, strict -> quarantined', () => {
    // Prepare
    const img = image({ layers: Array.from({ length: 200 }, (_, i) => ({ seed: `many-${i}`, size: 1000 })) });

    // Act
    const verdict = classify(withConfig(img), { strict: true });

    // Assess
    expect(img.size).toBeGreaterThan(LARGE_MANIFEST_BYTES);
    expect(verdict).toMatchObject({ verdict: 'quarantined', reasons: [{ code: 'LARGE_MANIFEST' }] });
  });
});

describe('classify: the config blob', () => {
  it('ARCHITECTURE_UNKNOWN when the config was not available', () => {
    // Prepare
    const img = image();

    // Act
    const verdict = classify({ subject: img.bytes });

    // Assess
    expect(withTree(verdict)).toMatchObject({
      verdict: 'deployable',
      platform: null,
      reasons: [{ code: 'ARCHITECTURE_UNKNOWN', severity: 'warning', details: { config: img.config.digest } }],
      tree: { mark: 'warning', label: 'image platform unknown' },
    });
  });

  it.each([
    {
      name: 'config bytes that hash differently',
      blobs: (img: ImageFixture) => new Map([[img.config.digest, imageConfig({ platform: 'linux/arm64' }).bytes]]),
      reason: { code: 'DIGEST_MISMATCH', details: { path: 'config' } },
    },
    {
      name: 'a config descriptor with the wrong size',
      spec: { configDescriptor: { size: 7 } },
      blobs: (img: ImageFixture) => pool(img.config),
      reason: { code: 'DIGEST_MISMATCH', details: { path: 'config.size' } },
    },
    {
      name: 'a config whose os is a number',
      config: imageConfig({ extra: { os: 7 } }),
      blobs: (img: ImageFixture) => pool(img.config),
      reason: { code: 'MALFORMED_CONFIG', details: { path: 'config.os' } },
    },
    {
      name: 'a config without architecture',
      config: imageConfig({ omit: ['architecture'] }),
      blobs: (img: ImageFixture) => pool(img.config),
      reason: { code: 'MALFORMED_CONFIG', details: { path: 'config.architecture' } },
    },
    {
      name: 'a config that is not JSON',
      config: rawFixture(MediaType.OciConfig, '{"os": "linux",'),
      blobs: (img: ImageFixture) => pool(img.config),
      reason: { code: 'MALFORMED_CONFIG', details: { path: 'config' } },
    },
  ])('$name -> quarantined', ({ spec, config, blobs, reason }) => {
    // Prepare
    const img = image({ ...spec, ...(config === undefined ? {} : { config }) });

    // Act
    const verdict = classify({ subject: img.bytes, blobs: blobs(img) });

    // Assess
    expect(verdict.verdict).toBe('quarantined');
    expect(verdict.reasons).toStrictEqual([
      expect.objectContaining({ ...reason, details: expect.objectContaining(reason.details) }),
    ]);
  });

  it('verifies a sha512 config digest instead of trusting it', async () => {
    // Prepare
    const { createHash } = await import('node:crypto');
    const config = imageConfig({ platform: 'linux/arm64' });
    const sha512 = `sha512:${createHash('sha512').update(config.bytes).digest('hex')}`;
    const img = image({ config, configDescriptor: { digest: sha512 } });
    const liar = imageConfig({ platform: 'windows/amd64' }).bytes;

    // Act
    const good = classify({ subject: img.bytes, blobs: new Map([[sha512, config.bytes]]) });
    const bad = classify({ subject: img.bytes, blobs: new Map([[sha512, liar]]) });

    // Assess
    expect(good).toMatchObject({ verdict: 'deployable', platform: { lambdaArchitecture: 'arm64' } });
    expect(bad).toMatchObject({ verdict: 'quarantined', reasons: [{ code: 'DIGEST_MISMATCH' }] });
  });
});

describe('classify: subject problems', () => {
  it('DIGEST_MISMATCH when the bytes are not what was asked for: whole verdict', () => {
    // Prepare
    const img = image();
    const asked = fakeDigest('asked-for');

    // Act
    const verdict = classify({ subject: img.bytes, expectedDigest: asked, declaredMediaType: MediaType.OciManifest });

    // Assess
    expect(withTree(verdict)).toStrictEqual({
      verdict: 'quarantined',
      subject: { digest: img.digest, mediaType: MediaType.OciManifest, kind: 'unknown', size: img.size },
      reasons: [
        {
          code: 'DIGEST_MISMATCH',
          severity: 'error',
          status: 'confirmed',
          message: `the document hashes to ${img.digest}, not the requested ${asked}`,
          details: { path: '', problem: `hashes to ${img.digest}, not the requested ${asked}` },
        },
      ],
      platform: null,
      deployableChild: null,
      index: null,
      tree: {
        digest: img.digest,
        mediaType: MediaType.OciManifest,
        size: img.size,
        kind: 'unknown',
        role: 'subject',
        platform: null,
        mark: 'error',
        label: 'unreadable manifest',
        children: [],
      },
      provenance: null,
    });
  });

  it.each([
    {
      name: 'a field path',
      bytes: image({ extra: { layers: 'none' } }).bytes,
      path: 'layers',
      message: 'layers must be an array, found string',
    },
    { name: 'the whole document', bytes: new TextEncoder().encode('nope'), path: '', message: /^the document is not valid JSON/ },
  ])('MALFORMED_MANIFEST names $name', ({ bytes, path, message }) => {
    // Act
    const verdict = classify({ subject: bytes });

    // Assess
    expect(verdict).toMatchObject({
      verdict: 'quarantined',
      subject: { kind: 'unknown', mediaType: 'unknown' },
      reasons: [{ code: 'MALFORMED_MANIFEST', details: { path }, message }],
    });
  });
});

describe('classify: strict turns warnings into quarantine', () => {
  it.each([
    { name: 'UNVERIFIED_LAYER_COMPRESSION', evidence: withConfig(image({ layers: [MediaType.OciLayerZstd] })) },
    { name: 'NONDISTRIBUTABLE_LAYER', evidence: withConfig(image({ layers: [MediaType.OciLayerNondistributableGzip] })) },
    { name: 'ARCHITECTURE_UNKNOWN', evidence: { subject: image().bytes } },
  ])('$name: deployable, strict quarantined', ({ name, evidence }) => {
    // Act
    const lenient = classify(evidence);
    const strict = classify(evidence, { strict: true });

    // Assess
    expect(lenient.verdict).toBe('deployable');
    expect(strict.verdict).toBe('quarantined');
    expect(codes(evidence, { strict: true })).toContain(name);
    expect(treeOf(strict).mark).toBe('error');
  });

  it('strict changes nothing for a clean image', () => {
    // Prepare
    const img = image({ platform: 'linux/arm64' });

    // Act
    const verdict = classify(withConfig(img), { strict: true });

    // Assess
    expect(verdict).toMatchObject({ verdict: 'deployable', reasons: [] });
  });
});
