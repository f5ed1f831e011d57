import { createEventBus, type EventBus } from './event-bus.js';
import type { EventPattern } from './event-pattern-match.js';
import { createLambdaRuntime, type LambdaHandler, type LambdaRuntime, type LambdaRuntimeOptions } from './lambda-runtime.js';
import { type LocalEndpoint, type LocalEndpointOptions, startLocalEndpoint } from './server.js';

/** The rule pattern used when none is given: every successful ECR push. */
export const DEFAULT_PUSH_PATTERN: EventPattern = {
  source: ['aws.ecr'],
  'detail-type': ['ECR Image Action'],
  detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] },
};

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** The function the rule invokes; without one, events are only recorded on the bus. */
  readonly handler?: LambdaHandler;
  /** The rule's event pattern (e.g. `buildEventPattern(...)`); default {@link DEFAULT_PUSH_PATTERN}. */
  readonly pattern?: EventPattern;
  readonly ruleName?: string;
  /** Lambda settings: concurrency, retries, delays, event age, timeout, destinations. */
  readonly runtime?: Omit<LambdaRuntimeOptions, 'handler'>;
  /** Endpoint settings (port, state directory, rate limit, ...). */
  readonly endpoint?: Omit<LocalEndpointOptions, 'eventBus'>;
}

/** PutImage -> `ECR Image Action` -> bus rule -> Lambda async invoke, all local. */
export interface LocalStack {
  readonly endpoint: LocalEndpoint;
  readonly bus: EventBus;
  /** Null when no handler was given. */
  readonly runtime: LambdaRuntime | null;
  readonly ruleName: string | null;
  /** Resolves once no event is in flight anywhere: not emitted, not delivered, not running, not awaiting a retry. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A handler that keeps pushing (a tag loop) would otherwise keep idle() waiting for ever. */
const MAX_SETTLE_PASSES = 1000;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Starts an endpoint wired to a bus rule and (given a handler) a Lambda runtime. */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const bus = createEventBus();
  const endpoint = await startLocalEndpoint({ ...options.endpoint, eventBus: bus });
  const runtime =
    options.handler === undefined
      ? null
      : createLambdaRuntime({
          region: endpoint.region,
          account: endpoint.account,
          ...options.runtime,
          handler: options.handler,
        });
  const rule =
    runtime === null
      ? null
      : bus.addRule({
          name: options.ruleName ?? 'ecr-push-to-guard',
          pattern: options.pattern ?? DEFAULT_PUSH_PATTERN,
          target: (event) => runtime.invoke(event),
        });

  // A handler may push again (tags), which emits new events: settle until a whole pass sees no change.
  const idle = async (): Promise<void> => {
    for (let pass = 0; ; pass += 1) {
      if (pass > MAX_SETTLE_PASSES) {
        throw new Error(`the local stack did not settle after ${MAX_SETTLE_PASSES} passes: events keep coming (a push loop?)`);
      }
      const before = `${bus.events.length}/${runtime?.stats().received ?? 0}/${endpoint.calls.count()}`;
      await endpoint.idle();
      await runtime?.idle();
      await tick();
      await endpoint.idle();
      const after = `${bus.events.length}/${runtime?.stats().received ?? 0}/${endpoint.calls.count()}`;
      if (before === after && (runtime === null || runtime.stats().inFlight + runtime.stats().queued === 0)) return;
    }
  };

  return {
    endpoint,
    bus,
    runtime,
    ruleName: rule?.name ?? null,
    idle,
    close: async () => {
      runtime?.close();
      await endpoint.close();
    },
  };
};
