import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackWebhook } from '../../functions/adapters/slack-webhook.js';
import { createSnsNotifier } from '../../functions/adapters/sns-notifier.js';
import { createWebhookUrlReader } from '../../functions/adapters/webhook-url-reader.js';
import { jsonError, jsonOk, type StubAnswer, stubClientConfig, stubHandler } from './sdk-stub.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:guard';
const xml = (body: string, status = 200): StubAnswer => ({ status, body, headers: { 'content-type': 'text/xml' } });
const snsError = (code: string, status: number) =>
  xml(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    status,
  );

describe('SNS notifier', () => {
  it('publishes subject, message, structure and every attribute to the topic, and returns the message id', async () => {
    const { handler, requests } = stubHandler(() =>
      xml('<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>'),
    );
    const notifier = createSnsNotifier(new SNSClient(stubClientConfig(handler)), TOPIC);
    const result = await notifier.publish({
      Subject: 'Quarantined: orders:v7',
      Message: '{"default":"x"}',
      MessageStructure: 'json',
      MessageAttributes: {
        verdict: { DataType: 'String', StringValue: 'quarantined' },
        reasons: { DataType: 'String.Array', StringValue: '["IMAGE_INDEX"]' },
      },
    });
    expect(result).toStrictEqual({ messageId: 'm-1' });
    expect(requests[0]?.body).toMatchObject({
      Action: 'Publish',
      TopicArn: TOPIC,
      Subject: 'Quarantined: orders:v7',
      Message: '{"default":"x"}',
      MessageStructure: 'json',
      'MessageAttributes.entry.1.Name': 'verdict',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'quarantined',
      'MessageAttributes.entry.2.Name': 'reasons',
      'MessageAttributes.entry.2.Value.DataType': 'String.Array',
      'MessageAttributes.entry.2.Value.StringValue': '["IMAGE_INDEX"]',
    });
  });

  it.each([
    { code: 'AuthorizationError', status: 403, guard: 'ACCESS_DENIED', retryable: false },
    { code: 'KMSDisabledException', status: 400, guard: 'KMS', retryable: false },
    { code: 'NotFound', status: 404, guard: 'REPOSITORY_NOT_FOUND', retryable: false },
    { code: 'Throttling', status: 400, guard: 'THROTTLED', retryable: true },
    { code: 'InternalError', status: 500, guard: 'UNAVAILABLE', retryable: true },
  ])('maps $code to $guard', async ({ code, status, guard, retryable }) => {
    const { handler } = stubHandler(() => snsError(code, status));
    const notifier = createSnsNotifier(new SNSClient(stubClientConfig(handler)), TOPIC);
    const publish = notifier.publish({ Subject: 's', Message: 'm', MessageStructure: 'json', MessageAttributes: {} });
    await expect(publish).rejects.toMatchObject({ code: guard, retryable, message: expect.stringMatching(/^SNS Publish: /) });
  });
});

describe('webhook URL reader', () => {
  const reader = (secret: StubAnswer | (() => StubAnswer)) => {
    const { handler, requests } = stubHandler(typeof secret === 'function' ? secret : () => secret);
    const client = new SecretsManagerClient(stubClientConfig(handler));
    const read = createWebhookUrlReader(
      { kind: 'secrets-manager', secretId: 'guard/slack' },
      { secretsManager: () => client, ssm: { region: 'us-east-1', maxAttempts: 1 } },
    );
    return { read, requests };
  };
  const URL = 'https://hooks.slack.com/services/T0/B0/xyz';

  it.each([
    { form: 'the bare URL', secret: URL },
    { form: 'the URL with whitespace', secret: `  ${URL}\n` },
    { form: '{"url": ...}', secret: JSON.stringify({ url: URL }) },
    { form: '{"webhookUrl": ...}', secret: JSON.stringify({ webhookUrl: URL }) },
    { form: '{"webhook_url": ...}', secret: JSON.stringify({ webhook_url: URL }) },
  ])('reads $form', async ({ secret }) => {
    const { read, requests } = reader(jsonOk({ SecretString: secret }));
    expect(await read()).toBe(URL);
    expect(requests[0]).toMatchObject({ operation: 'GetSecretValue', body: { SecretId: 'guard/slack' } });
  });

  it.each([
    { form: 'an empty secret', secret: '' },
    { form: 'not a URL', secret: 'hooks.slack.com/services/x' },
    { form: 'JSON without a URL field', secret: '{"token":"x"}' },
    { form: 'JSON with a non-string url', secret: '{"url":42}' },
    { form: 'broken JSON', secret: '{"url":' },
    { form: 'a URL with spaces', secret: 'https://hooks.slack.com/a b' },
  ])('refuses $form with a CONFIG error that never shows the secret', async ({ secret }) => {
    const { read } = reader(jsonOk({ SecretString: secret }));
    const error = await read().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFIG',
      retryable: false,
      message: 'the Slack webhook secret does not hold an http(s) URL',
    });
  });

  it('reads once per cold start, and reads again after a failure', async () => {
    let calls = 0;
    const { read, requests } = reader(() => (++calls === 1 ? jsonError('ThrottlingException') : jsonOk({ SecretString: URL })));
    await expect(read()).rejects.toMatchObject({ code: 'THROTTLED', message: expect.stringMatching(/^GetSecretValue: /) });
    expect(await read()).toBe(URL);
    expect(await read()).toBe(URL);
    expect(requests).toHaveLength(2);
  });
});

describe('webhook URL reader: SSM', () => {
  let server: Server;
  let endpoint = '';
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const targets: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      targets.push(String(request.headers['x-amz-target']));
      request.resume();
      request.on('end', () => {
        const type = (answer.body as { __type?: string }).__type;
        response
          .writeHead(answer.status, {
            'content-type': 'application/x-amz-json-1.1',
            ...(type === undefined ? {} : { 'x-amzn-errortype': type }),
          })
          .end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const read = () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDSTUB');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'stub');
    return createWebhookUrlReader(
      { kind: 'ssm', parameterName: '/guard/slack' },
      {
        secretsManager: () => {
          throw new Error('Secrets Manager is not used for a parameter');
        },
        ssm: { region: 'us-east-1', endpoint, maxAttempts: 1 },
      },
    )();
  };

  it('reads the SecureString parameter', async () => {
    answer = { status: 200, body: { Parameter: { Value: 'https://hooks.slack.com/services/T/B/c' } } };
    expect(await read()).toBe('https://hooks.slack.com/services/T/B/c');
    expect(targets.at(-1)).toBe('AmazonSSM.GetParameter');
  });

  it('maps a refusal under the GetParameter name', async () => {
    answer = { status: 400, body: { __type: 'AccessDeniedException', message: 'no' } };
    await expect(read()).rejects.toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringMatching(/^GetParameter: /) });
  });
});

describe('Slack webhook', () => {
  let server: Server;
  let url = '';
  let script: { status: number; headers?: Record<string, string>; body?: string }[] = [];
  const received: { body: string; type: string | undefined }[] = [];
  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => resolve(text));
    });
  beforeAll(async () => {
    server = createServer(async (request, response) => {
      received.push({ body: await readBody(request), type: request.headers['content-type'] });
      const next = script.shift() ?? { status: 200, body: 'ok' };
      response.writeHead(next.status, next.headers ?? {}).end(next.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/x`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    script = [];
  });

  const post = async (options: { attempts?: number; maxRetryAfterSeconds?: number } = {}) => {
    const sleeps: number[] = [];
    const webhook = createSlackWebhook({
      url: async () => url,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options,
    });
    const result = await webhook.post({ text: 'Quarantined', blocks: [{ type: 'section' }] });
    return { result, sleeps };
  };

  it('posts the message as JSON', async () => {
    const { result } = await post();
    expect(result).toStrictEqual({ ok: true, detail: 'ok' });
    expect(received).toStrictEqual([{ body: '{"text":"Quarantined","blocks":[{"type":"section"}]}', type: 'application/json' }]);
  });

  it.each([
    { name: '429 with Retry-After: 2', first: { status: 429, headers: { 'retry-after': '2' } }, wait: 2000 },
    { name: '429 with Retry-After: 0', first: { status: 429, headers: { 'retry-after': '0' } }, wait: 0 },
    { name: '429 without Retry-After', first: { status: 429 }, wait: 1000 },
    { name: '429 with a nonsense Retry-After', first: { status: 429, headers: { 'retry-after': 'soon' } }, wait: 1000 },
    { name: '500', first: { status: 500 }, wait: 200 },
    { name: '503', first: { status: 503 }, wait: 200 },
  ])('retries after $name, waiting $wait ms', async ({ first, wait }) => {
    script = [first, { status: 200, body: 'ok' }];
    const { result, sleeps } = await post();
    expect(result.ok).toBe(true);
    expect(sleeps).toStrictEqual([wait]);
    expect(received).toHaveLength(2);
  });

  it('backs off 200 ms, then 400 ms, on repeated 5xx, and reports the last answer after the last attempt', async () => {
    script = [{ status: 500 }, { status: 502 }, { status: 503, body: 'down' }];
    const { result, sleeps } = await post();
    expect(result).toStrictEqual({ ok: false, detail: '503 down' });
    expect(sleeps).toStrictEqual([200, 400]);
    expect(received).toHaveLength(3);
  });

  it('does not wait longer than the cap: a Retry-After over it gives up at once', async () => {
    script = [{ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' }];
    const { result, sleeps } = await post({ maxRetryAfterSeconds: 10 });
    expect(result).toStrictEqual({ ok: false, detail: '429 rate_limited' });
    expect(sleeps).toStrictEqual([]);
    expect(received).toHaveLength(1);
  });

  it.each([
    { seconds: '10', waited: [10_000], posts: 2 },
    { seconds: '11', waited: [], posts: 1 },
  ])('waits a Retry-After of up to 10 s by default (Retry-After: $seconds)', async ({ seconds, waited, posts }) => {
    script = [
      { status: 429, headers: { 'retry-after': seconds } },
      { status: 200, body: 'ok' },
    ];
    const { sleeps } = await post();
    expect(sleeps).toStrictEqual(waited);
    expect(received).toHaveLength(posts);
  });

  it('does not wait after a 429 on the last attempt', async () => {
    script = [{ status: 429, headers: { 'retry-after': '1' } }];
    const { result, sleeps } = await post({ attempts: 1 });
    expect(result.ok).toBe(false);
    expect(sleeps).toStrictEqual([]);
  });

  it.each([
    { body: '', detail: 'ok' },
    { body: 'fine', detail: 'fine' },
    { body: 'y'.repeat(300), detail: 'y'.repeat(200) },
  ])('reports the answer of a 200 ($detail.length characters at most 200)', async ({ body, detail }) => {
    script = [{ status: 200, body }];
    expect((await post()).result).toStrictEqual({ ok: true, detail });
  });

  it.each([400, 403, 404, 410])('does not retry a %i (a revoked or wrong webhook)', async (status) => {
    script = [{ status, body: 'invalid_token' }];
    const { result, sleeps } = await post();
    expect(result).toStrictEqual({ ok: false, detail: `${status} invalid_token` });
    expect(sleeps).toStrictEqual([]);
  });

  it('retries a network error and reports it when every attempt fails', async () => {
    const sleeps: number[] = [];
    const webhook = createSlackWebhook({
      url: async () => 'http://127.0.0.1:1/unreachable',
      attempts: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const result = await webhook.post({ text: 't', blocks: [] });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^network error: /);
    expect(sleeps).toStrictEqual([200]);
  });
});
