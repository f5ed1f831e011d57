import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/config/env-names.js';
import { GUARD_ECR_READ_ACTIONS, GUARD_ECR_WRITE_ACTIONS } from '../../infra/guard-permissions.js';
import { GuardStack } from '../../infra/guard-stack.js';
import { GuardMemberStack, MEMBER_PARAMETERS } from '../../infra/member-stack.js';
import { ORGANIZATION_DEFAULTS, resolveOrganization } from '../../infra/organization-options.js';
import { CENTRAL_TEMPLATE_FILE, exportFileFor, MEMBER_TEMPLATE_FILE, toPlainTemplate } from '../../infra/plain-template.js';
import { functionEnvironment } from './synth-guard.js';

type Resource = { Type: string; Properties: Record<string, unknown>; Condition?: string };

interface Synthesised {
  readonly stack: Stack;
  readonly template: Template;
  readonly json: { Parameters?: Record<string, unknown>; Resources: Record<string, Resource> };
  readonly violations: readonly unknown[];
}

// The organization variant as `npm run synth -c variant=organization` builds it, AWS Solutions checks included.
const synth = (build: (app: App) => Stack): Synthesised => {
  const app = new App({ builtinCloudFormationValidation: true, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = build(app);
  app.synth();
  const template = Template.fromStack(stack);
  const violations = new AwsSolutionsChecks(app).validateScope(stack).violations;
  return { stack, template, json: template.toJSON() as Synthesised['json'], violations };
};

const ofType = (json: Synthesised['json'], type: string): Resource[] =>
  Object.values(json.Resources).filter((resource) => resource.Type === type);

const guardProps = { watchRepositories: ['team-a/*', 'api'], deployableTagTemplate: '{tag}-ok' };

let member: Synthesised;
let central: Synthesised;
beforeAll(() => {
  member = synth((app) => new GuardMemberStack(app, 'Member', { guard: guardProps }));
  central = synth(
    (app) =>
      new GuardStack(app, 'Central', {
        guard: guardProps,
        organization: { organizationId: 'o-abcdef1234', accountAliases: { '222222222222': 'payments' } },
      }),
  );
});

describe('the member template', () => {
  it('has no function, no asset and no bootstrap parameter: a StackSet deploys it as it is', () => {
    const text = JSON.stringify(member.json);
    expect(ofType(member.json, 'AWS::Lambda::Function')).toEqual([]);
    expect(text).not.toMatch(/cdk-hnb659fds|BootstrapVersion|AssetParameters|S3Key/);
    expect(Object.keys(member.json.Parameters ?? {}).sort()).toStrictEqual(Object.values(MEMBER_PARAMETERS).sort());
    expect(toPlainTemplate(member.json, {}).assets).toEqual([]);
    expect(
      Object.values(member.json.Resources)
        .map((resource) => resource.Type)
        .sort(),
    ).toStrictEqual(['AWS::Events::Rule', 'AWS::IAM::Role', 'AWS::IAM::Role'].sort());
  });

  it('forwards successful pushes, guard tags included, to the central bus with its execution role', () => {
    const [rule] = ofType(member.json, 'AWS::Events::Rule');
    expect(rule?.Properties.EventBusName).toBeUndefined();
    expect(rule?.Properties.EventPattern).toStrictEqual({
      source: ['aws.ecr'],
      'detail-type': ['ECR Image Action'],
      detail: {
        'action-type': ['PUSH'],
        result: ['SUCCESS'],
      },
    });
    expect(rule?.Properties.Targets).toStrictEqual([
      {
        Id: 'CentralGuardBus',
        Arn: { Ref: MEMBER_PARAMETERS.centralEventBusArn },
        RoleArn: { 'Fn::GetAtt': ['ForwardRole', 'Arn'] },
      },
    ]);
    expect(member.json.Parameters?.[MEMBER_PARAMETERS.guardTagSuffixes]).toMatchObject({ Default: '-quarantined,-ok' });
    expect(member.json.Parameters?.[MEMBER_PARAMETERS.repositoryPatterns]).toMatchObject({
      Default: 'team-a/*,api,cdk-*-container-assets-*',
    });
    const forward = member.json.Resources.ForwardRole;
    expect(JSON.stringify(forward?.Properties.Policies)).toBe(
      JSON.stringify([
        {
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: MEMBER_PARAMETERS.centralEventBusArn } }],
          },
          PolicyName: 'PutEventsToCentralBus',
        },
      ]),
    );
  });

  it('creates a role only the central guard role may assume, from inside the organization, once per account', () => {
    const role = member.json.Resources.MemberRole;
    expect(role?.Condition).toBe('CreateMemberRole');
    expect(role?.Properties.RoleName).toStrictEqual({ Ref: MEMBER_PARAMETERS.memberRoleName });
    expect(role?.Properties.AssumeRolePolicyDocument).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            AWS: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':iam::',
                  { Ref: MEMBER_PARAMETERS.centralAccountId },
                  ':role/',
                  { Ref: MEMBER_PARAMETERS.guardRoleName },
                ],
              ],
            },
          },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: MEMBER_PARAMETERS.organizationId } } },
        },
      ],
    });
    expect(member.json.Parameters?.[MEMBER_PARAMETERS.guardRoleName]).toMatchObject({
      Default: ORGANIZATION_DEFAULTS.guardRoleName,
    });
  });

  it('grants exactly the guard’s ECR actions, on the watched repositories of this account only', () => {
    const policies = member.json.Resources.MemberRole?.Properties.Policies as {
      PolicyDocument: { Statement: Record<string, unknown>[] };
    }[];
    const statements = policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(statement?.Action).toStrictEqual([...GUARD_ECR_READ_ACTIONS, ...GUARD_ECR_WRITE_ACTIONS]);
    expect(statement?.Condition).toStrictEqual({ StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } });
    // Every partition's branch turns the pattern list into repository ARNs and nothing else.
    const text = JSON.stringify(statement?.Resource);
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov']) {
      expect(text).toContain(
        `"arn:${partition}:ecr:*:*:repository/",{"Fn::Join":[",arn:${partition}:ecr:*:*:repository/",{"Ref":"RepositoryPatterns"}]}`,
      );
    }
  });

  it('passes the AWS Solutions checks', () => {
    expect(member.violations).toStrictEqual([]);
  });
});

describe('the central guard', () => {
  it('has a bus that admits PutEvents only from the organization, and the guard’s rule on it', () => {
    const [policy] = ofType(central.json, 'AWS::Events::EventBusPolicy');
    expect(policy?.Properties.Statement).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' } },
    });
    // Push rules match events; the sweep's rule runs on a schedule and is counted on its own.
    const allRules = ofType(central.json, 'AWS::Events::Rule');
    const rules = allRules.filter((rule) => rule.Properties.EventPattern !== undefined);
    expect(rules).toHaveLength(2);
    expect(allRules.filter((rule) => rule.Properties.ScheduleExpression !== undefined)).toHaveLength(1);
    const onBus = rules.find((rule) => rule.Properties.EventBusName !== undefined);
    const onDefault = rules.find((rule) => rule.Properties.EventBusName === undefined);
    expect(onBus?.Properties.EventPattern).toStrictEqual(onDefault?.Properties.EventPattern);
    expect(ofType(central.json, 'AWS::Events::EventBus')[0]?.Properties.Name).toBe(ORGANIZATION_DEFAULTS.eventBusName);
  });

  it('may assume the member role by name in accounts of the organization, under the name member roles trust', () => {
    const [role] = ofType(central.json, 'AWS::IAM::Role').filter((r) =>
      JSON.stringify(r.Properties).includes('lambda.amazonaws.com'),
    );
    expect(role?.Properties.RoleName).toBe(ORGANIZATION_DEFAULTS.guardRoleName);
    const statements = ofType(central.json, 'AWS::IAM::Policy').flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
    expect(statements.find((statement) => statement.Sid === 'AssumeMemberRoles')).toStrictEqual({
      Sid: 'AssumeMemberRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${ORGANIZATION_DEFAULTS.memberRoleName}`]] },
      Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abcdef1234' } },
    });
  });

  it('reads and tags the central account’s repositories in every Region (its other Regions forward here)', () => {
    const statements = ofType(central.json, 'AWS::IAM::Policy').flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
    const read = statements.find((statement) => statement.Sid === 'ReadWatchedRepositories');
    expect(JSON.stringify(read?.Resource)).toContain('":ecr:*:",{"Ref":"AWS::AccountId"},":repository/');
  });

  it('tells the function it runs in organization mode', () => {
    const env = functionEnvironment(central.template);
    expect(env[ENV.MEMBER_ROLE_NAME]).toBe(ORGANIZATION_DEFAULTS.memberRoleName);
    expect(env[ENV.HOME_ACCOUNT]).toStrictEqual({ Ref: 'AWS::AccountId' });
    expect(env[ENV.ACCOUNT_ALIASES]).toBe('222222222222=payments');
    expect(env[ENV.MEMBER_ACCOUNTS]).toBeUndefined();
  });

  it('passes the AWS Solutions checks', () => {
    expect(central.violations).toStrictEqual([]);
  });

  it('takes the organization id as a parameter when none is given', () => {
    const parameterised = synth((app) => new GuardStack(app, 'Central', { organization: {} }));
    expect(parameterised.json.Parameters?.OrganizationId).toMatchObject({ AllowedPattern: '^o-[a-z0-9]{10,32}$' });
    expect(parameterised.violations).toStrictEqual([]);
  });
});

describe('organization settings', () => {
  it.each([
    { given: { organizationId: 'o-short' }, message: 'organization.organizationId' },
    { given: { organizationId: 'o-abcdef1234', memberAccounts: ['12'] }, message: 'organization.memberAccounts' },
    {
      given: { organizationId: 'o-abcdef1234', accountAliases: { '222222222222': 'Pay Ments' } },
      message: 'organization.accountAliases',
    },
    { given: { organizationId: 'o-abcdef1234', memberRoleName: 'a role' }, message: 'organization.memberRoleName' },
  ])('refuses $message', ({ given, message }) => {
    expect(() => resolveOrganization(given)).toThrow(message);
  });

  it('exports the organization variant under its own file names', () => {
    expect(exportFileFor('EcrLambdaGuardCentral')).toBe(CENTRAL_TEMPLATE_FILE);
    expect(exportFileFor('EcrLambdaGuardMember')).toBe(MEMBER_TEMPLATE_FILE);
    expect(MEMBER_TEMPLATE_FILE).toContain('member');
  });
});
