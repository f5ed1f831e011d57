import { randomBytes } from 'node:crypto';

/**
 * A role a member account holds for the guard, with the trust the member template declares: one
 * principal (the central guard's role ARN) and the organization id (`aws:PrincipalOrgID`).
 */
export interface MemberRole {
  readonly account: string;
  readonly roleName: string;
  /** The one principal the trust policy names: `arn:aws:iam::<central>:role/<guard role>`. */
  readonly trustedPrincipal: string;
  /** The `aws:PrincipalOrgID` the trust policy requires. */
  readonly organizationId: string;
}

/** Who a request comes from: its account and, for an assumed role, the role it acts as. */
export interface Caller {
  readonly account: string;
  /** The role ARN (`arn:aws:iam::<account>:role/<name>`) behind the caller's session. */
  readonly roleArn: string;
}

/** Credentials the local STS issued. */
export interface IssuedSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly assumedRoleArn: string;
  /** Who the session acts as: the member account and its role. */
  readonly identity: Caller;
  /** Who asked for it. */
  readonly caller: Caller;
}

/** Why an AssumeRole is refused, in STS's words. */
export type AssumeRoleResult =
  | { readonly ok: true; readonly session: IssuedSession }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/** The local organization's identities: which account each access key belongs to, and the member roles. */
export interface Identities {
  /** The account and role behind an access key; unknown keys are the default caller (the guard's role). */
  callerOf(accessKeyId: string | null): Caller;
  /** STS AssumeRole: the trust rule of the member template, enforced (principal + organization). */
  assumeRole(caller: Caller, roleArn: string, sessionName: string, durationSeconds: number): AssumeRoleResult;
  /** The organization each account belongs to (`null`: none), for `aws:PrincipalOrgID`. */
  organizationOf(account: string): string | null;
  /** Sessions issued so far. */
  readonly sessions: readonly IssuedSession[];
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/([\w+=,.@-]{1,64})$/;
// API_AssumeRole: RoleSessionName is 2-64 characters of [\w+=,.@-]; DurationSeconds 900 to 43200.
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The access key a local pusher (`local push --account`) signs with: the router sends its requests
 * to that account, as if it were a CI role there. Never issued by the local STS.
 */
export const pusherAccessKey = (account: string): string => `LOCAL${account}`;
const PUSHER_KEY = /^LOCAL(\d{12})$/;

const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** Creates the identities of a local organization. */
export const createIdentities = (options: {
  /** The caller of every request signed with a key this STS did not issue (the guard's own role). */
  readonly defaultCaller: Caller;
  /** Accounts by organization id. */
  readonly organizations: Readonly<Record<string, readonly string[]>>;
  readonly roles: readonly MemberRole[];
  readonly now?: () => number;
}): Identities => {
  const now = options.now ?? Date.now;
  const sessions: IssuedSession[] = [];
  const byKey = new Map<string, IssuedSession>();
  const organizationOf = (account: string): string | null => {
    for (const [id, accounts] of Object.entries(options.organizations)) if (accounts.includes(account)) return id;
    return null;
  };
  return {
    callerOf: (accessKeyId) => {
      const pusher = accessKeyId === null ? null : PUSHER_KEY.exec(accessKeyId);
      if (pusher?.[1] !== undefined) return { account: pusher[1], roleArn: `arn:aws:iam::${pusher[1]}:role/local-pusher` };
      const session = accessKeyId === null ? undefined : byKey.get(accessKeyId);
      // An expired session signs like any unknown key would: as nobody the member trusts.
      if (session === undefined || session.expiration.getTime() <= now()) return options.defaultCaller;
      return session.identity;
    },
    assumeRole: (caller, roleArn, sessionName, durationSeconds) => {
      const parsed = ROLE_ARN.exec(roleArn);
      if (parsed === null) {
        return { ok: false, status: 400, code: 'ValidationError', message: `${roleArn} is not a valid role ARN` };
      }
      if (!SESSION_NAME.test(sessionName)) {
        return {
          ok: false,
          status: 400,
          code: 'ValidationError',
          message: 'RoleSessionName must be 2-64 characters of [\\w+=,.@-]',
        };
      }
      if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43_200) {
        return { ok: false, status: 400, code: 'ValidationError', message: 'DurationSeconds must be from 900 to 43200' };
      }
      const [, account = '', roleName = ''] = parsed;
      const role = options.roles.find((candidate) => candidate.account === account && candidate.roleName === roleName);
      // AWS answers a missing role and a refused trust alike, so as not to reveal which roles exist.
      const trusted =
        role !== undefined && role.trustedPrincipal === caller.roleArn && organizationOf(caller.account) === role.organizationId;
      if (!trusted) {
        return {
          ok: false,
          status: 403,
          code: 'AccessDenied',
          message: `User: arn:aws:sts::${caller.account}:assumed-role/${caller.roleArn.split('/').at(-1)}/local is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        };
      }
      const session: IssuedSession = {
        accessKeyId: `ASIA${token(12)
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, 'X')
          .slice(0, 16)}`,
        secretAccessKey: token(30),
        sessionToken: token(48),
        expiration: new Date(now() + durationSeconds * 1000),
        assumedRoleArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
        identity: { account, roleArn: `arn:aws:iam::${account}:role/${roleName}` },
        caller,
      };
      sessions.push(session);
      byKey.set(session.accessKeyId, session);
      return { ok: true, session };
    },
    organizationOf,
    sessions,
  };
};
