import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  fakeDigest,
  helmChart,
  image,
  imageConfig,
  index,
  jsonBytes,
  layer,
  provenanceV02,
  rawFixture,
  schema1,
  sha256,
} from '../../fixtures/oci-fixtures.js';
import { type Digest, digestOf } from '../../functions/core/digest.js';
import { MAX_MANIFEST_BYTES, parseManifest } from '../../functions/core/manifest.js';
import { MediaType } from '../../functions/core/media-type.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const ociImage = image({ platform: 'linux/arm64' });
const validLayer = layer();
const validConfig = { mediaType: MediaType.OciConfig, digest: fakeDigest('config'), size: 100 };

/** A valid OCI image manifest with one field replaced. */
const ociWith = (patch: Record<string, unknown>): Uint8Array =>
  jsonBytes({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: validConfig, layers: [validLayer], ...patch });

/** A valid OCI index with one field replaced. */
const indexWith = (patch: Record<string, unknown>): Uint8Array =>
  jsonBytes({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [{ ...validConfig, mediaType: MediaType.OciManifest }],
    ...patch,
  });

describe('parseManifest keeps the exact bytes', () => {
  it.each([
    { name: 'compact JSON', indent: 0 },
    { name: 'two-space JSON', indent: 2 },
    { name: 'tab-indented JSON', indent: '\t' },
  ])('digests $name over the bytes as given', ({ indent }) => {
    // Prepare
    const bytes = new TextEncoder().encode(JSON.stringify(ociImage.json, null, indent));

    // Act
    const result = parseManifest(bytes);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.manifest.raw).toBe(bytes);
    expect(result.manifest.digest).toBe(sha256(bytes));
    expect(result.manifest.size).toBe(bytes.byteLength);
  });

  it('keeps a trailing newline in the digest (registries hash what was pushed)', () => {
    // Prepare
    const bytes = new Uint8Array([...ociImage.bytes, 0x0a]);

    // Act
    const result = parseManifest(bytes, { expectedDigest: ociImage.digest });

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: 'DIGEST_MISMATCH', path: '', digest: sha256(bytes) } });
  });
});

describe('parseManifest recognises every manifest kind', () => {
  it.each([
    { name: 'OCI image manifest', bytes: ociImage.bytes, kind: 'image', mediaType: MediaType.OciManifest, from: 'body' },
    {
      name: 'Docker schema 2 manifest',
      bytes: image({ format: 'docker' }).bytes,
      kind: 'image',
      mediaType: MediaType.DockerManifest,
      from: 'body',
    },
    {
      name: 'OCI index',
      bytes: index({ entries: [{ of: ociImage, platform: 'linux/arm64' }] }).bytes,
      kind: 'index',
      mediaType: MediaType.OciIndex,
      from: 'body',
    },
    {
      name: 'Docker manifest list',
      bytes: index({ format: 'docker', entries: [{ of: image({ format: 'docker' }), platform: 'linux/amd64' }] }).bytes,
      kind: 'index',
      mediaType: MediaType.DockerManifestList,
      from: 'body',
    },
    {
      name: 'unsigned schema 1 (sniffed)',
      bytes: schema1().bytes,
      kind: 'schema1',
      mediaType: MediaType.DockerSchema1,
      from: 'sniffed',
    },
    {
      name: 'signed schema 1 (sniffed)',
      bytes: schema1({ signed: true }).bytes,
      kind: 'schema1',
      mediaType: MediaType.DockerSchema1Signed,
      from: 'sniffed',
    },
    {
      name: 'OCI manifest without mediaType (sniffed from layers[])',
      bytes: image({ omitMediaType: true }).bytes,
      kind: 'image',
      mediaType: MediaType.OciManifest,
      from: 'sniffed',
    },
    {
      name: 'Docker manifest without mediaType (sniffed from the config type)',
      bytes: image({ format: 'docker', omitMediaType: true }).bytes,
      kind: 'image',
      mediaType: MediaType.DockerManifest,
      from: 'sniffed',
    },
    {
      name: 'OCI index without mediaType (sniffed from manifests[])',
      bytes: index({ omitMediaType: true, entries: [{ of: ociImage, platform: 'linux/arm64' }] }).bytes,
      kind: 'index',
      mediaType: MediaType.OciIndex,
      from: 'sniffed',
    },
    {
      name: 'Docker list without mediaType (sniffed from its entries)',
      bytes: index({
        format: 'docker',
        omitMediaType: true,
        entries: [{ of: image({ format: 'docker' }), platform: 'linux/amd64' }],
      }).bytes,
      kind: 'index',
      mediaType: MediaType.DockerManifestList,
      from: 'sniffed',
    },
    {
      name: 'Helm chart without mediaType',
      bytes: helmChart().bytes,
      kind: 'image',
      mediaType: MediaType.OciManifest,
      from: 'sniffed',
    },
    {
      name: 'withdrawn OCI artifact manifest',
      bytes: jsonBytes({ mediaType: MediaType.OciArtifactManifest, artifactType: 'application/vnd.example', blobs: [] }),
      kind: 'artifact',
      mediaType: MediaType.OciArtifactManifest,
      from: 'body',
    },
  ])('$name', ({ bytes, kind, mediaType, from }) => {
    // Act
    const result = parseManifest(bytes);

    // Assess
    expect(result).toMatchObject({ ok: true, manifest: { kind, mediaType, mediaTypeFrom: from } });
  });

  it('takes a declared media type for a body without one', () => {
    // Prepare
    const bytes = image({ omitMediaType: true }).bytes;

    // Act
    const result = parseManifest(bytes, { declaredMediaType: MediaType.OciManifest });

    // Assess
    expect(result).toMatchObject({ ok: true, manifest: { mediaType: MediaType.OciManifest, mediaTypeFrom: 'declared' } });
  });
});

describe('parseManifest compares media types case-folded, without parameters', () => {
  it.each([
    { name: 'upper-case body type', body: 'APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON', declared: undefined },
    { name: 'parameters on the body type', body: `${MediaType.OciManifest}; charset=utf-8`, declared: undefined },
    {
      name: 'declared with parameters and case',
      body: MediaType.OciManifest,
      declared: 'Application/Vnd.Oci.Image.Manifest.V1+Json ; q=1',
    },
    { name: 'declared with whitespace', body: MediaType.OciManifest, declared: `  ${MediaType.OciManifest}  ` },
  ])('$name', ({ body, declared }) => {
    // Prepare
    const bytes = ociWith({ mediaType: body });

    // Act
    const result = parseManifest(bytes, declared === undefined ? {} : { declaredMediaType: declared });

    // Assess
    expect(result).toMatchObject({ ok: true, manifest: { kind: 'image', mediaType: MediaType.OciManifest } });
  });

  it('reads layer media types case-folded too', () => {
    // Prepare
    const bytes = ociWith({ layers: [{ ...validLayer, mediaType: 'Application/VND.OCI.Image.Layer.v1.TAR+GZIP' }] });

    // Act
    const result = parseManifest(bytes);

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('parseManifest reports MALFORMED_MANIFEST with the path of the first offending field', () => {
  it.each([
    { name: 'not UTF-8', bytes: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), path: '', message: /UTF-8/ },
    { name: 'not JSON', bytes: text('{"schemaVersion": 2,'), path: '', message: /not valid JSON/ },
    { name: 'empty input', bytes: new Uint8Array(), path: '', message: /not valid JSON/ },
    { name: 'a JSON array', bytes: text('[]'), path: '', message: /must be an object, found array/ },
    { name: 'a JSON string', bytes: text('"manifest"'), path: '', message: /must be an object, found string/ },
    { name: 'null', bytes: text('null'), path: '', message: /must be an object, found null/ },
    {
      name: 'an image config blob',
      bytes: imageConfig().bytes,
      path: '',
      message: /is an image config blob, not a manifest/,
    },
    { name: 'an in-toto statement', bytes: provenanceV02().bytes, path: '', message: /in-toto statement/ },
    {
      name: 'a bare descriptor',
      bytes: jsonBytes({ digest: fakeDigest('x'), size: 3 }),
      path: '',
      message: /descriptor/,
    },
    {
      name: 'a descriptor naming a manifest',
      bytes: jsonBytes({ mediaType: MediaType.OciManifest, digest: fakeDigest('x'), size: 3 }),
      path: '',
      message: /descriptor/,
    },
    { name: 'an empty object', bytes: text('{}'), path: '', message: /not a manifest/ },
    { name: 'schemaVersion 99999', bytes: ociWith({ schemaVersion: 99999 }), path: 'schemaVersion', message: /must be 2/ },
    {
      name: 'sniffed schemaVersion 3',
      bytes: jsonBytes({ schemaVersion: 3, layers: [] }),
      path: 'schemaVersion',
      message: /must be 1 or 2, found 3/,
    },
    { name: 'schemaVersion as a string', bytes: ociWith({ schemaVersion: '2' }), path: 'schemaVersion', message: /found "2"/ },
    { name: 'schemaVersion missing', bytes: ociWith({ schemaVersion: undefined }), path: 'schemaVersion', message: /required/ },
    {
      name: 'manifests[] without schemaVersion',
      bytes: jsonBytes({ manifests: [] }),
      path: 'schemaVersion',
      message: /required/,
    },
    { name: 'mediaType not a string', bytes: ociWith({ mediaType: 7 }), path: 'mediaType', message: /must be a string/ },
    {
      name: 'mediaType not RFC 6838',
      bytes: ociWith({ mediaType: 'invalid' }),
      path: 'mediaType',
      message: /not a valid media type/,
    },
    {
      name: 'mediaType of a config',
      bytes: ociWith({ mediaType: MediaType.OciConfig }),
      path: 'mediaType',
      message: /not a manifest media type/,
    },
    { name: 'config missing', bytes: ociWith({ config: undefined }), path: 'config', message: /required/ },
    { name: 'layers missing', bytes: ociWith({ layers: undefined }), path: 'layers', message: /required/ },
    { name: 'layers not an array', bytes: ociWith({ layers: {} }), path: 'layers', message: /must be an array/ },
    { name: 'OCI layers empty', bytes: ociWith({ layers: [] }), path: 'layers', message: /at least one/ },
    {
      name: 'config.size a string',
      bytes: ociWith({ config: { ...validConfig, size: '100' } }),
      path: 'config.size',
      message: /non-negative integer/,
    },
    {
      name: 'config.size negative',
      bytes: ociWith({ config: { ...validConfig, size: -1 } }),
      path: 'config.size',
      message: /non-negative integer, found -1/,
    },
    {
      name: 'config.size fractional',
      bytes: ociWith({ config: { ...validConfig, size: 1.5 } }),
      path: 'config.size',
      message: /non-negative integer/,
    },
    {
      name: 'config.size beyond 2^53',
      bytes: ociWith({ config: { ...validConfig, size: 2 ** 60 } }),
      path: 'config.size',
      message: /non-negative integer/,
    },
    {
      name: 'config.digest with an unknown algorithm',
      bytes: ociWith({ config: { ...validConfig, digest: 'md5:d41d8cd98f00b204e9800998ecf8427e' } }),
      path: 'config.digest',
      message: /algorithm other than sha256/,
    },
    {
      name: 'config.digest too short',
      bytes: ociWith({ config: { ...validConfig, digest: 'sha256:abc' } }),
      path: 'config.digest',
      message: /wrong length/,
    },
    {
      name: 'config.digest upper-case hex',
      bytes: ociWith({ config: { ...validConfig, digest: fakeDigest('config').toUpperCase().replace('SHA256', 'sha256') } }),
      path: 'config.digest',
      message: /wrong length or non-lowercase-hex/,
    },
    {
      name: 'config.digest not a digest',
      bytes: ociWith({ config: { ...validConfig, digest: 'latest' } }),
      path: 'config.digest',
      message: /is not a digest/,
    },
    {
      name: 'config.mediaType missing',
      bytes: ociWith({ config: { digest: validConfig.digest, size: 1 } }),
      path: 'config.mediaType',
      message: /required/,
    },
    {
      name: 'layers[1].digest missing',
      bytes: ociWith({ layers: [validLayer, { mediaType: MediaType.OciLayerGzip, size: 1 }] }),
      path: 'layers[1].digest',
      message: /required/,
    },
    {
      name: 'layers[0].size missing',
      bytes: ociWith({ layers: [{ mediaType: MediaType.OciLayerGzip, digest: fakeDigest('l') }] }),
      path: 'layers[0].size',
      message: /required/,
    },
    {
      name: 'an unknown member of the OCI layer namespace',
      bytes: ociWith({ layers: [{ ...validLayer, mediaType: 'application/vnd.oci.image.layer.v1.tar+unknown' }] }),
      path: 'layers[0].mediaType',
      message: /not a layer media type the OCI or Docker specs define/,
    },
    {
      name: 'an unknown member of the Docker rootfs namespace',
      bytes: ociWith({ layers: [{ ...validLayer, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.lz4' }] }),
      path: 'layers[0].mediaType',
      message: /not a layer media type/,
    },
    {
      name: 'annotation value not a string',
      bytes: ociWith({ annotations: { 'org.opencontainers.image.created': 2026 } }),
      path: 'annotations["org.opencontainers.image.created"]',
      message: /must be a string/,
    },
    {
      name: 'annotation with a huge key',
      bytes: ociWith({ annotations: { ['k'.repeat(100_000)]: 1 } }),
      path: `annotations["${'k'.repeat(80)}… (100000 characters)"]`,
      message: /must be a string/,
    },
    {
      name: 'layer urls not strings',
      bytes: ociWith({ layers: [{ ...validLayer, urls: [1] }] }),
      path: 'layers[0].urls[0]',
      message: /must be a string/,
    },
    {
      name: 'subject not an object',
      bytes: ociWith({ subject: 'sha256:abc' }),
      path: 'subject',
      message: /must be an object/,
    },
    {
      name: 'artifactType not a media type',
      bytes: ociWith({ artifactType: 'sbom' }),
      path: 'artifactType',
      message: /not a valid media type/,
    },
    { name: 'index manifests missing', bytes: indexWith({ manifests: undefined }), path: 'manifests', message: /required/ },
    {
      name: 'index entry platform without architecture',
      bytes: indexWith({ manifests: [{ ...validConfig, mediaType: MediaType.OciManifest, platform: { os: 'linux' } }] }),
      path: 'manifests[0].platform.architecture',
      message: /required/,
    },
    {
      name: 'index entry platform.os not a string',
      bytes: indexWith({
        manifests: [{ ...validConfig, mediaType: MediaType.OciManifest, platform: { os: 1, architecture: 'amd64' } }],
      }),
      path: 'manifests[0].platform.os',
      message: /must be a string/,
    },
    {
      name: 'index entry os.features not strings',
      bytes: indexWith({
        manifests: [
          {
            ...validConfig,
            mediaType: MediaType.OciManifest,
            platform: { os: 'windows', architecture: 'amd64', 'os.features': [true] },
          },
        ],
      }),
      path: 'manifests[0].platform["os.features"][0]',
      message: /must be a string/,
    },
    {
      name: 'Docker list entry without platform',
      bytes: jsonBytes({
        schemaVersion: 2,
        mediaType: MediaType.DockerManifestList,
        manifests: [{ ...validConfig, mediaType: MediaType.DockerManifest }],
      }),
      path: 'manifests[0].platform',
      message: /required in a Docker manifest list/,
    },
    {
      name: 'schema 1 fsLayers entry not an object',
      bytes: jsonBytes({ schemaVersion: 1, name: 'a', tag: 'b', fsLayers: ['x'] }),
      path: 'fsLayers[0]',
      message: /must be an object/,
    },
  ])('$name -> $path', ({ bytes, path, message }) => {
    // Act
    const result = parseManifest(bytes);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatchObject({ code: 'MALFORMED_MANIFEST', path, digest: digestOf(bytes), size: bytes.byteLength });
    expect(result.problem.message).toMatch(message);
  });
});

describe('parseManifest refuses a declared media type the body contradicts', () => {
  it.each([
    {
      name: 'body says index, declared image',
      bytes: index({ entries: [{ of: ociImage, platform: 'linux/arm64' }] }).bytes,
      declared: MediaType.OciManifest,
      path: 'mediaType',
    },
    { name: 'body says OCI, declared Docker', bytes: ociImage.bytes, declared: MediaType.DockerManifest, path: 'mediaType' },
    {
      name: 'no body type, shape of an index, declared image',
      bytes: index({ omitMediaType: true, entries: [{ of: ociImage, platform: 'linux/arm64' }] }).bytes,
      declared: MediaType.OciManifest,
      path: '',
    },
    {
      name: 'no body type, shape of schema 1, declared OCI',
      bytes: schema1().bytes,
      declared: MediaType.OciManifest,
      path: '',
    },
  ])('$name', ({ bytes, declared, path }) => {
    // Act
    const result = parseManifest(bytes, { declaredMediaType: declared });

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: 'MALFORMED_MANIFEST', path } });
    if (!result.ok) expect(result.problem.message).toMatch(/declared/);
  });
});

describe('parseManifest checks digest and size', () => {
  it.each([
    { name: 'another digest', hints: { expectedDigest: fakeDigest('other') }, message: /hashes to/ },
    { name: 'another size', hints: { expectedSize: ociImage.size + 1 }, message: /bytes, but its descriptor says/ },
  ])('$name -> DIGEST_MISMATCH', ({ hints, message }) => {
    // Act
    const result = parseManifest(ociImage.bytes, hints);

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: 'DIGEST_MISMATCH', path: '', digest: ociImage.digest } });
    if (!result.ok) expect(result.problem.message).toMatch(message);
  });

  it('accepts the matching digest and size', () => {
    // Act
    const result = parseManifest(ociImage.bytes, { expectedDigest: ociImage.digest, expectedSize: ociImage.size });

    // Assess
    expect(result).toMatchObject({ ok: true, manifest: { digest: ociImage.digest } });
  });

  it('verifies sha512 digests with sha512', () => {
    // Prepare
    const sha512 = `sha512:${createHash('sha512').update(ociImage.bytes).digest('hex')}` as Digest;

    // Act
    const good = parseManifest(ociImage.bytes, { expectedDigest: sha512 });
    const bad = parseManifest(new Uint8Array([...ociImage.bytes, 0x20]), { expectedDigest: sha512 });

    // Assess
    expect(good.ok).toBe(true);
    expect(bad).toMatchObject({ ok: false, problem: { code: 'DIGEST_MISMATCH' } });
  });
});

describe('parseManifest bounds its input at ECR’s 4 MiB', () => {
  /** A valid OCI manifest padded with an annotation to exactly `size` bytes. */
  const manifestOfSize = (size: number): Uint8Array => {
    const base = ociWith({ annotations: { pad: '' } });
    const padded = ociWith({ annotations: { pad: 'x'.repeat(size - base.byteLength) } });
    expect(padded.byteLength).toBe(size);
    return padded;
  };

  it.each([
    { name: 'exactly 4 MiB', size: MAX_MANIFEST_BYTES, ok: true },
    { name: 'one byte over 4 MiB', size: MAX_MANIFEST_BYTES + 1, ok: false },
  ])('$name', ({ size, ok }) => {
    // Prepare
    const bytes = manifestOfSize(size);

    // Act
    const result = parseManifest(bytes);

    // Assess
    expect(result.ok).toBe(ok);
    if (!result.ok) {
      expect(result.problem).toMatchObject({ code: 'MALFORMED_MANIFEST', path: '', size });
      expect(result.problem.message).toMatch(/at most 4194304 bytes/);
    }
  });

  it('rejects oversized input without reading it as JSON', () => {
    // Prepare: not even JSON, so only the size check can answer
    const bytes = rawFixture('application/octet-stream', new Uint8Array(MAX_MANIFEST_BYTES + 10).fill(0x5b)).bytes;

    // Act
    const result = parseManifest(bytes);

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: 'MALFORMED_MANIFEST', size: MAX_MANIFEST_BYTES + 10 } });
    if (!result.ok) expect(result.problem.message).toMatch(/ECR accepts manifests of at most/);
  });
});

describe('parseManifest on hostile nesting', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  it.each([
    { name: 'a deep array as the document', json: deep, path: '' },
    { name: 'a deep array as schemaVersion', json: `{"schemaVersion":${deep},"layers":[]}`, path: 'schemaVersion' },
    {
      name: 'a deep array as a declared-manifest schemaVersion',
      json: `{"mediaType":"${MediaType.OciManifest}","schemaVersion":${deep}}`,
      path: 'schemaVersion',
    },
    {
      name: 'a deep array as an annotation',
      json: `{"schemaVersion":2,"manifests":[],"annotations":{"a":${deep}}}`,
      path: 'annotations.a',
    },
  ])('$name -> MALFORMED_MANIFEST at $path', ({ json, path }) => {
    // Act
    const result = parseManifest(text(json));

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: 'MALFORMED_MANIFEST', path } });
  });
});
