/**
 * The built guard on a local stack, behind the real rule, with the ECR client that pushes to it: the
 * one way the end-to-end, fault and hostile suites start a guard. Each suite adds its own options.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { localEcrClient } from '../../fixtures/push-fixture.js';
import type { EventBridgeEvent } from '../../local/event-bus.js';
import { type GuardStack, type GuardStackOptions, startGuardStack } from '../../local/guard-stack.js';
import type { LambdaRuntime } from '../../local/lambda-runtime.js';
import type { LocalEndpoint } from '../../local/server.js';

/** The repository the suites push to. */
export const REPOSITORY = 'orders-service';

/** A guard stack, the ECR client that pushes to it, and its Lambda runtime (never null here). */
export interface GuardHarness {
  readonly guard: GuardStack;
  readonly endpoint: LocalEndpoint;
  readonly runtime: LambdaRuntime;
  readonly ecr: ECRClient;
  close(): Promise<void>;
}

/** Starts the built guard with Lambda retries after 20 ms and 40 ms (unless `options.runtime` says otherwise). */
export const startGuard = async (options: GuardStackOptions = {}): Promise<GuardHarness> => {
  const guard = await startGuardStack({ ...options, runtime: { retryDelaysMs: [20, 40], ...options.runtime } });
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

/** The `ECR Image Action` event the endpoint emitted for a tag (the first one). */
export const pushEventFor = (guard: GuardStack, tag: string): EventBridgeEvent => {
  const found = guard.stack.bus.events.find((record) => record.event.detail['image-tag'] === tag);
  if (found === undefined) throw new Error(`no push event for tag ${tag}`);
  return found.event;
};
