/**
 * Lambda's application log levels, least severe first (TRACE ... FATAL, default INFO), and the
 * variable Lambda sets when the function's application log level is configured: log-level
 * filtering needs the JSON log format, and Lambda reads a line's own `level` field, a line without
 * a valid one counting as INFO
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html);
 * "behind the scenes Lambda sets the application log level in the runtime using the
 * AWS_LAMBDA_LOG_LEVEL environment variable" (Lambda guide, "Application log-level filtering with
 * custom runtimes", quoted in https://github.com/aws/aws-lambda-rust-runtime/issues/821; Powertools
 * for AWS Lambda reads the same variable). The guard's JSON logger filters its own lines by it too,
 * so the level holds wherever its logs go (the local stack, a text-format function).
 */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_LEVEL_VARIABLE = 'AWS_LAMBDA_LOG_LEVEL';
/** Lambda's default application log level when filtering is on. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'INFO';

/** Reads a level name (any case), or `undefined` when it is none of Lambda's. */
export const parseLogLevel = (text: string): LogLevel | undefined => {
  const folded = text.trim().toUpperCase();
  return LOG_LEVELS.find((level) => level === folded);
};
