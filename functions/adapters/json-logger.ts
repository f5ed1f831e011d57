import type { Logger } from '../app/ports.js';

/**
 * One JSON object per line, as CloudWatch Logs and Lambda's JSON log format expect. Fields are
 * values the guard chose to log (never whole events or secrets).
 */
export const createJsonLogger = (
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  base: Record<string, unknown> = {},
): Logger => {
  const emit = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...base, ...fields }));
  return {
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARN', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
  };
};
