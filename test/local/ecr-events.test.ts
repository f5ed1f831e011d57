import { type ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePushEvent } from '../../functions/core/push-event.js';
import type { LocalEndpoint } from '../../local/server.js';
import { imageManifest, indexManifest, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST, startEcr } from './local-test-kit.js';

describe('ECR Image Action events', () => {
  let endpoint: LocalEndpoint;
  let ecr: ECRClient;
  beforeEach(async () => {
    ({ endpoint, ecr } = await startEcr('app'));
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('emits the documented event shape for a tagged push', async () => {
    // Prepare
    const image = imageManifest();

    // Act
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));
    await endpoint.idle();

    // Assess
    const [record] = endpoint.bus.events;
    expect(record?.event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'ECR Image Action',
      source: 'aws.ecr',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: 'us-east-1',
      resources: [],
      detail: {
        result: 'SUCCESS',
        'repository-name': 'app',
        'image-digest': image.digest,
        'action-type': 'PUSH',
        'artifact-media-type': OCI_CONFIG,
        'image-tag': 'v1',
        'manifest-media-type': OCI_MANIFEST,
      },
    });
    expect(parsePushEvent(record?.event).kind).toBe('push');
  });

  it('emits children before the tagged index when pushed in that order, untagged children with an empty tag', async () => {
    // Prepare
    const amd = imageManifest({ seed: 'amd' });
    const attestation = imageManifest({ seed: 'attestation', architecture: 'unknown' });
    const index = indexManifest([
      { digest: amd.digest, size: amd.size },
      { digest: attestation.digest, size: attestation.size, platform: { architecture: 'unknown', os: 'unknown' } },
    ]);

    // Act
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: amd.text }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: attestation.text }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: index.text, imageTag: 'v7' }));
    await endpoint.idle();

    // Assess
    const details = endpoint.bus.events.map((record) => record.event.detail);
    expect(details.map((detail) => [detail['image-digest'], detail['image-tag']])).toEqual([
      [amd.digest, ''],
      [attestation.digest, ''],
      [index.digest, 'v7'],
    ]);
    expect(details[2]).toEqual({
      result: 'SUCCESS',
      'repository-name': 'app',
      'image-digest': index.digest,
      'action-type': 'PUSH',
      'image-tag': 'v7',
      'manifest-media-type': OCI_INDEX,
    });
  });

  it('emits after the PutImage answer is written, never inside the request', async () => {
    // Prepare
    const image = imageManifest();
    let eventsWhenAnswered = -1;
    endpoint.calls.onCall((call) => {
      if (call.name === 'ecr:PutImage') eventsWhenAnswered = endpoint.bus.events.length;
    });

    // Act
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));
    await endpoint.idle();

    // Assess
    expect(eventsWhenAnswered).toBe(0);
    expect(endpoint.bus.events).toHaveLength(1);
  });

  it('emits one event per change: a re-tag emits, a repeated push does not', async () => {
    // Prepare
    const image = imageManifest();

    // Act
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1-deployable' }));
    await ecr
      .send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }))
      .catch(() => undefined);
    await endpoint.idle();

    // Assess
    expect(endpoint.bus.events.map((record) => record.event.detail['image-tag'])).toEqual(['v1', 'v1-deployable']);
  });

  it('delivers events to a rule whose pattern matches', async () => {
    // Prepare
    const seen: string[] = [];
    endpoint.bus.addRule({
      pattern: { source: ['aws.ecr'], detail: { 'image-tag': [{ 'anything-but': { suffix: '-deployable' } }] } },
      target: (event) => {
        seen.push(String(event.detail['image-tag']));
      },
    });
    const image = imageManifest();

    // Act
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1-deployable' }));
    await endpoint.idle();

    // Assess
    expect(seen).toEqual(['v1']);
  });
});
