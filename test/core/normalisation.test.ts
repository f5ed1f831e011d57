import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_MANIFEST_MEDIA_TYPES,
  baseMediaType,
  guessArtifactKind,
  isImageManifest,
  isIndex,
  isSchema1,
  isWellFormedMediaType,
  layerTraits,
  MEDIA_TYPES,
  MediaType,
} from '../../functions/core/media-type.js';
import {
  formatPlatform,
  lambdaArchitectureOf,
  normalizePlatform,
  type Platform,
  parseLambdaArchitecture,
} from '../../functions/core/platform.js';

describe('media types: compared case-folded with parameters stripped', () => {
  it.each([
    { value: 'application/vnd.oci.image.index.v1+json', base: 'application/vnd.oci.image.index.v1+json' },
    { value: 'APPLICATION/VND.OCI.IMAGE.INDEX.V1+JSON', base: 'application/vnd.oci.image.index.v1+json' },
    { value: 'application/vnd.oci.image.index.v1+json; charset=utf-8', base: 'application/vnd.oci.image.index.v1+json' },
    { value: '  application/vnd.oci.image.index.v1+json ;q=0.9', base: 'application/vnd.oci.image.index.v1+json' },
    { value: '', base: '' },
  ])('baseMediaType("$value")', ({ value, base }) => {
    // Act
    const result = baseMediaType(value);

    // Assess
    expect(result).toBe(base);
  });

  it.each([
    { value: 'Application/Vnd.Docker.Distribution.Manifest.List.V2+Json', index: true, image: false, schema1: false },
    { value: `${MediaType.OciManifest}; charset=utf-8`, index: false, image: true, schema1: false },
    { value: 'APPLICATION/VND.DOCKER.DISTRIBUTION.MANIFEST.V1+PRETTYJWS', index: false, image: false, schema1: true },
    { value: 'application/vnd.oci.image.manifest.v2+json', index: false, image: false, schema1: false },
    { value: undefined, index: false, image: false, schema1: false },
  ])('predicates for $value', ({ value, index, image, schema1 }) => {
    // Act
    const result = { index: isIndex(value), image: isImageManifest(value), schema1: isSchema1(value) };

    // Assess
    expect(result).toStrictEqual({ index, image, schema1 });
  });

  it.each([
    { value: 'Application/VND.OCI.Image.Layer.v1.TAR+ZSTD', compression: 'zstd' },
    { value: `${MediaType.DockerLayerGzip};foo=bar`, compression: 'gzip' },
    { value: MediaType.OciLayer, compression: 'none' },
  ])('layerTraits($value).compression = $compression', ({ value, compression }) => {
    // Act
    const traits = layerTraits(value);

    // Assess
    expect(traits?.compression).toBe(compression);
  });

  it.each([
    { value: 'application/vnd.oci.image.manifest.v1+json', ok: true },
    { value: 'text/plain; charset=utf-8', ok: true },
    { value: 'invalid', ok: false },
    { value: 'a/b/c', ok: false },
    { value: '/json', ok: false },
    { value: `application/${'x'.repeat(200)}`, ok: false },
  ])('isWellFormedMediaType("$value") = $ok', ({ value, ok }) => {
    // Act
    const result = isWellFormedMediaType(value);

    // Assess
    expect(result).toBe(ok);
  });

  it('every row of the table is lower-case, well formed and unique', () => {
    // Prepare
    const values = Object.values(MEDIA_TYPES).map((row) => row.value);

    // Act
    const problems = values.filter((value) => value !== baseMediaType(value) || !isWellFormedMediaType(value));

    // Assess
    expect(problems).toStrictEqual([]);
    expect(new Set(values).size).toBe(values.length);
  });

  it('BatchGetImage is told to accept all five manifest types', () => {
    // Assess
    expect([...ACCEPTED_MANIFEST_MEDIA_TYPES].sort()).toStrictEqual(
      [
        MediaType.OciIndex,
        MediaType.OciManifest,
        MediaType.DockerManifestList,
        MediaType.DockerManifest,
        MediaType.DockerSchema1,
      ].sort(),
    );
  });

  it.each([
    { value: 'application/vnd.cncf.notary.signature', kind: 'signature' },
    { value: 'application/example.sbom', kind: 'sbom' },
    { value: 'application/vnd.cyclonedx+json', kind: 'sbom' },
    { value: 'application/vnd.example.signature.v1+json', kind: 'signature' },
    { value: 'application/vnd.example.provenance+json', kind: 'attestation' },
    { value: 'application/vnd.amazon.soci.index.v2+json', kind: 'soci-index' },
    { value: 'application/vnd.example+type', kind: undefined },
    { value: 'application/vnd.signatures-are-fun', kind: undefined },
  ])('guessArtifactKind($value) = $kind', ({ value, kind }) => {
    // Act
    const result = guessArtifactKind(value);

    // Assess
    expect(result).toBe(kind);
  });
});

describe('platforms: normalised before comparing', () => {
  it.each([
    { input: { os: 'linux', architecture: 'aarch64' }, expected: { os: 'linux', architecture: 'arm64' }, lambda: 'arm64' },
    {
      input: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      expected: { os: 'linux', architecture: 'arm64' },
      lambda: 'arm64',
    },
    {
      input: { os: 'linux', architecture: 'arm64', variant: '8' },
      expected: { os: 'linux', architecture: 'arm64' },
      lambda: 'arm64',
    },
    {
      input: { os: 'linux', architecture: 'arm64', variant: '' },
      expected: { os: 'linux', architecture: 'arm64' },
      lambda: 'arm64',
    },
    { input: { os: 'linux', architecture: 'x86_64' }, expected: { os: 'linux', architecture: 'amd64' }, lambda: 'x86_64' },
    { input: { os: 'linux', architecture: 'x86-64' }, expected: { os: 'linux', architecture: 'amd64' }, lambda: 'x86_64' },
    {
      input: { os: 'linux', architecture: 'amd64', variant: 'v1' },
      expected: { os: 'linux', architecture: 'amd64' },
      lambda: 'x86_64',
    },
    { input: { os: 'LINUX', architecture: 'AMD64' }, expected: { os: 'linux', architecture: 'amd64' }, lambda: 'x86_64' },
    {
      input: { os: 'linux', architecture: 'amd64', variant: 'v3' },
      expected: { os: 'linux', architecture: 'amd64', variant: 'v3' },
      lambda: undefined,
    },
    {
      input: { os: 'linux', architecture: 'arm', variant: 'v7' },
      expected: { os: 'linux', architecture: 'arm', variant: 'v7' },
      lambda: undefined,
    },
    { input: { os: 'linux', architecture: 'i386' }, expected: { os: 'linux', architecture: '386' }, lambda: undefined },
    {
      input: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.1879' },
      expected: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.1879' },
      lambda: 'x86_64',
    },
  ] satisfies { input: Platform; expected: Platform; lambda: string | undefined }[])(
    '$input.os/$input.architecture/$input.variant',
    ({ input, expected, lambda }) => {
      // Act
      const normal = normalizePlatform(input);

      // Assess
      expect(normal).toStrictEqual(expected);
      expect(lambdaArchitectureOf(normal)).toBe(lambda);
    },
  );

  it.each([
    { value: 'x86_64', expected: 'x86_64' },
    { value: 'amd64', expected: 'x86_64' },
    { value: ' X86_64 ', expected: 'x86_64' },
    { value: 'arm64', expected: 'arm64' },
    { value: 'aarch64', expected: 'arm64' },
    { value: 'ARM64', expected: 'arm64' },
    { value: 'arm', expected: undefined },
    { value: 'ppc64le', expected: undefined },
    { value: '', expected: undefined },
  ])('parseLambdaArchitecture("$value") = $expected', ({ value, expected }) => {
    // Act
    const result = parseLambdaArchitecture(value);

    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    { platform: { os: 'linux', architecture: 'arm64' }, text: 'linux/arm64' },
    { platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, text: 'linux/arm/v7' },
    { platform: { os: 'unknown', architecture: 'unknown' }, text: 'unknown/unknown' },
  ] satisfies { platform: Platform; text: string }[])('formatPlatform -> $text', ({ platform, text }) => {
    // Act
    const result = formatPlatform(platform);

    // Assess
    expect(result).toBe(text);
  });
});
