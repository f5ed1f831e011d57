import { ENV } from '../../functions/config/env-names.js';
import { buildEventPattern } from '../../functions/config/event-pattern.js';
import { loadConfig } from '../../functions/config/load-config.js';
import { createEventBus, type EventBridgeEvent, type EventBus } from '../event-bus.js';
import { type GuardStack, type GuardStackOptions, startGuardStack } from '../guard-stack.js';
import { type LocalEndpoint, startLocalEndpoint } from '../server.js';
import { createIdentities, type Identities, type MemberRole } from './identity.js';
import { type OrgRouter, startOrgRouter } from './org-router.js';

/** The central account and Region of the local organization (the single-account stack's). */
export const CENTRAL = { account: '123456789012', region: 'us-east-1' } as const;
/** The local organization's id. */
export const LOCAL_ORGANIZATION_ID = 'o-localorg0001';
/** The role names of the organization templates (infra/organization-options.ts defaults). */
export const GUARD_ROLE_NAME = 'ecr-lambda-guard-central';
export const MEMBER_ROLE_NAME = 'ecr-lambda-guard-member';

/** One member account in one Region. */
export interface MemberPlacement {
  readonly account: string;
  readonly region: string;
  /** Shown next to the account id in notifications (the central `accountAliases`). */
  readonly alias?: string;
  /** `false`: the account's member role trusts some other principal (a broken rollout). Default true. */
  readonly trustsGuard?: boolean;
  /** `false`: the account is outside the organization (its forwarded events are refused by the bus). */
  readonly inOrganization?: boolean;
}

/** Options of {@link startOrgStack}. */
export interface OrgStackOptions extends Omit<GuardStackOptions, 'endpoint'> {
  readonly members: readonly MemberPlacement[];
  /** The router's port (the organization's one endpoint URL); 0 (default) picks a free one. */
  readonly port?: number;
}

/** An event a member bus forwarded and the central bus refused (its policy admits the organization only). */
export interface RefusedEvent {
  readonly event: EventBridgeEvent;
  readonly reason: string;
}

/** A running local organization: member endpoints and buses, the router, the central bus and guard. */
export interface OrgStack {
  readonly guard: GuardStack;
  /** The URL every account's SDK clients use: requests reach the account their credentials belong to. */
  readonly url: string;
  readonly router: OrgRouter;
  readonly identities: Identities;
  /** The endpoint of a member account in a Region (the central account's is `guard.stack.endpoint`). */
  endpoint(account: string, region: string): LocalEndpoint;
  readonly centralBus: EventBus;
  readonly refused: readonly RefusedEvent[];
  idle(): Promise<void>;
  close(): Promise<void>;
}

const key = (account: string, region: string): string => `${account}/${region}`;

/**
 * Starts a local AWS Organization around the built guard, as the organization templates deploy it:
 * each member account and Region has its own endpoint (its own ECR state) whose default bus forwards
 * pushes to the central bus through the member rule's pattern; the central bus admits events from
 * accounts of the organization only; the guard runs in organization mode and reaches member accounts
 * through STS AssumeRole, which enforces the member role's trust (the guard's role ARN and the
 * organization id).
 */
export const startOrgStack = async (options: OrgStackOptions): Promise<OrgStack> => {
  const guardRoleArn = `arn:aws:iam::${CENTRAL.account}:role/${GUARD_ROLE_NAME}`;
  const accounts = [...new Set(options.members.map((member) => member.account))];
  const identities = createIdentities({
    defaultCaller: { account: CENTRAL.account, roleArn: guardRoleArn },
    organizations: {
      [LOCAL_ORGANIZATION_ID]: [
        CENTRAL.account,
        ...options.members.filter((member) => member.inOrganization !== false).map((member) => member.account),
      ],
    },
    roles: accounts.map(
      (account): MemberRole => ({
        account,
        roleName: MEMBER_ROLE_NAME,
        trustedPrincipal: options.members.some((member) => member.account === account && member.trustsGuard === false)
          ? `arn:aws:iam::${CENTRAL.account}:role/someone-else`
          : guardRoleArn,
        organizationId: LOCAL_ORGANIZATION_ID,
      }),
    ),
  });

  const members = new Map<string, LocalEndpoint>();
  for (const member of options.members) {
    if (!members.has(key(member.account, member.region))) {
      members.set(
        key(member.account, member.region),
        await startLocalEndpoint({ account: member.account, region: member.region }),
      );
    }
  }
  let guard: GuardStack | undefined;
  const router = await startOrgRouter({
    identities,
    endpointOf: (account, region) =>
      account === CENTRAL.account && region === CENTRAL.region
        ? guard?.stack.endpoint.url
        : members.get(key(account, region))?.url,
    centralUrl: () => guard?.stack.endpoint.url ?? '',
    ...(options.port === undefined ? {} : { port: options.port }),
  });

  const aliases = options.members
    .filter((member) => member.alias !== undefined)
    .map((member) => `${member.account}=${member.alias}`);
  guard = await startGuardStack({
    ...options,
    env: {
      [ENV.MEMBER_ROLE_NAME]: MEMBER_ROLE_NAME,
      [ENV.HOME_ACCOUNT]: CENTRAL.account,
      ...(aliases.length === 0 ? {} : { [ENV.ACCOUNT_ALIASES]: [...new Set(aliases)].join(',') }),
      // ECR and STS through the router, which picks the account by the request's credentials.
      AWS_ENDPOINT_URL_ECR: router.url,
      AWS_ENDPOINT_URL_STS: router.url,
      ...options.env,
    },
    endpoint: { account: CENTRAL.account, region: CENTRAL.region },
  });
  const runtime = guard.stack.runtime;
  if (runtime === null) throw new Error('the guard stack has no runtime');

  // The central bus and the guard's rule on it: the same pattern as its default-bus rule.
  const config = loadConfig(guard.env);
  const centralBus = createEventBus();
  centralBus.addRule({
    name: 'ecr-push-to-guard',
    pattern: buildEventPattern({ includeRepositories: config.includeRepositories }),
    target: (event) => runtime.invoke(event),
  });
  const refused: RefusedEvent[] = [];
  // The member template's rule: every repository, guard tags included (the guard checks them).
  const memberPattern = buildEventPattern({ includeRepositories: ['*'] });
  for (const endpoint of members.values()) {
    endpoint.bus.addRule({
      name: 'forward-to-central-guard-bus',
      pattern: memberPattern,
      target: (event) => {
        if (identities.organizationOf(event.account) !== LOCAL_ORGANIZATION_ID) {
          refused.push({
            event,
            reason: `AccessDeniedException: ${event.account} is not authorized to perform events:PutEvents on the central bus (aws:PrincipalOrgID)`,
          });
          return;
        }
        centralBus.put(event);
      },
    });
  }

  const running = guard;
  const fingerprint = (): string =>
    [
      ...[...members.values()].map((endpoint) => `${endpoint.bus.events.length}/${endpoint.calls.count()}`),
      centralBus.events.length,
      runtime.stats().received,
      running.stack.endpoint.calls.count(),
    ].join('|');
  const idle = async (): Promise<void> => {
    for (let pass = 0; pass < 1000; pass += 1) {
      const before = fingerprint();
      for (const endpoint of members.values()) await endpoint.idle();
      await centralBus.idle();
      await running.stack.idle();
      const stats = runtime.stats();
      if (before === fingerprint() && stats.inFlight + stats.queued === 0) return;
    }
    throw new Error('the local organization did not settle: events keep coming');
  };

  return {
    guard: running,
    url: router.url,
    router,
    identities,
    endpoint: (account, region) => {
      const found = members.get(key(account, region));
      if (found === undefined) throw new Error(`no member endpoint for ${account} in ${region}`);
      return found;
    },
    centralBus,
    refused,
    idle,
    close: async () => {
      await running.close();
      for (const endpoint of members.values()) await endpoint.close();
      await router.close();
    },
  };
};
