/**
 * Helpers of the fault matrix: the built guard on a local stack with test-sized retry delays, a
 * fault armed at the exact moment the push under test reaches the bus (so the pusher's own calls
 * never consume it), and the end state read back: tags, notifications per event, Slack posts.
 */
import type { FaultRule } from '../../local/faults.js';
import type { GuardStackOptions } from '../../local/guard-stack.js';
import type { LocalEndpoint } from '../../local/server.js';
import { type GuardHarness, pushEventFor, REPOSITORY, startGuard } from '../support/guard-harness.js';

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

/**
 * What people received about one push: every SNS delivery (protocol, subject, message) and every
 * accepted Slack payload, with the event's id and time (which differ between runs) blanked, as a
 * set (a Publish retried after a lost answer is a second copy of the same content).
 */
export const notificationContent = (harness: GuardHarness, tag: string): string[] => {
  const event = pushEventFor(harness.guard, tag);
  const scrub = (text: string): string => text.replaceAll(event.id, '<event-id>').replaceAll(event.time, '<event-time>');
  const sns = harness.endpoint.deliveries.list().map((delivery) => {
    // Email deliveries are the message text itself; SQS and HTTPS ones carry the SNS JSON envelope.
    const envelope =
      delivery.raw || !delivery.body.startsWith('{')
        ? null
        : (JSON.parse(delivery.body) as { Message?: string; Subject?: string });
    const message = envelope?.Message ?? delivery.body;
    return scrub(JSON.stringify([delivery.protocol, delivery.subject ?? envelope?.Subject ?? null, message]));
  });
  const slack = harness.endpoint.slack
    .list()
    .filter((post) => post.status === 200)
    .map((post) => scrub(JSON.stringify(['slack', post.payload])));
  return [...new Set([...sns, ...slack])].sort();
};
