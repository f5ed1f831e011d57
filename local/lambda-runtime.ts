import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda handler in the async (promise) style. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Options of {@link createLambdaRuntime}, named after the Lambda settings they mimic. */
export interface LambdaRuntimeOptions {
  readonly handler: LambdaHandler;
  readonly functionName?: string;
  readonly region?: string;
  readonly account?: string;
  /** Reserved concurrency: at most this many invocations run at once (default 1000, the account default). */
  readonly reservedConcurrency?: number;
  /** Async-invoke `MaximumRetryAttempts`: 0-2, default 2. */
  readonly maximumRetryAttempts?: number;
  /**
   * Delay before each retry. Lambda waits about one minute, then about two; tests pass a few
   * milliseconds. A number applies to every retry; a list gives one delay per retry.
   */
  readonly retryDelaysMs?: number | readonly number[];
  /** Async-invoke `MaximumEventAgeInSeconds`: 60-21600, default 21600 (six hours). */
  readonly maximumEventAgeSeconds?: number;
  /** Function timeout, 1-900 seconds (default 3; fractions allowed for tests). */
  readonly timeoutSeconds?: number;
  readonly memorySizeMb?: number;
  /** The on-failure destination (what an SQS queue destination would receive). */
  readonly onFailure?: (record: DestinationRecord) => void;
  /** The on-success destination. */
  readonly onSuccess?: (record: DestinationRecord) => void;
}

/** The invocation record Lambda sends to an async-invoke destination. */
export interface DestinationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: '$LATEST';
    readonly functionError?: 'Unhandled';
  };
  readonly responsePayload?: unknown;
}

/** A handler failure as Lambda reports it. */
export interface InvocationError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** One attempt to run the handler. */
export interface InvocationRecord {
  readonly requestId: string;
  /** 1 for the first attempt, 2 and 3 for retries. */
  readonly attempt: number;
  readonly startedAtEpochMs: number;
  readonly endedAtEpochMs: number;
  readonly outcome: 'success' | 'error' | 'timeout';
  readonly error?: InvocationError;
}

/** Counters of the runtime. */
export interface LambdaRuntimeStats {
  /** Events accepted by invoke(). */
  readonly received: number;
  /** Handler runs (attempts), retries included. */
  readonly invocations: number;
  readonly succeeded: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly retries: number;
  /** Attempts that had to wait for a free concurrency slot. */
  readonly throttled: number;
  /** Events given up on (retries exhausted or too old). */
  readonly failed: number;
  readonly expired: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly maxConcurrent: number;
}

/** A local stand-in for a function invoked asynchronously (EventBridge -> Lambda). */
export interface LambdaRuntime {
  readonly functionArn: string;
  /** Queues an event (the 202 of an async invoke) and returns its request id. */
  invoke(event: unknown): { readonly requestId: string };
  readonly invocations: readonly InvocationRecord[];
  /** Records sent to the on-failure destination. */
  readonly failures: readonly DestinationRecord[];
  /** Records sent to the on-success destination. */
  readonly successes: readonly DestinationRecord[];
  stats(): LambdaRuntimeStats;
  /** Resolves when nothing is queued, running or waiting for a retry. */
  idle(): Promise<void>;
  /** Cancels pending retries and drops queued events. */
  close(): void;
}

interface PendingEvent {
  readonly requestId: string;
  readonly payload: unknown;
  readonly receivedAtMs: number;
  attempts: number;
  waited: boolean;
  expiry: NodeJS.Timeout | null;
  lastError: InvocationError | null;
}

const DEFAULT_RETRY_DELAYS = [60_000, 120_000] as const;

const checkRange = (name: string, value: number, min: number, max: number): number => {
  if (!Number.isFinite(value) || value < min || value > max)
    throw new RangeError(`${name} must be between ${min} and ${max}, not ${value}`);
  return value;
};

/** Turns whatever a handler threw into Lambda's `{errorType, errorMessage, trace}`. */
export const toInvocationError = (error: unknown): InvocationError => {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').map((line) => line.trim()),
    };
  }
  return { errorType: typeof error, errorMessage: String(error) };
};

class TimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
}

/** Creates a runtime for one function. */
export const createLambdaRuntime = (options: LambdaRuntimeOptions): LambdaRuntime => {
  const functionName = options.functionName ?? 'ecr-lambda-guard';
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '123456789012';
  const functionArn = `arn:aws:lambda:${region}:${account}:function:${functionName}`;
  const concurrency = checkRange('reservedConcurrency', options.reservedConcurrency ?? 1000, 0, 1_000_000);
  const maxRetries = checkRange('maximumRetryAttempts', options.maximumRetryAttempts ?? 2, 0, 2);
  if (!Number.isInteger(maxRetries)) throw new RangeError('maximumRetryAttempts must be an integer');
  const maxAgeMs = checkRange('maximumEventAgeSeconds', options.maximumEventAgeSeconds ?? 21_600, 60, 21_600) * 1000;
  const timeoutSeconds = checkRange('timeoutSeconds', options.timeoutSeconds ?? 3, 0.001, 900);
  const memory = options.memorySizeMb ?? 128;
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
  const retryDelay = (retry: number): number => (typeof delays === 'number' ? delays : (delays[retry - 1] ?? delays.at(-1) ?? 0));

  const queue: PendingEvent[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const invocations: InvocationRecord[] = [];
  const failures: DestinationRecord[] = [];
  const successes: DestinationRecord[] = [];
  let idleWaiters: (() => void)[] = [];
  let outstanding = 0;
  let inFlight = 0;
  let closed = false;
  const counters = {
    received: 0,
    invocations: 0,
    succeeded: 0,
    errors: 0,
    timeouts: 0,
    retries: 0,
    throttled: 0,
    failed: 0,
    expired: 0,
    maxConcurrent: 0,
  };

  const settle = (pending: PendingEvent): void => {
    if (pending.expiry !== null) {
      clearTimeout(pending.expiry);
      timers.delete(pending.expiry);
    }
    outstanding -= 1;
    if (outstanding === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
  };

  const record = (
    pending: PendingEvent,
    condition: DestinationRecord['requestContext']['condition'],
    response: unknown,
  ): DestinationRecord => ({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: pending.requestId,
      functionArn: `${functionArn}:$LATEST`,
      condition,
      approximateInvokeCount: pending.attempts,
    },
    requestPayload: pending.payload,
    ...(pending.attempts === 0
      ? {}
      : {
          responseContext: {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(condition === 'Success' ? {} : { functionError: 'Unhandled' as const }),
          },
          responsePayload: response,
        }),
  });

  const giveUp = (pending: PendingEvent, condition: 'RetriesExhausted' | 'EventAgeExceeded'): void => {
    counters.failed += 1;
    if (condition === 'EventAgeExceeded') counters.expired += 1;
    const failure = record(pending, condition, pending.lastError);
    failures.push(failure);
    options.onFailure?.(failure);
    settle(pending);
  };

  const contextFor = (pending: PendingEvent, deadline: number): Context => {
    const date = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const refuse = (): never => {
      throw new Error('callback-style completion (done/fail/succeed) is not supported; return a promise');
    };
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn,
      memoryLimitInMB: String(memory),
      awsRequestId: pending.requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `${date}/[$LATEST]${randomBytes(16).toString('hex')}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: refuse,
      fail: refuse,
      succeed: refuse,
    };
  };

  const run = async (pending: PendingEvent): Promise<void> => {
    pending.attempts += 1;
    counters.invocations += 1;
    const startedAtEpochMs = Date.now();
    const deadline = startedAtEpochMs + timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TimeoutError(
              `${new Date().toISOString()} ${pending.requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
            ),
          ),
        timeoutSeconds * 1000,
      );
    });
    const execution = Promise.resolve().then(() => options.handler(pending.payload, contextFor(pending, deadline)));
    // A timed-out handler keeps running (Lambda freezes it); its late outcome is ignored.
    execution.catch(() => undefined);
    try {
      const result = await Promise.race([execution, timeout]);
      invocations.push({
        requestId: pending.requestId,
        attempt: pending.attempts,
        startedAtEpochMs,
        endedAtEpochMs: Date.now(),
        outcome: 'success',
      });
      counters.succeeded += 1;
      const success = record(pending, 'Success', result ?? null);
      successes.push(success);
      options.onSuccess?.(success);
      settle(pending);
    } catch (error) {
      const timedOut = error instanceof TimeoutError;
      pending.lastError = timedOut ? { errorType: 'Sandbox.Timedout', errorMessage: error.message } : toInvocationError(error);
      invocations.push({
        requestId: pending.requestId,
        attempt: pending.attempts,
        startedAtEpochMs,
        endedAtEpochMs: Date.now(),
        outcome: timedOut ? 'timeout' : 'error',
        error: pending.lastError,
      });
      if (timedOut) counters.timeouts += 1;
      else counters.errors += 1;
      scheduleRetry(pending);
    } finally {
      clearTimeout(timer);
    }
  };

  const pump = (): void => {
    while (!closed && inFlight < concurrency && queue.length > 0) {
      const pending = queue.shift();
      if (pending === undefined) break;
      if (Date.now() - pending.receivedAtMs > maxAgeMs) {
        giveUp(pending, 'EventAgeExceeded');
        continue;
      }
      inFlight += 1;
      counters.maxConcurrent = Math.max(counters.maxConcurrent, inFlight);
      void run(pending).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
    for (const waiting of queue) {
      if (!waiting.waited) {
        waiting.waited = true;
        counters.throttled += 1;
      }
    }
  };

  const enqueue = (pending: PendingEvent): void => {
    queue.push(pending);
    pump();
  };

  function scheduleRetry(pending: PendingEvent): void {
    const retry = pending.attempts;
    if (closed || retry > maxRetries) {
      giveUp(pending, 'RetriesExhausted');
      return;
    }
    const delay = retryDelay(retry);
    if (Date.now() + delay - pending.receivedAtMs > maxAgeMs) {
      giveUp(pending, 'EventAgeExceeded');
      return;
    }
    counters.retries += 1;
    const timer = setTimeout(() => {
      timers.delete(timer);
      pending.waited = false;
      enqueue(pending);
    }, delay);
    timers.add(timer);
  }

  return {
    functionArn,
    invoke: (event) => {
      if (closed) throw new Error(`${functionName} is closed`);
      const pending: PendingEvent = {
        requestId: randomUUID(),
        payload: event,
        receivedAtMs: Date.now(),
        attempts: 0,
        waited: false,
        expiry: null,
        lastError: null,
      };
      counters.received += 1;
      outstanding += 1;
      // An event still queued when it reaches the maximum age is dropped then, not when a slot frees up.
      pending.expiry = setTimeout(() => {
        const index = queue.indexOf(pending);
        if (index !== -1) {
          queue.splice(index, 1);
          giveUp(pending, 'EventAgeExceeded');
        }
      }, maxAgeMs);
      // Only a queued event needs this timer; it must not keep an otherwise finished process alive.
      pending.expiry.unref();
      timers.add(pending.expiry);
      enqueue(pending);
      return { requestId: pending.requestId };
    },
    invocations,
    failures,
    successes,
    stats: () => ({ ...counters, inFlight, queued: queue.length }),
    idle: () => (outstanding === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      queue.length = 0;
      outstanding = 0;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const waiter of waiters) waiter();
    },
  };
};
