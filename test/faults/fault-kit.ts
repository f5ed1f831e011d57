/**
 * Helpers of the fault matrix: the built guard on a local stack with test-sized retry delays, a
 * fault armed at the exact moment the push under test reaches the bus (so the pusher's own calls
 * never consume it), and the end state read back: tags, notifications per event, Slack posts.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { FaultRule } from '../../local/faults.js';
import { type GuardStack, type GuardStackOptions, startGuardStack } from '../../local/guard-stack.js';
import type { LambdaRuntime } from '../../local/lambda-runtime.js';
import type { LocalEndpoint } from '../../local/server.js';
import { localEcrClient } from '../support/push-fixture.js';

export const REPOSITORY = 'orders-service';

export interface FaultHarness {
  readonly guard: GuardStack;
  readonly endpoint: LocalEndpoint;
  readonly runtime: LambdaRuntime;
  readonly ecr: ECRClient;
  close(): Promise<void>;
}

/** The guard (arm64 functions) on a local stack; Lambda retries after 20 and 40 ms. */
export const startFaultHarness = async (options: GuardStackOptions = {}): Promise<FaultHarness> => {
  const guard = await startGuardStack({
    ...options,
    env: { GUARD_TARGET_ARCHITECTURES: 'arm64', ...options.env },
    runtime: { retryDelaysMs: [20, 40], timeoutSeconds: 20, ...options.runtime },
  });
  const { runtime } = guard.stack;
  if (runtime === null) throw new Error('the guard stack has no Lambda runtime');
  return {
    guard,
    endpoint: guard.stack.endpoint,
    runtime,
    ecr: localEcrClient(guard.stack.endpoint),
    close: () => guard.close(),
  };
};

/**
 * Adds `rule` when the push event of `tag` is put on the bus: synchronously, before the rule's
 * target runs and after the pusher's last call. Returns a function that stops listening.
 */
export const armOnPush = (harness: FaultHarness, tag: string, rule: FaultRule): (() => void) => {
  let armed = false;
  return harness.guard.stack.bus.onEvent((record) => {
    if (armed || record.event.detail['image-tag'] !== tag) return;
    armed = true;
    harness.endpoint.faults.add(rule);
  });
};

/** tag -> digest in the repository, straight from the endpoint's state. */
export const tagsIn = (endpoint: LocalEndpoint, repository: string = REPOSITORY): Record<string, string> =>
  Object.fromEntries(
    [...(endpoint.state.repositories.get(repository)?.tags.entries() ?? [])].sort(([a], [b]) => a.localeCompare(b)),
  );

/** The machine JSON of every published message (its sqs delivery), in publish order. */
export const publishedMessages = (endpoint: LocalEndpoint): { eventId: string; verdict: string; type: string }[] =>
  endpoint.deliveries
    .list()
    .filter((delivery) => delivery.protocol === 'sqs')
    .map((delivery) => {
      const envelope = JSON.parse(delivery.body) as { Message: string };
      const machine = JSON.parse(envelope.Message) as { eventId?: string; verdict?: string; type?: string };
      return { eventId: machine.eventId ?? '', verdict: machine.verdict ?? '', type: machine.type ?? '' };
    });

/** The id of the push event for `tag`. */
export const pushEventId = (harness: FaultHarness, tag: string): string => {
  const found = harness.guard.stack.bus.events.find((record) => record.event.detail['image-tag'] === tag);
  if (found === undefined) throw new Error(`no push event for ${tag}`);
  return found.event.id;
};

/** Calls the endpoint answered with an injected failure (not mere latency). */
export const injectedFaults = (endpoint: LocalEndpoint): number =>
  endpoint.calls.list().filter((call) => call.fault !== null && call.fault !== 'latency').length;
