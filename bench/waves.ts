/**
 * Round trips per verdict: each scenario is pushed to the local endpoint and handled by the BUILT
 * guard behind the real EventBridge pattern, with a fixed latency injected into every call. AWS
 * calls and sequential waves are read from the endpoint's call log, the handler's wall time from
 * the Lambda runtime's invocation record.
 */

import { localEcrClient, pushFixture } from '../fixtures/push-fixture.js';
import { startGuardStack } from '../local/guard-stack.js';
import { type WaveScenario, waveScenarios } from './scenarios.js';
import { round } from './stats.js';
import { callWaves, describeWaves } from './wave-analysis.js';

const REPOSITORY = 'orders-service';

/** What one push cost the guard. */
export interface PushMeasure {
  /** Calls the guard made (AWS APIs, the blob GET and the Slack webhook). */
  readonly calls: number;
  /** AWS API calls only (ECR, SNS, Secrets Manager). */
  readonly awsCalls: number;
  /** Calls made afterwards by the invocations that verify the tags the guard wrote. */
  readonly verificationCalls: number;
  readonly waves: number;
  readonly chain: string;
  readonly invocations: number;
  readonly wallMs: number;
  /** Handler wall time divided by the injected per-call latency. */
  readonly wallInLatencies: number;
}

/** One scenario's figures: the warm push (caches filled) is the headline, the cold one is shown too. */
export interface WaveResult extends PushMeasure {
  readonly title: string;
  readonly targetWaves: number | null;
  readonly targetChain: string;
  readonly meetsTarget: boolean | null;
  readonly cold: PushMeasure;
  /** Events the bus recorded for the measured push, and how many matched the guard's rule. */
  readonly eventsRecorded: number;
  readonly eventsMatched: number;
}

const AWS_SERVICES = new Set(['ecr', 'sns', 'secretsmanager', 'ssm']);

const measurePush = async (
  guard: Awaited<ReturnType<typeof startGuardStack>>,
  scenario: WaveScenario,
  tag: string,
  latencyMs: number,
): Promise<PushMeasure & { eventsRecorded: number; eventsMatched: number }> => {
  const { stack } = guard;
  const { endpoint, bus } = stack;
  const runtime = stack.runtime;
  if (runtime === null) throw new Error('the guard stack has no runtime');
  let markSeq: number | null = null;
  let invocationsBefore = 0;
  let faultId: string | null = null;
  let eventsBefore = 0;
  // Armed synchronously when the tagged push event reaches the bus: before the rule's target runs,
  // after the pusher's own calls, so the latency and the count cover the guard alone.
  const stop = bus.onEvent((record) => {
    if (markSeq !== null || record.event.detail['image-tag'] !== tag) return;
    markSeq = endpoint.calls.list().at(-1)?.seq ?? 0;
    invocationsBefore = runtime.invocations.length;
    eventsBefore = bus.events.length - 1;
    faultId = endpoint.faults.add({ operation: '*', kind: 'latency', latencyMs });
  });
  try {
    await pushFixture(localEcrClient(endpoint), scenario.push, { repository: REPOSITORY, tag });
    await stack.idle();
  } finally {
    stop();
    if (faultId !== null) endpoint.faults.remove(faultId);
  }
  if (markSeq === null) throw new Error(`no push event for ${REPOSITORY}:${tag}`);
  const allCalls = endpoint.calls.list({ since: markSeq });
  // The verdict's own calls end with its tag writes; the events of those tags are then verified in
  // invocations of their own (reads only), which never delay the verdict and are counted apart.
  const lastPut = allCalls.map((call) => call.name).lastIndexOf('ecr:PutImage');
  const guardCalls = lastPut === -1 ? allCalls : allCalls.slice(0, lastPut + 1);
  const waves = callWaves(guardCalls);
  const invocations = runtime.invocations.slice(invocationsBefore);
  const wallMs = invocations.reduce((sum, record) => sum + (record.endedAtEpochMs - record.startedAtEpochMs), 0);
  const events = bus.events.slice(eventsBefore);
  return {
    calls: guardCalls.length,
    verificationCalls: allCalls.length - guardCalls.length,
    awsCalls: guardCalls.filter((call) => AWS_SERVICES.has(call.service)).length,
    waves: waves.length,
    chain: describeWaves(waves),
    invocations: invocations.length,
    wallMs,
    wallInLatencies: round(wallMs / latencyMs, 1),
    eventsRecorded: events.filter((record) => record.event.detail['image-tag'] === tag).length,
    eventsMatched: events.filter((record) => record.event.detail['image-tag'] === tag && record.matchedRules.length > 0).length,
  };
};

/** Runs every scenario on its own guard stack: a cold push first, then the measured warm push. */
export const measureWaves = async (
  bundlePath: string,
  latencyMs: number,
  progress: (line: string) => void,
): Promise<Record<WaveScenario['key'], WaveResult>> => {
  const results: Partial<Record<WaveScenario['key'], WaveResult>> = {};
  for (const scenario of waveScenarios()) {
    const guard = await startGuardStack({
      bundlePath,
      env: scenario.env,
      runtime: { retryDelaysMs: [50, 100], timeoutSeconds: 60 },
      write: () => undefined,
    });
    try {
      const cold = await measurePush(guard, scenario, scenario.tag, latencyMs);
      // The same content under a new tag: the guard's caches (tag policy, webhook URL) are warm.
      const warm = await measurePush(guard, scenario, scenario.warmTag, latencyMs);
      const { eventsRecorded, eventsMatched, ...coldMeasure } = cold;
      results[scenario.key] = {
        ...warm,
        title: scenario.title,
        targetWaves: scenario.targetWaves,
        targetChain: scenario.targetChain,
        meetsTarget: scenario.targetWaves === null ? null : warm.waves <= scenario.targetWaves,
        cold: coldMeasure,
        eventsRecorded,
        eventsMatched,
      };
      progress(`waves ${scenario.key}: ${warm.waves} waves, ${warm.calls} calls, ${warm.chain || 'no calls'}`);
    } finally {
      await guard.close();
    }
  }
  return results as Record<WaveScenario['key'], WaveResult>;
};
