/**
 * Every metric the guard emits, with its dimensions: a closed table, so a metric name or dimension
 * cannot be misspelled at a call site (the `Metrics` port accepts only these) and the EMF output
 * always declares the dimensions a dashboard or alarm expects. All are counts.
 */
export const METRICS = {
  /** One per checked push, by verdict (`deployable`, `quarantined`, ...). */
  Verdicts: { dimensions: ['Verdict'] },
  /** Events not checked, by skip code (`UNTAGGED_PUSH`, `REPOSITORY_EXCLUDED`, `SUPERSEDED`, ...). */
  Skipped: { dimensions: ['Reason'] },
  /** Tags the guard could not move because the repository's tags are immutable. */
  ImmutableTags: { dimensions: [] },
  /** Redeliveries of a push already announced (nothing published again). */
  Duplicates: { dimensions: [] },
  /** Tag writes that failed, by guard error code. */
  TagFailures: { dimensions: ['Code'] },
  /** Slack webhook posts that failed (never fail a check). */
  SlackFailures: { dimensions: [] },
  /** Checks that failed, by guard error code. */
  Failures: { dimensions: ['Code'] },
  /** Guard tags (whoever wrote them) found on an image that earns them. */
  GuardTagsVerified: { dimensions: [] },
  /** Guard tags found on an image that does not earn them: one integrity alert each. */
  IntegrityAlerts: { dimensions: [] },
  /** Scheduled sweeps: tags found without a verdict tag, checked as pushes, and left for the next run. */
  SweepCandidates: { dimensions: [] },
  SweepChecked: { dimensions: [] },
  SweepRemaining: { dimensions: [] },
  /** Events that are not ECR push events at all. */
  MalformedEvents: { dimensions: [] },
} as const satisfies Record<string, { readonly dimensions: readonly string[] }>;

export type MetricName = keyof typeof METRICS;

/** The dimensions of one metric, every one required. */
export type MetricDimensions<N extends MetricName> = {
  readonly [D in (typeof METRICS)[N]['dimensions'][number]]: string;
};

/** A metric's arguments after its name: its dimensions when it has any, then an optional value. */
export type MetricArgs<N extends MetricName> = (typeof METRICS)[N]['dimensions'] extends readonly []
  ? [dimensions?: Record<never, string>, value?: number]
  : [dimensions: MetricDimensions<N>, value?: number];

/** One `count` call: a metric's name, then its arguments. */
export type MetricCall = { [N in MetricName]: [name: N, ...args: MetricArgs<N>] }[MetricName];
