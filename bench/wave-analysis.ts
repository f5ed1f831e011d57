/** The fields of a call-log record that wave counting needs (local/call-log.ts `CallRecord`). */
export interface TimedCall {
  readonly name: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** One sequential wave: calls that were in flight together. */
export interface Wave {
  readonly calls: readonly string[];
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Groups calls into sequential waves: sorted by start time, a call that starts after every call of
 * the current wave has ended opens a new wave; one that starts earlier overlaps it and joins it.
 * The count is the number of round trips a handler waited for one after the other.
 */
export const callWaves = (calls: readonly TimedCall[]): Wave[] => {
  const sorted = [...calls].sort((a, b) => a.startedAt - b.startedAt);
  const waves: { calls: string[]; startedAt: number; endedAt: number }[] = [];
  for (const call of sorted) {
    const current = waves.at(-1);
    if (current !== undefined && call.startedAt < current.endedAt) {
      current.calls.push(call.name);
      current.endedAt = Math.max(current.endedAt, call.endedAt);
    } else {
      waves.push({ calls: [call.name], startedAt: call.startedAt, endedAt: call.endedAt });
    }
  }
  return waves;
};

/** `ecr:BatchGetImage+ecr:DescribeRepositories → ecr:BatchGetImage → …`, for tables and reports. */
export const describeWaves = (waves: readonly Wave[]): string =>
  waves.map((wave) => [...new Set(wave.calls.map((name) => name.split(':')[1] ?? name))].join('+')).join(' → ');
