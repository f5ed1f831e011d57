/**
 * Cold start: the time a fresh Node process takes to import a module as ESM and exit, for the
 * built handler, the same handler with the SDK left external, and an empty module (the baseline).
 * The variants take turns, round after round, so drift in the machine's load hits them alike; the
 * headline is the ratio of medians, handler over empty, measured in the same run.
 */
import { spawn } from 'node:child_process';
import { median, percentile, round } from './stats.js';

export interface ColdStartVariant {
  readonly name: string;
  readonly module: string;
  readonly nodeFlags: readonly string[];
}

export interface ColdStartFigure {
  readonly runs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Median over the empty module's median (same flags as the variant). */
  readonly ratio: number;
}

const timeOnce = (module: string, flags: readonly string[]): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...flags, module], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`importing ${module} failed (exit ${code}): ${stderr.slice(0, 500)}`));
    });
  });

/**
 * Runs every variant `runs` times in rotating order and returns each one's figure. `baseline`
 * names the variant the ratios divide by for each distinct set of flags.
 */
export const measureColdStarts = async (
  variants: readonly ColdStartVariant[],
  baselineFor: (flags: readonly string[]) => ColdStartVariant,
  runs: number,
  progress: (line: string) => void,
): Promise<Record<string, ColdStartFigure>> => {
  const all = [...new Map([...variants, ...variants.map((v) => baselineFor(v.nodeFlags))].map((v) => [v.name, v])).values()];
  const samples = new Map<string, number[]>(all.map((variant) => [variant.name, []]));
  // One discarded round warms the file system cache for every module.
  for (const variant of all) await timeOnce(variant.module, variant.nodeFlags);
  for (let round = 0; round < runs; round += 1) {
    const order = all.map((_, i) => all[(i + round) % all.length]).filter((v): v is ColdStartVariant => v !== undefined);
    for (const variant of order) samples.get(variant.name)?.push(await timeOnce(variant.module, variant.nodeFlags));
    if ((round + 1) % 10 === 0) progress(`cold start: ${round + 1}/${runs} rounds`);
  }
  const figures: Record<string, ColdStartFigure> = {};
  for (const variant of all) {
    const own = samples.get(variant.name) ?? [];
    const base = samples.get(baselineFor(variant.nodeFlags).name) ?? [];
    figures[variant.name] = {
      runs: own.length,
      medianMs: round(median(own), 1),
      p90Ms: round(percentile(own, 90), 1),
      ratio: round(median(own) / median(base), 2),
    };
  }
  return figures;
};
