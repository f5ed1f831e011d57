import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/config/load-config.js';

const BASE = { GUARD_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:ecr-lambda-guard' } as const;
const ORG = { ...BASE, GUARD_MEMBER_ROLE_NAME: 'ecr-lambda-guard-member', GUARD_HOME_ACCOUNT: '111111111111' } as const;

describe('loadConfig: organization mode', () => {
  it('is off without a member role name', () => {
    expect(loadConfig(BASE).organization).toBeNull();
  });

  it('reads the role, the home account, the accounts and their aliases', () => {
    // Act
    const organization = loadConfig({
      ...ORG,
      GUARD_MEMBER_ACCOUNTS: '222222222222, 333333333333',
      GUARD_ACCOUNT_ALIASES: '222222222222=payments,333333333333=data-lake',
    }).organization;

    // Assess
    expect(organization?.memberRoleName).toBe('ecr-lambda-guard-member');
    expect(organization?.homeAccount).toBe('111111111111');
    expect([...(organization?.memberAccounts ?? [])]).toEqual(['222222222222', '333333333333']);
    expect([...(organization?.aliases ?? [])]).toEqual([
      ['222222222222', 'payments'],
      ['333333333333', 'data-lake'],
    ]);
    expect(loadConfig(ORG).organization?.memberAccounts).toBeNull();
  });

  it.each([
    { env: { ...BASE, GUARD_MEMBER_ACCOUNTS: '222222222222' }, message: 'GUARD_MEMBER_ACCOUNTS needs GUARD_MEMBER_ROLE_NAME' },
    { env: { ...ORG, GUARD_HOME_ACCOUNT: '' }, message: 'GUARD_HOME_ACCOUNT must be the guard' },
    { env: { ...ORG, GUARD_MEMBER_ROLE_NAME: 'a role' }, message: 'is not an IAM role name' },
    { env: { ...ORG, GUARD_MEMBER_ACCOUNTS: '2222' }, message: '"2222" is not a 12-digit account id' },
    { env: { ...ORG, GUARD_ACCOUNT_ALIASES: '222222222222:payments' }, message: 'is not <12-digit account id>=<account alias>' },
    { env: { ...ORG, GUARD_ACCOUNT_ALIASES: '222222222222=Pay Ments' }, message: 'is not <12-digit account id>=<account alias>' },
  ])('refuses $message', ({ env, message }) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
