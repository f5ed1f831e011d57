import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENV as ENV, runCli, type ServeProcess, startServe } from './cli-kit.js';

const run = (args: string[], env: NodeJS.ProcessEnv = ENV) => runCli(args, { env });

describe('ecr-lambda-guard local serve, local push and inspect of an ECR reference', () => {
  let serve: ServeProcess;
  let url = '';
  const output = (): string => serve.output();

  beforeAll(async () => {
    serve = await startServe(['--arch', 'arm64']);
    url = serve.url;
  });

  afterAll(async () => {
    await serve.stop();
  });

  it('pushes the seed index children first, and the served guard quarantines it and prints the email', async () => {
    // Act
    const pushed = run(['local', 'push', 'examples/seed-v7', 'orders-service:v7', '--endpoint', url]);

    // Assess
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/3 manifest\(s\) children first/);
    const lines = pushed.stdout.split('\n').filter((line) => line.startsWith('  sha256:'));
    expect(lines.map((line) => line.split(' ')[3])).toStrictEqual(['(untagged)', '(untagged)', 'v7']);
    await expect
      .poll(output, { timeout: 20_000 })
      .toContain('email to platform-team@example.com: Quarantined: orders-service:v7 (IMAGE_INDEX)');
  });

  it.each([
    ['by tag', 'orders-service:v7', 1, 'quarantined'],
    ['the deployable tag the guard wrote', 'orders-service:v7-deployable', 0, 'deployable'],
    ['a full ECR URI', '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-service:v7-quarantined', 1, 'quarantined'],
  ])('inspects an ECR reference %s through the SDK', (_name, reference, status, verdict) => {
    // Act
    const result = run(['inspect', reference, '--json', '--arch', 'arm64'], { ...ENV, AWS_ENDPOINT_URL_ECR: url });

    // Assess
    expect(result.status, result.stderr).toBe(status);
    const json = JSON.parse(result.stdout) as { verdict: string; subject: { repository: string | null } };
    expect(json.verdict).toBe(verdict);
    expect(json.subject.repository).toBe('orders-service');
  });

  it.each([
    ['by tag', 'orders-service:v7'],
    ['by full URI', '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-service:v7'],
  ])('inspect %s names the image to deploy by its full URI@digest', (_name, reference) => {
    // Act
    const result = run(['inspect', reference, '--json', '--arch', 'arm64'], { ...ENV, AWS_ENDPOINT_URL_ECR: url });
    const text = run(['inspect', reference, '--arch', 'arm64'], { ...ENV, AWS_ENDPOINT_URL_ECR: url });

    // Assess
    const json = JSON.parse(result.stdout) as { deployableChild: { digest: string } };
    const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-service@${json.deployableChild.digest}`;
    expect(text.stdout.replace(/\s+/g, '')).toContain(uri);
  });

  it('pushes a schema1 manifest file, which carries no mediaType, and the guard quarantines it', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'elg-schema1-'));
    const file = join(dir, 'manifest.json');
    writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 1,
        name: 'legacy',
        tag: 'v1',
        architecture: 'amd64',
        fsLayers: [{ blobSum: `sha256:${'a'.repeat(64)}` }],
        history: [{ v1Compatibility: '{"id":"x"}' }],
      }),
    );

    // Act
    const pushed = run(['local', 'push', file, 'legacy:v1', '--endpoint', url]);

    // Assess
    rmSync(dir, { recursive: true, force: true });
    expect(pushed.status, pushed.stderr).toBe(0);
    await expect.poll(output, { timeout: 20_000 }).toContain('Quarantined: legacy:v1');
  });

  it('says in one line on stderr that an image is missing, with exit code 2', () => {
    const result = run(['inspect', 'orders-service:v99'], { ...ENV, AWS_ENDPOINT_URL_ECR: url });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('image not found');
  });

  it('refuses to push without an endpoint, so it never reaches AWS by accident', () => {
    const env = { ...ENV };
    delete env.AWS_ENDPOINT_URL;
    delete env.AWS_ENDPOINT_URL_ECR;
    const result = run(['local', 'push', 'examples/seed-v7', 'orders-service:v7'], env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('needs --endpoint');
  });
});
