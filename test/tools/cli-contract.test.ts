import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedExampleFiles } from '../../fixtures/seed-examples.js';
import { verdictSchemaViolations } from '../support/verdict-schema.js';
import { inspectJson, runCli } from './tool-support.js';

/**
 * The `inspect` contract other tools script against, checked on the shipped examples: the JSON
 * document on stdout, the exit codes, and one line on stderr for input errors. Needs no OCI tools.
 */

const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const RUN_URL = 'https://github.com/example-org/orders-service/actions/runs/9876543210';

/** Digests of the examples, from the generator (the examples test proves the committed files match). */
const files = seedExampleFiles();
const digestOfIndexEntry = (folder: string): string => {
  const bytes = files.get(`${folder}/index.json`);
  const index = JSON.parse(new TextDecoder().decode(bytes)) as { manifests: { digest: string }[] };
  return index.manifests[0]?.digest ?? '';
};
const v7 = digestOfIndexEntry('seed-v7');
const v8 = digestOfIndexEntry('seed-v8');

describe('inspect --json on the examples', () => {
  it.each([
    {
      name: 'seed-v7',
      args: ['examples/seed-v7'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      subject: v7,
      mediaType: INDEX,
      child: v8,
      tag: 'v7',
    },
    {
      name: 'seed-v7:v7 --arch arm64',
      args: ['examples/seed-v7:v7', '--arch', 'arm64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['IMAGE_INDEX'],
      subject: v7,
      mediaType: INDEX,
      child: v8,
      tag: 'v7',
    },
    {
      name: 'seed-v8',
      args: ['examples/seed-v8'],
      status: 0,
      verdict: 'deployable',
      codes: [],
      subject: v8,
      mediaType: IMAGE,
      child: null,
      tag: 'v8',
    },
    {
      name: 'seed-v8 --arch x86_64',
      args: ['examples/seed-v8', '--arch', 'x86_64'],
      status: 1,
      verdict: 'quarantined',
      codes: ['ARCHITECTURE_MISMATCH'],
      subject: v8,
      mediaType: IMAGE,
      child: null,
      tag: 'v8',
    },
    {
      name: 'seed-v7@<the image digest>',
      args: [`examples/seed-v7@${v8}`],
      status: 0,
      verdict: 'deployable',
      codes: [],
      subject: v8,
      mediaType: IMAGE,
      child: null,
      tag: null,
    },
  ])('$name → exit $status, $verdict', ({ args, status, verdict, codes, subject, mediaType, child, tag }) => {
    const result = inspectJson(args);
    expect(result.status).toBe(status);
    expect(result.stderr).toBe('');
    expect(Object.keys(result.json).sort()).toStrictEqual(
      ['deployableChild', 'platform', 'provenance', 'reasons', 'schemaVersion', 'subject', 'tree', 'verdict'].sort(),
    );
    expect(verdictSchemaViolations(result.json)).toStrictEqual([]);
    expect(result.json.schemaVersion).toBe(1);
    expect(result.json.verdict).toBe(verdict);
    expect(result.json.reasons.map((reason) => reason.code)).toStrictEqual(codes);
    for (const reason of result.json.reasons) {
      expect(Object.keys(reason).sort()).toStrictEqual(['code', 'details', 'message', 'severity', 'status']);
    }
    expect(result.json.subject).toMatchObject({ digest: subject, mediaType, tag });
    expect(typeof result.json.subject.source).toBe('string');
    expect(result.json.deployableChild?.digest ?? null).toBe(child);
    if (child !== null) expect(result.json.deployableChild?.platform).toMatchObject({ os: 'linux', architecture: 'arm64' });
    if (subject === v7) expect(result.json.provenance?.builderId).toBe(RUN_URL);
  });
});

describe('input errors exit 2 with one line on stderr and nothing on stdout', () => {
  let work = '';
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'elg-cli-'));
    await writeFile(join(work, 'notes.txt'), 'not a manifest\n');
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it.each([
    ['a missing path', () => ['./no-such-layout-here/'], /no-such-layout-here/],
    ['an unknown ref', () => ['examples/seed-v7:v9'], /no manifest named "v9" \(available refs: v7\)/],
    ['a file that is not JSON', () => [join(work, 'notes.txt')], /is not JSON/],
    ['a missing --blobs folder', () => ['examples/seed-v8', '--blobs', join(work, 'nope')], /--blobs/],
  ])('%s', (_name, args, message) => {
    const result = runCli(['inspect', ...args(), '--json']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
