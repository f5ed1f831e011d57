import { assertEventPattern, type EventPattern, matchesEventPattern } from './event-pattern-match.js';

/** An event as EventBridge delivers it to targets. */
export interface EventBridgeEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Where a rule sends matching events (a Lambda async invoke, a recorder, ...). */
export type RuleTarget = (event: EventBridgeEvent) => unknown;

/** A rule to add. */
export interface EventRuleInput {
  readonly name?: string;
  readonly pattern: EventPattern;
  readonly target: RuleTarget;
}

/** One event put on the bus and the rules it matched. */
export interface PutRecord {
  readonly event: EventBridgeEvent;
  readonly matchedRules: readonly string[];
  readonly atEpochMs: number;
}

/** A target that threw or rejected. */
export interface TargetFailure {
  readonly rule: string;
  readonly eventId: string;
  readonly error: unknown;
}

/** An in-process event bus with EventBridge pattern matching. */
export interface EventBus {
  /** Adds a rule; the pattern is validated as EventBridge would. */
  addRule(rule: EventRuleInput): { readonly name: string; remove(): void };
  /** Puts an event; matching targets run asynchronously. Returns the matched rule names. */
  put(event: EventBridgeEvent): readonly string[];
  readonly events: readonly PutRecord[];
  readonly failures: readonly TargetFailure[];
  onEvent(listener: (record: PutRecord) => void): () => void;
  /** Resolves once every target call started so far has settled. */
  idle(): Promise<void>;
  /** Forgets recorded events and failures (rules stay). */
  clear(): void;
}

/** Creates an empty bus. */
export const createEventBus = (): EventBus => {
  const rules = new Map<string, { pattern: EventPattern; target: RuleTarget }>();
  const events: PutRecord[] = [];
  const failures: TargetFailure[] = [];
  const listeners = new Set<(record: PutRecord) => void>();
  const pending = new Set<Promise<void>>();
  let counter = 0;

  const deliver = (name: string, target: RuleTarget, event: EventBridgeEvent): void => {
    // Targets never run inside put(): EventBridge delivery is asynchronous to the producer.
    const delivery = Promise.resolve()
      .then(() => target(event))
      .then(
        () => undefined,
        (error: unknown) => {
          failures.push({ rule: name, eventId: event.id, error });
        },
      )
      .finally(() => {
        pending.delete(delivery);
      });
    pending.add(delivery);
  };

  return {
    addRule: (rule) => {
      counter += 1;
      const name = rule.name ?? `rule-${counter}`;
      rules.set(name, { pattern: assertEventPattern(rule.pattern), target: rule.target });
      return {
        name,
        remove: () => {
          rules.delete(name);
        },
      };
    },
    put: (event) => {
      const matched: string[] = [];
      for (const [name, rule] of rules) {
        if (!matchesEventPattern(rule.pattern, event)) continue;
        matched.push(name);
        deliver(name, rule.target, event);
      }
      const record: PutRecord = { event, matchedRules: matched, atEpochMs: Date.now() };
      events.push(record);
      for (const listener of listeners) listener(record);
      return matched;
    },
    events,
    failures,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    clear: () => {
      events.length = 0;
      failures.length = 0;
    },
  };
};
