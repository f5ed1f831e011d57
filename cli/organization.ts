import { pusherAccessKey } from '../local/org/identity.js';
import type { MemberPlacement } from '../local/org/org-stack.js';
import { UsageError } from './usage-error.js';

/** The members `local serve --org` and `demo --org` start with when none is named. */
export const DEFAULT_MEMBERS: readonly MemberPlacement[] = [
  { account: '222222222222', region: 'eu-west-1', alias: 'payments' },
  { account: '222222222222', region: 'us-west-2', alias: 'payments' },
  { account: '333333333333', region: 'eu-west-1', alias: 'data' },
];

/** `--member 222222222222@eu-west-1[=payments]`, repeatable. */
export const parseMembers = (given: readonly string[]): readonly MemberPlacement[] => {
  if (given.length === 0) return DEFAULT_MEMBERS;
  return given.map((text) => {
    const match = /^(\d{12})@([a-z]{2}(?:-[a-z]+)+-\d)(?:=([a-z0-9-]{3,63}))?$/.exec(text);
    if (match === null) throw new UsageError(`--member "${text}" must be <12-digit account>@<region>[=<alias>]`);
    const [, account = '', region = '', alias] = match;
    return alias === undefined ? { account, region } : { account, region, alias };
  });
};

/** Credentials that make the organization's router send a request to `account` (`local push --account`). */
export const pusherCredentials = (account: string): { accessKeyId: string; secretAccessKey: string } => {
  if (!/^\d{12}$/.test(account)) throw new UsageError(`--account "${account}" must be a 12-digit account id`);
  return { accessKeyId: pusherAccessKey(account), secretAccessKey: 'local' };
};
