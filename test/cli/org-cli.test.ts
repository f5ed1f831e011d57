import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Organization mode of the CLI as users run it: the built bin, in child processes.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/ecr-lambda-guard.mjs', import.meta.url));
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
};

const run = (args: string[]) => {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('ecr-lambda-guard demo --org', () => {
  it('pushes v7 in every member account and Region, tags each there, and announces each once by account', () => {
    const result = run(['demo', '--org']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.match(/tags there now: v7, v7-deployable, v7-quarantined/g)).toHaveLength(3);
    for (const named of [
      '222222222222 (payments) eu-west-1',
      '222222222222 (payments) us-west-2',
      '333333333333 (data) eu-west-1',
    ]) {
      expect(result.stdout).toContain(`Quarantined: orders-service:v7 (IMAGE_INDEX)  —  account ${named}`);
    }
    expect(result.stdout).toContain('2 AssumeRole call(s)');
  });
});

describe('ecr-lambda-guard local serve --org and local push --account', () => {
  let serve: ChildProcess;
  let output = '';
  let url = '';

  beforeAll(async () => {
    serve = spawn(
      process.execPath,
      [BIN, 'local', 'serve', '--org', '--port', '0', '--arch', 'arm64', '--member', '444444444444@eu-central-1=ml-team'],
      { cwd: ROOT, env: ENV },
    );
    serve.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`local serve --org did not start:\n${output}`)), 30_000);
      serve.stdout?.on('data', () => {
        const match = /organization listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
  });

  afterAll(async () => {
    serve.kill('SIGINT');
    await new Promise((resolve) => serve.once('exit', resolve));
  });

  it('routes a push to the member account it names, and the central guard announces it naming that account', async () => {
    // Act
    const pushed = run([
      'local',
      'push',
      'examples/seed-v7',
      'orders-service:v7',
      '--endpoint',
      url,
      '--account',
      '444444444444',
      '--region',
      'eu-central-1',
    ]);

    // Assess
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(output).toContain('members: 444444444444@eu-central-1');
    await expect.poll(() => output, { timeout: 20_000 }).toContain('account     444444444444 (ml-team) eu-central-1');
  });

  it.each([
    [['local', 'push', 'examples/seed-v7', 'orders-service:v7', '--endpoint', 'http://127.0.0.1:9', '--account', '12']],
    [['local', 'serve', '--member', '444444444444@eu-central-1']],
  ])('refuses bad organization options with exit code 2: %j', (args) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
