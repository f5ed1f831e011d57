import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  DefaultStackSynthesizer,
  Fn,
  type IStackSynthesizer,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { buildEventPattern } from '../functions/config/event-pattern.js';
import type { EcrLambdaGuardProps } from './ecr-lambda-guard-props.js';
import { GUARD_ECR_READ_ACTIONS, GUARD_ECR_WRITE_ACTIONS } from './guard-permissions.js';
import { resolveGuardSettings } from './guard-settings.js';
import { ORGANIZATION_DEFAULTS } from './organization-options.js';

/** Settings of the {@link GuardMemberStack}: the central guard's, so the parameters' defaults match it. */
export interface GuardMemberStackProps extends StackProps {
  /** The central guard's props (watched repositories, tag templates). */
  readonly guard?: EcrLambdaGuardProps;
}

/** The template's parameter names, for StackSet command lines and tests. */
export const MEMBER_PARAMETERS = {
  centralAccountId: 'CentralAccountId',
  centralEventBusArn: 'CentralEventBusArn',
  organizationId: 'OrganizationId',
  repositoryPatterns: 'RepositoryPatterns',
  guardTagSuffixes: 'GuardTagSuffixes',
  accountAlias: 'AccountAlias',
  guardRoleName: 'GuardRoleName',
  memberRoleName: 'MemberRoleName',
  roleRegion: 'RoleRegion',
} as const;

// IAM joins lists only with a literal delimiter (Fn::Join), so the repository ARNs are spelled per
// partition; the account is pinned by aws:ResourceAccount instead of the ARN.
const PARTITIONS = ['aws-cn', 'aws-us-gov'] as const;

/**
 * The member account's part of organization mode, small enough for a service-managed StackSet: no
 * Lambda function, no asset, no bootstrap parameter. In every Region it is deployed to: a rule on
 * the default bus forwarding successful ECR pushes (minus the guard's own tags) to the central bus,
 * with the execution role EventBridge needs for a bus in another account. In one Region (the
 * account's IAM is global): the role only the central guard's role may assume, from inside the
 * organization, allowed exactly the guard's ECR actions on the watched repositories.
 */
export class GuardMemberStack extends Stack {
  constructor(scope: Construct, id: string, props: GuardMemberStackProps = {}) {
    super(scope, id, {
      ...props,
      analyticsReporting: false,
      // A StackSet deploys to accounts that were never bootstrapped: no version rule, no assets.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) as unknown as IStackSynthesizer,
    });
    const settings = resolveGuardSettings(props.guard ?? {});

    const centralAccountId = new CfnParameter(this, MEMBER_PARAMETERS.centralAccountId, {
      type: 'String',
      description: 'The account of the central guard',
      allowedPattern: '^\\d{12}$',
    });
    const centralEventBusArn = new CfnParameter(this, MEMBER_PARAMETERS.centralEventBusArn, {
      type: 'String',
      description: 'The central guard’s event bus (output OrganizationEventBusArn of the central stack)',
      allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[/.\\-_A-Za-z0-9]{1,256}$',
    });
    const organizationId = new CfnParameter(this, MEMBER_PARAMETERS.organizationId, {
      type: 'String',
      description: 'The organization id (o-…): the guard is trusted only from inside it',
      allowedPattern: '^o-[a-z0-9]{10,32}$',
    });
    const repositoryPatterns = new CfnParameter(this, MEMBER_PARAMETERS.repositoryPatterns, {
      type: 'CommaDelimitedList',
      description: 'Repositories the guard may read and tag: names and * patterns, as the central guard watches',
      default: settings.watched.join(','),
    });
    // Kept so that StackSets created with it stay valid: guard tags are now forwarded too, because
    // the central guard checks every guard tag, whoever wrote it.
    new CfnParameter(this, MEMBER_PARAMETERS.guardTagSuffixes, {
      type: 'CommaDelimitedList',
      description: 'Suffixes of the tags the guard writes (informational: their pushes are forwarded and checked)',
      default: settings.guardTagSuffixes.join(','),
    });
    const accountAlias = new CfnParameter(this, MEMBER_PARAMETERS.accountAlias, {
      type: 'String',
      description:
        'A name for this account, recorded on the member role (the central guard names accounts by its own accountAliases)',
      default: '',
      allowedPattern: '^$|^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$',
    });
    const guardRoleName = new CfnParameter(this, MEMBER_PARAMETERS.guardRoleName, {
      type: 'String',
      description: 'The central guard function’s role name, the only principal trusted',
      default: ORGANIZATION_DEFAULTS.guardRoleName,
    });
    const memberRoleName = new CfnParameter(this, MEMBER_PARAMETERS.memberRoleName, {
      type: 'String',
      description: 'This role’s name, the same in every account (the guard assumes it by name)',
      default: ORGANIZATION_DEFAULTS.memberRoleName,
    });
    const roleRegion = new CfnParameter(this, MEMBER_PARAMETERS.roleRegion, {
      type: 'String',
      description: 'The one Region whose stack instance creates the account-wide member role (empty: this Region)',
      default: '',
    });

    // The forwarding rule: the central guard's pattern for every repository (a parameter list cannot
    // become EventBridge prefix or wildcard matchers); the central rule and the function narrow it.
    const forwarder = new iam.CfnRole(this, 'ForwardRole', {
      description: 'EventBridge: forward ECR pushes to the central ecr-lambda-guard bus',
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      policies: [
        {
          policyName: 'PutEventsToCentralBus',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: centralEventBusArn.valueAsString }],
          },
        },
      ],
    });
    new events.CfnRule(this, 'ForwardPushes', {
      description: 'Successful ECR pushes, guard tags included, to the central ecr-lambda-guard bus',
      eventPattern: buildEventPattern({ includeRepositories: ['*'] }),
      state: 'ENABLED',
      targets: [{ id: 'CentralGuardBus', arn: centralEventBusArn.valueAsString, roleArn: forwarder.attrArn }],
    });

    // The member role, once per account.
    const createRole = new CfnCondition(this, 'CreateMemberRole', {
      expression: Fn.conditionOr(
        Fn.conditionEquals(roleRegion.valueAsString, ''),
        Fn.conditionEquals(roleRegion.valueAsString, Aws.REGION),
      ),
    });
    const hasAlias = new CfnCondition(this, 'HasAccountAlias', {
      expression: Fn.conditionNot(Fn.conditionEquals(accountAlias.valueAsString, '')),
    });
    const repositoryArns = (partition: string) =>
      Fn.split(
        ',',
        Fn.join('', [
          `arn:${partition}:ecr:*:*:repository/`,
          Fn.join(`,arn:${partition}:ecr:*:*:repository/`, repositoryPatterns.valueAsList),
        ]),
      );
    const [china, govCloud] = PARTITIONS.map(
      (partition) =>
        new CfnCondition(this, partition === 'aws-cn' ? 'InChina' : 'InGovCloud', {
          expression: Fn.conditionEquals(Aws.PARTITION, partition),
        }),
    );
    const resources = Fn.conditionIf(
      china?.logicalId ?? '',
      repositoryArns('aws-cn'),
      Fn.conditionIf(govCloud?.logicalId ?? '', repositoryArns('aws-us-gov'), repositoryArns('aws')),
    );
    const member = new iam.CfnRole(this, 'MemberRole', {
      roleName: memberRoleName.valueAsString,
      description: 'ecr-lambda-guard: the central guard reads and tags ECR images of this account',
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:${Aws.PARTITION}:iam::${centralAccountId.valueAsString}:role/${guardRoleName.valueAsString}` },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId.valueAsString } },
          },
        ],
      },
      policies: [
        {
          policyName: 'ReadAndTagWatchedRepositories',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: [...GUARD_ECR_READ_ACTIONS, ...GUARD_ECR_WRITE_ACTIONS],
                Resource: resources,
                Condition: { StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } },
              },
            ],
          },
        },
      ],
    });
    member.cfnOptions.condition = createRole;
    Validations.of(member).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${JSON.stringify(this.resolve(resources))}]`,
      reason:
        'The wildcards are the RepositoryPatterns parameter (the central guard’s watched repositories) and every Region ' +
        'of this account; aws:ResourceAccount pins the account, so the role reaches no repository outside it.',
    });
    member.addPropertyOverride(
      'Tags',
      Fn.conditionIf(
        hasAlias.logicalId,
        [{ Key: 'ecr-lambda-guard:account-alias', Value: accountAlias.valueAsString }],
        Aws.NO_VALUE,
      ),
    );

    new CfnOutput(this, 'MemberRoleArn', {
      condition: createRole,
      description: 'The role the central guard assumes in this account',
      value: member.attrArn,
    });
  }
}
