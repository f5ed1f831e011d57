import { describe, expect, it } from 'vitest';
import { createAccountCredentials, GUARD_SESSION_NAME } from '../../functions/adapters/account-credentials.js';
import type { AssumedRole, AssumeRole } from '../../functions/adapters/sts-assume-role.js';
import { GuardError } from '../../functions/app/guard-error.js';

const MEMBER = '222222222222';
const OTHER = '333333333333';
const HOUR = 60 * 60 * 1000;

/** A recording STS stand-in: answers for the account in the role ARN unless told otherwise. */
const fakeSts = (
  options: { fail?: (roleArn: string) => unknown; answerFor?: string; lifetimeMs?: number; now?: () => number } = {},
) => {
  const calls: { roleArn: string; sessionName: string }[] = [];
  let loads = 0;
  const assume: AssumeRole = async (roleArn, sessionName) => {
    calls.push({ roleArn, sessionName });
    const failure = options.fail?.(roleArn);
    if (failure !== undefined) throw failure;
    const account = options.answerFor ?? roleArn.split(':')[4] ?? '';
    const answer: AssumedRole = {
      accessKeyId: `ASIA${calls.length}`,
      secretAccessKey: `secret-${calls.length}-do-not-log`,
      sessionToken: `token-${calls.length}`,
      expiration: new Date((options.now ?? Date.now)() + (options.lifetimeMs ?? HOUR)),
      assumedRoleArn: `arn:aws:sts::${account}:assumed-role/ecr-lambda-guard-member/${sessionName}`,
    };
    return answer;
  };
  return {
    calls,
    loads: () => loads,
    loadAssumeRole: async () => {
      loads += 1;
      return assume;
    },
  };
};

const sdkError = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });

describe('createAccountCredentials', () => {
  it('assumes the member role once per account, shared by concurrent and later callers', async () => {
    // Prepare
    const sts = fakeSts();
    const credentials = createAccountCredentials({
      roleName: 'ecr-lambda-guard-member',
      partition: 'aws',
      loadAssumeRole: sts.loadAssumeRole,
    });

    // Act
    const [a, b] = await Promise.all([credentials.forAccount(MEMBER), credentials.provider(MEMBER)()]);
    const later = await credentials.forAccount(MEMBER);
    const other = await credentials.forAccount(OTHER);

    // Assess
    expect(sts.calls).toEqual([
      { roleArn: `arn:aws:iam::${MEMBER}:role/ecr-lambda-guard-member`, sessionName: GUARD_SESSION_NAME },
      { roleArn: `arn:aws:iam::${OTHER}:role/ecr-lambda-guard-member`, sessionName: GUARD_SESSION_NAME },
    ]);
    expect(b).toBe(a);
    expect(later).toBe(a);
    expect(other.accessKeyId).not.toBe(a.accessKeyId);
    expect(credentials.sessions()).toBe(2);
  });

  it.each([
    { name: 'well before expiry', elapsedMs: 30 * 60 * 1000, calls: 1 },
    { name: 'inside the refresh margin', elapsedMs: 56 * 60 * 1000, calls: 2 },
    { name: 'after expiry', elapsedMs: 2 * HOUR, calls: 2 },
  ])('renews the session only when it is near expiry: $name', async ({ elapsedMs, calls }) => {
    // Prepare
    let clock = 1_000_000;
    const now = () => clock;
    const sts = fakeSts({ now });
    const credentials = createAccountCredentials({ roleName: 'r', partition: 'aws', loadAssumeRole: sts.loadAssumeRole, now });
    await credentials.forAccount(MEMBER);

    // Act
    clock += elapsedMs;
    await credentials.forAccount(MEMBER);

    // Assess
    expect(sts.calls).toHaveLength(calls);
  });

  it.each([
    {
      name: 'AccessDenied',
      error: sdkError('AccessDenied', 403, 'User is not authorized to perform: sts:AssumeRole'),
      code: 'CANNOT_ASSUME_ROLE',
    },
    { name: 'a missing role', error: sdkError('NoSuchEntity', 404, 'role not found'), code: 'CANNOT_ASSUME_ROLE' },
    { name: 'throttling', error: sdkError('Throttling', 400, 'Rate exceeded'), code: 'THROTTLED' },
    { name: 'an outage', error: sdkError('InternalFailure', 500, 'oops'), code: 'UNAVAILABLE' },
  ])('maps $name to a retryable $code naming the role, and asks again next time', async ({ error, code }) => {
    // Prepare
    let failing = true;
    const sts = fakeSts({ fail: () => (failing ? error : undefined) });
    const credentials = createAccountCredentials({
      roleName: 'ecr-lambda-guard-member',
      partition: 'aws',
      loadAssumeRole: sts.loadAssumeRole,
    });

    // Act
    const failure = await credentials.forAccount(MEMBER).catch((caught: unknown) => caught);
    failing = false;
    const recovered = await credentials.forAccount(MEMBER);

    // Assess
    expect(failure).toBeInstanceOf(GuardError);
    expect(failure).toMatchObject({ code, retryable: true });
    expect((failure as GuardError).message).toContain(`cannot assume arn:aws:iam::${MEMBER}:role/ecr-lambda-guard-member`);
    expect(recovered.accessKeyId).toBe('ASIA2');
  });

  it('never uses credentials STS issued for another account', async () => {
    // Prepare
    const sts = fakeSts({ answerFor: OTHER });
    const credentials = createAccountCredentials({ roleName: 'r', partition: 'aws', loadAssumeRole: sts.loadAssumeRole });

    // Act
    const failure = await credentials.forAccount(MEMBER).catch((caught: unknown) => caught);

    // Assess: permanent, and the secret appears nowhere in what the guard would log
    expect(failure).toMatchObject({ code: 'ACCOUNT_MISMATCH', retryable: false });
    expect((failure as Error).message).toContain(`credentials for account ${OTHER}, not ${MEMBER}`);
    expect(JSON.stringify({ message: (failure as Error).message })).not.toMatch(/secret-|token-|ASIA/);
  });

  it('uses the partition of the guard for the role ARN', async () => {
    // Prepare
    const sts = fakeSts();
    const credentials = createAccountCredentials({ roleName: 'r', partition: 'aws-cn', loadAssumeRole: sts.loadAssumeRole });

    // Act
    await credentials.forAccount(MEMBER).catch(() => undefined);

    // Assess
    expect(sts.calls[0]?.roleArn).toBe(`arn:aws-cn:iam::${MEMBER}:role/r`);
  });
});
