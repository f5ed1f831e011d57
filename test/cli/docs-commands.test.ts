import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAwsCliV2 } from '../tools/aws-cli.js';
import { CLI_ENV, ROOT } from './cli-kit.js';

// The local-endpoint quick start, run as written in a shell: each line after the ones before it.
const aws = findAwsCliV2();
const required = process.env.REQUIRE_TOOLS === '1';
if (aws.path === null && !required) console.warn(`docs-commands.test.ts: SKIPPED: ${aws.reason}`);

const firstShellBlock = (markdown: string): string => {
  const match = /```sh\n([\s\S]*?)```/.exec(markdown);
  if (match?.[1] === undefined) throw new Error('no sh block');
  return match[1];
};

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe.runIf(aws.path !== null || required)('docs/local-endpoint.md quick start', { timeout: 120_000 }, () => {
  it('runs as written, with nothing set in the environment beforehand', async () => {
    // Prepare: the documented port becomes a free one; npx runs the built bin; the first aws is v2
    const port = await freePort();
    const block = firstShellBlock(readFileSync(join(ROOT, 'docs/local-endpoint.md'), 'utf8'))
      .replaceAll('4580', String(port))
      .replace('local serve &', `local serve --port ${port} > "$SERVE_LOG" 2>&1 &\nSERVE=$!\ntrap 'kill $SERVE' EXIT`)
      .replace('&\n', `&\nfor i in $(seq 100); do grep -q 'Ctrl-C' "$SERVE_LOG" && break; sleep 0.2; done\n`);
    const env: NodeJS.ProcessEnv = { PATH: `${join(aws.path ?? '/usr/bin/aws', '..')}:${process.env.PATH ?? ''}`, HOME: ROOT };
    for (const key of ['NO_COLOR', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) env[key] = CLI_ENV[key];
    const script = `set -eu\nSERVE_LOG=$(mktemp)\nnpx() { shift; node bin/ecr-lambda-guard.mjs "$@"; }\n${block}`;

    // Act
    const result = spawnSync('bash', ['-c', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 110_000 });

    // Assess: the last line inspects the tag the guard wrote
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('"repositoryName": "orders-service"');
    expect(result.stdout).toContain('DEPLOYABLE');
  });
});
