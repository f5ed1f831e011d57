import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** The machine a run came from: figures are only comparable on the same one. */
export interface Machine {
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  /** One-minute load average at the start: other work on the box skews absolute times. */
  readonly loadAverage: number;
}

const cpuModel = (): string => {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
};

export const describeMachine = async (): Promise<Machine> => {
  const { loadavg } = await import('node:os');
  return {
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
};
