/**
 * The event a schedule sends: an EventBridge scheduled rule delivers `source: aws.events`,
 * `detail-type: Scheduled Event` with the rule's time
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html).
 * Returns the event's time in epoch milliseconds, or null for any other event.
 */
export const sweepEventTime = (event: unknown): number | null => {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return null;
  const record = event as Record<string, unknown>;
  if (record.source !== 'aws.events' || record['detail-type'] !== 'Scheduled Event') return null;
  const time = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
  return Number.isNaN(time) ? null : time;
};
