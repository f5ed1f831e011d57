import { ECRClient } from '@aws-sdk/client-ecr';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createAccountCredentials } from './adapters/account-credentials.js';
import { createEcrCatalog } from './adapters/ecr-catalog.js';
import { createEcrRegistry } from './adapters/ecr-registry.js';
import { createEmfMetrics } from './adapters/emf-metrics.js';
import { createJsonLogger } from './adapters/json-logger.js';
import { createSlackWebhook } from './adapters/slack-webhook.js';
import { createSnsNotifier } from './adapters/sns-notifier.js';
import { createWebhookUrlReader } from './adapters/webhook-url-reader.js';
import type { Registry, RegistryCatalog } from './app/ports.js';
import { type Composer, type GuardDeps, type PushOutcome, processPush } from './app/process-push.js';
import { runSweep, type SweepOutcome } from './app/sweep.js';
import { type GuardConfig, loadConfig } from './config/load-config.js';
import { parsePushEvent } from './core/push-event.js';
import { sweepEventTime } from './core/sweep-event.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the guard did with one event. */
export type EventOutcome = PushOutcome | SweepOutcome | { readonly kind: 'malformed'; readonly problems: readonly string[] };

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

/** The guard's dependencies plus the registry of each account and Region an event comes from. */
export interface GuardRuntime extends GuardDeps {
  /** The registry of one account and Region: the function's own role at home, the member role elsewhere. */
  registryFor(account: string, region: string): Registry;
  /** AssumeRole calls made so far (0 in single-account mode). */
  sessions(): number;
  /** The home registry's listing, for the scheduled sweep. */
  catalog(): RegistryCatalog;
  /** Milliseconds left in this invocation (the Lambda context's), for the sweep's time budget. */
  remainingMs(): number;
}

const clientConfig = (
  config: GuardConfig,
  endpoint: string | undefined,
  maxAttempts: number,
  requestTimeoutMs: number,
  region = config.region,
) => ({
  region,
  retryMode: 'adaptive' as const,
  maxAttempts,
  // The SDK has no timeout by default: a connection that never answers would hold the invocation
  // until the function times out, and after a Publish that means a second notification on retry.
  requestHandler: { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
  ...(endpoint === undefined ? {} : { endpoint }),
});

/** What the handler knows about one invocation, put on every log line and metric line. */
export interface Invocation {
  /** The Lambda context's `awsRequestId` (absent when called without a context). */
  readonly requestId?: string;
  /** True for the first invocation of this execution environment. */
  readonly coldStart: boolean;
  /** The Lambda context's `getRemainingTimeInMillis` (absent when called without a context). */
  readonly remainingMs?: () => number;
}

/**
 * The composition root: configuration parsed once, clients and adapters built once per cold start;
 * the logger and metrics per invocation, so every line carries the request id and cold-start flag.
 */
export const createGuard = (env: Env, options: GuardOptions = {}): ((invocation: Invocation) => GuardRuntime) => {
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
  const organization = config.organization;
  const credentials =
    organization === null
      ? null
      : createAccountCredentials({
          roleName: organization.memberRoleName,
          partition: config.topicArn.split(':')[1] ?? 'aws',
          // STS in the function's own Region (a regional endpoint, as the SDK uses by default).
          loadAssumeRole: () =>
            import('./adapters/sts-assume-role.js').then((module) =>
              module.createAssumeRole({
                region: config.region,
                maxAttempts,
                requestTimeoutMs,
                ...(config.endpoints.sts === undefined ? {} : { endpoint: config.endpoints.sts }),
              }),
            ),
        });
  // One client and registry per account and Region, built on the first event from there: each
  // keeps its own caches (tag policies) and its connections to that Region's endpoint.
  const registries = new Map<string, Registry>();
  const registryFor = (account: string, region: string): Registry => {
    const home = organization === null || account === organization.homeAccount;
    const key = `${home ? 'home' : account}/${region}`;
    let registry = registries.get(key);
    if (registry === undefined) {
      const client = new ECRClient({
        ...clientConfig(config, config.endpoints.ecr, maxAttempts, requestTimeoutMs, region),
        ...(home || credentials === null ? {} : { credentials: credentials.provider(account) }),
      });
      registry = createEcrRegistry(client, {
        downloadTimeoutMs: requestTimeoutMs,
        // The account's registry explicitly, never "the caller's": the member role's credentials decide
        // whose registry is read anyway, and a mismatch then fails instead of reading another one.
        ...(home ? {} : { registryId: account }),
        ...(options.tagRetryBudgetMs === undefined ? {} : { tagRetryBudgetMs: options.tagRetryBudgetMs }),
      });
      registries.set(key, registry);
    }
    return registry;
  };
  let catalog: RegistryCatalog | undefined;
  const shared = {
    config,
    catalog: () => {
      catalog ??= createEcrCatalog(new ECRClient(clientConfig(config, config.endpoints.ecr, maxAttempts, requestTimeoutMs)));
      return catalog;
    },
    registry: registryFor(organization?.homeAccount ?? 'home', config.region),
    registryFor,
    sessions: () => credentials?.sessions() ?? 0,
    reportedRetries: new Set<string>(),
    notifier: createSnsNotifier(
      new SNSClient(clientConfig(config, config.endpoints.sns, maxAttempts, requestTimeoutMs)),
      config.topicArn,
    ),
    chat,
    composer: loadComposer,
  };
  return (invocation) => {
    const fields = {
      ...(invocation.requestId === undefined ? {} : { requestId: invocation.requestId }),
      coldStart: invocation.coldStart,
    };
    return {
      ...shared,
      // Without a context (tests), a sweep gets the function's default one minute.
      remainingMs: invocation.remainingMs ?? (() => 60_000),
      logger: createJsonLogger({ write, level: config.logLevel, fields }),
      metrics: createEmfMetrics(config.metricsNamespace, { write, properties: fields }),
    };
  };
};

/**
 * Parses the EventBridge event at the edge and runs the pipeline. A malformed event is logged
 * with every problem and acknowledged (retrying cannot fix it); retryable failures are rethrown.
 */
export const handleEvent = async (deps: GuardRuntime, event: unknown): Promise<EventOutcome> => {
  try {
    // A schedule's event is a sweep; everything else is judged as a push event.
    const sweepTime = sweepEventTime(event);
    if (sweepTime !== null) {
      return await runSweep(deps, deps.catalog(), { now: sweepTime, remainingMs: deps.remainingMs });
    }
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
        return await processPush({ ...deps, registry: deps.registryFor(parsed.push.account, parsed.push.region) }, parsed.push);
    }
  } finally {
    deps.metrics.flush();
  }
};
