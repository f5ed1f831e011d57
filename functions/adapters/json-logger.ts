import { DEFAULT_LOG_LEVEL, LOG_LEVELS, type LogLevel } from '../app/log-level.js';
import type { Logger } from '../app/ports.js';

export interface JsonLoggerOptions {
  /** Where each line goes (stdout by default). */
  readonly write?: (line: string) => void;
  /** Lines below this level are dropped. */
  readonly level?: LogLevel;
  /** Fields on every line (request id, cold start). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** The clock for the `timestamp` field (RFC 3339, which Lambda reads). */
  readonly now?: () => Date;
}

/**
 * One JSON object per line, as CloudWatch Logs and Lambda's JSON log format expect. Fields are
 * values the guard chose to log (never whole events or secrets); the common fields come last, so a
 * call cannot overwrite the request id.
 */
export const createJsonLogger = (options: JsonLoggerOptions = {}): Logger => {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const threshold = LOG_LEVELS.indexOf(options.level ?? DEFAULT_LOG_LEVEL);
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    write(JSON.stringify({ timestamp: now().toISOString(), level, message, ...fields, ...options.fields }));
  };
  return {
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARN', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
  };
};
