import { BatchGetImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '../../local/event-bus.js';
import { startLocalStack } from '../../local/stack.js';
import { ecrClient, imageManifest, indexManifest, OCI_INDEX, OCI_MANIFEST } from './local-test-kit.js';

describe('local stack: PutImage -> rule -> Lambda', () => {
  it('invokes the handler for matching pushes only and settles after the handler re-tags', async () => {
    // Prepare
    const received: string[] = [];
    let ecr: ECRClient | null = null;
    const stack = await startLocalStack({
      // A fake handler that tags every push: the rule must drop its own tags, or it would loop.
      pattern: {
        source: ['aws.ecr'],
        'detail-type': ['ECR Image Action'],
        detail: { 'action-type': ['PUSH'], result: ['SUCCESS'], 'image-tag': [{ 'anything-but': { suffix: ['-quarantined'] } }] },
      },
      runtime: { retryDelaysMs: 5 },
      handler: async (event) => {
        const detail = (event as EventBridgeEvent).detail;
        const tag = String(detail['image-tag']);
        received.push(tag);
        if (tag === '' || ecr === null) return 'skipped';
        const got = await ecr.send(
          new BatchGetImageCommand({
            repositoryName: String(detail['repository-name']),
            imageIds: [{ imageDigest: String(detail['image-digest']) }],
            acceptedMediaTypes: [OCI_INDEX, OCI_MANIFEST],
          }),
        );
        const image = got.images?.[0];
        await ecr.send(
          new PutImageCommand({
            repositoryName: String(detail['repository-name']),
            imageManifest: image?.imageManifest,
            imageManifestMediaType: image?.imageManifestMediaType,
            imageTag: `${tag}-quarantined`,
          }),
        );
        return 'tagged';
      },
    });
    ecr = ecrClient(stack.endpoint);
    const child = imageManifest();
    const index = indexManifest([{ digest: child.digest, size: child.size }]);

    try {
      // Act
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
      await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: child.text }));
      await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: index.text, imageTag: 'v7' }));
      await stack.idle();

      // Assess
      expect(received).toEqual(['', 'v7']);
      expect(stack.bus.events.map((record) => [record.event.detail['image-tag'], record.matchedRules.length])).toEqual([
        ['', 1],
        ['v7', 1],
        ['v7-quarantined', 0],
      ]);
      expect(stack.endpoint.state.repositories.get('app')?.tags.get('v7-quarantined')).toBe(index.digest);
      expect(stack.runtime?.successes.map((record) => record.responsePayload)).toEqual(['skipped', 'tagged']);
    } finally {
      await stack.close();
    }
  });

  it('retries a failing handler and lands the event in the on-failure record', async () => {
    // Prepare
    const stack = await startLocalStack({
      runtime: { maximumRetryAttempts: 1, retryDelaysMs: 5 },
      handler: async () => {
        throw new Error('SNS outage');
      },
    });
    const ecr = ecrClient(stack.endpoint);

    try {
      // Act
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
      await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: imageManifest().text, imageTag: 'v1' }));
      await stack.idle();

      // Assess
      expect(stack.runtime?.failures).toHaveLength(1);
      expect(stack.runtime?.failures[0]?.requestContext.approximateInvokeCount).toBe(2);
      expect((stack.runtime?.failures[0]?.requestPayload as EventBridgeEvent | undefined)?.detail['image-tag']).toBe('v1');
    } finally {
      await stack.close();
    }
  });

  it('only records events when no handler is given', async () => {
    // Prepare
    const stack = await startLocalStack();
    const ecr = new ECRClient({
      endpoint: stack.endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });

    try {
      // Act
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
      await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: imageManifest().text, imageTag: 'v1' }));
      await stack.idle();

      // Assess
      expect(stack.runtime).toBeNull();
      expect(stack.bus.events).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });
});
