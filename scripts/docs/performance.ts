import { readFileSync } from 'node:fs';

/** Where `npm run bench -- --json` output is kept, the record this page is written from. */
export const BENCH_RESULTS = 'docs/bench/latest.json';

/** The command that writes {@link BENCH_RESULTS}. */
export const BENCH_COMMAND = `npm run -s bench -- --json > ${BENCH_RESULTS}`;

interface Figure {
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly ratio: number;
  readonly runs: number;
}

interface Waves {
  readonly waves: number;
  readonly calls: number;
  readonly awsCalls: number;
  readonly wallInLatencies: number;
  readonly targetWaves: number | null;
  readonly meetsTarget: boolean;
}

/** The parts of `bench/run.ts`'s JSON this page reads. */
interface BenchResults {
  readonly machine: {
    readonly node: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly loadAverage: number;
  };
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  readonly bundleBudgetBytes: number;
  readonly composerBytes: number;
  readonly coldStart: Readonly<Record<string, Figure & { readonly cpuMedianMs: number; readonly cpuRatio: number }>>;
  readonly coldStartOverSdk: number;
  readonly coldStartOverSdkBasis: 'instructions' | 'cpu';
  readonly coldStartOverSdkCpu: number;
  readonly coldStartOverSdkWall: number;
  readonly coldStartWithSourceMapsOverSdk: number | null;
  readonly coldStartInstructions: Readonly<Record<string, number>> | null;
  readonly coldStartOverSdkTarget: number;
  readonly coreCpu: { readonly events: number; readonly cpuUsPerEvent: number; readonly ratioToBaseline: number };
  readonly latencyMsPerCall: number;
  readonly waves: Readonly<Record<string, Waves>>;
  readonly burst: {
    readonly events: number;
    readonly completed: number;
    readonly lost: number;
    readonly duplicateNotifications: number;
    readonly duplicateTags: number;
    readonly wallSeconds: number;
    readonly putImagePerSecond: number;
    readonly handlerMs: { readonly p50: number; readonly p95: number };
    readonly reservedConcurrency: number;
    readonly putImageRateLimit: number;
  };
  readonly peakRssMb: number;
  readonly cost: {
    readonly formula: string;
    readonly configuredMemoryMb: number;
    readonly lines: readonly {
      readonly name: string;
      readonly totalUsdPerMillionPushes: number;
      readonly coldStartUsdPerMillionPushes: number;
    }[];
  };
  readonly benchSeconds: number;
}

const n = (value: number): string => value.toLocaleString('en');
const ok = (pass: boolean): string => (pass ? 'met' : '**missed**');

/** `docs/performance.md`, written from the committed bench results (`npm run docs`; a test fails when it drifts). */
export const performanceMarkdown = (results: BenchResults = JSON.parse(readFileSync(BENCH_RESULTS, 'utf8'))): string => {
  const cold = results.coldStart;
  const row = (name: string, what: string): string => {
    const figure = cold[name];
    const count = results.coldStartInstructions?.[name];
    return figure === undefined
      ? ''
      : `| ${what} | ${count === undefined ? '' : `${(count / 1e6).toFixed(0)} M`} | ${figure.cpuMedianMs} ms | ${figure.medianMs} ms | ${figure.ratio}× |`;
  };
  const m = results.machine;
  return [
    `<!-- Generated from ${BENCH_RESULTS} by \`npm run docs\`. To refresh: \`${BENCH_COMMAND} && npm run docs\`. -->`,
    '# Performance',
    '',
    `Measured with \`${BENCH_COMMAND}\` on Node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB of memory (load`,
    `average ${m.loadAverage} at start; the whole run took ${results.benchSeconds} s).`,
    '`npm run bench` builds the Lambda asset from the current sources and measures it; with `--json` it',
    'prints the figures as one JSON object on stdout (progress goes to stderr), and `npm run docs` writes',
    'this page from that record. Every timing is set against a baseline measured in the same run, so the',
    'ratios hold on a busy machine even when the milliseconds do not.',
    '',
    '## Bundle',
    '',
    `The handler file is ${n(results.bundleBytes)} bytes minified (${n(results.bundleGzipBytes)} gzip; budget ${n(results.bundleBudgetBytes)}).`,
    `The report layer (explanations, remedies, renderers) is a sibling file of ${n(results.composerBytes)} bytes that the`,
    'handler imports on its first notification only: most pushes are deployable and silent.',
    '',
    '## Cold start',
    '',
    'A fresh Node process importing the module as ESM and exiting: instructions executed (valgrind',
    `callgrind, median of a few runs), then CPU and wall time (medians of ${cold.handler?.runs ?? 0} rounds) and the wall-time`,
    'ratio to an empty module with the same flags. Instruction counts hardly move with the load of a',
    'shared machine; times do.',
    '',
    '| Module | Instructions | CPU | Wall | Wall ratio |',
    '| --- | --- | --- | --- | --- |',
    row('handler', 'the handler, as deployed (no `--enable-source-maps`)'),
    row('handlerWithSourceMaps', 'the handler with `--enable-source-maps`'),
    row('sdkClientsOnly', 'the three SDK clients alone (ECR, SNS, Secrets Manager), bundled the same way'),
    row('handlerSdkExternal', 'the handler with the SDK loaded from node_modules'),
    row('composerChunk', 'the report layer alone (what a first notification adds)'),
    '',
    `The handler's cold import is **${results.coldStartOverSdk}×** the SDK clients' alone in ${results.coldStartOverSdkBasis === 'instructions' ? 'instructions' : 'CPU time'} (target ≤ ${results.coldStartOverSdkTarget}×: ${ok(results.coldStartOverSdk <= results.coldStartOverSdkTarget)}; CPU time ${results.coldStartOverSdkCpu}×, wall time ${results.coldStartOverSdkWall}×)${results.coldStartWithSourceMapsOverSdk === null ? '' : `, and ${results.coldStartWithSourceMapsOverSdk}× with \`--enable-source-maps\``}.`,
    '',
    '### Source maps',
    '',
    "With `--enable-source-maps`, Node parses the handler's source map (which maps the SDK too) at",
    'every cold start; the table shows what that costs. The function therefore runs without it by',
    'default, and a stack trace in CloudWatch names positions in the minified bundle:',
    '',
    '```',
    'ConfigError: GUARD_TOPIC_ARN must be an SNS topic ARN, found ""',
    '    at eS (file:///var/task/on-ecr-push.mjs:33:48909)',
    '    at nS (file:///var/task/on-ecr-push.mjs:33:53495)',
    '```',
    '',
    '`npm run -s symbolicate < trace.txt` maps it back with the source maps the build writes (the',
    'asset ships them too, so a downloaded copy of the deployed code maps exactly):',
    '',
    '```',
    'ConfigError: GUARD_TOPIC_ARN must be an SNS topic ARN, found ""',
    '    at eS (functions/config/load-config.ts:94:11)',
    '    at nS (functions/guard.ts:55:18)',
    '```',
    '',
    'Set `sourceMaps: true` on the construct (or `-c sourceMaps=true`) to get the second form in',
    'CloudWatch directly, at the cold-start cost above.',
    '',
    '## Warm CPU',
    '',
    `${n(results.coreCpu.events)} events through the core (parse, classify, explain, render): ${results.coreCpu.cpuUsPerEvent} µs of CPU per`,
    `event, ${results.coreCpu.ratioToBaseline}× hashing and parsing the manifest alone.`,
    '',
    '## Round trips per verdict',
    '',
    `${results.latencyMsPerCall} ms injected per AWS call on the local endpoint; a wave is a set of calls made at once, counted`,
    "in the endpoint's call log. The waves set the floor of the wall time (waves × latency); the rest of the",
    "wall time is the handler's own work and the local endpoint's, on this machine.",
    '',
    '| Scenario | Waves | Calls | Wall (in latencies) | Target |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(results.waves).map(
      ([name, w]) =>
        `| ${name} | ${w.waves} | ${w.calls} | ${w.wallInLatencies}× | ${w.targetWaves === null ? '' : `≤ ${w.targetWaves} (${ok(w.meetsTarget)})`} |`,
    ),
    '',
    '## Burst',
    '',
    `${n(results.burst.events)} push events through the local stack with reserved concurrency ${results.burst.reservedConcurrency} and PutImage`,
    `throttled at ECR's quota of ${results.burst.putImageRateLimit} per second: ${n(results.burst.completed)} completed, ${results.burst.lost} lost,`,
    `${results.burst.duplicateNotifications} duplicate notifications, ${results.burst.duplicateTags} duplicate tags, in ${results.burst.wallSeconds} s`,
    `(${results.burst.putImagePerSecond} PutImage/s); handler p50 ${results.burst.handlerMs.p50} ms, p95 ${results.burst.handlerMs.p95} ms; peak RSS of an`,
    `environment ${results.peakRssMb} MB.`,
    '',
    '## Cost',
    '',
    `Lambda on Arm at ${results.cost.configuredMemoryMb} MB (the construct's memory) unless the row says otherwise, us-east-1, first`,
    'pricing tier, free tier not deducted ([Lambda pricing](https://aws.amazon.com/lambda/pricing/)). A BuildKit push emits three',
    'events: the two untagged children are skipped without an AWS call, and the index is checked; the two',
    'tags the guard writes are pushes too, each verified once by a short invocation. The burst row counts',
    'the push events only.',
    '',
    '| Workload | Per million pushes, warm | If every push were a cold start |',
    '| --- | --- | --- |',
    ...results.cost.lines.map(
      (line) =>
        `| ${line.name} | $${line.totalUsdPerMillionPushes.toFixed(2)} | +$${line.coldStartUsdPerMillionPushes.toFixed(2)} |`,
    ),
    '',
    `Formula: ${results.cost.formula}.`,
    '',
  ].join('\n');
};
