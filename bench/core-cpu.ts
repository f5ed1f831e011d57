/**
 * Warm CPU per event, core only: parse the event, classify the evidence, explain it and render
 * every notification (SNS text, Chatbot JSON, machine JSON, Slack Block Kit), as the handler does
 * between its last read and its Publish. The events cycle through the round-trip scenarios. The
 * baseline, in the same run, is hashing and parsing the subject manifest: the least any check costs.
 */
import { createHash } from 'node:crypto';
import { createComposer } from '../functions/adapters/notification-composer.js';
import { classify, type Evidence } from '../functions/core/classify.js';
import type { Digest } from '../functions/core/digest.js';
import type { LambdaArchitecture } from '../functions/core/platform.js';
import { parsePushEvent } from '../functions/core/push-event.js';
import type { SubjectContext } from '../functions/report/explanation.js';
import { type WaveScenario, waveScenarios } from './scenarios.js';
import { round } from './stats.js';

export interface CoreCpuResult {
  readonly events: number;
  /** User + system CPU per event, microseconds. */
  readonly cpuUsPerEvent: number;
  readonly wallUsPerEvent: number;
  /** sha256 + JSON.parse of the subject bytes, per event, microseconds (the baseline). */
  readonly baselineUsPerEvent: number;
  readonly ratioToBaseline: number;
  /** The verdicts the mix produced, to show it exercised every path. */
  readonly verdicts: Readonly<Record<string, number>>;
}

interface Case {
  readonly evidence: Evidence;
  readonly event: unknown;
  readonly architectures: readonly LambdaArchitecture[];
  readonly repository: string;
  readonly tag: string;
}

const caseOf = (scenario: WaveScenario, i: number): Case => {
  const { push } = scenario;
  const architectures: LambdaArchitecture[] = scenario.env.GUARD_TARGET_ARCHITECTURES === 'arm64' ? ['arm64'] : [];
  return {
    evidence: {
      subject: push.subject.bytes,
      expectedDigest: push.subject.digest as Digest,
      declaredMediaType: push.subject.mediaType,
      manifests: new Map(push.manifests.map((fixture) => [fixture.digest, fixture.bytes])),
      blobs: new Map(push.blobs.map((fixture) => [fixture.digest, fixture.bytes])),
    },
    event: {
      version: '0',
      id: `bench-${i}`,
      'detail-type': 'ECR Image Action',
      source: 'aws.ecr',
      account: '123456789012',
      time: '2026-11-25T12:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        result: 'SUCCESS',
        'repository-name': 'orders-service',
        'image-digest': push.subject.digest,
        'action-type': 'PUSH',
        'image-tag': scenario.tag,
        'manifest-media-type': push.subject.mediaType,
      },
    },
    architectures,
    repository: 'orders-service',
    tag: scenario.tag,
  };
};

const cpuMicros = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

export const measureCoreCpu = (events: number): CoreCpuResult => {
  const cases = waveScenarios()
    .filter((scenario) => scenario.key !== 'ownTag')
    .map(caseOf);
  const composer = createComposer();
  const verdicts: Record<string, number> = {};
  let sink = 0;
  const runOne = (c: Case, count: boolean): void => {
    const parsed = parsePushEvent(c.event);
    if (parsed.kind !== 'push') throw new Error('the benchmark event must parse as a push');
    const verdict = classify(c.evidence, { architectures: c.architectures });
    const context: SubjectContext = {
      repository: c.repository,
      tag: c.tag,
      repositoryUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${c.repository}`,
      region: 'us-east-1',
      architectures: c.architectures,
      source: `ecr:${c.repository}`,
      tagging: [],
    };
    const message = composer.verdict({ verdict, context, push: parsed.push });
    sink += message.sns.Message.length + message.slack.blocks.length;
    if (count) verdicts[verdict.verdict] = (verdicts[verdict.verdict] ?? 0) + 1;
  };
  const baselineOne = (c: Case): void => {
    createHash('sha256').update(c.evidence.subject).digest('hex');
    sink += (JSON.parse(new TextDecoder().decode(c.evidence.subject)) as { schemaVersion?: number }).schemaVersion ?? 0;
  };
  // Warm-up: JIT and caches, as in a warm Lambda environment.
  for (let i = 0; i < 1_000; i += 1) {
    const c = cases[i % cases.length];
    if (c !== undefined) runOne(c, false);
  }
  const cpuStart = cpuMicros();
  const wallStart = performance.now();
  for (let i = 0; i < events; i += 1) {
    const c = cases[i % cases.length];
    if (c !== undefined) runOne(c, true);
  }
  const cpu = cpuMicros() - cpuStart;
  const wall = (performance.now() - wallStart) * 1000;
  const baseStart = cpuMicros();
  for (let i = 0; i < events; i += 1) {
    const c = cases[i % cases.length];
    if (c !== undefined) baselineOne(c);
  }
  const baseline = cpuMicros() - baseStart;
  if (sink === 0) throw new Error('nothing was rendered');
  return {
    events,
    cpuUsPerEvent: round(cpu / events, 1),
    wallUsPerEvent: round(wall / events, 1),
    baselineUsPerEvent: round(baseline / events, 2),
    ratioToBaseline: round(cpu / Math.max(1, baseline), 1),
    verdicts,
  };
};
