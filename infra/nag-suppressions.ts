import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The parts of an {@link EcrLambdaGuard} that AWS Solutions checks flag by design. */
export interface GuardNagFindings {
  /** The function's role, whose policy holds the repository patterns and the KMS grant. */
  readonly role: IConstruct;
  /** The function, pinned to nodejs22.x. */
  readonly handler: IConstruct;
  /** The rule's dead-letter queue and the function's on-failure destination. */
  readonly deadLetterQueues: readonly IConstruct[];
  /** The ECR repository ARNs in the role's policy (patterns included). */
  readonly repositoryArns: readonly string[];
  /** True when the topic is KMS-encrypted, so publishing needs `kms:GenerateDataKey*`. */
  readonly encryptedTopic: boolean;
}

// cdk-nag names an IAM5 finding after the resource with intrinsic references written `<Name>`.
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    if ('Ref' in value && typeof value.Ref === 'string') return `<${value.Ref}>`;
    if ('Fn::Join' in value && Array.isArray(value['Fn::Join'])) {
      const [separator, parts] = value['Fn::Join'];
      if (typeof separator === 'string' && Array.isArray(parts)) return parts.map(flatten).join(separator);
    }
  }
  return JSON.stringify(value);
};

/** Acknowledges the IAM5 finding of one wildcard resource ARN in a role's policy, with its reason. */
export const acknowledgeWildcardResource = (role: IConstruct, arn: string, reason: string): void => {
  const resource = flatten(Stack.of(role).resolve(arn));
  if (resource.includes('*')) Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
};

/**
 * Acknowledges, with the reason a reviewer needs, each AWS Solutions finding the guard accepts.
 * Lives with the construct (CDK's own `Validations`, no cdk-nag import) so any app that drops the
 * construct in and runs the checks sees only findings of its own.
 */
export const acknowledgeGuardNagFindings = (findings: GuardNagFindings): void => {
  const stack = Stack.of(findings.role);
  for (const arn of findings.repositoryArns) {
    const resource = flatten(stack.resolve(arn));
    if (!resource.includes('*')) continue;
    Validations.of(findings.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${resource}]`,
      reason:
        'The wildcard is the configured repository pattern itself: the guard must read and tag images in every ECR ' +
        'repository it watches, in this account only (in organization mode in every Region, whose pushes the member ' +
        'template forwards here); EventBridge routes pushes by the same pattern.',
    });
  }
  if (findings.encryptedTopic) {
    Validations.of(findings.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to a KMS-encrypted SNS topic needs kms:GenerateDataKey (SNS may call either variant); the grant ' +
        'is CDK’s Topic.grantPublish and is scoped to the topic’s one key.',
    });
  }
  Validations.of(findings.handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'nodejs22.x is a supported runtime and matches the esbuild target (node22) the project builds and tests with; ' +
      'moving to a newer runtime changes both together, deliberately.',
  });
  for (const queue of findings.deadLetterQueues) {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is a dead-letter queue (the EventBridge target DLQ or the Lambda on-failure destination); cdk-nag ' +
        'only recognises queues named in another queue’s redrive policy. Its own alarm reports any message in it.',
    });
  }
};
