import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_FOLDERS, seedExampleFiles } from '../../fixtures/seed-examples.js';
import { openLocalSource } from '../../functions/adapters/open-local-source.js';
import { gatherEvidence } from '../../functions/app/gather-evidence.js';
import { classifyParsed } from '../../functions/core/classify.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const EXAMPLES = join(ROOT, 'examples');
const expected = seedExampleFiles();

const listFiles = async (root: string): Promise<string[]> => {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
};

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

type Json = Record<string, unknown>;
interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}
const parse = (bytes: Uint8Array): Json => JSON.parse(new TextDecoder().decode(bytes)) as Json;

describe('make-examples', () => {
  let regenerated: string;

  beforeAll(async () => {
    regenerated = await mkdtemp(join(tmpdir(), 'elg-examples-'));
    // The script itself, as a maintainer runs it, not just the library behind it.
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/make-examples.ts'), regenerated], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`make-examples failed: ${run.stderr}`);
  });

  afterAll(async () => {
    await rm(regenerated, { recursive: true, force: true });
  });

  it('writes exactly the committed set of files', async () => {
    const committed = await listFiles(EXAMPLES);
    expect(await listFiles(regenerated)).toStrictEqual(committed);
    expect(committed).toStrictEqual([...expected.keys()].sort());
  });

  it.each([...expected.keys()])('regenerates %s byte for byte', async (path) => {
    const fresh = await readFile(join(regenerated, path));
    const committed = await readFile(join(EXAMPLES, path));
    expect(sha256(fresh)).toBe(sha256(committed));
    expect(Buffer.compare(fresh, committed)).toBe(0);
  });
});

describe.each(EXAMPLE_FOLDERS)('examples/%s is a valid OCI image layout', (folder) => {
  const layout = join(EXAMPLES, folder);
  const blobs = new Map<string, Uint8Array>();
  const referenced = new Set<string>();

  beforeAll(async () => {
    for (const name of await readdir(join(layout, 'blobs', 'sha256'))) {
      blobs.set(`sha256:${name}`, await readFile(join(layout, 'blobs', 'sha256', name)));
    }
  });

  const blobFor = (descriptor: Descriptor): Uint8Array => {
    referenced.add(descriptor.digest);
    const bytes = blobs.get(descriptor.digest);
    if (bytes === undefined) throw new Error(`${descriptor.digest} is referenced but absent`);
    expect(bytes.byteLength, `size of ${descriptor.digest}`).toBe(descriptor.size);
    return bytes;
  };

  /** Walks every descriptor reachable from a manifest, checking each blob's presence and size. */
  const walk = (descriptor: Descriptor): void => {
    const document = parse(blobFor(descriptor));
    expect(document.mediaType).toBe(descriptor.mediaType);
    if (Array.isArray(document.manifests)) for (const child of document.manifests as Descriptor[]) walk(child);
    if (document.config !== undefined) blobFor(document.config as Descriptor);
    for (const layer of (document.layers ?? []) as Descriptor[]) {
      const bytes = blobFor(layer);
      if (layer.mediaType.endsWith('+gzip')) {
        const config = parse(blobFor(document.config as Descriptor)) as { rootfs: { diff_ids: string[] } };
        expect(config.rootfs.diff_ids).toContain(sha256(gunzipSync(bytes)));
      }
    }
  };

  it('names every blob by its sha256', () => {
    expect(blobs.size).toBeGreaterThan(0);
    for (const [digest, bytes] of blobs) expect(sha256(bytes)).toBe(digest);
  });

  it('has the layout marker, and every descriptor from index.json resolves with the right size', async () => {
    expect(parse(await readFile(join(layout, 'oci-layout')))).toStrictEqual({ imageLayoutVersion: '1.0.0' });
    const index = parse(await readFile(join(layout, 'index.json')));
    const entries = index.manifests as Descriptor[];
    expect(entries).toHaveLength(1);
    for (const entry of entries) walk(entry);
    expect([...blobs.keys()].filter((digest) => !referenced.has(digest))).toStrictEqual([]);
  });
});

interface VerdictCase {
  readonly name: string;
  readonly spec: string;
  readonly architectures: readonly LambdaArchitecture[];
  readonly verdict: 'deployable' | 'quarantined';
  readonly codes: readonly string[];
  readonly child: boolean;
  readonly builder: string | null;
}

const RUN_URL = 'https://github.com/example-org/orders-service/actions/runs/9876543210';

describe('what the guard says about the examples', () => {
  const imageDigest = (async () => {
    const v8 = await openLocalSource(join(EXAMPLES, 'seed-v8'));
    return v8.subject.digest;
  })();

  it.each<VerdictCase>([
    {
      name: 'seed-v7',
      spec: 'seed-v7',
      architectures: [],
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      child: true,
      builder: RUN_URL,
    },
    {
      name: 'seed-v7 for arm64',
      spec: 'seed-v7:v7',
      architectures: ['arm64'],
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      child: true,
      builder: RUN_URL,
    },
    {
      name: 'seed-v7 for x86_64',
      spec: 'seed-v7',
      architectures: ['x86_64'],
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX', 'ARCHITECTURE_MISMATCH'],
      child: false,
      builder: RUN_URL,
    },
    { name: 'seed-v8', spec: 'seed-v8', architectures: [], verdict: 'deployable', codes: [], child: false, builder: null },
    {
      name: 'seed-v8 for arm64',
      spec: 'seed-v8:v8',
      architectures: ['arm64'],
      verdict: 'deployable',
      codes: [],
      child: false,
      builder: null,
    },
    {
      name: 'seed-v8 for x86_64',
      spec: 'seed-v8',
      architectures: ['x86_64'],
      verdict: 'quarantined',
      codes: ['ARCHITECTURE_MISMATCH'],
      child: false,
      builder: null,
    },
  ])('$name: $verdict $codes', async ({ spec, architectures, verdict, codes, child, builder }) => {
    const local = await openLocalSource(join(EXAMPLES, spec));
    const { evidence } = await gatherEvidence(local.source, local.subject, { architectures });
    const result = classifyParsed(evidence, { architectures });
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.map((r) => r.code)).toStrictEqual(codes);
    expect(result.deployableChild?.digest ?? null).toBe(child ? await imageDigest : null);
    expect(result.provenance?.builderId ?? null).toBe(builder);
    if (builder !== null) {
      expect(result.provenance).toMatchObject({
        buildType: 'https://mobyproject.org/buildkit@v1',
        vcsSource: 'https://github.com/example-org/orders-service',
        ciProvider: 'github-actions',
        frontend: 'dockerfile.v0',
        builderPlatform: 'linux/arm64',
        dockerfile: 'Dockerfile',
        mode: 'min',
      });
    }
  });
});
