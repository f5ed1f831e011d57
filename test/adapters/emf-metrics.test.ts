import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmfMetrics } from '../../functions/adapters/emf-metrics.js';
import { METRICS, type MetricCall, type MetricName } from '../../functions/app/metric-names.js';

const capture = (properties?: Record<string, unknown>) => {
  const lines: string[] = [];
  const metrics = createEmfMetrics('Platform/Guard', {
    write: (line) => lines.push(line),
    now: () => 1_769_947_200_000,
    ...(properties === undefined ? {} : { properties }),
  });
  return { metrics, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
};

// One call per metric of the table, with a value for each of its dimensions.
const CALLS: readonly MetricCall[] = (Object.keys(METRICS) as MetricName[]).map(
  (name) => [name, Object.fromEntries(METRICS[name].dimensions.map((d) => [d, `${d}-value`]))] as MetricCall,
);

describe('EMF metrics', () => {
  it.each(CALLS.map((call) => ({ name: call[0], call })))(
    '$name: one EMF line declaring its namespace, dimensions and count',
    ({ name, call }) => {
      const { metrics, parsed, lines } = capture({ requestId: 'req-1', coldStart: false });
      metrics.count(...call);
      expect(lines).toHaveLength(0); // nothing before the flush
      metrics.flush();
      const dimensions = METRICS[name].dimensions;
      expect(parsed()).toStrictEqual([
        {
          requestId: 'req-1',
          coldStart: false,
          _aws: {
            Timestamp: 1_769_947_200_000,
            CloudWatchMetrics: [
              { Namespace: 'Platform/Guard', Dimensions: [[...dimensions]], Metrics: [{ Name: name, Unit: 'Count' }] },
            ],
          },
          ...Object.fromEntries(dimensions.map((d) => [d, `${d}-value`])),
          [name]: 1,
        },
      ]);
    },
  );

  it('adds up counts per metric and dimension values, one line each, and starts again after a flush', () => {
    const { metrics, parsed } = capture();
    metrics.count('Verdicts', { Verdict: 'quarantined' });
    metrics.count('Verdicts', { Verdict: 'quarantined' }, 2);
    metrics.count('Verdicts', { Verdict: 'deployable' });
    metrics.count('Duplicates');
    metrics.flush();
    expect(parsed().map(({ _aws, ...rest }) => rest)).toStrictEqual([
      { Verdict: 'quarantined', Verdicts: 3 },
      { Verdict: 'deployable', Verdicts: 1 },
      { Duplicates: 1 },
    ]);
    expect(parsed()[2]?._aws).toMatchObject({ CloudWatchMetrics: [{ Dimensions: [[]] }] });
    metrics.flush();
    expect(parsed()).toHaveLength(3);
    metrics.count('Duplicates');
    metrics.flush();
    expect(parsed().at(-1)).toMatchObject({ Duplicates: 1 });
  });

  it('dimension values are the only top-level members besides the metric and the properties', () => {
    const { metrics, parsed } = capture();
    metrics.count('Failures', { Code: 'ACCESS_DENIED' });
    metrics.flush();
    expect(Object.keys(parsed()[0] ?? {}).sort()).toStrictEqual(['Code', 'Failures', '_aws']);
  });
});

describe('default output', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes each metric line to stdout, newline-terminated, stamped with the current time', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const before = Date.now();
    const metrics = createEmfMetrics('Guard');
    metrics.count('Duplicates');
    metrics.flush();
    expect(written).toHaveLength(1);
    expect(written[0]?.endsWith('}\n')).toBe(true);
    const line = JSON.parse(written[0] ?? '') as { _aws: { Timestamp: number } };
    expect(line._aws.Timestamp).toBeGreaterThanOrEqual(before);
    expect(line._aws.Timestamp).toBeLessThanOrEqual(Date.now());
  });
});
