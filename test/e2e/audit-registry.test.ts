/**
 * `audit` on a registry the guard never saw, end to end: the same pushes go to two repositories of
 * one local stack, one with the guard's events delivered (the reference: what the guard does) and
 * one with them dropped (`local serve --no-guard`). The built CLI, in a child process, must find the
 * guard's verdict for every tag, and `--apply` must leave exactly the tags the guard wrote.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListImagesCommand } from '@aws-sdk/client-ecr';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, helmChart, image, index, ociArtifactAttestation, seedCase } from '../../fixtures/oci-fixtures.js';
import { pushFixture, pushSeed, putRawManifest } from '../../fixtures/push-fixture.js';
import { type GuardHarness, startGuard } from '../support/guard-harness.js';
import { logLines } from './guard-kit.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/ecr-lambda-guard.mjs', import.meta.url));

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every kind of push a registry holds before the guard arrives, as `[tag, push]`. */
const amd64 = image({ platform: 'linux/amd64' });
const arm64 = image({ platform: 'linux/arm64' });
const s390x = image({ platform: 'linux/s390x' });
const seed = seedCase();
const forAmd = ociArtifactAttestation({ subject: amd64 });
const chart = helmChart();
const PUSHES: readonly (readonly [string, { subject: Fixture; manifests?: Fixture[]; blobs?: Fixture[] }])[] = [
  ['single', { subject: amd64, blobs: [amd64.config] }],
  ['single-arm', { subject: arm64, blobs: [arm64.config] }],
  ['s390x', { subject: s390x, blobs: [s390x.config] }],
  ['seed', { subject: seed.index }],
  [
    'multi',
    {
      subject: index({ entries: [{ of: amd64, platform: 'linux/amd64' }, { of: arm64, platform: 'linux/arm64' }, forAmd.entry] }),
      manifests: [amd64, arm64, forAmd.manifest],
      blobs: [amd64.config, arm64.config, forAmd.manifest.config, ...forAmd.statements],
    },
  ],
  // An index that says linux/amd64 for an s390x image.
  ['lying', { subject: index({ entries: [{ of: s390x, platform: 'linux/amd64' }] }), manifests: [s390x], blobs: [s390x.config] }],
  ['chart', { subject: chart, blobs: [chart.config] }],
];

describe('audit of a registry filled without the guard', { timeout: 240_000 }, () => {
  let harness: GuardHarness;
  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_ACCESS_KEY_ID: 'AKIDAUDIT',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: harness.endpoint.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
  });
  const cli = (args: readonly string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: env(), timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
      );
    });
  const tagsOf = async (repositoryName: string): Promise<Record<string, string>> => {
    const output = await harness.ecr.send(new ListImagesCommand({ repositoryName, filter: { tagStatus: 'TAGGED' } }));
    return Object.fromEntries((output.imageIds ?? []).map((id) => [id.imageTag ?? '', id.imageDigest ?? '']).sort());
  };
  const putCount = () => harness.endpoint.calls.count('ecr:PutImage');
  const publishCount = () => harness.endpoint.calls.count('sns:Publish');

  /** Pushes everything to `repository`, then a foreign guard tag: `single-quarantined` on a deployable image. */
  const fill = async (repository: string): Promise<void> => {
    for (const [tag, push] of PUSHES) {
      if (push.subject === seed.index) await pushSeed(harness.ecr, seed, { repository, tag });
      else await pushFixture(harness.ecr, push, { repository, tag });
    }
    await harness.guard.stack.idle();
    await putRawManifest(harness.ecr, amd64, { repository, tag: 'single-quarantined' });
    await harness.guard.stack.idle();
  };

  beforeAll(async () => {
    harness = await startGuard();
    await fill('reference');
    harness.guard.setEventDelivery(false);
    await fill('existing');
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('lists the guard verdict for every tag, with every verdict tag missing and the foreign guard tag found', async () => {
    // Act
    const result = await cli(['audit', '--repository', 'existing', '--json']);

    // Assess: exit 1 (something is quarantined) and one verdict per tag, the one the guard logged
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      schemaVersion: number;
      images: { tag: string; verdict: string; reasons: string[]; guardTags: { tag: string; state: string }[] }[];
      summary: { tags: number; missingVerdictTags: number; foreignGuardTags: number };
    };
    expect(report.schemaVersion).toBe(1);
    const guardVerdicts = Object.fromEntries(
      logLines(harness.guard)
        .filter((line) => line.message === 'checked' && line.repository === 'reference')
        .map((line) => [line.tag as string, { verdict: line.verdict, reasons: line.reasons }]),
    );
    expect(Object.keys(guardVerdicts).sort()).toEqual(PUSHES.map(([tag]) => tag).sort());
    expect(Object.fromEntries(report.images.map((row) => [row.tag, { verdict: row.verdict, reasons: row.reasons }]))).toEqual(
      guardVerdicts,
    );
    const earning = report.images.filter((row) => row.verdict !== 'skipped').length;
    expect(report.summary).toMatchObject({ tags: PUSHES.length, missingVerdictTags: earning, foreignGuardTags: 1 });
    expect(report.images.find((row) => row.tag === 'single')?.guardTags).toEqual(
      expect.arrayContaining([expect.objectContaining({ tag: 'single-quarantined', state: 'foreign' })]),
    );
  });

  it('prints a table grouped by repository and a summary line, and Markdown on request', async () => {
    // Act
    const [text, markdown] = await Promise.all([
      cli(['audit', '--repository', 'exist*']),
      cli(['audit', '--repository', 'existing', '--format', 'markdown']),
    ]);

    // Assess
    expect(text.stdout).toMatch(/^existing \(7 tags\)\n {2}TAG +VERDICT +DIGEST +GUARD TAGS +REASONS\n/);
    expect(text.stdout).toMatch(
      /\n7 tags in 1 repository; \d+ deployable, \d+ quarantined, 1 skipped; \d+ tags missing a verdict tag; 0 stale and 1 foreign guard tags\n$/,
    );
    expect(markdown.stdout).toContain('### `existing`\n\n| Tag | Verdict | Digest | Guard tags | Reasons |');
    expect(markdown.stdout).toContain('**Summary:** 7 tags in 1 repository');
  });

  it('--functions tells a function whose tag now names an image Lambda would refuse (the "it worked yesterday" trap)', async () => {
    // Prepare: two functions on amd64 images; then `moving` is pushed again as an s390x image (with
    // the guard's events delivered, so a later sweep finds these pushes handled)
    harness.guard.setEventDelivery(true);
    const registry = `123456789012.dkr.ecr.us-east-1.amazonaws.com/fns`;
    await pushFixture(harness.ecr, { subject: amd64, blobs: [amd64.config] }, { repository: 'fns', tag: 'steady' });
    await pushFixture(harness.ecr, { subject: amd64, blobs: [amd64.config] }, { repository: 'fns', tag: 'moving' });
    const lambda = new LambdaClient({
      region: 'us-east-1',
      endpoint: harness.endpoint.url,
      credentials: { accessKeyId: 'AKIDAUDIT', secretAccessKey: 'secret' },
    });
    for (const [name, tag] of [
      ['steady-fn', 'steady'],
      ['trap-fn', 'moving'],
    ] as const) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          PackageType: 'Image',
          Code: { ImageUri: `${registry}:${tag}` },
          Role: 'arn:aws:iam::123456789012:role/fn',
          Architectures: ['x86_64'],
        }),
      );
    }
    await pushFixture(harness.ecr, { subject: s390x, blobs: [s390x.config] }, { repository: 'fns', tag: 'moving' });
    await harness.guard.stack.idle();
    harness.guard.setEventDelivery(false);

    // Act
    const result = await cli(['audit', '--repository', 'fns', '--functions', '--json']);

    // Assess: both still run the amd64 image; the next update of trap-fn would deploy the s390x one
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { functions: Record<string, unknown>[] };
    const rows = Object.fromEntries(report.functions.map((row) => [row.function, row]));
    expect(rows['steady-fn']).toMatchObject({ runningVerdict: 'deployable', tagVerdict: 'deployable', trap: false });
    expect(rows['trap-fn']).toMatchObject({
      runningDigest: amd64.digest,
      runningVerdict: 'deployable',
      tagDigest: s390x.digest,
      tagVerdict: 'quarantined',
      trap: true,
    });
  });

  it('--apply tags exactly what the guard tagged, notifies each quarantined tag once, and a second --apply changes nothing', async () => {
    // Prepare
    const publishesBefore = publishCount();
    const quarantinedTags = Object.values(
      Object.fromEntries(
        logLines(harness.guard)
          .filter((line) => line.message === 'checked' && line.repository === 'reference' && line.verdict === 'quarantined')
          .map((line) => [line.tag as string, line.tag]),
      ),
    ).length;

    // Act
    const first = await cli(['audit', '--repository', 'existing', '--apply', '--notify', '--topic-arn', harness.guard.topicArn]);
    await harness.guard.stack.idle();
    const afterFirst = { puts: putCount(), publishes: publishCount() };
    const second = await cli(['audit', '--repository', 'existing', '--apply', '--notify', '--topic-arn', harness.guard.topicArn]);
    await harness.guard.stack.idle();

    // Assess
    expect(first.code, first.stderr).toBe(1);
    expect(await tagsOf('existing')).toEqual(await tagsOf('reference'));
    expect(afterFirst.publishes - publishesBefore).toBe(quarantinedTags);
    expect(second.code).toBe(1);
    expect({ puts: putCount(), publishes: publishCount() }).toEqual(afterFirst);
    expect(second.stdout).toMatch(
      /; 0 tags missing a verdict tag; 0 stale and 1 foreign guard tags; 0 tags written, 0 notifications sent\n$/,
    );
  });

  it('a sweep afterwards notifies nothing already notified and catches a push whose event was dropped', async () => {
    // Prepare: the event path is back; one more push loses its event (a bad image: it must be notified)
    harness.guard.setEventDelivery(true);
    await pushFixture(harness.ecr, { subject: s390x, blobs: [s390x.config] }, { repository: 'reference', tag: 'late-ok' });
    await harness.guard.stack.idle();
    harness.guard.setEventDelivery(false);
    await pushFixture(harness.ecr, { subject: s390x, blobs: [s390x.config] }, { repository: 'existing', tag: 'late' });
    await harness.guard.stack.idle();
    harness.guard.setEventDelivery(true);
    const before = { puts: putCount(), publishes: publishCount() };
    // The schedule fires after the settle time: pushes younger than it are left to their events.
    const scheduled = {
      version: '0',
      id: 'sweep-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date(Date.now() + 16 * 60 * 1000).toISOString(),
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/sweep'],
      detail: {},
    };

    // Act
    const first = await harness.guard.invoke(scheduled);
    await harness.guard.stack.idle();
    const afterFirst = { puts: putCount(), publishes: publishCount() };
    const second = await harness.guard.invoke({ ...scheduled, id: 'sweep-2' });
    await harness.guard.stack.idle();

    // Assess: the dropped push was checked, tagged and notified; besides it, the only candidates are
    // the Helm charts of both repositories (skipped: the guard never tags them, so each sweep re-checks them, silently)
    expect(first).toMatchObject({ kind: 'swept', candidates: 3, checked: 3, remaining: 0, notified: 1, failures: 0 });
    expect(afterFirst.publishes - before.publishes).toBe(1);
    expect(afterFirst.puts - before.puts).toBe(1);
    expect((await tagsOf('existing'))['late-quarantined']).toBe(s390x.digest);
    expect(second).toMatchObject({ kind: 'swept', candidates: 2, checked: 2, notified: 0 });
    expect({ puts: putCount(), publishes: publishCount() }).toEqual(afterFirst);
  });

  it('a sweep leaves pushes younger than the settle time to their events', async () => {
    // Prepare
    harness.guard.setEventDelivery(false);
    await pushFixture(harness.ecr, { subject: s390x, blobs: [s390x.config] }, { repository: 'existing', tag: 'fresh' });
    await harness.guard.stack.idle();
    harness.guard.setEventDelivery(true);

    // Act
    const swept = await harness.guard.invoke({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString(),
      detail: {},
    });

    // Assess
    expect(swept).toMatchObject({ kind: 'swept', candidates: 0, checked: 0 });
    expect((await tagsOf('existing'))['fresh-quarantined']).toBeUndefined();
  });

  it.each([
    { args: ['audit', '--format', 'yaml'], message: '--format must be text, markdown or json' },
    { args: ['audit', '--since', 'yesterday'], message: '--since must be a duration' },
    { args: ['audit', '--notify'], message: '--notify needs --apply' },
    { args: ['audit', '--repository', 'Bad Name'], message: 'is not a repository name or pattern' },
  ])('exits 2 with one line for $args', async ({ args, message }) => {
    // Act
    const result = await cli(args);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });
});
