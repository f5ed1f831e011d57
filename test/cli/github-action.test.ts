import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENV, ROOT } from './cli-kit.js';

// action.yml's steps, run as the runner runs them: each `run:` in bash with the runner's variables
// and the step's env, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointing at files.
const action = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const steps = [...action.matchAll(/\n {6}run: (.+)\n/g)].map((match) => match[1] ?? '');

describe('action.yml (composite GitHub Action)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'elg-action-'));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  const runAction = (inputs: { image: string; arch?: string; strict?: string }) => {
    const summary = join(work, `summary-${Math.random()}`);
    const output = join(work, `output-${Math.random()}`);
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const env = {
      ...CLI_ENV,
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      INPUT_IMAGE: inputs.image,
      INPUT_ARCH: inputs.arch ?? '',
      INPUT_STRICT: inputs.strict ?? 'false',
    };
    let last = { status: 0 as number | null, stdout: '', stderr: '' };
    for (const step of steps) {
      const result = spawnSync('bash', ['-c', step], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
      last = { status: result.status, stdout: result.stdout, stderr: result.stderr };
      if (result.status !== 0) break;
    }
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { ...last, summary: readFileSync(summary, 'utf8'), outputs };
  };

  it('has an install step and a gate step', () => {
    expect(steps).toHaveLength(2);
  });

  it.each([
    {
      name: 'the seed index (quarantined, the arm64 child deployable)',
      image: join(ROOT, 'examples/seed-v7'),
      arch: 'arm64',
      status: 1,
      verdict: 'quarantined',
      digest: 'sha256:e73528f8874b51e0a23b3fae8a0035ab6fa9ffd2a701e72f888cc00e6b7c5570',
      annotation: '::error title=IMAGE_INDEX::',
      heading: ':no_entry: Quarantined',
    },
    {
      name: 'the single image (deployable)',
      image: join(ROOT, 'examples/seed-v8'),
      arch: 'arm64',
      status: 0,
      verdict: 'deployable',
      digest: 'sha256:e73528f8874b51e0a23b3fae8a0035ab6fa9ffd2a701e72f888cc00e6b7c5570',
      annotation: null,
      heading: ':white_check_mark: Deployable',
    },
    {
      name: 'the single image for the other architecture',
      image: join(ROOT, 'examples/seed-v8'),
      arch: 'x86_64',
      status: 1,
      verdict: 'quarantined',
      digest: '',
      annotation: '::error title=ARCHITECTURE_MISMATCH::',
      heading: ':no_entry: Quarantined',
    },
  ])('$name: outputs, job summary, annotations and exit code', (row) => {
    // Act
    const result = runAction({ image: row.image, arch: row.arch });

    // Assess
    expect(result.status, result.stderr).toBe(row.status);
    expect(result.outputs).toStrictEqual({ verdict: row.verdict, 'deployable-digest': row.digest });
    expect(result.summary).toContain(row.heading);
    if (row.annotation === null) expect(result.stdout).not.toMatch(/::(error|warning)/);
    else expect(result.stdout).toContain(row.annotation);
  });

  it('an image that cannot be read fails with one ::error:: annotation naming it and no outputs', () => {
    const result = runAction({ image: join(work, 'missing.tar') });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^::error title=ecr-lambda-guard::.*missing\.tar/m);
    expect(result.outputs).toStrictEqual({});
  });
});
