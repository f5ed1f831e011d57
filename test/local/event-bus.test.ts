import { describe, expect, it } from 'vitest';
import { createEventBus, type EventBridgeEvent } from '../../local/event-bus.js';
import { EventPatternError } from '../../local/event-pattern-match.js';

const event = (source: string, id = 'e1'): EventBridgeEvent => ({
  version: '0',
  id,
  'detail-type': 'ECR Image Action',
  source,
  account: '123456789012',
  time: '2026-11-25T15:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {},
});

describe('event bus', () => {
  it('delivers to matching rules only, after put returns', async () => {
    // Prepare
    const bus = createEventBus();
    const seen: string[] = [];
    bus.addRule({ name: 'ecr', pattern: { source: ['aws.ecr'] }, target: (received) => seen.push(`ecr:${received.id}`) });
    bus.addRule({ name: 's3', pattern: { source: ['aws.s3'] }, target: (received) => seen.push(`s3:${received.id}`) });

    // Act
    const matched = bus.put(event('aws.ecr'));
    const seenDuringPut = [...seen];
    await bus.idle();

    // Assess
    expect(matched).toEqual(['ecr']);
    expect(seenDuringPut).toEqual([]);
    expect(seen).toEqual(['ecr:e1']);
    expect(bus.events.map((record) => record.matchedRules)).toEqual([['ecr']]);
  });

  it('records targets that fail', async () => {
    // Prepare
    const bus = createEventBus();
    bus.addRule({
      name: 'broken',
      pattern: { source: ['aws.ecr'] },
      target: async () => {
        throw new Error('boom');
      },
    });

    // Act
    bus.put(event('aws.ecr', 'e9'));
    await bus.idle();

    // Assess
    expect(bus.failures.map((failure) => [failure.rule, failure.eventId, (failure.error as Error).message])).toEqual([
      ['broken', 'e9', 'boom'],
    ]);
  });

  it('refuses an invalid pattern and stops delivering to a removed rule', async () => {
    // Prepare
    const bus = createEventBus();
    let calls = 0;
    const rule = bus.addRule({ pattern: { source: ['aws.ecr'] }, target: () => (calls += 1) });

    // Act
    const invalid = () => bus.addRule({ pattern: { source: 'aws.ecr' }, target: () => undefined });
    rule.remove();
    bus.put(event('aws.ecr'));
    await bus.idle();

    // Assess
    expect(invalid).toThrow(EventPatternError);
    expect(calls).toBe(0);
  });
});
