import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** A standard topic under its own customer managed key, publishable by this account's alarms. */
export interface EncryptedTopic {
  /** The topic (TLS-only publishing). */
  readonly topic: sns.Topic;
  /** Its key, rotated yearly. */
  readonly key: kms.Key;
}

/**
 * Creates the guard's topic. A customer managed key rather than `alias/aws/sns`: CloudWatch alarms
 * cannot publish to a topic under the AWS managed key, whose policy cannot be changed.
 */
export const createEncryptedTopic = (scope: Construct): EncryptedTopic => {
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'Encrypts the ECR Lambda guard topic',
    enableKeyRotation: true,
    // The key protects only notifications in flight, so nothing is lost when the stack goes;
    // a retained key would bill every month after teardown.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  // CloudWatch publishes alarm notifications as itself, so it needs the key like any publisher.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const topic = new sns.Topic(scope, 'Topic', { displayName: 'ECR Lambda guard', masterKey: key, enforceSSL: true });
  // The topic policy CDK writes for enforceSSL replaces SNS's default one, which is what let
  // same-account alarms publish; allow them again, for this account only.
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return { topic, key };
};
