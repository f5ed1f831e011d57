import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { buildEventPattern } from '../functions/config/event-pattern.js';
import { toCdkEventPattern } from './cdk-event-pattern.js';
import type { EcrLambdaGuardProps } from './ecr-lambda-guard-props.js';
import { createEncryptedTopic } from './encrypted-topic.js';
import { createGuardAlarms } from './guard-alarms.js';
import { GUARD_HANDLER, guardCode } from './guard-code.js';
import { GuardConfigError } from './guard-config-error.js';
import { guardEnvironment } from './guard-environment.js';
import { GUARD_ECR_READ_ACTIONS, GUARD_ECR_WRITE_ACTIONS } from './guard-permissions.js';
import { resolveGuardSettings } from './guard-settings.js';
import { acknowledgeGuardNagFindings, acknowledgeWildcardResource } from './nag-suppressions.js';
import { createOrganizationIntake, organizationEnvironment } from './organization-intake.js';
import { resolveOrganization } from './organization-options.js';
import { grantSlackWebhookRead } from './slack-webhook-access.js';
import { repositoryArnResourceNames } from './watched-repositories.js';

export type { EcrLambdaGuardProps } from './ecr-lambda-guard-props.js';

/** Retries of the EventBridge → Lambda delivery: EventBridge's maximum, so no event is dropped early. */
export const RULE_TARGET_RETRY_ATTEMPTS = 185;
/** Oldest event EventBridge still delivers (its maximum); older ones go to the rule's dead-letter queue. */
export const RULE_TARGET_MAX_EVENT_AGE = Duration.hours(24);
/** Lambda's own async retries after a function error (its maximum), before the on-failure destination. */
export const ASYNC_RETRY_ATTEMPTS = 2;
/** Oldest event Lambda's async queue still runs (its maximum); outlasts a long ECR or SNS outage. */
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);
/** How long a failed event waits in a dead-letter queue for someone to look at it (SQS's maximum). */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * Checks every Amazon ECR push for AWS Lambda deployability: an EventBridge rule on successful
 * pushes to the watched repositories invokes a function that tags the image deployable or
 * quarantined and notifies an SNS topic (email, Chatbot/Slack) and optionally a Slack webhook.
 * No event is lost silently: failed deliveries and failed checks land in encrypted dead-letter
 * queues, and alarms watch the function and both queues.
 */
export class EcrLambdaGuard extends Construct {
  /** The topic verdicts are published to. */
  public readonly topic: sns.ITopic;
  /** The KMS key of the topic the construct created; absent when `topic` was given. */
  public readonly topicKey?: kms.Key;
  /** The checking function. */
  public readonly handler: lambda.Function;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The rule routing ECR pushes to the function. */
  public readonly rule: events.Rule;
  /** The sweep's schedule; undefined when `sweepIntervalHours` is 0. */
  public readonly sweepRule: events.Rule | undefined;
  /** Events EventBridge could not deliver to the function. */
  public readonly ruleDeadLetterQueue: sqs.Queue;
  /** Events the function failed on after Lambda's async retries (the on-failure destination). */
  public readonly failureQueue: sqs.Queue;
  /** Alarms on function errors and on messages waiting in either dead-letter queue. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The Chatbot channel configuration, when `slackChannel` was given. */
  public readonly slackChannel?: chatbot.SlackChannelConfiguration;
  /** The include patterns in effect (the CDK asset pattern added when it applies). */
  public readonly watchedRepositories: readonly string[];
  /** The suffixes of every tag the guard writes; the rule drops pushes of such tags. */
  public readonly guardTagSuffixes: readonly string[];
  /**
   * `IMMUTABLE_WITH_EXCLUSION` wildcard filters that let the guard move its own tags in
   * repositories whose other tags are immutable.
   */
  public readonly tagMutabilityExclusionFilters: readonly string[];
  /** The rule's event pattern, as EventBridge receives it. */
  public readonly eventPattern: Readonly<Record<string, unknown>>;
  /** Central mode: the bus member accounts forward pushes to (admits only the organization). */
  public readonly organizationBus?: events.EventBus;
  /** Central mode: the guard's rule on {@link organizationBus}. */
  public readonly organizationRule?: events.Rule;

  constructor(scope: Construct, id: string, props: EcrLambdaGuardProps = {}) {
    super(scope, id);
    const settings = resolveGuardSettings(props);
    const organization = props.organization === undefined ? undefined : resolveOrganization(props.organization);
    this.watchedRepositories = settings.watched;
    this.guardTagSuffixes = settings.guardTagSuffixes;
    this.tagMutabilityExclusionFilters = settings.tagMutabilityExclusionFilters;
    this.eventPattern = buildEventPattern({ includeRepositories: settings.watched });

    // Notifications.
    if (props.topic === undefined) {
      const created = createEncryptedTopic(this);
      this.topic = created.topic;
      this.topicKey = created.key;
    } else {
      if (props.topic.fifo)
        throw new GuardConfigError('topic: Chatbot and email cannot subscribe to a FIFO topic, use a standard topic');
      this.topic = props.topic;
    }
    for (const address of settings.emailSubscriptions) this.topic.addSubscription(new subscriptions.EmailSubscription(address));
    if (settings.slackChannel !== undefined) {
      this.slackChannel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
        slackChannelConfigurationName:
          settings.slackChannel.configurationName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
        slackWorkspaceId: settings.slackChannel.workspaceId,
        slackChannelId: settings.slackChannel.channelId,
        notificationTopics: [this.topic],
        loggingLevel: chatbot.LoggingLevel.ERROR,
        // The channel only relays notifications: its role holds no permissions, and the guardrail
        // caps whatever anyone might attach later at reading CloudWatch (alarm graphs).
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess')],
      });
    }

    // Dead-letter queues.
    const deadLetterQueue = (queueId: string): sqs.Queue =>
      new sqs.Queue(this, queueId, {
        // SSE-SQS rather than KMS: EventBridge cannot deliver to a queue under the AWS managed
        // KMS key, and SSE-SQS needs no key policy for EventBridge or Lambda.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DEAD_LETTER_RETENTION,
      });
    this.ruleDeadLetterQueue = deadLetterQueue('RuleDeadLetterQueue');
    this.failureQueue = deadLetterQueue('FailureQueue');

    // The function, with its own role instead of AWSLambdaBasicExecutionRole: it may write to its
    // own log group and nothing else it does not need.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: settings.logRetention });
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ECR Lambda guard: read and tag the watched repositories, publish verdicts',
      // Central mode: a fixed name, the one principal every member role trusts.
      ...(organization === undefined ? {} : { roleName: organization.guardRoleName }),
    });
    this.logGroup.grantWrite(role);
    const slackVariables = grantSlackWebhookRead(role, props.slackWebhook);
    this.handler = new lambda.Function(this, 'Function', {
      description: 'Checks ECR pushes for Lambda deployability, tags and notifies',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: guardCode(),
      handler: GUARD_HANDLER,
      role,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      reservedConcurrentExecutions: settings.reservedConcurrency,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(this.failureQueue),
      environment: {
        ...guardEnvironment(settings, this.topic.topicArn, slackVariables, props.sourceMaps ?? false),
        ...(organization === undefined ? {} : organizationEnvironment(organization, Stack.of(this).account)),
      },
    });

    // In organization mode the central account's other Regions forward their pushes to this one, and
    // the guard reads them with its own role: its grants cover the account's repositories everywhere.
    const repositoryArns = repositoryArnResourceNames(settings.watched).map((name) =>
      Stack.of(this).formatArn({
        service: 'ecr',
        resource: 'repository',
        resourceName: name,
        ...(organization === undefined ? {} : { region: '*' }),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWatchedRepositories',
        actions: [...GUARD_ECR_READ_ACTIONS],
        resources: repositoryArns,
      }),
    );
    if (settings.writeTags) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TagWatchedRepositories',
          actions: [...GUARD_ECR_WRITE_ACTIONS],
          resources: repositoryArns,
        }),
      );
    }
    this.topic.grantPublish(role);

    // The trigger.
    const pushTarget = (): targets.LambdaFunction =>
      new targets.LambdaFunction(this.handler, {
        retryAttempts: RULE_TARGET_RETRY_ATTEMPTS,
        maxEventAge: RULE_TARGET_MAX_EVENT_AGE,
        deadLetterQueue: this.ruleDeadLetterQueue,
      });
    this.rule = new events.Rule(this, 'PushRule', {
      description: 'Successful ECR pushes to the watched repositories (guard tags included: the guard verifies them)',
      eventPattern: toCdkEventPattern(this.eventPattern),
      targets: [pushTarget()],
    });

    if (organization !== undefined) {
      const intake = createOrganizationIntake(this, {
        organization,
        eventPattern: this.eventPattern,
        role,
        target: pushTarget(),
      });
      this.organizationBus = intake.bus;
      this.organizationRule = intake.rule;
    }

    // The sweep: a schedule invokes the same function, which finds the tags whose push event was lost.
    // Without verdict tags nothing records which pushes were notified, so there is no sweep.
    const sweepHours = settings.writeTags ? settings.function.sweepIntervalHours : 0;
    if (sweepHours > 0) {
      // Listing repositories is authorised on `repository/*` whatever the watched names: the sweep
      // lists them all and matches the watched patterns itself (it reads nothing else there).
      const everyRepository = Stack.of(this).formatArn({
        service: 'ecr',
        resource: 'repository',
        resourceName: '*',
        ...(organization === undefined ? {} : { region: '*' }),
      });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SweepListRepositories',
          actions: ['ecr:DescribeRepositories'],
          resources: [everyRepository],
        }),
      );
      acknowledgeWildcardResource(
        role,
        everyRepository,
        'ecr:DescribeRepositories without repository names (the sweep listing the repositories it then matches against ' +
          'the watched patterns) is authorised on repository/*; the action only describes repositories.',
      );
      this.sweepRule = new events.Rule(this, 'SweepSchedule', {
        description: 'Checks watched tags whose push event never reached the guard',
        schedule: events.Schedule.rate(Duration.hours(sweepHours)),
        targets: [new targets.LambdaFunction(this.handler, { retryAttempts: 2, deadLetterQueue: this.ruleDeadLetterQueue })],
      });
    }

    this.alarms = createGuardAlarms(this, {
      handler: this.handler,
      ruleDeadLetterQueue: this.ruleDeadLetterQueue,
      failureQueue: this.failureQueue,
      ...(sweepHours > 0 ? { sweep: { intervalHours: sweepHours, namespace: settings.function.metricsNamespace } } : {}),
    });
    if (settings.alarmsNotifyTopic) {
      const action = new cloudwatchActions.SnsAction(this.topic);
      for (const each of this.alarms) each.addAlarmAction(action);
    }

    acknowledgeGuardNagFindings({
      role,
      handler: this.handler,
      deadLetterQueues: [this.ruleDeadLetterQueue, this.failureQueue],
      repositoryArns,
      encryptedTopic: this.topic.masterKey !== undefined,
    });
  }
}
