import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalEndpoint, startLocalEndpoint } from '../../local/server.js';

const post = (url: string, body: string, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Slack incoming-webhook stand-in', () => {
  let endpoint: LocalEndpoint;
  beforeEach(async () => {
    endpoint = await startLocalEndpoint();
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it.each([
    { name: 'text only', payload: { text: 'hello' }, status: 200, answer: 'ok' },
    { name: 'blocks with a fallback text', payload: { text: 'fb', blocks: [section('hi')] }, status: 200, answer: 'ok' },
    {
      name: '50 blocks',
      payload: { blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) },
      status: 200,
      answer: 'ok',
    },
    {
      name: '51 blocks',
      payload: { text: 'fb', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) },
      status: 400,
      answer: 'invalid_blocks',
    },
    { name: 'a 3000-character section', payload: { blocks: [section('a'.repeat(3000))] }, status: 200, answer: 'ok' },
    {
      name: 'a 3001-character section',
      payload: { text: 'fb', blocks: [section('a'.repeat(3001))] },
      status: 400,
      answer: 'invalid_blocks',
    },
    {
      name: 'a 150-character header',
      payload: { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } }] },
      status: 200,
      answer: 'ok',
    },
    {
      name: 'a 151-character header',
      payload: { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
      status: 400,
      answer: 'invalid_blocks',
    },
    {
      name: 'a mrkdwn header',
      payload: { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] },
      status: 400,
      answer: 'invalid_blocks',
    },
    { name: 'an unknown block type', payload: { blocks: [{ type: 'banner' }] }, status: 400, answer: 'invalid_blocks' },
    { name: 'no text and no blocks', payload: { username: 'guard' }, status: 400, answer: 'no_text' },
    { name: 'an empty text', payload: { text: '   ' }, status: 400, answer: 'no_text' },
  ])('answers $status $answer for $name', async ({ payload, status, answer }) => {
    // Act
    const response = await post(endpoint.slackWebhookUrl(), JSON.stringify(payload));

    // Assess
    expect(response.status).toBe(status);
    expect(await response.text()).toBe(answer);
    expect(endpoint.slack.list()).toHaveLength(1);
    expect(endpoint.slack.list()[0]).toMatchObject({ status, answer, payload });
  });

  it('answers invalid_payload for a body that is not JSON', async () => {
    // Act
    const response = await post(endpoint.slackWebhookUrl('T1/B1/abc'), '{oops');

    // Assess
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('invalid_payload');
    expect(endpoint.slack.list()[0]?.hookId).toBe('T1/B1/abc');
  });

  it('accepts the form encoding with a payload field', async () => {
    // Act
    const response = await post(
      endpoint.slackWebhookUrl(),
      new URLSearchParams({ payload: JSON.stringify({ text: 'hi' }) }).toString(),
      'application/x-www-form-urlencoded',
    );

    // Assess
    expect(response.status).toBe(200);
    expect(endpoint.slack.list()[0]?.payload).toEqual({ text: 'hi' });
  });

  it('answers 429 with Retry-After when told to throttle, then recovers', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'slack:PostMessage', kind: 'throttle', times: 1, retryAfterSeconds: 7 });

    // Act
    const throttled = await post(endpoint.slackWebhookUrl(), JSON.stringify({ text: 'one' }));
    const next = await post(endpoint.slackWebhookUrl(), JSON.stringify({ text: 'two' }));

    // Assess
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(await throttled.text()).toBe('rate_limited');
    expect(next.status).toBe(200);
    expect(endpoint.slack.list().map((message) => message.payload)).toEqual([{ text: 'two' }]);
  });
});
