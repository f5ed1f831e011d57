/**
 * Cold start: what a fresh Node process spends to import a module as ESM and exit, for the built
 * handler, its variants and an empty module (the baseline): wall time, and the process's own CPU
 * time (user + system), which a busy machine disturbs far less. The variants take turns, round
 * after round, so drift in the machine's load hits them alike; ratios are of medians in one run.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median, percentile, round } from './stats.js';

export interface ColdStartVariant {
  readonly name: string;
  readonly module: string;
  readonly nodeFlags: readonly string[];
}

export interface ColdStartFigure {
  readonly runs: number;
  /** Wall time of the whole process. */
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Median wall time over the empty module's median (same flags as the variant). */
  readonly ratio: number;
  /** CPU time (user + system) of the whole process. */
  readonly cpuMedianMs: number;
  /** Median CPU time over the empty module's. */
  readonly cpuRatio: number;
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

const timeOnce = (module: string, flags: readonly string[]): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    // The same two statements around every module, so they cancel out of the ratios.
    const script = `await import(${JSON.stringify(pathToFileURL(module).href)}); const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000));`;
    const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      const cpuMs = Number(stdout);
      if (code === 0 && Number.isFinite(cpuMs)) resolve({ wallMs, cpuMs });
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
  const samples = new Map<string, Sample[]>(all.map((variant) => [variant.name, []]));
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
    const wall = own.map((sample) => sample.wallMs);
    const cpu = own.map((sample) => sample.cpuMs);
    figures[variant.name] = {
      runs: own.length,
      medianMs: round(median(wall), 1),
      p90Ms: round(percentile(wall, 90), 1),
      ratio: round(median(wall) / median(base.map((sample) => sample.wallMs)), 2),
      cpuMedianMs: round(median(cpu), 1),
      cpuRatio: round(median(cpu) / median(base.map((sample) => sample.cpuMs)), 2),
    };
  }
  return figures;
};
