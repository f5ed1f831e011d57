import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../functions/app/log-level.js';
import { ConfigError } from '../../functions/config/load-config.js';
import { createHandler } from '../../functions/on-ecr-push.lambda.js';

const ENV = { GUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guard', AWS_REGION: 'us-east-1' };
// Events the handler settles without any AWS call: one skipped (INFO line), one malformed (ERROR line).
const NOT_A_PUSH = { source: 'aws.s3', 'detail-type': 'Object Created', detail: {} };
const MALFORMED = 42;

const context = (awsRequestId: string): Context => ({ awsRequestId }) as Context;

const run = async (env: Record<string, string>, invocations: readonly [unknown, string | undefined][]) => {
  const lines: Record<string, unknown>[] = [];
  const handler = createHandler({ ...ENV, ...env }, { write: (line) => lines.push(JSON.parse(line)) });
  const byInvocation: Record<string, unknown>[][] = [];
  for (const [event, requestId] of invocations) {
    const before = lines.length;
    await handler(event, requestId === undefined ? undefined : context(requestId));
    byInvocation.push(lines.slice(before));
  }
  return byInvocation;
};

describe('every line of an invocation carries its request id and the cold-start flag', () => {
  it('marks the first invocation of the environment cold and the next ones warm, log and metric lines alike', async () => {
    const [first, second, third] = await run({}, [
      [NOT_A_PUSH, 'req-1'],
      [MALFORMED, 'req-2'],
      [NOT_A_PUSH, 'req-3'],
    ]);
    expect(first?.length).toBe(2); // the "skipped" line and the Skipped metric
    expect(second?.length).toBe(2); // the "malformed event" line and the MalformedEvents metric
    for (const [lines, requestId, coldStart] of [
      [first, 'req-1', true],
      [second, 'req-2', false],
      [third, 'req-3', false],
    ] as const) {
      for (const line of lines ?? []) expect(line).toMatchObject({ requestId, coldStart });
    }
    expect(first?.map((line) => line.message ?? Object.keys(line).at(-1))).toStrictEqual(['skipped', 'Skipped']);
    expect(second?.find((line) => '_aws' in line)).toMatchObject({ MalformedEvents: 1, requestId: 'req-2' });
  });

  it('logs without a request id when called without a context', async () => {
    const [lines] = await run({}, [[NOT_A_PUSH, undefined]]);
    for (const line of lines ?? []) {
      expect(line).not.toHaveProperty('requestId');
      expect(line.coldStart).toBe(true);
    }
  });
});

describe('the Lambda application log level (AWS_LAMBDA_LOG_LEVEL) is honoured', () => {
  it.each([
    { level: undefined, skippedLogged: true, malformedLogged: true },
    { level: 'TRACE', skippedLogged: true, malformedLogged: true },
    { level: 'DEBUG', skippedLogged: true, malformedLogged: true },
    { level: 'INFO', skippedLogged: true, malformedLogged: true },
    { level: 'warn', skippedLogged: false, malformedLogged: true },
    { level: 'ERROR', skippedLogged: false, malformedLogged: true },
    { level: 'FATAL', skippedLogged: false, malformedLogged: false },
  ])(
    'at $level: INFO logged $skippedLogged, ERROR logged $malformedLogged; metrics always',
    async ({ level, skippedLogged, malformedLogged }) => {
      const [skipped, malformed] = await run(level === undefined ? {} : { AWS_LAMBDA_LOG_LEVEL: level }, [
        [NOT_A_PUSH, 'a'],
        [MALFORMED, 'b'],
      ]);
      expect(skipped?.some((line) => line.message === 'skipped')).toBe(skippedLogged);
      expect(malformed?.some((line) => line.message === 'malformed event')).toBe(malformedLogged);
      expect(skipped?.filter((line) => '_aws' in line)).toHaveLength(1);
      expect(malformed?.filter((line) => '_aws' in line)).toHaveLength(1);
    },
  );

  it('refuses a level Lambda does not have, naming the variable and the levels', () => {
    expect(() => createHandler({ ...ENV, AWS_LAMBDA_LOG_LEVEL: 'VERBOSE' })).toThrow(ConfigError);
    expect(() => createHandler({ ...ENV, AWS_LAMBDA_LOG_LEVEL: 'VERBOSE' })).toThrow(
      `AWS_LAMBDA_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, found "VERBOSE"`,
    );
  });
});
