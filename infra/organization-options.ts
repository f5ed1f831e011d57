import { Token } from 'aws-cdk-lib';
import { GuardConfigError } from './guard-config-error.js';

/** Names both templates agree on; the member template takes them as parameters with these defaults. */
export const ORGANIZATION_DEFAULTS = {
  /** The role the member template creates in every member account, assumed by the guard. */
  memberRoleName: 'ecr-lambda-guard-member',
  /** The guard function's role in the central account, the only principal the member role trusts. */
  guardRoleName: 'ecr-lambda-guard-central',
  /** The central event bus member accounts forward their pushes to. */
  eventBusName: 'ecr-lambda-guard',
} as const;

/**
 * Central mode: one guard serves every account of an AWS Organization. Member accounts deploy the
 * member template (a StackSet), which forwards their pushes to the central bus and creates a role
 * the guard assumes to read and tag images there.
 */
export interface GuardOrganization {
  /** The organization id (`o-…`): the only principals the central bus admits, and the trust condition. */
  readonly organizationId: string;
  /** @default 'ecr-lambda-guard-member' */
  readonly memberRoleName?: string;
  /**
   * The function role's name, fixed so member roles can trust exactly it.
   * @default 'ecr-lambda-guard-central'
   */
  readonly guardRoleName?: string;
  /** @default 'ecr-lambda-guard' */
  readonly eventBusName?: string;
  /**
   * The only accounts the function acts for (a defence behind the bus policy).
   * @default - any account the bus admits
   */
  readonly memberAccounts?: readonly string[];
  /**
   * Names notifications show next to account ids (EventBridge cannot add them to events forwarded
   * to another bus, so they are configured centrally).
   * @default {}
   */
  readonly accountAliases?: Readonly<Record<string, string>>;
}

/** The organization settings with defaults applied and literal values checked. */
export type ResolvedOrganization = Required<Omit<GuardOrganization, 'accountAliases' | 'memberAccounts'>> & {
  readonly memberAccounts: readonly string[];
  readonly accountAliases: Readonly<Record<string, string>>;
};

// Organization ids: `o-` and 10 to 32 lowercase letters or digits (Organizations API, Organization.Id).
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
// IAM role names (API_CreateRole) and event bus names (API_CreateEventBus).
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const ACCOUNT_ID = /^\d{12}$/;
// Account aliases (API_CreateAccountAlias): lowercase letters, digits and single hyphens.
const ALIAS = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

const checked = (value: string, pattern: RegExp, setting: string): string => {
  if (!Token.isUnresolved(value) && !pattern.test(value)) {
    throw new GuardConfigError(`organization.${setting}: "${value}" does not match ${pattern}`);
  }
  return value;
};

/** Applies the defaults and refuses, naming the setting, a value AWS would refuse at deploy time. */
export const resolveOrganization = (organization: GuardOrganization): ResolvedOrganization => {
  const memberAccounts = organization.memberAccounts ?? [];
  for (const account of memberAccounts) checked(account, ACCOUNT_ID, 'memberAccounts');
  const accountAliases = organization.accountAliases ?? {};
  for (const [account, alias] of Object.entries(accountAliases)) {
    checked(account, ACCOUNT_ID, 'accountAliases');
    checked(alias, ALIAS, 'accountAliases');
  }
  return {
    organizationId: checked(organization.organizationId, ORGANIZATION_ID, 'organizationId'),
    memberRoleName: checked(organization.memberRoleName ?? ORGANIZATION_DEFAULTS.memberRoleName, ROLE_NAME, 'memberRoleName'),
    guardRoleName: checked(organization.guardRoleName ?? ORGANIZATION_DEFAULTS.guardRoleName, ROLE_NAME, 'guardRoleName'),
    eventBusName: checked(organization.eventBusName ?? ORGANIZATION_DEFAULTS.eventBusName, BUS_NAME, 'eventBusName'),
    memberAccounts,
    accountAliases,
  };
};
