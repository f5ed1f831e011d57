import type { Metrics } from '../app/ports.js';

/**
 * CloudWatch embedded metric format: counters collected during an invocation and written as one
 * log line at the end, which CloudWatch turns into metrics without any API call.
 */
export const createEmfMetrics = (
  namespace: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Metrics => {
  const counters = new Map<string, { name: string; dimensions: Record<string, string>; value: number }>();
  return {
    count: (name, dimensions = {}, value = 1) => {
      const key = `${name}|${JSON.stringify(dimensions)}`;
      const current = counters.get(key);
      if (current === undefined) counters.set(key, { name, dimensions, value });
      else current.value += value;
    },
    flush: () => {
      for (const { name, dimensions, value } of counters.values()) {
        write(
          JSON.stringify({
            _aws: {
              Timestamp: Date.now(),
              CloudWatchMetrics: [
                { Namespace: namespace, Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: 'Count' }] },
              ],
            },
            ...dimensions,
            [name]: value,
          }),
        );
      }
      counters.clear();
    },
  };
};
