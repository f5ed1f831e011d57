/**
 * Helpers of the fault matrix: the built guard on a local stack with test-sized retry delays, a
 * fault armed at the exact moment the push under test reaches the bus (so the pusher's own calls
 * never consume it), and the end state read back: tags, notifications per event, Slack posts.
 */
import type { FaultRule } from '../../local/faults.js';
import type { GuardStackOptions } from '../../local/guard-stack.js';
import type { LocalEndpoint } from '../../local/server.js';
import { type GuardHarness, REPOSITORY, startGuard } from '../support/guard-harness.js';

/** The guard (arm64 functions) on a local stack; Lambda retries after 20 and 40 ms and times out after 20 s. */
export const startFaultHarness = (options: GuardStackOptions = {}): Promise<GuardHarness> =>
  startGuard({
    ...options,
    env: { GUARD_TARGET_ARCHITECTURES: 'arm64', ...options.env },
    runtime: { timeoutSeconds: 20, ...options.runtime },
  });

/**
 * Adds `rule` when the push event of `tag` is put on the bus: synchronously, before the rule's
 * target runs and after the pusher's last call. Returns a function that stops listening.
 */
export const armOnPush = (harness: GuardHarness, tag: string, rule: FaultRule): (() => void) => {
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

/** Calls the endpoint answered with an injected failure (not mere latency). */
export const injectedFaults = (endpoint: LocalEndpoint): number =>
  endpoint.calls.list().filter((call) => call.fault !== null && call.fault !== 'latency').length;
