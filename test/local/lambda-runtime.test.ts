import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLambdaRuntime, type DestinationRecord } from '../../local/lambda-runtime.js';

const failing = (message: string) => async (): Promise<unknown> => {
  throw new TypeError(message);
};

describe('Lambda async-invoke runtime', () => {
  it('runs the handler with a Lambda-like context and records a success', async () => {
    // Prepare
    let seen: { event: unknown; context: Context | null; remaining: number } = { event: null, context: null, remaining: -1 };
    const runtime = createLambdaRuntime({
      functionName: 'guard',
      timeoutSeconds: 10,
      handler: async (event, context) => {
        seen = { event, context, remaining: context.getRemainingTimeInMillis() };
        return { tagged: 1 };
      },
    });

    // Act
    const { requestId } = runtime.invoke({ hello: 'world' });
    await runtime.idle();

    // Assess
    expect(seen.event).toEqual({ hello: 'world' });
    expect(seen.context).toMatchObject({
      awsRequestId: requestId,
      functionName: 'guard',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:guard',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/guard',
    });
    expect(seen.remaining).toBeGreaterThan(0);
    expect(seen.remaining).toBeLessThanOrEqual(10_000);
    expect(runtime.successes[0]?.requestContext.condition).toBe('Success');
    expect(runtime.successes[0]?.responsePayload).toEqual({ tagged: 1 });
    expect(runtime.stats()).toMatchObject({ received: 1, invocations: 1, succeeded: 1, failed: 0 });
  });

  it.each([0, 1, 2])('retries a failing handler %i time(s), then sends the on-failure record', async (retries) => {
    // Prepare
    const destination: DestinationRecord[] = [];
    const runtime = createLambdaRuntime({
      handler: failing('registry unavailable'),
      maximumRetryAttempts: retries,
      retryDelaysMs: 5,
      onFailure: (record) => destination.push(record),
    });

    // Act
    const { requestId } = runtime.invoke({ id: 'event-1' });
    await runtime.idle();

    // Assess
    expect(runtime.invocations.map((invocation) => [invocation.attempt, invocation.outcome, invocation.requestId])).toEqual(
      Array.from({ length: retries + 1 }, (_, index) => [index + 1, 'error', requestId]),
    );
    expect(destination).toHaveLength(1);
    expect(destination[0]).toMatchObject({
      version: '1.0',
      requestContext: {
        requestId,
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ecr-lambda-guard:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: retries + 1,
      },
      requestPayload: { id: 'event-1' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'TypeError', errorMessage: 'registry unavailable' },
    });
    expect(runtime.stats()).toMatchObject({ invocations: retries + 1, retries, errors: retries + 1, failed: 1 });
  });

  it('stops retrying once an attempt succeeds', async () => {
    // Prepare
    let attempts = 0;
    const runtime = createLambdaRuntime({
      retryDelaysMs: [1, 1],
      handler: async () => {
        attempts += 1;
        if (attempts < 2) throw new Error('transient');
        return 'ok';
      },
    });

    // Act
    runtime.invoke({});
    await runtime.idle();

    // Assess
    expect(runtime.invocations.map((invocation) => invocation.outcome)).toEqual(['error', 'success']);
    expect(runtime.failures).toEqual([]);
  });

  it('times a slow handler out the way Lambda reports it', async () => {
    // Prepare
    const runtime = createLambdaRuntime({
      timeoutSeconds: 0.02,
      maximumRetryAttempts: 0,
      handler: () => new Promise(() => undefined),
    });

    // Act
    runtime.invoke({});
    await runtime.idle();

    // Assess
    expect(runtime.invocations[0]?.outcome).toBe('timeout');
    expect(runtime.failures[0]?.responsePayload).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 0\.02 seconds$/),
    });
  });

  it('drops an event whose next retry would come after the maximum event age', async () => {
    // Prepare
    const runtime = createLambdaRuntime({
      handler: failing('nope'),
      maximumEventAgeSeconds: 60,
      retryDelaysMs: 61_000,
    });

    // Act
    runtime.invoke({});
    await runtime.idle();

    // Assess
    expect(runtime.invocations).toHaveLength(1);
    expect(runtime.failures[0]?.requestContext.condition).toBe('EventAgeExceeded');
    expect(runtime.stats().expired).toBe(1);
  });

  it('never runs more invocations at once than the reserved concurrency', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let running = 0;
    let peak = 0;
    const runtime = createLambdaRuntime({
      reservedConcurrency: 2,
      handler: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await gate;
        running -= 1;
      },
    });

    // Act
    for (let index = 0; index < 6; index += 1) runtime.invoke({ index });
    const queuedWhileBlocked = runtime.stats().queued;
    release();
    await runtime.idle();

    // Assess
    expect(queuedWhileBlocked).toBe(4);
    expect(peak).toBe(2);
    expect(runtime.stats()).toMatchObject({ maxConcurrent: 2, throttled: 4, succeeded: 6 });
  });

  it('reports a non-Error throw with its type', async () => {
    // Prepare
    const runtime = createLambdaRuntime({
      maximumRetryAttempts: 0,
      handler: async () => {
        throw 'plain string';
      },
    });

    // Act
    runtime.invoke({});
    await runtime.idle();

    // Assess
    expect(runtime.failures[0]?.responsePayload).toEqual({ errorType: 'string', errorMessage: 'plain string' });
  });

  it.each([
    { name: 'maximumRetryAttempts 3', options: { maximumRetryAttempts: 3 } },
    { name: 'maximumRetryAttempts 1.5', options: { maximumRetryAttempts: 1.5 } },
    { name: 'maximumEventAgeSeconds 59', options: { maximumEventAgeSeconds: 59 } },
    { name: 'maximumEventAgeSeconds 21601', options: { maximumEventAgeSeconds: 21_601 } },
    { name: 'timeoutSeconds 901', options: { timeoutSeconds: 901 } },
  ])('refuses $name', ({ options }) => {
    // Act
    const create = () => createLambdaRuntime({ handler: async () => undefined, ...options });

    // Assess
    expect(create).toThrow(RangeError);
  });
});
