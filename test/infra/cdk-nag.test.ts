import { App, type PolicyViolation, type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { GuardStack, type GuardStackProps } from '../../infra/guard-stack.js';

interface NagResult {
  readonly app: App;
  readonly stack: Stack;
  readonly violations: readonly PolicyViolation[];
}

// AWS Solutions checks over a guard stack, the way `npm run synth` runs them (bundling skipped:
// the rules read the template, not the bundle).
const check = (props: GuardStackProps, extra?: (stack: Stack) => void): NagResult => {
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new GuardStack(app, 'Guard', props);
  extra?.(stack);
  app.synth();
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  return { app, stack, violations: report.violations };
};

const acknowledgements = (stack: Stack): { id: string; reason: string }[] =>
  stack.node
    .findAll()
    .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .map(([id, reason]) => ({ id: id.replace(/^Annotation::/, ''), reason }));

let defaults: NagResult;
let everything: NagResult;
let existingTopic: NagResult;
beforeAll(() => {
  defaults = check({});
  existingTopic = check({
    existingTopic: {
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:platform-alerts',
      keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
    guard: { writeTags: false, slackWebhook: { parameterName: '/guard/slack-webhook' } },
  });
  everything = check({
    guard: {
      watchRepositories: ['team-a/*', 'api', 'ml-*-lambda'],
      deployableTagTemplate: '{tag}-{arch}-deployable',
      slackWebhook: { secretId: 'guard/slack-webhook' },
      slackChannel: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
      emailSubscriptions: ['platform@example.com'],
    },
  });
});

describe('AWS Solutions checks (cdk-nag)', () => {
  it('report no unacknowledged finding, errors or warnings, with every default', () => {
    expect(defaults.violations).toStrictEqual([]);
  });

  it('report no unacknowledged finding with every optional feature on', () => {
    expect(everything.violations).toStrictEqual([]);
  });

  it('report no unacknowledged finding with an existing encrypted topic and a notify-only guard', () => {
    expect(existingTopic.violations).toStrictEqual([]);
  });

  it('acknowledge only the accepted findings, each with a reason a reviewer can check', () => {
    const acknowledged = acknowledgements(everything.stack);
    expect(acknowledged.map((entry) => entry.id).sort()).toStrictEqual(
      [
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/cdk-*-container-assets-*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/ml-*-lambda]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/team-a/*]',
        // The sweep lists the repositories: DescribeRepositories without names is authorised on repository/*.
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*]',
        'AwsSolutions-L1',
        'AwsSolutions-SQS3',
        'AwsSolutions-SQS3',
      ].sort(),
    );
    for (const entry of acknowledged) expect(entry.reason.length).toBeGreaterThan(60);
  });

  it('still report a wildcard the guard did not put there (acknowledgements are narrow)', () => {
    // Prepare: a stray statement with a bare * resource on the guard's own role.
    const result = check({}, (stack) => {
      const guard = stack.node.findChild('Guard');
      const role = guard.node.findChild('ServiceRole');
      if (!(role instanceof iam.Role)) throw new Error('no role');
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:ListImages'], resources: ['*'] }));
    });
    // Assess
    expect(result.violations.map((violation) => violation.ruleName)).toStrictEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
