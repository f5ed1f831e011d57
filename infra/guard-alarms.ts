import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { MetricName } from '../functions/app/metric-names.js';

/** What the guard's alarms watch. */
export interface GuardAlarmTargets {
  /** The checking function. */
  readonly handler: lambda.IFunction;
  /** Events EventBridge could not deliver. */
  readonly ruleDeadLetterQueue: sqs.IQueue;
  /** Events the function gave up on. */
  readonly failureQueue: sqs.IQueue;
  /** The scheduled sweep, when deployed: its interval and the namespace of the guard's metrics. */
  readonly sweep?: { readonly intervalHours: number; readonly namespace: string };
}

const SWEEP_REMAINING: MetricName = 'SweepRemaining';

// Any single failure matters (each is a push nobody checked), so every alarm fires on one.
const alarm = (scope: Construct, id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm =>
  new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

/**
 * Alarms on function errors, on any message waiting in either dead-letter queue, and (with the
 * sweep) on a sweep that left tags unchecked.
 */
export const createGuardAlarms = (scope: Construct, targets: GuardAlarmTargets): cloudwatch.Alarm[] => {
  const period = Duration.minutes(5);
  // A sweep looks back two intervals: a tag one run leaves is in the next run's window only, so a
  // backlog that outlasts a run is worth a person's attention before it falls out. One datapoint per
  // run; the period is the interval (at most 168 h, within CloudWatch's 7-day evaluation range:
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
  const sweep =
    targets.sweep === undefined
      ? []
      : [
          alarm(
            scope,
            'SweepBacklogAlarm',
            new cloudwatch.Metric({
              namespace: targets.sweep.namespace,
              metricName: SWEEP_REMAINING,
              period: Duration.hours(targets.sweep.intervalHours),
              statistic: cloudwatch.Stats.MAXIMUM,
            }),
            'A scheduled sweep left tags unchecked (more than sweepMaxTags lacked a verdict tag); the next sweep is their last chance before they leave its window. Raise sweepMaxTags or run `ecr-lambda-guard audit --apply`.',
          ),
        ];
  return [
    alarm(
      scope,
      'FunctionErrorsAlarm',
      targets.handler.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      'The ECR Lambda guard failed on a push; Lambda retries twice, then the event goes to the failure queue.',
    ),
    alarm(
      scope,
      'RuleDeadLetterQueueAlarm',
      targets.ruleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      'EventBridge could not deliver an ECR push to the guard; the event waits in the rule dead-letter queue.',
    ),
    alarm(
      scope,
      'FailureQueueAlarm',
      targets.failureQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      'The guard gave up on an ECR push after retries; the event waits in the failure queue.',
    ),
    ...sweep,
  ];
};
