import { CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { topicArnProblem } from '../functions/config/settings.js';
import { EcrLambdaGuard, type EcrLambdaGuardProps } from './ecr-lambda-guard.js';
import { GuardConfigError } from './guard-config-error.js';
import type { GuardOrganization } from './organization-options.js';

/** An SNS topic that exists outside the stack. */
export interface ExistingTopic {
  /** The topic's ARN; a standard topic, since Chatbot and email cannot subscribe to FIFO topics. */
  readonly topicArn: string;
  /**
   * The customer managed KMS key the topic is encrypted with, so the function may use it.
   * @default - the topic is unencrypted or uses the AWS managed key
   */
  readonly keyArn?: string;
}

/** Settings of the {@link GuardStack}: stack settings plus the guard's own. */
export interface GuardStackProps extends StackProps {
  /** The guard's settings; see {@link EcrLambdaGuardProps}. `topic` wins over `existingTopic`. */
  readonly guard?: EcrLambdaGuardProps;
  /**
   * An existing topic to publish to, by ARN (what the app's context can name).
   * @default - the guard creates an encrypted topic
   */
  readonly existingTopic?: ExistingTopic;
  /**
   * Central mode (see {@link GuardOrganization}); without an `organizationId` the template takes it
   * as the `OrganizationId` parameter, so one exported template serves any organization.
   * @default - single-account mode
   */
  readonly organization?: Omit<GuardOrganization, 'organizationId'> & { readonly organizationId?: string };
}

/** The deployable unit: one {@link EcrLambdaGuard} and the outputs an operator needs. */
export class GuardStack extends Stack {
  /** The guard this stack deploys. */
  public readonly guard: EcrLambdaGuard;

  constructor(scope: Construct, id: string, props: GuardStackProps = {}) {
    super(scope, id, props);
    const topic = props.guard?.topic ?? this.importTopic(props.existingTopic);
    const organization = this.organizationOf(props.organization);
    this.guard = new EcrLambdaGuard(this, 'Guard', {
      ...props.guard,
      ...(topic === undefined ? {} : { topic }),
      ...(organization === undefined ? {} : { organization }),
    });

    new CfnOutput(this, 'TopicArn', {
      description: 'SNS topic with the verdicts: subscribe email, Chatbot, SQS or Lambda here',
      value: this.guard.topic.topicArn,
    });
    new CfnOutput(this, 'FunctionName', { description: 'The guard function', value: this.guard.handler.functionName });
    new CfnOutput(this, 'RuleDeadLetterQueueUrl', {
      description: 'Pushes EventBridge could not deliver to the function',
      value: this.guard.ruleDeadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'FailureQueueUrl', {
      description: 'Pushes the function failed on after retries',
      value: this.guard.failureQueue.queueUrl,
    });
    if (this.guard.organizationBus !== undefined) {
      new CfnOutput(this, 'OrganizationEventBusArn', {
        description: 'Central bus: the CentralEventBusArn parameter of the member template',
        value: this.guard.organizationBus.eventBusArn,
      });
      new CfnOutput(this, 'GuardRoleArn', {
        description: 'The only principal member roles trust',
        value: this.guard.handler.role?.roleArn ?? '',
      });
    }
    new CfnOutput(this, 'TagMutabilityExclusionFilters', {
      description: 'IMMUTABLE_WITH_EXCLUSION wildcard filters that let the guard move its own tags',
      value: this.guard.tagMutabilityExclusionFilters.join(','),
    });
  }

  private organizationOf(given: GuardStackProps['organization']): GuardOrganization | undefined {
    if (given === undefined) return undefined;
    const organizationId =
      given.organizationId ??
      new CfnParameter(this, 'OrganizationId', {
        type: 'String',
        description: 'The AWS Organizations id (o-…) whose accounts may send pushes to the central bus',
        allowedPattern: '^o-[a-z0-9]{10,32}$',
      }).valueAsString;
    return { ...given, organizationId };
  }

  private importTopic(existing: ExistingTopic | undefined): sns.ITopic | undefined {
    if (existing === undefined) return undefined;
    const problem = topicArnProblem(existing.topicArn);
    if (problem !== undefined) throw new GuardConfigError(`existingTopic.topicArn ${problem}`);
    return sns.Topic.fromTopicAttributes(this, 'ExistingTopic', {
      topicArn: existing.topicArn,
      ...(existing.keyArn === undefined ? {} : { keyArn: existing.keyArn }),
    });
  }
}
