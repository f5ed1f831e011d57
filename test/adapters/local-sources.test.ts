import { copyFile, mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationFor, imageIndex, provenanceStatement } from '../../fixtures/buildkit-attestation.js';
import { buildLambdaImage, imageBlobs } from '../../fixtures/lambda-image.js';
import { entryOf, jsonBytes } from '../../fixtures/oci-bytes.js';
import { type FileTree, layoutFiles, underFolder, writeFileTree } from '../../fixtures/oci-layout-writer.js';
import { buildTar, type TarOptions, tarFileHeader } from '../../fixtures/tar-builder.js';
import { InputError } from '../../functions/adapters/input-error.js';
import { looksLikeLocalPath, openLocalSource } from '../../functions/adapters/open-local-source.js';
import { findTarFile, indexTar, readTarEntry } from '../../functions/adapters/tar-index.js';
import { gatherEvidence } from '../../functions/app/gather-evidence.js';
import type { ContentSource } from '../../functions/app/ports.js';
import { classifyParsed } from '../../functions/core/classify.js';
import type { Digest } from '../../functions/core/digest.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const RUN_URL = 'https://github.com/example-org/orders-service/actions/runs/1234';
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Two images and an attestation index, built in memory: the raw material of every case below. */
const arm64 = buildLambdaImage({ architecture: 'arm64', created: '2026-02-01T00:00:00Z', mtime: 1_769_904_000 });
const amd64 = buildLambdaImage({ architecture: 'amd64', created: '2026-02-01T00:00:00Z', mtime: 1_769_904_000 });
const statement = provenanceStatement(arm64.manifest.descriptor, {
  builderId: RUN_URL,
  platform: 'linux/arm64',
  vcsSource: 'https://github.com/example-org/orders-service',
  vcsRevision: '0123456789abcdef0123456789abcdef01234567',
  buildInvocationId: 'abc',
  startedOn: '2026-02-01T00:00:00Z',
  finishedOn: '2026-02-01T00:01:00Z',
  subjectName: 'pkg:docker/app@v1?platform=linux%2Farm64',
});
const attestation = attestationFor(arm64.manifest.descriptor, statement);
const attested = imageIndex([entryOf(arm64.manifest, { platform: { architecture: 'arm64', os: 'linux' } }), attestation.entry]);
const attestedBlobs = [attested, ...imageBlobs(arm64), attestation.manifest, attestation.config, ...attestation.statements];
const digests = {
  index: attested.descriptor.digest,
  arm64: arm64.manifest.descriptor.digest,
  amd64: amd64.manifest.descriptor.digest,
  arm64Config: arm64.config.descriptor.digest,
  arm64Layer: arm64.layers[0]?.descriptor.digest ?? '',
};
const refs = (tag: string) => ({
  'io.containerd.image.name': `docker.io/library/app:${tag}`,
  'org.opencontainers.image.ref.name': tag,
});

/** The attested index as `v1`, plus the amd64 image as `amd64`: a layout that needs a ref. */
const twoRefLayout: FileTree = layoutFiles({
  blobs: [...attestedBlobs, ...imageBlobs(amd64)],
  manifests: [entryOf(attested, { annotations: refs('v1') }), entryOf(amd64.manifest, { annotations: refs('amd64') })],
});
const singleLayout: FileTree = layoutFiles({
  blobs: attestedBlobs,
  manifests: [entryOf(attested, { annotations: refs('v1') })],
});
const tarOf = (tree: FileTree, options: TarOptions = {}): Uint8Array =>
  buildTar(
    [...tree.entries()].map(([name, data]) => ({ name, data })),
    options,
  );

let work: string;
const at = (...parts: string[]): string => join(work, ...parts);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'elg-local-'));
  await writeFileTree(at('layout'), twoRefLayout);
  await writeFileTree(at('single'), singleLayout);
  // A sparse layout: manifests and configs only, as a CI cache or `crane` partial copy leaves them.
  await writeFileTree(
    at('sparse'),
    new Map([...singleLayout].filter(([path]) => !path.endsWith(digests.arm64Layer.slice('sha256:'.length)))),
  );
  await writeFile(at('layout.tar'), tarOf(twoRefLayout));
  await writeFile(at('single.tar'), tarOf(new Map([...singleLayout].map(([path, bytes]) => [`./${path}`, bytes]))));
  await writeFile(at('nested.tar'), tarOf(underFolder('my-layout', singleLayout)));
  await writeFile(at('layout.tar.gz'), gzipSync(tarOf(twoRefLayout)));
  await writeFile(
    at('legacy-save.tar'),
    tarOf(new Map([['manifest.json', jsonBytes([{ Config: 'x.json', RepoTags: ['app:v1'], Layers: [] }])]])),
  );
  // Manifest files and blob folders in the spellings tools produce.
  const hexName = (digest: string) => digest.slice('sha256:'.length);
  await mkdir(at('files'), { recursive: true });
  await writeFile(at('files', 'index.json.manifest'), attested.bytes);
  await writeFile(at('files', 'amd64.json'), amd64.manifest.bytes);
  for (const [folder, name] of [
    ['blobs-hex', (d: string) => hexName(d)],
    ['blobs-prefixed', (d: string) => `sha256:${hexName(d)}`],
    ['blobs-nested', (d: string) => `blobs/sha256/${hexName(d)}`],
    ['blobs-alg', (d: string) => `sha256/${hexName(d)}`],
  ] as const) {
    await writeFileTree(
      at(folder),
      new Map([...attestedBlobs, ...imageBlobs(amd64)].map((blob) => [name(blob.descriptor.digest), blob.bytes])),
    );
  }
  // skopeo's dir: transport: manifest.json, blobs by hex, children as <hex>.manifest.json, a version file.
  await writeFileTree(
    at('skopeo-dir'),
    new Map([
      ['manifest.json', attested.bytes],
      ['version', text('Directory Transport Version: 1.1\n')],
      [`${hexName(digests.arm64)}.manifest.json`, arm64.manifest.bytes],
      [`${hexName(attestation.manifest.descriptor.digest)}.manifest.json`, attestation.manifest.bytes],
      ...[arm64.config, attestation.config, ...attestation.statements].map(
        (blob) => [hexName(blob.descriptor.digest), blob.bytes] as const,
      ),
    ]),
  );
  await writeFile(at('files', 'notes.txt'), text('hello, not a manifest\n'));
  await writeFile(at('files', 'broken.json'), text('{ "schemaVersion": 2, '));
  await writeFile(at('files', 'empty.json'), new Uint8Array(0));
  await mkdir(at('empty-folder'));
  await writeFileTree(at('no-marker'), new Map([['index.json', jsonBytes({ schemaVersion: 2, manifests: [] })]]));
  await writeFileTree(
    at('bad-index'),
    new Map([
      ['oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' })],
      ['index.json', text('{"manifests": [')],
    ]),
  );
  await writeFileTree(
    at('unnamed'),
    layoutFiles({
      blobs: [...imageBlobs(arm64), ...imageBlobs(amd64)],
      manifests: [arm64.manifest.descriptor, amd64.manifest.descriptor],
    }),
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the guard's own pipeline on a local source, as the CLI does. */
const judge = async (spec: string, blobsDir?: string, architectures: readonly ('x86_64' | 'arm64')[] = []) => {
  const local = await openLocalSource(spec, { blobsDir });
  const { evidence, log } = await gatherEvidence(local.source, local.subject, { architectures });
  return { local, log, verdict: classifyParsed(evidence, { architectures }) };
};

describe('openLocalSource picks the manifest the spec names', () => {
  interface Case {
    readonly spec: string;
    readonly blobs?: string;
    readonly subject: string;
    readonly mediaType: string | undefined;
    readonly tag: string | null;
    readonly description: RegExp;
  }
  it.each<Case>([
    { spec: 'layout:v1', subject: digests.index, mediaType: OCI_INDEX, tag: 'v1', description: /^OCI layout .*layout \(v1\)$/ },
    {
      spec: 'layout:docker.io/library/app:v1',
      subject: digests.index,
      mediaType: OCI_INDEX,
      tag: 'v1',
      description: /OCI layout/,
    },
    { spec: 'layout:app:amd64', subject: digests.amd64, mediaType: OCI_MANIFEST, tag: 'amd64', description: /\(app:amd64\)$/ },
    { spec: `layout@${digests.amd64}`, subject: digests.amd64, mediaType: OCI_MANIFEST, tag: 'amd64', description: /OCI layout/ },
    // A digest inside the store but not in index.json: the child of the index.
    { spec: `layout@${digests.arm64}`, subject: digests.arm64, mediaType: undefined, tag: null, description: /sha256:/ },
    { spec: 'single', subject: digests.index, mediaType: OCI_INDEX, tag: 'v1', description: /^OCI layout .*single \(v1\)$/ },
    { spec: 'single/index.json', subject: digests.index, mediaType: OCI_INDEX, tag: 'v1', description: /^OCI layout/ },
    { spec: 'sparse:v1', subject: digests.index, mediaType: OCI_INDEX, tag: 'v1', description: /OCI layout/ },
    { spec: 'layout.tar:v1', subject: digests.index, mediaType: OCI_INDEX, tag: 'v1', description: /^OCI archive .*layout\.tar/ },
    { spec: `layout.tar@${digests.arm64}`, subject: digests.arm64, mediaType: undefined, tag: null, description: /OCI archive/ },
    { spec: 'single.tar', subject: digests.index, mediaType: OCI_INDEX, tag: 'v1', description: /OCI archive/ },
    { spec: 'nested.tar', subject: digests.index, mediaType: OCI_INDEX, tag: 'v1', description: /OCI archive/ },
    { spec: 'files/amd64.json', subject: digests.amd64, mediaType: undefined, tag: null, description: /^manifest file / },
    { spec: 'skopeo-dir', subject: digests.index, mediaType: undefined, tag: null, description: /^skopeo dir / },
    { spec: 'skopeo-dir/manifest.json', subject: digests.index, mediaType: undefined, tag: null, description: /^skopeo dir / },
    { spec: `skopeo-dir@${digests.arm64}`, subject: digests.arm64, mediaType: undefined, tag: null, description: /skopeo dir/ },
    {
      spec: `files/index.json.manifest@${digests.amd64}`,
      blobs: 'blobs-hex',
      subject: digests.amd64,
      mediaType: undefined,
      tag: null,
      description: /manifest file/,
    },
  ])('$spec', async ({ spec, blobs, subject, mediaType, tag, description }) => {
    const local = await openLocalSource(at(spec), { blobsDir: blobs === undefined ? undefined : at(blobs) });
    expect(local.subject.digest).toBe(subject);
    expect(local.subject.mediaType).toBe(mediaType);
    expect(local.tag).toBe(tag);
    expect(local.description).toMatch(description);
  });
});

describe('every source resolves children, configs and provenance without reading a layer', () => {
  interface Case {
    readonly spec: string;
    readonly blobs?: string;
    readonly architectures?: readonly ('x86_64' | 'arm64')[];
    readonly verdict: string;
    readonly codes: readonly string[];
    readonly child: string | null;
    readonly builder: string | null;
  }
  const index = { verdict: 'quarantined', codes: ['IMAGE_INDEX'], child: digests.arm64, builder: RUN_URL };
  it.each<Case>([
    { spec: 'layout:v1', ...index },
    { spec: 'sparse', ...index },
    { spec: 'layout.tar:v1', ...index },
    { spec: 'nested.tar', ...index },
    { spec: 'skopeo-dir', ...index },
    { spec: 'files/index.json.manifest', blobs: 'blobs-hex', ...index },
    { spec: 'files/index.json.manifest', blobs: 'blobs-prefixed', ...index },
    { spec: 'files/index.json.manifest', blobs: 'blobs-nested', ...index },
    { spec: 'files/index.json.manifest', blobs: 'blobs-alg', ...index },
    // The folder a layout keeps its blobs in is itself a blob folder.
    { spec: `single/blobs/sha256/${digests.index.slice(7)}`, ...index },
    { spec: 'layout:amd64', verdict: 'deployable', codes: [], child: null, builder: null },
    {
      spec: 'layout:amd64',
      architectures: ['arm64'],
      verdict: 'quarantined',
      codes: ['ARCHITECTURE_MISMATCH'],
      child: null,
      builder: null,
    },
    { spec: 'files/amd64.json', blobs: 'blobs-nested', verdict: 'deployable', codes: [], child: null, builder: null },
    // Without blobs the config is missing: deployable but the architecture is unknown.
    { spec: 'files/amd64.json', verdict: 'deployable', codes: ['ARCHITECTURE_UNKNOWN'], child: null, builder: null },
  ])('$spec $blobs $architectures → $verdict $codes', async ({ spec, blobs, architectures, verdict, codes, child, builder }) => {
    const local = await openLocalSource(at(spec), { blobsDir: blobs === undefined ? undefined : at(blobs) });
    const asked: string[] = [];
    const spy: ContentSource = {
      getManifests: (wanted) => {
        asked.push(...wanted);
        return local.source.getManifests(wanted);
      },
      getBlob: (digest, maxBytes) => {
        asked.push(digest);
        return local.source.getBlob(digest, maxBytes);
      },
    };
    const { evidence, log } = await gatherEvidence(spy, local.subject, { architectures: architectures ?? [] });
    const result = classifyParsed(evidence, { architectures: architectures ?? [] });
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.map((r) => r.code)).toStrictEqual(codes);
    expect(result.deployableChild?.digest ?? null).toBe(child);
    expect(result.provenance?.builderId ?? null).toBe(builder);
    expect(asked).not.toContain(digests.arm64Layer);
    if (codes.length === 0 || codes[0] === 'IMAGE_INDEX') expect(log.missing).toStrictEqual([]);
  });
});

describe('ContentSource contract', () => {
  it.each(['layout', 'layout.tar', 'skopeo-dir'])('%s: bounded blobs, absent digests, declared media types', async (spec) => {
    const local = await openLocalSource(spec === 'skopeo-dir' ? at(spec) : `${at(spec)}:v1`);
    const config = arm64.config.descriptor;
    const tooSmall = await local.source.getBlob(config.digest as Digest, config.size - 1);
    expect(tooSmall).toMatchObject({ ok: false, reason: 'too-large' });
    const exact = await local.source.getBlob(config.digest as Digest, config.size);
    expect(exact.ok && Buffer.from(exact.bytes).equals(Buffer.from(arm64.config.bytes))).toBe(true);
    const absent = `sha256:${'0'.repeat(64)}` as Digest;
    expect(await local.source.getBlob(absent, 1024)).toMatchObject({ ok: false, reason: 'not-found' });
    const manifests = await local.source.getManifests([digests.arm64 as Digest, absent]);
    expect([...manifests.keys()]).toStrictEqual([digests.arm64]);
    expect(Buffer.from(manifests.get(digests.arm64)?.bytes ?? []).equals(Buffer.from(arm64.manifest.bytes))).toBe(true);
  });

  it('reports the media type index.json declares for a manifest read by digest', async () => {
    const local = await openLocalSource(`${at('layout')}:v1`);
    const manifests = await local.source.getManifests([digests.amd64 as Digest, digests.arm64 as Digest]);
    expect(manifests.get(digests.amd64)?.mediaType).toBe(OCI_MANIFEST);
    expect(manifests.get(digests.arm64)?.mediaType).toBeUndefined();
  });

  it('answers not-found for a layer a sparse layout lacks', async () => {
    const local = await openLocalSource(at('sparse'));
    expect(await local.source.getBlob(digests.arm64Layer as Digest, 1 << 20)).toMatchObject({ ok: false, reason: 'not-found' });
  });
});

describe('user mistakes are one-line InputErrors', () => {
  it.each<[string, string, RegExp]>([
    ['a missing path', 'nowhere', /^no such file or directory: .*nowhere$/],
    ['a missing path with a ref', 'nowhere:v1', /^no such file or directory/],
    ['an unknown ref, listing the refs', 'layout:v9', /has no manifest named "v9" \(available refs: v1, amd64\)$/],
    ['an ambiguous layout', 'layout', /holds 2 manifests; name one as .*:<ref> .*available refs: v1, amd64/],
    ['an ambiguous unnamed layout', 'unnamed', /holds 2 manifests.*pick one by digest: @sha256:/],
    ['a digest the layout lacks', `layout@sha256:${'0'.repeat(64)}`, /does not contain sha256:0{64}/],
    ['a malformed digest', 'layout@sha256:xyz', /"sha256:xyz" is not a digest/],
    ['an empty ref', 'layout:', /nothing after ":"/],
    ['a text file', 'files/notes.txt', /notes\.txt is not JSON \(Unexpected token .*\), an OCI image layout or an OCI archive$/],
    ['broken JSON', 'files/broken.json', /broken\.json is not JSON/],
    ['an empty file', 'files/empty.json', /empty\.json is empty$/],
    ['a folder of something else', 'empty-folder', /neither an OCI image layout .* nor a skopeo dir/],
    ['a layout without its marker', 'no-marker', /no-marker is not an OCI image layout: it has no oci-layout file$/],
    ['a broken index.json', 'bad-index', /bad-index\/index\.json is not valid JSON$/],
    ['a gzip-compressed archive', 'layout.tar.gz', /gzip-compressed; .*decompress it first \(gunzip -k /],
    ['a legacy docker save', 'legacy-save.tar', /legacy docker save archive/],
    ['a ref on a manifest file', 'files/amd64.json:v1', /manifest file; ":v1" selects only within an OCI layout or archive$/],
    ['a digest found nowhere', `files/amd64.json@sha256:${'1'.repeat(64)}`, /is neither .*amd64\.json/],
  ])('%s', async (_name, spec, message) => {
    const error = await openLocalSource(at(spec)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).name).toBe('InputError');
    expect((error as InputError).message).toMatch(message);
    expect((error as InputError).message).not.toContain('\n');
  });

  it.each<[string, RegExp]>([
    ['missing-blobs', /^--blobs .*missing-blobs: no such folder$/],
    ['files/amd64.json', /is not a folder$/],
  ])('--blobs %s', async (blobs, message) => {
    await expect(openLocalSource(at('single'), { blobsDir: at(blobs) })).rejects.toThrow(message);
  });
});

describe('looksLikeLocalPath', () => {
  it.each<[string, () => string, boolean]>([
    ['a layout folder', () => at('layout'), true],
    ['a layout with :ref', () => `${at('layout')}:v1`, true],
    ['a layout with a full-name ref', () => `${at('layout')}:docker.io/library/app:v1`, true],
    ['a layout with @digest', () => `${at('layout')}@${digests.index}`, true],
    ['an archive with :ref', () => `${at('layout.tar')}:v1`, true],
    ['an ECR repo:tag', () => 'orders-service-that-is-not-here:v7', false],
    ['an ECR repo@digest', () => `orders-service-that-is-not-here@${digests.index}`, false],
    ['an ECR URI', () => '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-service:v7', false],
    ['an empty string', () => '', false],
  ])('%s → %s', (_name, spec, expected) => {
    expect(looksLikeLocalPath(spec())).toBe(expected);
  });
});

describe('tar index', () => {
  const longName = `blobs/sha256/${'a'.repeat(40)}/${'b'.repeat(40)}/${'c'.repeat(64)}`;
  const members = [
    { name: 'oci-layout', data: text('{"imageLayoutVersion":"1.0.0"}') },
    { name: 'blobs/', type: 'directory' as const },
    { name: longName, data: text('long-named member') },
    { name: './index.json', data: text('{"manifests":[]}') },
    { name: 'link-to-layout', type: 'hardlink' as const, linkName: 'oci-layout' },
  ];

  it.each<[string, TarOptions]>([
    ['pax path records', { longNames: 'pax' }],
    ['pax size records', { longNames: 'pax', paxSize: true }],
    ['GNU ././@LongLink', { longNames: 'gnu' }],
    ['ustar prefix', { longNames: 'ustar-prefix' }],
  ])('reads long names stored as %s, and follows hard links', async (name, options) => {
    const path = at(`long-${name.replaceAll(/\W+/g, '-')}.tar`);
    await writeFile(path, buildTar(members, options));
    const index = await indexTar(path);
    expect([...index.entries.keys()].sort()).toStrictEqual(
      ['blobs', longName, 'index.json', 'link-to-layout', 'oci-layout'].sort(),
    );
    const long = findTarFile(index, longName);
    expect(long === undefined ? null : new TextDecoder().decode(await readTarEntry(index, long, 1024))).toBe('long-named member');
    const linked = findTarFile(index, './link-to-layout');
    expect(linked?.name).toBe('oci-layout');
    expect(findTarFile(index, 'blobs')).toBeUndefined();
  });

  it('refuses to read a member larger than the bound', async () => {
    const path = at('bound.tar');
    await writeFile(path, buildTar(members));
    const index = await indexTar(path);
    const entry = findTarFile(index, 'index.json');
    expect(entry?.size).toBe(16);
    await expect(entry === undefined ? Promise.resolve() : readTarEntry(index, entry, 15)).rejects.toThrow(RangeError);
  });

  it.each<[string, () => Uint8Array, RegExp]>([
    ['an archive cut inside a header', () => buildTar(members).subarray(0, 1024 + 100), /truncated: it ends inside a tar header/],
    ['an archive cut inside a member', () => buildTar(members).subarray(0, 512 + 20), /truncated: a member at byte 0 runs past/],
    ['random bytes', () => new Uint8Array(2048).fill(7), /is not a tar archive$/],
    ['zstd', () => Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0), /zstd-compressed; .*unzstd/],
    [
      'a damaged second header',
      () => {
        const bytes = buildTar(members);
        bytes[512 + 512 + 10] = 0x41;
        return bytes;
      },
      /bad tar header checksum at byte/,
    ],
  ])('refuses %s with an InputError', async (name, bytes, message) => {
    const path = at(`bad-${name.replaceAll(/\W+/g, '-')}.tar`);
    await writeFile(path, bytes());
    await expect(indexTar(path)).rejects.toSatisfy(
      (error: unknown) => error instanceof InputError && message.test(error.message),
    );
  });

  it.each<[string, TarOptions]>([
    ['a pax size record', {}],
    ['a GNU base-256 size', { longNames: 'gnu' }],
  ])('indexes a 9 GiB archive from its headers alone (sparse file, %s)', async (name, options) => {
    const big = 9 * 1024 ** 3 + 123;
    const path = at(`huge-${name.replaceAll(/\W+/g, '-')}.tar`);
    const layerName = `blobs/sha256/${'d'.repeat(64)}`;
    const head = tarFileHeader(layerName, big, options);
    const tail = tarOf(singleLayout);
    const handle = await open(path, 'w');
    try {
      await handle.write(head, 0, head.byteLength, 0);
      const afterData = head.byteLength + Math.ceil(big / 512) * 512;
      await handle.write(tail, 0, tail.byteLength, afterData);
    } finally {
      await handle.close();
    }
    const index = await indexTar(path);
    expect(findTarFile(index, layerName)?.size).toBe(big);
    const local = await openLocalSource(`${path}:v1`);
    expect(local.subject.digest).toBe(digests.index);
  });
});

describe('the layer blobs of a full layout are never needed', () => {
  it('classifies the same with and without them', async () => {
    const full = await judge(at('single'));
    const sparse = await judge(at('sparse'));
    expect(sparse.verdict).toStrictEqual(full.verdict);
    expect(full.log.missing).toStrictEqual([]);
  });

  it('copies of a layout folder judge alike', async () => {
    await mkdir(at('copy'), { recursive: true });
    await copyFile(at('layout.tar'), at('copy', 'image.tar'));
    const archive = await judge(`${at('copy', 'image.tar')}:amd64`);
    const folder = await judge(`${at('layout')}:amd64`);
    expect(archive.verdict).toStrictEqual(folder.verdict);
    expect(archive.verdict.verdict).toBe('deployable');
  });
});

describe('the descriptor that names the subject is checked too', () => {
  it.each([
    { name: 'the size index.json claims', sizeDelta: 0, verdict: 'deployable', codes: [] },
    { name: '5 bytes more than the manifest has', sizeDelta: 5, verdict: 'quarantined', codes: ['DIGEST_MISMATCH'] },
    { name: '1 byte less than the manifest has', sizeDelta: -1, verdict: 'quarantined', codes: ['DIGEST_MISMATCH'] },
  ])('an index.json entry with $name', async ({ name, sizeDelta, verdict, codes }) => {
    // Prepare
    const entry = entryOf(amd64.manifest, { annotations: refs('amd64') });
    const folder = at(`size-${name.replaceAll(' ', '-')}`);
    await writeFileTree(
      folder,
      layoutFiles({ blobs: imageBlobs(amd64), manifests: [{ ...entry, size: entry.size + sizeDelta }] }),
    );

    // Act
    const judged = await judge(folder);

    // Assess
    expect(judged.verdict.verdict).toBe(verdict);
    expect(judged.verdict.reasons.map((r) => r.code)).toStrictEqual(codes);
  });
});
