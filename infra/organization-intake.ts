import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../functions/config/env-names.js';
import { toCdkEventPattern } from './cdk-event-pattern.js';
import { acknowledgeWildcardResource } from './nag-suppressions.js';
import type { ResolvedOrganization } from './organization-options.js';

/** What central mode adds to the guard: a bus for the organization, a rule on it, the right to assume member roles. */
export interface OrganizationIntakeProps {
  readonly organization: ResolvedOrganization;
  /** The guard's pattern (the same as its default-bus rule). */
  readonly eventPattern: Readonly<Record<string, unknown>>;
  /** The function's role. */
  readonly role: iam.Role;
  readonly target: events.IRuleTarget;
}

/** The function's organization-mode variables (names shared with `loadConfig` through `ENV`). */
export const organizationEnvironment = (organization: ResolvedOrganization, homeAccount: string): Record<string, string> => ({
  [ENV.MEMBER_ROLE_NAME]: organization.memberRoleName,
  [ENV.HOME_ACCOUNT]: homeAccount,
  ...(organization.memberAccounts.length === 0 ? {} : { [ENV.MEMBER_ACCOUNTS]: organization.memberAccounts.join(',') }),
  ...(Object.keys(organization.accountAliases).length === 0
    ? {}
    : {
        [ENV.ACCOUNT_ALIASES]: Object.entries(organization.accountAliases)
          .map(([account, alias]) => `${account}=${alias}`)
          .join(','),
      }),
});

/**
 * The central bus, its policy, the guard's rule on it and the AssumeRole grant. The bus admits
 * `events:PutEvents` from any principal of the organization and nobody else (`aws:PrincipalOrgID`,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html); member rules
 * send with their own execution role, which belongs to the organization.
 */
export const createOrganizationIntake = (
  scope: Construct,
  props: OrganizationIntakeProps,
): { readonly bus: events.EventBus; readonly rule: events.Rule } => {
  const { organization } = props;
  const intake = new Construct(scope, 'Organization');
  const bus = new events.EventBus(intake, 'Bus', {
    eventBusName: organization.eventBusName,
    description: 'ECR pushes forwarded by the member accounts of the organization',
  });
  bus.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OrganizationMembersPutEvents',
      principals: [new iam.AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': organization.organizationId } },
    }),
  );
  const rule = new events.Rule(intake, 'PushRule', {
    eventBus: bus,
    description: 'ECR pushes of the member accounts to the watched repositories (guard tags included: the guard verifies them)',
    eventPattern: toCdkEventPattern(props.eventPattern),
    targets: [props.target],
  });
  // The member role's name in any account, and only in accounts of the organization
  // (aws:ResourceOrgID, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
  const memberRoles = Stack.of(scope).formatArn({
    service: 'iam',
    region: '',
    account: '*',
    resource: 'role',
    resourceName: organization.memberRoleName,
  });
  props.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'AssumeMemberRoles',
      actions: ['sts:AssumeRole'],
      resources: [memberRoles],
      conditions: { StringEquals: { 'aws:ResourceOrgID': organization.organizationId } },
    }),
  );
  acknowledgeWildcardResource(
    props.role,
    memberRoles,
    'The guard assumes the member template’s role in whichever member account a push comes from: the account is ' +
      'the wildcard, the role name is fixed, and aws:ResourceOrgID keeps it to accounts of the organization.',
  );
  return { bus, rule };
};
