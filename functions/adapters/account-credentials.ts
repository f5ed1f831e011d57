import { GuardError } from '../app/guard-error.js';
import { toGuardError } from './aws-error.js';
import type { AssumedRole, AssumeRole } from './sts-assume-role.js';

/** Credentials as SDK clients take them from a provider. */
export interface AccountCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Options of {@link createAccountCredentials}. */
export interface AccountCredentialsOptions {
  /** The role the member template creates in every member account. */
  readonly roleName: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: the partition of the role ARNs. */
  readonly partition: string;
  /** Loads the STS client on first use (a sibling file of the bundle). */
  readonly loadAssumeRole: () => Promise<AssumeRole>;
  readonly now?: () => number;
  /** Credentials closer than this to their expiry are renewed before use (default 5 minutes). */
  readonly refreshMarginMs?: number;
}

/** The session name member accounts see in CloudTrail for the guard's calls. */
export const GUARD_SESSION_NAME = 'ecr-lambda-guard';

const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const ASSUMED_ACCOUNT = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\//;

/**
 * Credentials of the member role, per account: one AssumeRole per account and cold start while the
 * session lasts (one hour, STS's default), shared by concurrent callers, renewed shortly before
 * expiry. A refusal is retryable (the trust may be fixed, or the StackSet not yet rolled out, before
 * Lambda's retries end) and names the role; an answer for another account is never used.
 * Credentials are never logged or put into an error message.
 */
export const createAccountCredentials = (options: AccountCredentialsOptions) => {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  const cache = new Map<string, Promise<AccountCredentials>>();
  let sessions = 0;

  const assume = async (account: string): Promise<AccountCredentials> => {
    const roleArn = `arn:${options.partition}:iam::${account}:role/${options.roleName}`;
    let assumed: AssumedRole;
    try {
      sessions += 1;
      assumed = await (await options.loadAssumeRole())(roleArn, GUARD_SESSION_NAME);
    } catch (error) {
      const mapped = toGuardError(error, `cannot assume ${roleArn}`);
      // Throttling and outages keep their codes; any other refusal is a trust or deployment problem.
      if (mapped.code === 'THROTTLED' || mapped.code === 'UNAVAILABLE' || mapped.code === 'TIMEOUT') throw mapped;
      throw new GuardError('CANNOT_ASSUME_ROLE', mapped.message, true, { cause: error });
    }
    const actual = ASSUMED_ACCOUNT.exec(assumed.assumedRoleArn)?.[1];
    if (actual !== account) {
      throw new GuardError(
        'ACCOUNT_MISMATCH',
        `assuming ${roleArn} gave credentials for account ${actual ?? 'unknown'}, not ${account}; nothing was read or tagged`,
        false,
      );
    }
    return {
      accessKeyId: assumed.accessKeyId,
      secretAccessKey: assumed.secretAccessKey,
      sessionToken: assumed.sessionToken,
      expiration: assumed.expiration,
    };
  };

  const forAccount = async (account: string): Promise<AccountCredentials> => {
    const cached = cache.get(account);
    if (cached !== undefined) {
      const credentials = await cached.catch(() => undefined);
      if (credentials !== undefined && credentials.expiration.getTime() - now() > margin) return credentials;
      if (cache.get(account) !== cached) return forAccount(account);
    }
    const pending = assume(account);
    cache.set(account, pending);
    // A failed attempt is not remembered: the next event (or Lambda's retry) asks STS again.
    pending.catch(() => {
      if (cache.get(account) === pending) cache.delete(account);
    });
    return pending;
  };

  return {
    /** An SDK credential provider for one account. */
    provider: (account: string) => () => forAccount(account),
    forAccount,
    /** AssumeRole calls made so far (tests and the benchmark). */
    sessions: () => sessions,
  };
};
