import type { MetricCall } from '../app/metric-names.js';
import type { Metrics } from '../app/ports.js';

export interface EmfMetricsOptions {
  /** Where each line goes (stdout by default). */
  readonly write?: (line: string) => void;
  /** Properties on every line, searchable in Logs Insights but not dimensions (request id, cold start). */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** The clock for `_aws.Timestamp` (epoch milliseconds). */
  readonly now?: () => number;
}

/**
 * CloudWatch embedded metric format: counters collected during an invocation and written as one
 * log line per metric and dimension set at the end, which CloudWatch turns into metrics without any
 * API call (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
export const createEmfMetrics = (namespace: string, options: EmfMetricsOptions = {}): Metrics => {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const counters = new Map<string, { name: string; dimensions: Record<string, string>; value: number }>();
  return {
    count: (...[name, dimensions = {}, value = 1]: MetricCall) => {
      const key = `${name}|${JSON.stringify(dimensions)}`;
      const current = counters.get(key);
      if (current === undefined) counters.set(key, { name, dimensions, value });
      else current.value += value;
    },
    flush: () => {
      for (const { name, dimensions, value } of counters.values()) {
        write(
          JSON.stringify({
            ...options.properties,
            _aws: {
              Timestamp: now(),
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
