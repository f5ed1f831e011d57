/**
 * Cold start in instructions: valgrind's callgrind counts every instruction a fresh Node process
 * executes to import a module and exit. Unlike time, the count barely moves with the machine's
 * load, so on a shared CI box it is the figure to compare. Needs `valgrind` (Debian package);
 * skipped, and said so, without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ColdStartVariant } from './cold-start.js';
import { median } from './stats.js';

export const valgrindAvailable = (): boolean => spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0;

const countOnce = (variant: ColdStartVariant, outFile: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const script = `await import(${JSON.stringify(pathToFileURL(variant.module).href)});`;
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${outFile}`,
        process.execPath,
        ...variant.nodeFlags,
        '--input-type=module',
        '-e',
        script,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const collected = /Collected\s*:\s*(\d+)/.exec(stderr)?.[1];
      if (code === 0 && collected !== undefined) resolve(Number(collected));
      else reject(new Error(`callgrind on ${variant.name} failed (exit ${code}): ${stderr.slice(-500)}`));
    });
  });

/** Median instruction count per variant over `runs` runs each. */
export const countInstructions = async (
  variants: readonly ColdStartVariant[],
  runs: number,
  progress: (line: string) => void,
): Promise<Record<string, number>> => {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-lambda-guard-callgrind-'));
  try {
    const counts: Record<string, number> = {};
    for (const variant of variants) {
      const samples: number[] = [];
      for (let run = 0; run < runs; run += 1) samples.push(await countOnce(variant, join(dir, `${variant.name}-${run}.out`)));
      counts[variant.name] = median(samples);
      progress(`instructions: ${variant.name} ${counts[variant.name]?.toLocaleString('en')}`);
    }
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
