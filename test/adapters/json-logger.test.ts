import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJsonLogger } from '../../functions/adapters/json-logger.js';
import { LOG_LEVELS, type LogLevel, parseLogLevel } from '../../functions/app/log-level.js';

const NOW = new Date('2026-02-01T12:00:00.000Z');

const capture = (level?: LogLevel, fields?: Record<string, unknown>) => {
  const lines: string[] = [];
  const logger = createJsonLogger({
    write: (line) => lines.push(line),
    now: () => NOW,
    ...(level === undefined ? {} : { level }),
    ...(fields === undefined ? {} : { fields }),
  });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
};

describe('the JSON logger', () => {
  it.each([
    { method: 'info', level: 'INFO' },
    { method: 'warn', level: 'WARN' },
    { method: 'error', level: 'ERROR' },
  ] as const)(
    '$method writes one JSON line with level $level, an RFC 3339 timestamp, the message and fields',
    ({ method, level }) => {
      const { logger, lines } = capture();
      logger[method]('tag written', { tag: 'v7-deployable', attempts: 2 });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain('\n');
      expect(JSON.parse(lines[0] ?? '')).toStrictEqual({
        timestamp: '2026-02-01T12:00:00.000Z',
        level,
        message: 'tag written',
        tag: 'v7-deployable',
        attempts: 2,
      });
    },
  );

  it('puts the common fields on every line, after the call fields so they cannot be overwritten', () => {
    const { logger, parsed } = capture(undefined, { requestId: 'req-1', coldStart: true });
    logger.info('one', { requestId: 'forged' });
    logger.error('two');
    expect(parsed()).toStrictEqual([
      { timestamp: NOW.toISOString(), level: 'INFO', message: 'one', requestId: 'req-1', coldStart: true },
      { timestamp: NOW.toISOString(), level: 'ERROR', message: 'two', requestId: 'req-1', coldStart: true },
    ]);
  });

  // Each threshold against each method: a line is written when its level is at or above the threshold.
  const methods = [
    ['info', 'INFO'],
    ['warn', 'WARN'],
    ['error', 'ERROR'],
  ] as const;
  it.each(LOG_LEVELS.map((threshold) => ({ threshold })))(
    'at threshold $threshold writes exactly the lines at or above it',
    ({ threshold }) => {
      const { logger, parsed } = capture(threshold);
      for (const [method] of methods) logger[method](method);
      const expected = methods
        .filter(([, level]) => LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold))
        .map(([, l]) => l);
      expect(parsed().map((line) => line.level)).toStrictEqual(expected);
    },
  );

  it('defaults to INFO, as Lambda does', () => {
    const { logger, parsed } = capture();
    logger.info('kept');
    expect(parsed()).toHaveLength(1);
  });
});

describe('log level names', () => {
  it.each([
    { text: 'TRACE', level: 'TRACE' },
    { text: 'debug', level: 'DEBUG' },
    { text: ' Info ', level: 'INFO' },
    { text: 'WARN', level: 'WARN' },
    { text: 'error', level: 'ERROR' },
    { text: 'FATAL', level: 'FATAL' },
    { text: 'WARNING', level: undefined },
    { text: 'CRITICAL', level: undefined },
    { text: '', level: undefined },
  ])('"$text" is $level', ({ text, level }) => {
    expect(parseLogLevel(text)).toBe(level);
  });
});

describe('default outputs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes each line to stdout, newline-terminated, stamped with the current time', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const before = Date.now();
    createJsonLogger().warn('to stdout');
    expect(written).toHaveLength(1);
    expect(written[0]?.endsWith('}\n')).toBe(true);
    const line = JSON.parse(written[0] ?? '') as { timestamp: string; level: string };
    expect(line.level).toBe('WARN');
    expect(Date.parse(line.timestamp)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(line.timestamp)).toBeLessThanOrEqual(Date.now());
  });
});
