import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { ENV } from '../functions/config/env-names.js';
import { buildEventPattern } from '../functions/config/event-pattern.js';
import { FUNCTION_DEFAULTS } from '../functions/config/function-defaults.js';
import { loadConfig } from '../functions/config/load-config.js';
import type { LambdaHandler } from './lambda-runtime.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from './stack.js';

/** The subscriptions a team typically has on the guard's topic, one per protocol. */
export const DEMO_SUBSCRIPTIONS = [
  { Protocol: 'email', Endpoint: 'platform-team@example.com' },
  // AWS Chatbot / Amazon Q Developer in chat applications subscribes over HTTPS to this endpoint.
  { Protocol: 'https', Endpoint: 'https://global.sns-api.chatbot.amazonaws.com' },
  { Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:123456789012:ecr-lambda-guard-verdicts' },
] as const;

/** Options of {@link startGuardStack}. */
export interface GuardStackOptions {
  /** Extra guard environment (GUARD_* variables); the topic, endpoints and Slack secret are filled in. */
  readonly env?: Readonly<Record<string, string>>;
  /** Path of the built Lambda bundle; found next to the CLI or in dist/ by default. */
  readonly bundlePath?: string;
  /** Wire a Slack webhook (stored in the local Secrets Manager) — default true. */
  readonly slack?: boolean;
  /** Where the guard's log lines go (default: collected in `logs`). */
  readonly write?: (line: string) => void;
  readonly runtime?: LocalStackOptions['runtime'];
  readonly endpoint?: LocalStackOptions['endpoint'];
  /** SDK attempts per call inside the guard (default 3). */
  readonly maxAttempts?: number;
  /** Longest wait for one HTTP attempt inside the guard (default 5 s); tests shorten it. */
  readonly requestTimeoutMs?: number;
  /** How long the guard keeps retrying a tag write (default 20 s); tests shorten it. */
  readonly tagRetryBudgetMs?: number;
  /**
   * False starts with push events dropped before they reach the guard (`local serve --no-guard`):
   * the way to fill a registry the guard never saw, or to lose one event. Default true.
   */
  readonly deliverEvents?: boolean;
}

/** A running local stack with the guard deployed on it. */
export interface GuardStack {
  readonly stack: LocalStack;
  readonly topicArn: string;
  /** The environment the guard runs with (as the CDK construct would set it). */
  readonly env: Readonly<Record<string, string>>;
  /** The guard's JSON log lines. */
  readonly logs: string[];
  /** Events the rule matched while delivery was off: never seen by the guard. */
  readonly dropped: readonly unknown[];
  /** Turns the delivery of push events to the guard on or off (a lost event, a pre-existing registry). */
  setEventDelivery(on: boolean): void;
  /** Invokes the guard directly with any event (a scheduled sweep), as Lambda's Invoke would. */
  invoke(event: unknown): Promise<unknown>;
  close(): Promise<void>;
}

const BUNDLE_CANDIDATES = ['./lambda/on-ecr-push.mjs', '../dist/lambda/on-ecr-push.mjs'];

/** The built bundle, wherever this module runs from (source tree or the bundled CLI). */
export const findBundle = (): string => {
  for (const candidate of BUNDLE_CANDIDATES) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return fileURLToPath(url);
  }
  throw new Error('the Lambda bundle dist/lambda/on-ecr-push.mjs is missing; run `npm run build` first');
};

/** Dummy credentials for SDK clients talking to the local endpoint; never overrides real ones. */
export const useLocalCredentials = (): void => {
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDLOCALSTACK';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local-secret';
  process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
};

type GuardBundle = {
  createHandler: (
    env: Readonly<Record<string, string | undefined>>,
    options?: { write?: (line: string) => void; maxAttempts?: number; requestTimeoutMs?: number; tagRetryBudgetMs?: number },
  ) => LambdaHandler;
};

const SLACK_SECRET_NAME = 'ecr-lambda-guard/slack-webhook';

const usesDemoSlack = (baseEnv: Readonly<Record<string, string>>, options: GuardStackOptions): boolean =>
  options.slack !== false &&
  baseEnv[ENV.SLACK_WEBHOOK_SECRET_ID] === undefined &&
  baseEnv[ENV.SLACK_WEBHOOK_PARAMETER] === undefined;

const deployedEnv = (
  stack: LocalStack,
  baseEnv: Readonly<Record<string, string>>,
  options: GuardStackOptions,
): Record<string, string> => ({
  ...baseEnv,
  AWS_REGION: stack.endpoint.region,
  AWS_ENDPOINT_URL: stack.endpoint.url,
  ...(usesDemoSlack(baseEnv, options) ? { [ENV.SLACK_WEBHOOK_SECRET_ID]: SLACK_SECRET_NAME } : {}),
});

/**
 * Creates the topic, its subscriptions and the Slack secret, then the handler. Each step accepts what
 * a previous run left in a `--state` directory: CreateTopic and Subscribe are idempotent, and an
 * existing secret gets this run's webhook URL (the port may have changed).
 */
const deployGuard = async (
  stack: LocalStack,
  bundle: GuardBundle,
  baseEnv: Readonly<Record<string, string>>,
  options: GuardStackOptions,
  write: (line: string) => void,
): Promise<LambdaHandler> => {
  const topicArn = baseEnv[ENV.TOPIC_ARN] ?? '';
  const clientConfig = { region: stack.endpoint.region, endpoint: stack.endpoint.url, maxAttempts: 1 };
  const sns = new SNSClient(clientConfig);
  await sns.send(new CreateTopicCommand({ Name: 'ecr-lambda-guard' }));
  for (const subscription of DEMO_SUBSCRIPTIONS) await sns.send(new SubscribeCommand({ TopicArn: topicArn, ...subscription }));
  if (usesDemoSlack(baseEnv, options)) {
    const secrets = new SecretsManagerClient(clientConfig);
    const url = stack.endpoint.slackWebhookUrl('platform-team');
    try {
      await secrets.send(new CreateSecretCommand({ Name: SLACK_SECRET_NAME, SecretString: url }));
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) throw error;
      await secrets.send(new PutSecretValueCommand({ SecretId: SLACK_SECRET_NAME, SecretString: url }));
    }
  }
  return bundle.createHandler(deployedEnv(stack, baseEnv, options), {
    write,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.tagRetryBudgetMs === undefined ? {} : { tagRetryBudgetMs: options.tagRetryBudgetMs }),
  });
};

/**
 * Starts the local endpoint, creates the guard's topic (email, Chatbot and SQS subscriptions) and
 * Slack secret, and deploys the *built* Lambda bundle behind an EventBridge-style rule built from
 * the same pattern the CDK construct deploys. Every PutImage, the guard's own included, flows back
 * through the rule as it would on AWS.
 */
export const startGuardStack = async (options: GuardStackOptions = {}): Promise<GuardStack> => {
  useLocalCredentials();
  const logs: string[] = [];
  const write = options.write ?? ((line: string) => logs.push(line));
  const bundle = (await import(pathToFileURL(options.bundlePath ?? findBundle()).href)) as GuardBundle;
  // The rule needs the guard's configuration before the stack exists; the topic ARN is known in advance.
  const region = 'us-east-1';
  const account = '123456789012';
  const topicArn = `arn:aws:sns:${region}:${account}:ecr-lambda-guard`;
  const baseEnv: Record<string, string> = { [ENV.TOPIC_ARN]: topicArn, ...options.env };
  const config = loadConfig(baseEnv);
  const pattern = buildEventPattern({ includeRepositories: config.includeRepositories });

  let handler: LambdaHandler | undefined;
  let deliver = options.deliverEvents !== false;
  const dropped: unknown[] = [];
  const stack = await startLocalStack({
    pattern,
    handler: (event, context) => {
      if (handler === undefined) throw new Error('the guard is not deployed yet');
      if (!deliver && (event as { source?: unknown }).source === 'aws.ecr') {
        dropped.push(event);
        return Promise.resolve({ kind: 'dropped' });
      }
      return handler(event, context);
    },
    // The deployed function's timeout (infra/guard-settings.ts: one minute), not Lambda's 3-second
    // default: SDK backoff under ECR throttling must not turn into a local-only timeout and retry.
    runtime: { timeoutSeconds: FUNCTION_DEFAULTS.timeoutSeconds, ...options.runtime },
    endpoint: { region, account, ...options.endpoint },
  });
  try {
    handler = await deployGuard(stack, bundle, baseEnv, options, write);
  } catch (error) {
    // Never leave an endpoint serving ECR without the guard behind it.
    await stack.close();
    throw error;
  }
  const env = deployedEnv(stack, baseEnv, options);
  const deployed = handler;
  return {
    stack,
    topicArn,
    env,
    logs,
    dropped,
    setEventDelivery: (on) => {
      deliver = on;
    },
    invoke: async (event) => {
      const deadline = Date.now() + FUNCTION_DEFAULTS.timeoutSeconds * 1000;
      const context = {
        functionName: 'ecr-lambda-guard',
        awsRequestId: randomUUID(),
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      } as Partial<Context> as Context;
      return deployed(event, context);
    },
    close: () => stack.close(),
  };
};
