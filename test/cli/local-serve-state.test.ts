import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENV, runCli, startServe } from './cli-kit.js';

// `local serve --state DIR` as a user runs it twice: the second run loads what the first left.
describe('local serve --state DIR', { timeout: 120_000 }, () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'elg-serve-state-'));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('starts again on its own state, keeps the images and still runs the guard on every push', async () => {
    // Prepare: a first run that receives the seed index
    const state = join(work, 'state');
    const first = await startServe(['--state', state]);
    const pushed = runCli(['local', 'push', 'examples/seed-v7', 'orders-service:v7', '--endpoint', first.url]);
    expect(pushed.status, pushed.stderr).toBe(0);
    // The guard notifies first and tags after: wait for its log line of the tags written.
    await expect.poll(first.output, { timeout: 30_000 }).toContain('"tag":"v7-quarantined","outcome":"created"');
    expect(await first.stop()).toBe(0);

    // Act: the second run on the same directory
    const second = await startServe(['--state', state]);
    try {
      const inspected = runCli(['inspect', 'orders-service:v7-quarantined', '--json'], {
        env: { ...CLI_ENV, AWS_ENDPOINT_URL_ECR: second.url },
      });
      const again = runCli(['local', 'push', 'examples/seed-v7', 'orders-service:v9', '--endpoint', second.url]);

      // Assess: the old tags are there, and the new push is checked and reaches Slack on the new port
      expect(second.output()).toContain('Press Ctrl-C to stop.');
      expect(inspected.status, inspected.stderr).toBe(1);
      expect(again.status, again.stderr).toBe(0);
      await expect.poll(second.output, { timeout: 30_000 }).toMatch(/Slack #platform-team \(200\)[\s\S]*orders-service:v9/);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it.each([
    ['a path under a file', () => '/dev/null/x', /state directory \/dev\/null\/x: \/dev\/null is not a directory/],
    ['a directory that cannot be created', () => '/proc/nope', /state directory \/proc\/nope cannot be created/],
    ['a state.json that is not JSON', () => stateWith('{"version":1,"repositories":[{"repo'), /state\.json is not valid JSON \(/],
    [
      'a state.json with a mistyped field',
      () => stateWith('{"version":1,"repositories":[],"secrets":[{"name":7}]}'),
      /state\.json: secrets\[0\]\.name must be a string, found number/,
    ],
    ['a state.json of another program', () => stateWith('[]'), /state\.json is not a local endpoint state file/],
  ])('refuses %s: exit 2 with one line naming it, and never keeps serving', (_name, dir, message) => {
    // Act
    const result = runCli(['local', 'serve', '--port', '0', '--state', dir()], { timeoutMs: 20_000 });

    // Assess: status null would mean it was still running when killed
    expect(result.status, result.stdout).toBe(2);
    expect(result.stdout).not.toContain('listening');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  const stateWith = (text: string): string => {
    const dir = mkdtempSync(join(work, 'corrupt-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'state.json'), text);
    return dir;
  };
});
