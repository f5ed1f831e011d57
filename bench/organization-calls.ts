import type { OrgStack } from '../local/org/org-stack.js';
import type { LocalEndpoint } from '../local/server.js';
import type { TimedCall, Wave } from './wave-analysis.js';

/** What the guard called after `mark`: ECR and STS through the router, blobs and SNS at the endpoints. */
export const guardCalls = (org: OrgStack, endpoints: readonly LocalEndpoint[], mark: number): TimedCall[] => [
  ...org.router.calls.filter((call) => call.startedAt >= mark),
  ...endpoints.flatMap((endpoint) =>
    endpoint.calls
      .list()
      .filter((call) => call.startedAt >= mark && ['blob', 'sns', 'secretsmanager', 'slack'].includes(call.service)),
  ),
];

/**
 * The check of the pushed tag ends with its tag writes; the guard tags it wrote are pushes of their
 * own, checked by later invocations that are not this push's round trips.
 */
export const untilTagWrite = (waves: readonly Wave[]): Wave[] => {
  const last = waves.findIndex((wave) => wave.calls.some((name) => name.endsWith(':PutImage')));
  return last === -1 ? [...waves] : waves.slice(0, last + 1);
};
