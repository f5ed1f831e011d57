import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetDownloadUrlForLayerCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalEndpoint, startLocalEndpoint } from '../../local/server.js';
import {
  ecrClient,
  imageManifest,
  OCI_MANIFEST,
  rejectionOf,
  secretsClient,
  sha256,
  snsClient,
  uploadBlob,
} from './local-test-kit.js';

const getJson = async (url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('admin API', () => {
  let endpoint: LocalEndpoint;
  beforeEach(async () => {
    endpoint = await startLocalEndpoint();
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('lists calls with timestamps a benchmark can order, filtered by name and sequence', async () => {
    // Prepare
    const ecr = ecrClient(endpoint);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    await Promise.all([ecr.send(new DescribeRepositoriesCommand({})), ecr.send(new DescribeRepositoriesCommand({}))]);

    // Act
    const all = await getJson(`${endpoint.url}/_local/calls`);
    const described = await getJson(`${endpoint.url}/_local/calls?name=ecr:DescribeRepositories`);
    const later = await getJson(`${endpoint.url}/_local/calls?since=1`);

    // Assess
    const calls = all.body.calls as { seq: number; name: string; startedAt: number; endedAt: number; status: number }[];
    expect(calls.map((call) => call.name)).toEqual([
      'ecr:CreateRepository',
      'ecr:DescribeRepositories',
      'ecr:DescribeRepositories',
    ]);
    expect(calls.every((call) => call.endedAt >= call.startedAt && call.status === 200)).toBe(true);
    expect(typeof all.body.timeOrigin).toBe('number');
    expect((described.body.calls as unknown[]).length).toBe(2);
    expect((later.body.calls as { seq: number }[]).map((call) => call.seq)).toEqual([2, 3]);
  });

  it('shows deliveries, Slack posts and events, and resets what it is told to', async () => {
    // Prepare
    const sns = snsClient(endpoint);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'guard' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sms', Endpoint: '+15555550100' }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'm' }));
    await fetch(endpoint.slackWebhookUrl(), { method: 'POST', body: JSON.stringify({ text: 'hi' }) });
    const ecr = ecrClient(endpoint);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: imageManifest().text, imageTag: 'v1' }));
    await endpoint.idle();

    // Act
    const deliveries = await getJson(`${endpoint.url}/_local/deliveries`);
    const slack = await getJson(`${endpoint.url}/_local/slack`);
    const events = await getJson(`${endpoint.url}/_local/events`);
    const reset = await getJson(`${endpoint.url}/_local/reset`, {
      method: 'POST',
      body: JSON.stringify({ scope: ['deliveries', 'slack'] }),
    });
    const badReset = await getJson(`${endpoint.url}/_local/reset`, {
      method: 'POST',
      body: JSON.stringify({ scope: ['everything'] }),
    });

    // Assess
    expect((deliveries.body.deliveries as { body: string }[]).map((delivery) => delivery.body)).toEqual(['m']);
    expect((slack.body.messages as { payload: unknown }[]).map((message) => message.payload)).toEqual([{ text: 'hi' }]);
    expect((events.body.events as { event: { detail: Record<string, unknown> } }[])[0]?.event.detail['image-tag']).toBe('v1');
    expect(reset.status).toBe(200);
    expect(endpoint.deliveries.list()).toEqual([]);
    expect(endpoint.slack.list()).toEqual([]);
    expect(endpoint.state.repositories.size).toBe(1);
    expect(badReset.status).toBe(400);
  });

  it('forgets all state on a full reset', async () => {
    // Prepare
    await ecrClient(endpoint).send(new CreateRepositoryCommand({ repositoryName: 'app' }));

    // Act
    const reset = await getJson(`${endpoint.url}/_local/reset`, { method: 'POST' });
    const error = await rejectionOf(ecrClient(endpoint).send(new DescribeRepositoriesCommand({ repositoryNames: ['app'] })));

    // Assess
    expect(reset.status).toBe(200);
    expect(error.name).toBe('RepositoryNotFoundException');
    expect(endpoint.calls.count()).toBe(1);
  });

  it('answers 404 for an unknown admin route', async () => {
    // Act
    const response = await getJson(`${endpoint.url}/_local/nothing`);

    // Assess
    expect(response.status).toBe(404);
    expect(response.body.error).toMatch(/no admin route GET nothing/);
  });
});

describe('authentication', () => {
  let endpoint: LocalEndpoint;
  beforeEach(async () => {
    endpoint = await startLocalEndpoint();
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it.each([
    {
      name: 'an ECR call without Authorization',
      init: {
        headers: {
          'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
          'content-type': 'application/x-amz-json-1.1',
        },
        body: '{}',
      },
      status: 400,
      code: 'MissingAuthenticationTokenException',
    },
    {
      name: 'an ECR call with a non-SigV4 Authorization',
      init: {
        headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories', authorization: 'Basic eDp4' },
        body: '{}',
      },
      status: 400,
      code: 'IncompleteSignatureException',
    },
    {
      name: 'an SNS call without Authorization',
      init: { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics&Version=2010-03-31' },
      status: 403,
      code: 'MissingAuthenticationToken',
    },
  ])('refuses $name', async ({ init, status, code }) => {
    // Act
    const response = await fetch(endpoint.url, { method: 'POST', ...init });

    // Assess
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(code);
  });

  it('accepts any SigV4-shaped Authorization without checking the signature', async () => {
    // Act
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
        'content-type': 'application/x-amz-json-1.1',
        authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ repositories: [] });
  });
});

describe('state persistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-endpoint-state-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives a restart: repositories, images with exact bytes, tags, blobs, topics, subscriptions, secrets', async () => {
    // Prepare
    const image = imageManifest({ indent: 3 });
    const first = await startLocalEndpoint({ stateDir: dir });
    const ecr = ecrClient(first);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app', imageTagMutability: 'IMMUTABLE' }));
    await uploadBlob(ecr, 'app', image.config.bytes);
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));
    const sns = snsClient(first);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'guard' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sms', Endpoint: '+15555550100' }));
    await secretsClient(first).send(new CreateSecretCommand({ Name: 'hook', SecretString: 'https://example.com' }));
    await first.close();

    // Act
    const second = await startLocalEndpoint({ stateDir: dir });
    try {
      const again = ecrClient(second);
      const got = await again.send(
        new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: [OCI_MANIFEST] }),
      );
      const { downloadUrl } = await again.send(
        new GetDownloadUrlForLayerCommand({ repositoryName: 'app', layerDigest: image.config.digest }),
      );
      const blob = new Uint8Array(await (await fetch(downloadUrl ?? '')).arrayBuffer());
      const subscriptions = await snsClient(second).send(new ListSubscriptionsByTopicCommand({ TopicArn }));
      const secret = await secretsClient(second).send(new GetSecretValueCommand({ SecretId: 'hook' }));

      // Assess
      expect(got.images?.[0]?.imageManifest).toBe(image.text);
      expect(sha256(blob)).toBe(image.config.digest);
      expect(second.state.repositories.get('app')?.repository.imageTagMutability).toBe('IMMUTABLE');
      expect(subscriptions.Subscriptions?.[0]?.Protocol).toBe('sms');
      expect(secret.SecretString).toBe('https://example.com');
      expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).version).toBe(1);
    } finally {
      await second.close();
    }
  });
});
