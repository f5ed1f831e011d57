import { ECRClient } from '@aws-sdk/client-ecr';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createEcrRegistry } from './adapters/ecr-registry.js';
import { createEmfMetrics } from './adapters/emf-metrics.js';
import { createJsonLogger } from './adapters/json-logger.js';
import { createSlackWebhook } from './adapters/slack-webhook.js';
import { createSnsNotifier } from './adapters/sns-notifier.js';
import { createWebhookUrlReader } from './adapters/webhook-url-reader.js';
import { type Composer, type GuardDeps, type PushOutcome, processPush } from './app/process-push.js';
import { type GuardConfig, loadConfig } from './config/load-config.js';
import { parsePushEvent } from './core/push-event.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the guard did with one event. */
export type EventOutcome = PushOutcome | { readonly kind: 'malformed'; readonly problems: readonly string[] };

/** Options the local stack and tests use to observe the guard. */
export interface GuardOptions {
  readonly write?: (line: string) => void;
  /** SDK attempts per call (default 3, adaptive retry mode). */
  readonly maxAttempts?: number;
  /** Longest wait for one HTTP attempt: AWS calls, the blob GET and the Slack POST (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** How long a tag write keeps retrying after the SDK's attempts (default 20 s). */
  readonly tagRetryBudgetMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

let composer: Promise<Composer> | undefined;

/**
 * The report layer is a sibling file of the bundle, imported on the first notification of an
 * environment: a silent deployable push never loads it (npm run bench: cold start).
 */
const loadComposer = (): Promise<Composer> => {
  composer ??= import('./adapters/notification-composer.js').then((module) => module.createComposer());
  return composer;
};

const clientConfig = (config: GuardConfig, endpoint: string | undefined, maxAttempts: number, requestTimeoutMs: number) => ({
  region: config.region,
  retryMode: 'adaptive' as const,
  maxAttempts,
  // The SDK has no timeout by default: a connection that never answers would hold the invocation
  // until the function times out, and after a Publish that means a second notification on retry.
  requestHandler: { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
  ...(endpoint === undefined ? {} : { endpoint }),
});

/** The composition root: configuration parsed once, clients and adapters built once per cold start. */
export const createDeps = (env: Env, options: GuardOptions = {}): GuardDeps => {
  const config = loadConfig(env);
  const maxAttempts = options.maxAttempts ?? 3;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let secrets: SecretsManagerClient | undefined;
  const chat =
    config.slack === null
      ? null
      : createSlackWebhook({
          url: createWebhookUrlReader(config.slack, {
            secretsManager: () =>
              (secrets ??= new SecretsManagerClient(
                clientConfig(config, config.endpoints.secretsManager, maxAttempts, requestTimeoutMs),
              )),
            ssm: {
              region: config.region,
              maxAttempts,
              ...(config.endpoints.ssm === undefined ? {} : { endpoint: config.endpoints.ssm }),
            },
          }),
          timeoutMs: requestTimeoutMs,
        });
  return {
    config,
    registry: createEcrRegistry(new ECRClient(clientConfig(config, config.endpoints.ecr, maxAttempts, requestTimeoutMs)), {
      downloadTimeoutMs: requestTimeoutMs,
      ...(options.tagRetryBudgetMs === undefined ? {} : { tagRetryBudgetMs: options.tagRetryBudgetMs }),
    }),
    notifier: createSnsNotifier(
      new SNSClient(clientConfig(config, config.endpoints.sns, maxAttempts, requestTimeoutMs)),
      config.topicArn,
    ),
    chat,
    composer: loadComposer,
    logger: createJsonLogger(write),
    metrics: createEmfMetrics(config.metricsNamespace, write),
  };
};

/**
 * Parses the EventBridge event at the edge and runs the pipeline. A malformed event is logged
 * with every problem and acknowledged (retrying cannot fix it); retryable failures are rethrown.
 */
export const handleEvent = async (deps: GuardDeps, event: unknown): Promise<EventOutcome> => {
  try {
    const parsed = parsePushEvent(event);
    switch (parsed.kind) {
      case 'malformed':
        deps.metrics.count('MalformedEvents');
        deps.logger.error('malformed event', { problems: parsed.problems.slice(0, 20) });
        return { kind: 'malformed', problems: parsed.problems };
      case 'skip':
        deps.metrics.count('Skipped', { Reason: parsed.code });
        deps.logger.info('skipped', { skip: parsed.code, reason: parsed.reason });
        return { kind: 'skipped', code: parsed.code, reason: parsed.reason };
      case 'push':
        return await processPush(deps, parsed.push);
    }
  } finally {
    deps.metrics.flush();
  }
};
