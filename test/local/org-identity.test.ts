import { describe, expect, it } from 'vitest';
import { createIdentities, pusherAccessKey } from '../../local/org/identity.js';

const CENTRAL = '111111111111';
const MEMBER = '222222222222';
const OUTSIDE = '999999999999';
const GUARD_ROLE = `arn:aws:iam::${CENTRAL}:role/ecr-lambda-guard-central`;
const MEMBER_ROLE = `arn:aws:iam::${MEMBER}:role/ecr-lambda-guard-member`;

const identities = (now = () => 1_000_000) =>
  createIdentities({
    defaultCaller: { account: CENTRAL, roleArn: GUARD_ROLE },
    organizations: { 'o-abcdef1234': [CENTRAL, MEMBER] },
    roles: [
      { account: MEMBER, roleName: 'ecr-lambda-guard-member', trustedPrincipal: GUARD_ROLE, organizationId: 'o-abcdef1234' },
    ],
    now,
  });

describe('the local STS: the member template’s trust rule', () => {
  it('lets the guard role of the organization assume the member role, and signs later requests as that account', () => {
    // Prepare
    const local = identities();

    // Act
    const result = local.assumeRole({ account: CENTRAL, roleArn: GUARD_ROLE }, MEMBER_ROLE, 'ecr-lambda-guard', 3600);

    // Assess
    if (!result.ok) throw new Error(result.message);
    expect(result.session.assumedRoleArn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/ecr-lambda-guard-member/ecr-lambda-guard`);
    expect(result.session.expiration.getTime()).toBe(1_000_000 + 3_600_000);
    expect(local.callerOf(result.session.accessKeyId)).toEqual({ account: MEMBER, roleArn: MEMBER_ROLE });
    expect(local.callerOf('AKIDSOMETHINGELSE')).toEqual({ account: CENTRAL, roleArn: GUARD_ROLE });
  });

  it.each([
    {
      name: 'another role of the central account',
      caller: { account: CENTRAL, roleArn: `arn:aws:iam::${CENTRAL}:role/admin` },
      role: MEMBER_ROLE,
    },
    {
      name: 'the same role name outside the organization',
      caller: { account: OUTSIDE, roleArn: `arn:aws:iam::${OUTSIDE}:role/ecr-lambda-guard-central` },
      role: MEMBER_ROLE,
    },
    {
      name: 'a role that does not exist',
      caller: { account: CENTRAL, roleArn: GUARD_ROLE },
      role: `arn:aws:iam::${MEMBER}:role/other`,
    },
    {
      name: 'an account without the member template',
      caller: { account: CENTRAL, roleArn: GUARD_ROLE },
      role: `arn:aws:iam::${OUTSIDE}:role/ecr-lambda-guard-member`,
    },
  ])('refuses $name with AccessDenied', ({ caller, role }) => {
    const result = identities().assumeRole(caller, role, 'ecr-lambda-guard', 3600);
    expect(result).toMatchObject({ ok: false, status: 403, code: 'AccessDenied' });
    expect(result.ok ? '' : result.message).toContain(`is not authorized to perform: sts:AssumeRole on resource: ${role}`);
  });

  it.each([
    { roleArn: 'not-an-arn', session: 'ecr-lambda-guard', duration: 3600 },
    { roleArn: MEMBER_ROLE, session: 'x', duration: 3600 },
    { roleArn: MEMBER_ROLE, session: 'ecr-lambda-guard', duration: 60 },
  ])('validates the request like STS: $roleArn / $session / $duration', ({ roleArn, session, duration }) => {
    expect(identities().assumeRole({ account: CENTRAL, roleArn: GUARD_ROLE }, roleArn, session, duration)).toMatchObject({
      ok: false,
      status: 400,
      code: 'ValidationError',
    });
  });

  it('forgets a session once it expires', () => {
    // Prepare
    let clock = 0;
    const local = identities(() => clock);
    const result = local.assumeRole({ account: CENTRAL, roleArn: GUARD_ROLE }, MEMBER_ROLE, 'ecr-lambda-guard', 900);
    if (!result.ok) throw new Error(result.message);

    // Act
    clock = 900_000;

    // Assess
    expect(local.callerOf(result.session.accessKeyId).account).toBe(CENTRAL);
  });

  it('signs a local pusher as the account its key names', () => {
    expect(identities().callerOf(pusherAccessKey(OUTSIDE))).toEqual({
      account: OUTSIDE,
      roleArn: `arn:aws:iam::${OUTSIDE}:role/local-pusher`,
    });
    expect(identities().organizationOf(OUTSIDE)).toBeNull();
  });
});
