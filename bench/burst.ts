/**
 * The push storm: 1,000 `ECR Image Action` events delivered at once to the guard behind the real
 * rule, with the reserved concurrency the CDK construct sets, against the local endpoint with
 * PutImage throttled to ECR's 10 TPS quota. The handler runs in separate Lambda-environment
 * processes (bench/lambda-pool.ts), so their peak RSS is the function's, not the endpoint's.
 */
import { pathToFileURL } from 'node:url';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ENV } from '../functions/config/env-names.js';
import { buildEventPattern } from '../functions/config/event-pattern.js';
import { loadConfig } from '../functions/config/load-config.js';
import { DEMO_SUBSCRIPTIONS } from '../local/guard-stack.js';
import { startLocalStack } from '../local/stack.js';
import { loadBurstContent } from './burst-content.js';
import { type EnvironmentUsage, type LambdaPool, startLambdaPool } from './lambda-pool.js';
import { median, percentile, round } from './stats.js';

export interface BurstOptions {
  readonly bundlePath: string;
  readonly environmentEntry: string;
  /** BuildKit-style index pushes (3 events each). */
  readonly indexes: number;
  /** Single-image pushes (1 event each). */
  readonly singles: number;
  readonly reservedConcurrency: number;
  readonly putImageRateLimit: number;
  /** Lambda's async retry delays, scaled down from about 1 and 2 minutes. */
  readonly lambdaRetryDelaysMs: readonly number[];
  readonly timeoutSeconds: number;
  /** The memory the environments are sized for (V8 heap flags), to prove the handler fits it. */
  readonly environmentMemoryMb: number;
}

export interface BurstResult {
  readonly events: number;
  readonly completed: number;
  readonly lost: number;
  readonly onFailureDestination: number;
  readonly duplicateNotifications: number;
  readonly missingNotifications: number;
  readonly unexpectedNotifications: number;
  readonly duplicateSlackPosts: number;
  readonly duplicateTags: number;
  readonly wrongOrMissingTags: number;
  readonly wallSeconds: number;
  readonly retries: {
    /** Calls the SDK repeated (`amz-sdk-request: attempt>1`). */
    readonly sdk: number;
    /** Handler runs Lambda repeated after an error or timeout. */
    readonly lambda: number;
    /** PutImage calls ECR answered with ThrottlingException. */
    readonly throttledPutImage: number;
  };
  readonly calls: { readonly total: number; readonly putImage: number; readonly perEvent: number };
  readonly putImagePerSecond: number;
  /** Handler run times over every invocation (retries included). */
  readonly handlerMs: { readonly mean: number; readonly p50: number; readonly p95: number; readonly max: number };
  /** Median run time of the invocations that only skipped an untagged child event. */
  readonly skippedMedianMs: number;
  readonly maxConcurrent: number;
  readonly environments: readonly EnvironmentUsage[];
  /** Peak RSS of the busiest Lambda-environment process, in MB. */
  readonly peakRssMb: number;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const TOPIC_NAME = 'ecr-lambda-guard';
const SLACK_SECRET = 'ecr-lambda-guard/slack-webhook';

export const runBurst = async (options: BurstOptions, progress: (line: string) => void): Promise<BurstResult> => {
  const credentials = { AWS_ACCESS_KEY_ID: 'AKIDLOCALBENCH', AWS_SECRET_ACCESS_KEY: 'local-secret' };
  const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${TOPIC_NAME}`;
  const baseEnv = { [ENV.TOPIC_ARN]: topicArn, [ENV.TARGET_ARCHITECTURES]: 'arm64' };
  const config = loadConfig(baseEnv);
  let pool: LambdaPool | null = null;
  const stack = await startLocalStack({
    pattern: buildEventPattern({ includeRepositories: config.includeRepositories }),
    handler: (event) => {
      if (pool === null) throw new Error('the Lambda environments are not started');
      return pool.handler(event);
    },
    runtime: {
      reservedConcurrency: options.reservedConcurrency,
      retryDelaysMs: options.lambdaRetryDelaysMs,
      timeoutSeconds: options.timeoutSeconds,
      memorySizeMb: 512,
    },
    endpoint: { region: REGION, account: ACCOUNT, putImageRateLimit: options.putImageRateLimit },
  });
  const { endpoint, bus } = stack;
  const runtime = stack.runtime;
  if (runtime === null) throw new Error('no Lambda runtime');
  try {
    const clientConfig = {
      region: REGION,
      endpoint: endpoint.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDLOCALBENCH', secretAccessKey: 'local-secret' },
    };
    const sns = new SNSClient(clientConfig);
    await sns.send(new CreateTopicCommand({ Name: TOPIC_NAME }));
    for (const subscription of DEMO_SUBSCRIPTIONS) await sns.send(new SubscribeCommand({ TopicArn: topicArn, ...subscription }));
    await new SecretsManagerClient(clientConfig).send(
      new CreateSecretCommand({ Name: SLACK_SECRET, SecretString: endpoint.slackWebhookUrl('platform-team') }),
    );
    pool = await startLambdaPool({
      size: options.reservedConcurrency,
      entry: options.environmentEntry,
      bundleUrl: pathToFileURL(options.bundlePath).href,
      env: { ...baseEnv, [ENV.SLACK_WEBHOOK_SECRET_ID]: SLACK_SECRET, AWS_REGION: REGION, AWS_ENDPOINT_URL: endpoint.url },
      memoryMb: options.environmentMemoryMb,
      processEnv: { ...credentials, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    const content = loadBurstContent(endpoint, { indexes: options.indexes, singles: options.singles, repositories: 10 });
    progress(`burst: ${content.events.length} events loaded; delivering them at once`);
    const callsBefore = endpoint.calls.list().at(-1)?.seq ?? 0;
    const eventsBefore = bus.events.length;
    const startedAt = performance.now();
    const ticker = setInterval(() => {
      const stats = runtime.stats();
      progress(`burst: ${stats.succeeded} done, ${stats.queued} queued, ${stats.retries} Lambda retries`);
    }, 15_000);
    try {
      for (const event of content.events) bus.put(event);
      await stack.idle();
    } finally {
      clearInterval(ticker);
    }
    const wallSeconds = (performance.now() - startedAt) / 1000;

    // What happened to each event.
    const sent = new Set(content.events.map((event) => event.id));
    const completedIds = new Set(
      runtime.successes
        .map((record) => (record.requestPayload as { id?: string }).id)
        .filter((id) => id !== undefined && sent.has(id)),
    );
    const stats = runtime.stats();

    // Notifications: the sqs delivery of each message carries the machine JSON with the event id.
    const perEvent = new Map<string, number>();
    for (const delivery of endpoint.deliveries.list()) {
      if (delivery.protocol !== 'sqs') continue;
      const envelope = JSON.parse(delivery.body) as { Message: string };
      const machine = JSON.parse(envelope.Message) as { eventId?: string };
      const id = machine.eventId ?? '';
      perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
    }
    const pushEventId = new Map<string, string>();
    for (const event of content.events) {
      const tag = event.detail['image-tag'];
      if (typeof tag === 'string' && tag !== '') pushEventId.set(`${String(event.detail['repository-name'])}:${tag}`, event.id);
    }
    let missingNotifications = 0;
    let unexpectedNotifications = 0;
    for (const push of content.expected) {
      const count = perEvent.get(pushEventId.get(`${push.repository}:${push.tag}`) ?? '') ?? 0;
      if (push.notify && count === 0) missingNotifications += 1;
      if (!push.notify && count > 0) unexpectedNotifications += count;
    }
    const duplicateNotifications = [...perEvent.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const slackPerPush = new Map<string, number>();
    for (const post of endpoint.slack.list()) {
      const text = (post.payload as { text?: string } | null)?.text ?? '';
      const key = /[\w./-]+:[\w.-]+/.exec(text)?.[0] ?? text;
      slackPerPush.set(key, (slackPerPush.get(key) ?? 0) + 1);
    }
    const duplicateSlackPosts = [...slackPerPush.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);

    // Tags: every tag the guard wrote emits one event; the same tag written twice is a duplicate.
    const writes = new Map<string, number>();
    for (const record of bus.events.slice(eventsBefore)) {
      const tag = record.event.detail['image-tag'];
      if (typeof tag !== 'string' || !config.guardSuffixes.some((suffix) => tag.endsWith(suffix))) continue;
      const key = `${String(record.event.detail['repository-name'])}:${tag}`;
      writes.set(key, (writes.get(key) ?? 0) + 1);
    }
    const duplicateTags = [...writes.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    let wrongOrMissingTags = 0;
    for (const push of content.expected) {
      const repository = endpoint.state.repositories.get(push.repository);
      for (const [tag, digest] of Object.entries(push.tags)) {
        if (repository?.tags.get(tag) !== digest) wrongOrMissingTags += 1;
      }
    }

    const calls = endpoint.calls.list({ since: callsBefore });
    const putImage = calls.filter((call) => call.name === 'ecr:PutImage');
    const putOk = putImage.filter((call) => call.status === 200);
    const firstPut = putOk[0]?.startedAt ?? 0;
    const lastPut = putOk.at(-1)?.endedAt ?? firstPut;
    const durations = runtime.invocations.map((record) => record.endedAtEpochMs - record.startedAtEpochMs);
    const skippedIds = new Set(
      runtime.successes
        .filter((record) => (record.responsePayload as { kind?: string } | null)?.kind === 'skipped')
        .map((record) => record.requestContext.requestId),
    );
    const skippedDurations = runtime.invocations
      .filter((record) => skippedIds.has(record.requestId))
      .map((record) => record.endedAtEpochMs - record.startedAtEpochMs);
    const usage = await pool.close();
    pool = null;
    return {
      events: content.events.length,
      completed: completedIds.size,
      lost: content.events.length - completedIds.size,
      onFailureDestination: runtime.failures.length,
      duplicateNotifications,
      missingNotifications,
      unexpectedNotifications,
      duplicateSlackPosts,
      duplicateTags,
      wrongOrMissingTags,
      wallSeconds: round(wallSeconds, 1),
      retries: {
        sdk: calls.filter((call) => (call.attempt ?? 1) > 1).length,
        lambda: stats.retries,
        throttledPutImage: putImage.filter((call) => call.errorCode === 'ThrottlingException').length,
      },
      calls: { total: calls.length, putImage: putImage.length, perEvent: round(calls.length / content.events.length, 2) },
      putImagePerSecond: round(putOk.length / Math.max(0.001, (lastPut - firstPut) / 1000), 1),
      handlerMs: {
        mean: round(durations.reduce((sum, value) => sum + value, 0) / Math.max(1, durations.length), 1),
        p50: median(durations),
        p95: percentile(durations, 95),
        max: Math.max(0, ...durations),
      },
      skippedMedianMs: median(skippedDurations),
      maxConcurrent: stats.maxConcurrent,
      environments: usage,
      peakRssMb: round(Math.max(0, ...usage.map((each) => each.maxRssKb)) / 1024, 1),
    };
  } finally {
    if (pool !== null) await pool.close();
    await stack.close();
  }
};
