import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationFor, imageIndex, provenanceStatement } from '../../fixtures/buildkit-attestation.js';
import { type BlobDescriptor, entryOf } from '../../fixtures/oci-bytes.js';
import { entryNamed, type LayoutEntry, ociTools, readLayoutIndex } from '../support/oci-tools.js';
import { inspectJson, REPO_ROOT, runCli, shouldSkip } from './tool-support.js';

/**
 * Real images made by Debian's umoci, skopeo and buildah (no Docker engine, no registry: the
 * `oci:`, `oci-archive:` and `dir:` transports only), judged through the CLI as a user runs it.
 */

const TOOLS = ['umoci', 'skopeo', 'buildah'];
const { skip, missing } = shouldSkip('test/tools/real-tools', TOOLS);

const RUN_URL = 'https://github.com/example-org/orders-service/actions/runs/5550001';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

/** Digests of what the tools built, filled in by beforeAll and read by the cases. */
const built = { amd64: '', arm64: '', multi: '', attested: '', v2s2: '', s390x: '', lie: '' };
let work = '';
const at = (...parts: string[]): string => join(work, ...parts);

/**
 * Adds a BuildKit-style attestation index (attestation-storage.md, legacy form) on top of a real
 * umoci image, stored in the same layout under `ref`.
 */
const attest = async (layout: string, image: LayoutEntry, ref: string): Promise<string> => {
  const descriptor: BlobDescriptor = { mediaType: image.mediaType, digest: image.digest, size: image.size };
  const statement = provenanceStatement(descriptor, {
    builderId: RUN_URL,
    platform: 'linux/arm64',
    vcsSource: 'https://github.com/example-org/orders-service',
    vcsRevision: '89abcdef0123456789abcdef0123456789abcdef',
    buildInvocationId: 'tools-test',
    startedOn: '2026-03-01T10:00:00Z',
    finishedOn: '2026-03-01T10:01:00Z',
    subjectName: 'pkg:docker/orders-service@attested?platform=linux%2Farm64',
  });
  const attestation = attestationFor(descriptor, statement);
  const index = imageIndex([{ ...descriptor, platform: { architecture: 'arm64', os: 'linux' } }, attestation.entry]);
  for (const blob of [index, attestation.manifest, attestation.config, ...attestation.statements]) {
    await writeFile(join(layout, 'blobs', 'sha256', blob.descriptor.digest.slice('sha256:'.length)), blob.bytes);
  }
  const catalogue = await readLayoutIndex(layout);
  catalogue.manifests.push(entryOf(index, { annotations: { 'org.opencontainers.image.ref.name': ref } }) as LayoutEntry);
  await writeFile(join(layout, 'index.json'), JSON.stringify(catalogue));
  return index.descriptor.digest;
};

beforeAll(async () => {
  if (skip) return;
  if (missing.length > 0) throw new Error(`REQUIRE_TOOLS=1, but ${missing.join(', ')} not installed`);
  work = await mkdtemp(join(tmpdir(), 'elg-tools-'));
  // buildah and skopeo read policy, registries and storage config from HOME; keep all of it here.
  const { skopeo, buildah, umociImage } = await ociTools(work);
  const images = at('images');
  built.amd64 = await umociImage(images, 'amd64', 'amd64');
  built.arm64 = await umociImage(images, 'arm64', 'arm64');
  built.s390x = await umociImage(images, 's390x', 's390x');

  buildah('manifest', 'create', 'guard-multi');
  buildah('manifest', 'add', 'guard-multi', `oci:${images}:amd64`);
  buildah('manifest', 'add', 'guard-multi', `oci:${images}:arm64`);
  buildah('manifest', 'push', '--all', '--format', 'oci', 'guard-multi', `oci:${at('multi')}:multi`);
  built.multi = (await entryNamed(at('multi'), 'multi')).digest;
  // An index that lies: buildah records the platform it is told, whatever the image config says.
  buildah('manifest', 'create', 'guard-lie');
  buildah('manifest', 'add', '--arch', 'amd64', '--os', 'linux', 'guard-lie', `oci:${images}:s390x`);
  buildah('manifest', 'push', '--all', '--format', 'oci', 'guard-lie', `oci:${at('lie')}:lie`);
  built.lie = (await entryNamed(at('lie'), 'lie')).digest;

  skopeo('copy', '--format', 'v2s2', `oci:${images}:amd64`, `dir:${at('v2s2')}`);
  skopeo('copy', '--dest-compress-format', 'zstd', `oci:${images}:amd64`, `oci:${at('zstd')}:zstd`);
  skopeo('copy', `oci:${images}:arm64`, `oci-archive:${at('arm64.tar')}:arm64`);
  skopeo('copy', '--all', `oci:${at('multi')}:multi`, `oci-archive:${at('multi.tar')}`);

  built.attested = await attest(images, await entryNamed(images, 'arm64'), 'attested');
  // A real tool reading the assembled index back: skopeo must accept it as it accepts BuildKit's.
  skopeo('copy', '--all', `oci:${images}:attested`, `oci-archive:${at('attested.tar')}:attested`);
  skopeo('copy', '--all', `oci:${join(REPO_ROOT, 'examples', 'seed-v7')}:v7`, `oci:${at('seed-copy')}:v7`);
}, 120_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

interface ToolCase {
  readonly name: string;
  readonly args: () => string[];
  readonly status: 0 | 1;
  readonly verdict: 'deployable' | 'quarantined';
  readonly codes: readonly string[];
  readonly subject?: () => string;
  readonly subjectMediaType?: string;
  readonly architecture?: string;
  readonly child?: () => string | null;
  readonly builder?: string;
}

const image = (arch: 'amd64' | 'arm64', extra: readonly string[], status: 0 | 1, codes: readonly string[]): ToolCase => ({
  name: `umoci ${arch} image ${extra.join(' ')}`.trim(),
  args: () => [`${at('images')}:${arch}`, ...extra],
  status,
  verdict: status === 0 ? 'deployable' : 'quarantined',
  codes,
  subject: () => built[arch],
  architecture: arch,
});

describe.skipIf(skip)('real OCI tools, judged through the CLI', () => {
  it.each<ToolCase>([
    image('amd64', [], 0, []),
    image('amd64', ['--arch', 'x86_64'], 0, []),
    image('amd64', ['--arch', 'arm64'], 1, ['ARCHITECTURE_MISMATCH']),
    image('arm64', [], 0, []),
    image('arm64', ['--arch', 'arm64'], 0, []),
    image('arm64', ['--arch', 'x86_64'], 1, ['ARCHITECTURE_MISMATCH']),
    {
      name: 'buildah two-platform index, for x86_64',
      args: () => [`${at('multi')}:multi`, '--arch', 'x86_64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      subject: () => built.multi,
      subjectMediaType: OCI_INDEX,
      child: () => built.amd64,
    },
    {
      name: 'buildah two-platform index, for arm64',
      args: () => [`${at('multi')}:multi`, '--arch', 'arm64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      subject: () => built.multi,
      child: () => built.arm64,
    },
    {
      name: 'buildah index claiming linux/amd64 for an s390x image (manifest add --arch)',
      args: () => [`${at('lie')}:lie`, '--arch', 'x86_64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX', 'INDEX_PLATFORM_MISMATCH'],
      subject: () => built.lie,
      subjectMediaType: OCI_INDEX,
      child: () => null,
    },
    {
      name: 'the s390x image of the lying index, by digest',
      args: () => [`${at('images')}@${built.s390x}`, '--arch', 'x86_64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['UNSUPPORTED_ARCHITECTURE'],
      subject: () => built.s390x,
      architecture: 's390x',
    },
    {
      name: 'skopeo v2s2 dir: copy, manifest.json with --blobs',
      args: () => [at('v2s2', 'manifest.json'), '--blobs', at('v2s2')],
      status: 0,
      verdict: 'deployable',
      codes: [],
      subjectMediaType: DOCKER_V2,
      architecture: 'amd64',
    },
    {
      name: 'skopeo v2s2 dir: copy, the folder itself',
      args: () => [at('v2s2'), '--arch', 'x86_64'],
      status: 0,
      verdict: 'deployable',
      codes: [],
      subjectMediaType: DOCKER_V2,
      architecture: 'amd64',
    },
    {
      name: 'skopeo zstd copy',
      args: () => [`${at('zstd')}:zstd`],
      status: 0,
      verdict: 'deployable',
      codes: ['UNVERIFIED_LAYER_COMPRESSION'],
      architecture: 'amd64',
    },
    {
      name: 'skopeo zstd copy, --strict',
      args: () => [`${at('zstd')}:zstd`, '--strict'],
      status: 1,
      verdict: 'quarantined',
      codes: ['UNVERIFIED_LAYER_COMPRESSION'],
      architecture: 'amd64',
    },
    {
      name: 'skopeo oci-archive of the arm64 image',
      args: () => [at('arm64.tar')],
      status: 0,
      verdict: 'deployable',
      codes: [],
      subject: () => built.arm64,
      architecture: 'arm64',
    },
    {
      name: 'skopeo oci-archive of the arm64 image, by ref',
      args: () => [`${at('arm64.tar')}:arm64`, '--arch', 'x86_64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['ARCHITECTURE_MISMATCH'],
      subject: () => built.arm64,
    },
    {
      name: 'skopeo oci-archive of the two-platform index',
      args: () => [at('multi.tar'), '--arch', 'arm64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      subject: () => built.multi,
      child: () => built.arm64,
    },
    {
      name: 'BuildKit-style attestation index on a umoci image',
      args: () => [`${at('images')}:attested`],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      subject: () => built.attested,
      subjectMediaType: OCI_INDEX,
      child: () => built.arm64,
      builder: RUN_URL,
    },
    {
      name: 'the attestation index after a skopeo round trip into an archive',
      args: () => [`${at('attested.tar')}:attested`, '--arch', 'arm64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      subject: () => built.attested,
      child: () => built.arm64,
      builder: RUN_URL,
    },
    {
      name: 'the attestation index for x86_64: nothing to deploy',
      args: () => [`${at('images')}:attested`, '--arch', 'x86_64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX', 'ARCHITECTURE_MISMATCH'],
      child: () => null,
    },
    {
      name: 'the seed-v7 example after skopeo copy --all',
      args: () => [`${at('seed-copy')}:v7`],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      builder: 'https://github.com/example-org/orders-service/actions/runs/9876543210',
    },
  ])('$name', (c) => {
    const { status, json, stderr } = inspectJson(c.args());
    expect({ status, stderr }).toStrictEqual({ status: c.status, stderr: '' });
    expect(json.schemaVersion).toBe(1);
    expect(json.verdict).toBe(c.verdict);
    expect(json.reasons.map((reason) => reason.code)).toStrictEqual(c.codes);
    if (c.subject !== undefined) expect(json.subject.digest).toBe(c.subject());
    if (c.subjectMediaType !== undefined) expect(json.subject.mediaType).toBe(c.subjectMediaType);
    if (c.architecture !== undefined) expect(json.platform?.architecture).toBe(c.architecture);
    if (c.child !== undefined) expect(json.deployableChild?.digest ?? null).toBe(c.child());
    if (c.builder !== undefined) expect(json.provenance?.builderId).toBe(c.builder);
  });

  it('judges an archive exactly as the layout it was copied from', () => {
    const fromLayout = inspectJson([`${at('multi')}:multi`, '--arch', 'arm64']).json;
    const fromArchive = inspectJson([at('multi.tar'), '--arch', 'arm64']).json;
    expect({ ...fromArchive, subject: { ...fromArchive.subject, source: '', tag: null } }).toStrictEqual({
      ...fromLayout,
      subject: { ...fromLayout.subject, source: '', tag: null },
    });
  });
});

describe.skipIf(skip)('multi-architecture indexes without --arch', () => {
  it('inspect of a two-platform index names a runnable image per architecture and assumes neither', () => {
    // Act
    const result = runCli(['inspect', `${at('multi')}:multi`]);

    // Assess
    expect(result.status).toBe(1);
    const text = result.stdout.replace(/\s+/g, ' ').replaceAll('`', '');
    expect(text).toContain(`x86_64: ${built.amd64}`);
    expect(text).toContain(`arm64: ${built.arm64}`);
    // The fix spells out both platforms instead of assuming one.
    expect(text).toContain('linux/arm64 for an arm64 function or linux/amd64 for an x86_64 function');
  });
});
