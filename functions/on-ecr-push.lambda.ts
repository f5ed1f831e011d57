import type { Context } from 'aws-lambda';
import { createGuard, type EventOutcome, type GuardOptions, handleEvent } from './guard.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A handler over a given environment: the local stack runs the built bundle through this. */
export const createHandler = (env: Env, options: GuardOptions = {}) => {
  const guard = createGuard(env, options);
  let invocations = 0;
  return (event: unknown, context?: Context): Promise<EventOutcome> => {
    invocations += 1;
    const deps = guard({
      ...(context?.awsRequestId === undefined ? {} : { requestId: context.awsRequestId }),
      coldStart: invocations === 1,
      ...(context?.getRemainingTimeInMillis === undefined ? {} : { remainingMs: () => context.getRemainingTimeInMillis() }),
    });
    return handleEvent(deps, event);
  };
};

let cold: ReturnType<typeof createHandler> | undefined;

/** The Lambda entry point: configuration is parsed once, on the first event of a cold start. */
export const handler = (event: unknown, context: Context): Promise<EventOutcome> => {
  cold ??= createHandler(process.env);
  return cold(event, context);
};
