import {
  BatchGetImageCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEndpoint } from '../../local/server.js';
import { ecrClient, imageManifest, OCI_MANIFEST, rejectionOf, snsClient, startEcr, uploadBlob } from './local-test-kit.js';

/** A retry strategy with the SDK's decisions but 5 ms waits, so retry tests stay fast. */
const fastRetries = (maxAttempts: number) => {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 5 });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous: { getRetryCount(): number }, info: { errorType: string }) => {
      if (info.errorType === 'CLIENT_ERROR' || previous.getRetryCount() + 1 >= maxAttempts) throw new Error('no more retries');
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
};

describe('fault injection as the SDK sees it', () => {
  let endpoint: LocalEndpoint;
  beforeEach(async () => {
    ({ endpoint } = await startEcr('app'));
    endpoint.calls.clear();
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('throttles the next N ECR calls with ThrottlingException, then lets calls through', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'ecr:DescribeRepositories', kind: 'throttle', times: 1 });
    const ecr = ecrClient(endpoint);

    // Act
    const error = await rejectionOf(ecr.send(new DescribeRepositoriesCommand({})));
    const next = await ecr.send(new DescribeRepositoriesCommand({}));

    // Assess
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(next.repositories).toHaveLength(1);
    expect(endpoint.calls.list().map((call) => [call.name, call.fault, call.errorCode])).toEqual([
      ['ecr:DescribeRepositories', 'throttle', 'ThrottlingException'],
      ['ecr:DescribeRepositories', null, null],
    ]);
    expect(endpoint.faults.list()).toEqual([]);
  });

  it('lets the SDK retry through throttling: one invocation, three attempts in the call log', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'ecr:PutImage', kind: 'throttle', times: 2 });
    const ecr = new ECRClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      retryStrategy: fastRetries(3),
    });

    // Act
    const put = await ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: imageManifest().text, imageTag: 'v1' }),
    );

    // Assess
    const calls = endpoint.calls.list({ name: 'ecr:PutImage' });
    expect(put.$metadata.attempts).toBe(3);
    expect(calls.map((call) => [call.attempt, call.fault])).toEqual([
      [1, 'throttle'],
      [2, 'throttle'],
      [3, null],
    ]);
    expect(new Set(calls.map((call) => call.invocationId)).size).toBe(1);
  });

  it('throttles SNS with the query-protocol Throttling error', async () => {
    // Prepare
    const sns = snsClient(endpoint);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'guard' }));
    endpoint.faults.add({ operation: 'sns:Publish', kind: 'throttle' });

    // Act
    const error = await rejectionOf(sns.send(new PublishCommand({ TopicArn, Message: 'm' })));

    // Assess
    expect(error.name).toBe('Throttling');
    expect(error.message).toBe('Rate exceeded');
  });

  it.each([
    { status: 500, name: 'InternalErrorException' },
    { status: 503, name: 'ServiceUnavailable' },
  ])('makes an SNS outage ($status) fail Publish after the SDK retried', async ({ status, name }) => {
    // Prepare
    const sns = snsClient(endpoint, { maxAttempts: 3 });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'guard' }));
    endpoint.faults.add({ operation: 'sns:Publish', kind: 'error', status });

    // Act
    const error = await rejectionOf(sns.send(new PublishCommand({ TopicArn, Message: 'm' })));

    // Assess
    expect(error.name).toBe(name);
    expect(error.$metadata?.httpStatusCode).toBe(status);
    expect(error.$metadata?.attempts).toBe(3);
    expect(endpoint.calls.list({ name: 'sns:Publish' }).map((call) => [call.attempt, call.status, call.fault])).toEqual([
      [1, status, 'error'],
      [2, status, 'error'],
      [3, status, 'error'],
    ]);
    expect(endpoint.deliveries.list()).toEqual([]);
  });

  it('answers ServerException for an ECR 5xx', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'ecr:*', kind: 'error', times: 1 });

    // Act
    const error = await rejectionOf(ecrClient(endpoint).send(new DescribeRepositoriesCommand({})));

    // Assess
    expect(error.name).toBe('ServerException');
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });

  it('resets the connection without an answer', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'ecr:DescribeRepositories', kind: 'reset', times: 1 });

    // Act
    const error = await rejectionOf(ecrClient(endpoint).send(new DescribeRepositoriesCommand({})));

    // Assess
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(endpoint.calls.list()[0]).toMatchObject({ name: 'ecr:DescribeRepositories', status: null, fault: 'reset' });
  });

  it('truncates the body below its Content-Length', async () => {
    // Prepare
    const ecr = ecrClient(endpoint);
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: imageManifest().text, imageTag: 'v1' }));
    endpoint.faults.add({ operation: 'ecr:BatchGetImage', kind: 'truncate', times: 1 });

    // Act
    const error = await rejectionOf(
      ecr.send(
        new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: [OCI_MANIFEST] }),
      ),
    );
    const retried = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: [OCI_MANIFEST] }),
    );

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(retried.images).toHaveLength(1);
    expect(endpoint.calls.list({ name: 'ecr:BatchGetImage' }).map((call) => call.fault)).toEqual(['truncate', null]);
  });

  it('holds the request until the client times out', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'ecr:DescribeRepositories', kind: 'timeout', times: 1 });
    const ecr = new ECRClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
    });

    // Act
    const error = await rejectionOf(ecr.send(new DescribeRepositoriesCommand({})));
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(error.name).toBe('TimeoutError');
    expect(endpoint.calls.list()[0]).toMatchObject({ status: null, fault: 'timeout' });
  });

  it('delays answers with latency and records it', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'ecr:DescribeRepositories', kind: 'latency', latencyMs: 30 });

    // Act
    const result = await ecrClient(endpoint).send(new DescribeRepositoriesCommand({}));

    // Assess
    expect(result.repositories).toHaveLength(1);
    expect(endpoint.calls.list()[0]).toMatchObject({ fault: 'latency', status: 200 });
  });

  it('throttles only the calls above a rate', async () => {
    // Prepare
    endpoint.faults.add({ operation: 'ecr:DescribeRepositories', kind: 'throttle', ratePerSecond: 2 });
    const ecr = ecrClient(endpoint);

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        ecr.send(new DescribeRepositoriesCommand({})).then(
          () => 'ok',
          (error: Error) => error.name,
        ),
      ),
    );

    // Assess
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((outcome) => outcome === 'ThrottlingException').length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    { kind: 'error' as const, status: 500 },
    { kind: 'throttle' as const, status: 503 },
  ])('applies $kind to blob downloads', async ({ kind, status }) => {
    // Prepare
    const ecr = ecrClient(endpoint);
    const image = imageManifest();
    await uploadBlob(ecr, 'app', image.config.bytes);
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'app', layerDigest: image.config.digest }),
    );
    endpoint.faults.add({ operation: 'blob:GetBlob', kind, times: 1 });

    // Act
    const failed = await fetch(downloadUrl ?? '');
    const next = await fetch(downloadUrl ?? '');

    // Assess
    expect(failed.status).toBe(status);
    expect(next.status).toBe(200);
  });

  it('truncates a blob download so the reader sees a short body', async () => {
    // Prepare
    const ecr = ecrClient(endpoint);
    const image = imageManifest();
    await uploadBlob(ecr, 'app', image.config.bytes);
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'app', layerDigest: image.config.digest }),
    );
    endpoint.faults.add({ operation: 'blob:GetBlob', kind: 'truncate', times: 1, truncateToBytes: 10 });

    // Act
    const outcome = await fetch(downloadUrl ?? '')
      .then((response) => response.arrayBuffer())
      .then(
        (body) => `read ${body.byteLength} bytes`,
        (error: Error) => `failed: ${error.message}`,
      );

    // Assess
    expect(outcome).toBe('failed: terminated');
    expect(endpoint.calls.list({ name: 'blob:GetBlob' }).map((call) => call.fault)).toEqual(['truncate']);
  });

  it('takes fault rules through the admin API', async () => {
    // Prepare
    const posted = await fetch(`${endpoint.url}/_local/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ operation: 'ecr:DescribeRepositories', kind: 'throttle', times: 1 }] }),
    });
    const refused = await fetch(`${endpoint.url}/_local/faults`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'x', kind: 'melt' }),
    });

    // Act
    const error = await rejectionOf(ecrClient(endpoint).send(new DescribeRepositoriesCommand({})));

    // Assess
    expect(posted.status).toBe(200);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/kind must be one of/);
    expect(error.name).toBe('ThrottlingException');
  });
});
