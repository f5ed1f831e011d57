/**
 * `npm run bench`: builds the Lambda asset from the current sources, then measures bundle size,
 * cold start, warm CPU per event, round trips per verdict, a 1,000-event push storm and the peak
 * RSS of the handler, and prices it. Prints a table, or with `--json` one JSON object on stdout
 * (progress always goes to stderr). Every timing is set against a baseline measured in the same
 * run, so a busy machine still gives meaningful ratios.
 */
import { FUNCTION_DEFAULTS } from '../functions/config/function-defaults.js';
import { useLocalCredentials } from '../local/guard-stack.js';
import { measureAudit } from './audit.js';
import { buildArtifacts } from './build-artifacts.js';
import { fileSizes } from './bundle-size.js';
import { runBurst } from './burst.js';
import { measureColdStarts } from './cold-start.js';
import { measureCoreCpu } from './core-cpu.js';
import { costPerMillionPushes, LAMBDA_PRICES } from './cost-model.js';
import { countInstructions, valgrindAvailable } from './instructions.js';
import { describeMachine } from './machine.js';
import { check, renderTable, type Section } from './report.js';
import { round } from './stats.js';
import { measureWaves } from './waves.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const progress = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

/** What the issue asks of each figure. */
const TARGETS = {
  bundleBytes: 400 * 1024,
  /** The handler's cold import over the three SDK clients' alone, bundled the same way: what the guard's own code adds. */
  coldStartOverSdk: 1.15,
  coldStartRuns: 25,
  instructionRuns: 2,
  coreEvents: 10_000,
  latencyMs: 20,
  burst: { indexes: 250, singles: 250, reservedConcurrency: FUNCTION_DEFAULTS.reservedConcurrency, putImageRateLimit: 10 },
  lambdaMemoryMb: 128,
  /** The memory the CDK construct configures. */
  configuredMemoryMb: FUNCTION_DEFAULTS.memoryMb,
} as const;

const main = async (): Promise<void> => {
  const started = performance.now();
  useLocalCredentials();
  const machine = await describeMachine();
  progress(`node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), load ${machine.loadAverage}`);
  progress('building the Lambda asset and its variants');
  const artifacts = await buildArtifacts();
  try {
    const bundle = await fileSizes(artifacts.handler);
    const composerFile = await fileSizes(artifacts.composer);
    const external = await fileSizes(artifacts.handlerSdkExternal);

    progress(`cold start: ${TARGETS.coldStartRuns} rounds of fresh processes`);
    const sourceMaps = ['--enable-source-maps'];
    const empty = { name: 'empty', module: artifacts.empty, nodeFlags: [] };
    const emptyWithMaps = { name: 'emptyWithSourceMaps', module: artifacts.empty, nodeFlags: sourceMaps };
    const cold = await measureColdStarts(
      [
        // As deployed by default: no --enable-source-maps (the construct's `sourceMaps` turns it on).
        { name: 'handler', module: artifacts.handler, nodeFlags: [] },
        { name: 'handlerWithSourceMaps', module: artifacts.handler, nodeFlags: sourceMaps },
        { name: 'handlerSdkExternal', module: artifacts.handlerSdkExternal, nodeFlags: [] },
        { name: 'sdkClientsOnly', module: artifacts.sdkFloor, nodeFlags: [] },
        { name: 'composerChunk', module: artifacts.composer, nodeFlags: [] },
      ],
      (flags) => (flags.length === 0 ? empty : emptyWithMaps),
      TARGETS.coldStartRuns,
      progress,
    );
    let instructions: Record<string, number> | null = null;
    if (args.has('--no-instructions') || !valgrindAvailable()) {
      progress('instructions: skipped (valgrind not installed, or --no-instructions)');
    } else {
      progress(`instructions: ${TARGETS.instructionRuns} callgrind runs per module (about a minute each on a loaded box)`);
      instructions = await countInstructions(
        [
          empty,
          { name: 'sdkClientsOnly', module: artifacts.sdkFloor, nodeFlags: [] },
          { name: 'handler', module: artifacts.handler, nodeFlags: [] },
          { name: 'handlerWithSourceMaps', module: artifacts.handler, nodeFlags: sourceMaps },
        ],
        TARGETS.instructionRuns,
        progress,
      );
    }
    // Same run, same flags: the handler's cold import over the SDK clients' alone. Instructions when
    // valgrind is there (a shared machine stretches time, not instruction counts), else CPU time.
    const over = (a: number | undefined, b: number | undefined): number => round((a ?? Number.NaN) / (b ?? Number.NaN), 2);
    const overSdkInstructions = instructions === null ? null : over(instructions.handler, instructions.sdkClientsOnly);
    const overSdkWithMapsInstructions =
      instructions === null ? null : over(instructions.handlerWithSourceMaps, instructions.sdkClientsOnly);
    const overSdkCpu = over(cold.handler?.cpuMedianMs, cold.sdkClientsOnly?.cpuMedianMs);
    const overSdkWall = over(cold.handler?.medianMs, cold.sdkClientsOnly?.medianMs);
    const overSdk = overSdkInstructions ?? overSdkCpu;

    progress(`warm CPU: ${TARGETS.coreEvents} events through the core`);
    const core = measureCoreCpu(TARGETS.coreEvents);

    progress(`round trips: ${TARGETS.latencyMs} ms injected per call`);
    const waves = await measureWaves(artifacts.handler, TARGETS.latencyMs, progress);

    const events = TARGETS.burst.indexes * 3 + TARGETS.burst.singles;
    progress(
      `burst: ${events} events, reserved concurrency ${TARGETS.burst.reservedConcurrency}, PutImage ${TARGETS.burst.putImageRateLimit} TPS`,
    );
    const burst = await runBurst(
      {
        bundlePath: artifacts.handler,
        environmentEntry: artifacts.environment,
        ...TARGETS.burst,
        lambdaRetryDelaysMs: [1_000, 2_000],
        timeoutSeconds: 60,
        environmentMemoryMb: TARGETS.lambdaMemoryMb,
      },
      progress,
    );

    const audit = await measureAudit({}, progress);

    const initMs = cold.handler?.medianMs ?? 0;
    const skipMs = burst.skippedMedianMs;
    const cost = [
      costPerMillionPushes(
        {
          name: 'BuildKit push with provenance (quarantined, notified)',
          invocations: [
            { what: 'untagged child events', count: 2, durationMs: skipMs },
            { what: 'the index', count: 1, durationMs: waves.seedIndex.wallMs },
            // Its two tags (quarantined index, deployable child) are pushes too: each is verified once.
            { what: 'guard tag verifications', count: 2, durationMs: waves.ownTag.wallMs },
          ],
        },
        TARGETS.configuredMemoryMb,
        initMs,
      ),
      costPerMillionPushes(
        {
          name: 'single image push (deployable, silent)',
          invocations: [
            { what: 'the image', count: 1, durationMs: waves.singleManifestSilent.wallMs },
            { what: 'its deployable tag, verified', count: 1, durationMs: waves.ownTag.wallMs },
          ],
        },
        TARGETS.configuredMemoryMb,
        initMs,
      ),
      costPerMillionPushes(
        {
          name: 'burst mix at its mean duration (PutImage-bound)',
          invocations: [
            {
              what: 'events',
              count: burst.events / (TARGETS.burst.indexes + TARGETS.burst.singles),
              durationMs: burst.handlerMs.mean,
            },
          ],
        },
        TARGETS.configuredMemoryMb,
        initMs,
      ),
      costPerMillionPushes(
        {
          name: 'BuildKit push at 128 MB (same duration assumed)',
          invocations: [
            { what: 'untagged child events', count: 2, durationMs: skipMs },
            { what: 'the index', count: 1, durationMs: waves.seedIndex.wallMs },
            // Its two tags (quarantined index, deployable child) are pushes too: each is verified once.
            { what: 'guard tag verifications', count: 2, durationMs: waves.ownTag.wallMs },
          ],
        },
        TARGETS.lambdaMemoryMb,
        initMs,
      ),
    ];

    const result = {
      machine,
      bundleBytes: bundle.bytes,
      bundleGzipBytes: bundle.gzipBytes,
      bundleBudgetBytes: TARGETS.bundleBytes,
      composerBytes: composerFile.bytes,
      sdkExternalBundleBytes: external.bytes,
      coldStartRatio: cold.handler?.ratio ?? Number.NaN,
      coldStartOverSdk: overSdk,
      coldStartOverSdkBasis: overSdkInstructions === null ? 'cpu' : 'instructions',
      coldStartOverSdkCpu: overSdkCpu,
      coldStartOverSdkWall: overSdkWall,
      coldStartWithSourceMapsOverSdk: overSdkWithMapsInstructions,
      coldStartInstructions: instructions,
      coldStartOverSdkTarget: TARGETS.coldStartOverSdk,
      coldStart: cold,
      coreCpu: core,
      latencyMsPerCall: TARGETS.latencyMs,
      waves: Object.fromEntries(
        Object.entries(waves).map(([key, value]) => [
          key,
          {
            calls: value.calls,
            awsCalls: value.awsCalls,
            waves: value.waves,
            wallMs: value.wallMs,
            wallInLatencies: value.wallInLatencies,
            chain: value.chain,
            targetWaves: value.targetWaves,
            targetChain: value.targetChain,
            meetsTarget: value.meetsTarget,
            invocations: value.invocations,
            eventsRecorded: value.eventsRecorded,
            eventsMatchedByRule: value.eventsMatched,
            cold: value.cold,
          },
        ]),
      ),
      burst: {
        ...burst,
        environments: burst.environments.length,
        reservedConcurrency: TARGETS.burst.reservedConcurrency,
        putImageRateLimit: TARGETS.burst.putImageRateLimit,
      },
      peakRssMb: burst.peakRssMb,
      peakRssLimitMb: TARGETS.lambdaMemoryMb,
      cost: {
        prices: {
          requestUsd: LAMBDA_PRICES.request,
          gbSecondArmUsd: LAMBDA_PRICES.gbSecondArm,
          region: 'us-east-1',
          tier: 'first',
        },
        formula:
          'per 10^6 pushes: requests = 10^6 × Σ invocations × $0.20/10^6; compute = 10^6 × Σ invocations × (MB/1024) × ceil(ms)/1000 × $/GB-s; cold start (upper bound, one per push) = 10^6 × (MB/1024) × init_ms/1000 × $/GB-s',
        configuredMemoryMb: TARGETS.configuredMemoryMb,
        initMs,
        lines: cost,
      },
      audit,
      benchSeconds: 0,
    };
    result.benchSeconds = round((performance.now() - started) / 1000, 1);

    if (json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const wavesRows = Object.entries(waves).map(([key, value]) => ({
      figure: `${key}: waves / calls / wall`,
      value: `${value.waves} / ${value.calls} / ${value.wallInLatencies}×`,
      target: value.targetWaves === null ? '' : `≤ ${value.targetWaves} waves`,
      status: check(value.meetsTarget),
    }));
    const sections: Section[] = [
      {
        title: 'Bundle (dist/lambda/on-ecr-push.mjs, built from the current sources)',
        rows: [
          {
            figure: 'minified bytes',
            value: bundle.bytes.toLocaleString('en'),
            target: `≤ ${TARGETS.bundleBytes.toLocaleString('en')}`,
            status: check(bundle.bytes <= TARGETS.bundleBytes),
          },
          { figure: 'gzip -9 bytes', value: bundle.gzipBytes.toLocaleString('en'), target: '', status: '' },
          {
            figure: 'notification-composer.mjs (loaded on the first notification)',
            value: composerFile.bytes.toLocaleString('en'),
            target: '',
            status: '',
          },
          { figure: 'SDK-external variant bytes', value: external.bytes.toLocaleString('en'), target: '', status: '' },
        ],
      },
      {
        title: `Cold start (median of ${TARGETS.coldStartRuns} fresh processes each; ratio to an empty ESM module, same flags, same run)`,
        rows: [
          ...Object.entries(cold).map(([name, figure]) => ({
            figure: `${name}: wall / CPU`,
            value: `${figure.medianMs} ms ${figure.ratio}× / ${figure.cpuMedianMs} ms ${figure.cpuRatio}×`,
            target: '',
            status: '',
          })),
          {
            figure: 'handler over the SDK clients alone: instructions / CPU / wall',
            value: `${overSdkInstructions ?? 'n/a'}× / ${overSdkCpu}× / ${overSdkWall}×`,
            target: `≤ ${TARGETS.coldStartOverSdk}×`,
            status: check(overSdk <= TARGETS.coldStartOverSdk),
          },
        ],
      },
      {
        title: `Warm CPU per event (core: parse, classify, explain, render; ${core.events.toLocaleString('en')} events)`,
        rows: [
          { figure: 'CPU per event', value: `${core.cpuUsPerEvent} µs`, target: '', status: '' },
          {
            figure: 'baseline (sha256 + JSON.parse of the manifest)',
            value: `${core.baselineUsPerEvent} µs`,
            target: '',
            status: '',
          },
          { figure: 'ratio to baseline', value: `${core.ratioToBaseline}×`, target: '', status: '' },
        ],
      },
      {
        title: `Round trips per verdict (${TARGETS.latencyMs} ms injected per call; warm environment)`,
        rows: [
          ...wavesRows,
          {
            figure: 'ownTag: events on the bus / matched by the rule / invocations (a guard tag is verified once, never loops)',
            value: `${waves.ownTag.eventsRecorded} / ${waves.ownTag.eventsMatched} / ${waves.ownTag.invocations}`,
            target: '1 / 1 / 1',
            status: check(
              waves.ownTag.eventsRecorded === 1 && waves.ownTag.eventsMatched === 1 && waves.ownTag.invocations === 1,
            ),
          },
        ],
      },
      {
        title: `Burst (${burst.events} events, reserved concurrency ${TARGETS.burst.reservedConcurrency}, PutImage throttled at ${TARGETS.burst.putImageRateLimit} TPS)`,
        rows: [
          {
            figure: 'completed / lost',
            value: `${burst.completed} / ${burst.lost}`,
            target: `${burst.events} / 0`,
            status: check(burst.completed === burst.events && burst.lost === 0),
          },
          {
            figure: 'duplicate notifications / Slack posts',
            value: `${burst.duplicateNotifications} / ${burst.duplicateSlackPosts}`,
            target: '0 / 0',
            status: check(burst.duplicateNotifications === 0 && burst.duplicateSlackPosts === 0),
          },
          {
            figure: 'duplicate tags / wrong or missing tags',
            value: `${burst.duplicateTags} / ${burst.wrongOrMissingTags}`,
            target: '0 / 0',
            status: check(burst.duplicateTags === 0 && burst.wrongOrMissingTags === 0),
          },
          { figure: 'wall time', value: `${burst.wallSeconds} s`, target: '', status: '' },
          {
            figure: 'PutImage throughput',
            value: `${burst.putImagePerSecond}/s`,
            target: `≤ ${TARGETS.burst.putImageRateLimit}/s quota`,
            status: '',
          },
          {
            figure: 'retries: SDK / Lambda / throttled PutImage',
            value: `${burst.retries.sdk} / ${burst.retries.lambda} / ${burst.retries.throttledPutImage}`,
            target: '',
            status: '',
          },
          {
            figure: 'handler ms: mean / p50 / p95',
            value: `${burst.handlerMs.mean} / ${burst.handlerMs.p50} / ${burst.handlerMs.p95}`,
            target: '',
            status: '',
          },
          {
            figure: 'peak RSS of a Lambda environment',
            value: `${burst.peakRssMb} MB`,
            target: `< ${TARGETS.lambdaMemoryMb} MB`,
            status: check(burst.peakRssMb < TARGETS.lambdaMemoryMb),
          },
        ],
      },
      {
        title: `Cost per million pushes, warm (+ if every push paid a cold start); Lambda Arm, us-east-1: $${LAMBDA_PRICES.gbSecondArm}/GB-s, $0.20 per million requests`,
        rows: cost.map((line) => ({
          figure: line.name,
          value: `$${line.totalUsdPerMillionPushes.toFixed(2)} (+$${line.coldStartUsdPerMillionPushes.toFixed(2)})`,
          target: '',
          status: '',
        })),
      },
      {
        title: `Audit (the built CLI, local endpoint): ${audit.repositories} repositories × ${audit.tagsPerRepository} tags`,
        rows: [
          { figure: 'tags checked per second', value: String(audit.tagsPerSecond), target: '', status: '' },
          {
            figure: 'calls per tag (minimum the data needs)',
            value: `${audit.callsPerTag} (${audit.minimumCallsPerTag})`,
            target: '',
            status: check(audit.exitCode === 0),
          },
        ],
      },
    ];
    process.stdout.write(
      renderTable(sections, [
        `Machine: node ${machine.node}, ${machine.cpus} CPUs, ${machine.cpuModel}, load average ${machine.loadAverage} at start.`,
        `Cost formula: ${result.cost.formula}.`,
        `Benchmark time: ${result.benchSeconds} s.`,
      ]),
    );
  } finally {
    await artifacts.remove();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
