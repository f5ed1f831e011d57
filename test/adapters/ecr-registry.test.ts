import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEcrRegistry, type EcrRegistryOptions } from '../../functions/adapters/ecr-registry.js';
import { GuardError } from '../../functions/app/guard-error.js';
import type { RawManifest } from '../../functions/app/ports.js';
import type { Digest } from '../../functions/core/digest.js';
import { ACCEPTED_MANIFEST_MEDIA_TYPES } from '../../functions/core/media-type.js';
import { jsonError, jsonOk, type StubAnswer, type StubRequest, stubClientConfig, stubHandler } from './sdk-stub.js';

const DIGEST = `sha256:${'a'.repeat(64)}` as Digest;
const OTHER = `sha256:${'b'.repeat(64)}` as Digest;
const MANIFEST_TEXT = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}';
const MANIFEST: RawManifest = {
  digest: DIGEST,
  bytes: new TextEncoder().encode(MANIFEST_TEXT),
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
};

/** A registry over a real ECRClient answered by `answer`, with an injected clock, sleep and jitter. */
const registryWith = (answer: (request: StubRequest) => StubAnswer, options: EcrRegistryOptions = {}) => {
  const { handler, requests } = stubHandler(answer);
  const sleeps: number[] = [];
  let clock = 0;
  const registry = createEcrRegistry(new ECRClient(stubClientConfig(handler)), {
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...options,
  });
  return { registry, requests, sleeps, advance: (ms: number) => (clock += ms) };
};

describe('ECR registry: PutImage outcomes', () => {
  it.each([
    { name: 'success', answer: jsonOk({ image: {} }), outcome: 'created' },
    {
      name: 'ImageAlreadyExistsException (a retry after a lost answer)',
      answer: jsonError('ImageAlreadyExistsException'),
      outcome: 'unchanged',
    },
    {
      name: 'ImageTagAlreadyExistsException (immutable tags)',
      answer: jsonError('ImageTagAlreadyExistsException'),
      outcome: 'immutable',
    },
  ])('$name -> $outcome, in one call', async ({ answer, outcome }) => {
    const { registry, requests } = registryWith(() => answer);
    await expect(registry.putTag('orders', 'v7-deployable', MANIFEST)).resolves.toBe(outcome);
    expect(requests).toHaveLength(1);
  });

  it('re-sends the exact manifest string ECR returned, with its digest, media type and the tag', async () => {
    const { registry, requests } = registryWith(() => jsonOk({}), { registryId: '123456789012' });
    await registry.putTag('orders', 'v7-deployable', MANIFEST);
    expect(requests[0]).toStrictEqual({
      operation: 'PutImage',
      body: {
        registryId: '123456789012',
        repositoryName: 'orders',
        imageManifest: MANIFEST_TEXT,
        imageManifestMediaType: MANIFEST.mediaType,
        imageDigest: DIGEST,
        imageTag: 'v7-deployable',
      },
    });
  });

  it('retries throttling with jittered, doubling backoff and then succeeds', async () => {
    let calls = 0;
    const { registry, sleeps } = registryWith(() => (++calls <= 3 ? jsonError('ThrottlingException') : jsonOk({})));
    await expect(registry.putTag('orders', 'v7', MANIFEST)).resolves.toBe('created');
    // random() = 0.5: three quarters of min(4000, 250 * 2^round).
    expect(sleeps).toStrictEqual([187.5, 375, 750]);
  });

  it('caps one wait at 4 s and gives up, retryable, when the budget would be exceeded', async () => {
    const { registry, sleeps } = registryWith(() => jsonError('ThrottlingException'), { tagRetryBudgetMs: 10_000 });
    const error = await registry.putTag('orders', 'v7', MANIFEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardError);
    expect(error).toMatchObject({ code: 'THROTTLED', retryable: true });
    expect(sleeps).toStrictEqual([187.5, 375, 750, 1500, 3000, 3000]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
  });

  it.each([
    { name: 'access denied', answer: jsonError('AccessDeniedException'), code: 'ACCESS_DENIED' },
    { name: 'KMS key disabled', answer: jsonError('KmsException'), code: 'KMS' },
    { name: 'repository gone', answer: jsonError('RepositoryNotFoundException'), code: 'REPOSITORY_NOT_FOUND' },
    { name: 'a bare 403', answer: jsonError('Forbidden', 403), code: 'ACCESS_DENIED' },
  ])('does not retry a permanent failure ($name -> $code)', async ({ answer, code }) => {
    const { registry, requests, sleeps } = registryWith(() => answer);
    await expect(registry.putTag('orders', 'v7', MANIFEST)).rejects.toMatchObject({ code, retryable: false });
    expect(requests).toHaveLength(1);
    expect(sleeps).toStrictEqual([]);
  });
});

describe('ECR registry: BatchGetImage', () => {
  const image = (digest: string, tag?: string) => ({
    imageId: { imageDigest: digest, ...(tag === undefined ? {} : { imageTag: tag }) },
    imageManifest: MANIFEST_TEXT,
    imageManifestMediaType: MANIFEST.mediaType,
  });

  it('returns the bytes ECR stored for each id asked for, by digest and by tag, and asks with every media type', async () => {
    const { registry, requests } = registryWith(() => jsonOk({ images: [image(DIGEST), image(OTHER, 'v7')], failures: [] }));
    const found = await registry.getImages('orders', [{ digest: DIGEST }, { tag: 'v7' }]);
    expect(found.map((f) => [f.requested, f.manifest.digest, new TextDecoder().decode(f.manifest.bytes)])).toStrictEqual([
      [{ digest: DIGEST }, DIGEST, MANIFEST_TEXT],
      [{ tag: 'v7' }, OTHER, MANIFEST_TEXT],
    ]);
    expect(requests[0]?.body).toMatchObject({
      repositoryName: 'orders',
      imageIds: [{ imageDigest: DIGEST }, { imageTag: 'v7' }],
    });
    expect(requests[0]?.body.acceptedMediaTypes).toStrictEqual([...ACCEPTED_MANIFEST_MEDIA_TYPES]);
  });

  it('asks in batches of at most 100 ids', async () => {
    const { registry, requests } = registryWith(() => jsonOk({ images: [], failures: [] }));
    const ids = Array.from({ length: 250 }, (_, i) => ({ tag: `t${i}` }));
    await registry.getImages('orders', ids);
    expect(requests.map((r) => (r.body.imageIds as unknown[]).length)).toStrictEqual([100, 100, 50]);
  });

  it.each([
    { failures: [{ failureCode: 'ImageNotFound' }], result: 'empty' },
    { failures: [{ failureCode: 'ImageTagDoesNotMatchDigest' }], result: 'empty' },
    { failures: [{ failureCode: 'KmsError', failureReason: 'key' }], result: 'UNAVAILABLE' },
    { failures: [{ failureCode: 'UpstreamTooManyRequests' }], result: 'UNAVAILABLE' },
    { failures: [{ failureCode: 'UpstreamUnavailable' }], result: 'UNAVAILABLE' },
    { failures: [{ failureCode: 'InvalidImageDigest' }], result: 'INVALID_REQUEST' },
  ])('image failure $failures.0.failureCode -> $result', async ({ failures, result }) => {
    const { registry } = registryWith(() => jsonOk({ images: [], failures }));
    const outcome = registry.getImages('orders', [{ digest: DIGEST }]);
    if (result === 'empty') await expect(outcome).resolves.toStrictEqual([]);
    else await expect(outcome).rejects.toMatchObject({ code: result, retryable: result === 'UNAVAILABLE' });
  });

  it('keeps what was found when other ids fail, skips answers it did not ask for or cannot read', async () => {
    const { registry, requests } = registryWith(
      () =>
        jsonOk({
          images: [image(DIGEST), image(OTHER, 'not-asked'), image('sha256:short'), { imageId: { imageDigest: OTHER } }],
          failures: [{ failureCode: 'InvalidImageTag', imageId: { imageTag: 'x' } }],
        }),
      { registryId: '210987654321' },
    );
    const found = await registry.getImages('orders', [{ digest: DIGEST }, { tag: 'x' }]);
    expect(found.map((f) => f.requested)).toStrictEqual([{ digest: DIGEST }]);
    expect(found[0]?.manifest.mediaType).toBe(MANIFEST.mediaType);
    expect(requests[0]?.body.registryId).toBe('210987654321');
  });

  it('getManifests answers by digest, from the same read', async () => {
    const { registry } = registryWith(() => jsonOk({ images: [image(DIGEST)] }));
    const manifests = await registry.source('orders').getManifests([DIGEST, OTHER]);
    expect([...manifests.keys()]).toStrictEqual([DIGEST]);
    expect(new TextDecoder().decode(manifests.get(DIGEST)?.bytes)).toBe(MANIFEST_TEXT);
  });

  it('names the transient failure code and reason', async () => {
    const { registry } = registryWith(() =>
      jsonOk({ images: [], failures: [{ failureCode: 'KmsError', failureReason: 'key disabled' }] }),
    );
    await expect(registry.getImages('orders', [{ digest: DIGEST }])).rejects.toMatchObject({
      message: 'BatchGetImage orders: KmsError key disabled',
    });
  });

  it('maps a thrown service error', async () => {
    const { registry } = registryWith(() => jsonError('RepositoryNotFoundException'));
    await expect(registry.getImages('orders', [{ digest: DIGEST }])).rejects.toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
  });
});

describe('ECR registry: tag policy', () => {
  it('caches the repository policy for the TTL, then asks again', async () => {
    const { registry, requests, advance } = registryWith(
      () =>
        jsonOk({
          repositories: [
            {
              imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
              imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: '*-deployable' }],
            },
          ],
        }),
      { policyTtlMs: 1000 },
    );
    const expected = { mutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['*-deployable'] };
    expect(await registry.tagPolicy('orders')).toStrictEqual(expected);
    advance(999);
    expect(await registry.tagPolicy('orders')).toStrictEqual(expected);
    expect(requests).toHaveLength(1);
    advance(1);
    await registry.tagPolicy('orders');
    expect(requests).toHaveLength(2);
  });

  it('asks for the one repository in the given registry, and reads a missing setting as UNKNOWN', async () => {
    const { registry, requests } = registryWith(() => jsonOk({ repositories: [{}] }), { registryId: '210987654321' });
    expect(await registry.tagPolicy('orders')).toStrictEqual({ mutability: 'UNKNOWN', exclusionFilters: [] });
    expect(requests[0]).toStrictEqual({
      operation: 'DescribeRepositories',
      body: { registryId: '210987654321', repositoryNames: ['orders'] },
    });
  });

  it('reads UNKNOWN without ecr:DescribeRepositories, and rethrows anything else', async () => {
    expect(await registryWith(() => jsonError('AccessDeniedException')).registry.tagPolicy('orders')).toStrictEqual({
      mutability: 'UNKNOWN',
      exclusionFilters: [],
    });
    await expect(registryWith(() => jsonError('ThrottlingException')).registry.tagPolicy('orders')).rejects.toMatchObject({
      code: 'THROTTLED',
    });
  });
});

describe('ECR registry: push times', () => {
  it('asks DescribeImages for the digests in the given registry and maps imagePushedAt (epoch seconds) to milliseconds', async () => {
    // Prepare: imagePushedAt is a timestamp, sent as epoch seconds in ECR's JSON protocol
    const { registry, requests } = registryWith(
      () => jsonOk({ imageDetails: [{ imageDigest: DIGEST, imagePushedAt: 1_764_579_600.5 }, { imageDigest: OTHER }] }),
      { registryId: '210987654321' },
    );

    // Act
    const times = await registry.pushedAt('orders', [DIGEST, OTHER]);

    // Assess: an image without a push time is left out, never guessed
    expect([...times]).toStrictEqual([[DIGEST, 1_764_579_600_500]]);
    expect(requests).toStrictEqual([
      {
        operation: 'DescribeImages',
        body: {
          registryId: '210987654321',
          repositoryName: 'orders',
          imageIds: [{ imageDigest: DIGEST }, { imageDigest: OTHER }],
        },
      },
    ]);
  });

  it('makes no call for no digests, and maps a refusal', async () => {
    const { registry, requests } = registryWith(() => jsonError('AccessDeniedException'));
    expect((await registry.pushedAt('orders', [])).size).toBe(0);
    expect(requests).toHaveLength(0);
    await expect(registry.pushedAt('orders', [DIGEST])).rejects.toMatchObject({ code: 'ACCESS_DENIED', retryable: false });
  });
});

describe('ECR registry: blobs over a pre-signed URL', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/whole') {
        response.writeHead(200, { 'content-length': '5' }).end('hello');
      } else if (request.url === '/truncated') {
        // Promises 100 bytes, sends 10, and hangs up: a transfer cut short.
        response.writeHead(200, { 'content-length': '100' });
        response.write('0123456789', () => response.destroy());
      } else if (request.url === '/large') {
        response.writeHead(200, { 'content-length': '1000' }).end('x'.repeat(1000));
      } else if (request.url === '/streamed') {
        // No Content-Length: the size is known only by reading.
        response.writeHead(200);
        response.write('abc');
        response.end('de');
      } else if (request.url === '/streamed-large') {
        response.writeHead(200);
        for (let i = 0; i < 10; i += 1) response.write('x'.repeat(50));
        response.end();
      } else if (request.url === '/missing') {
        response.writeHead(404).end();
      } else if (request.url === '/throttled') {
        response.writeHead(429).end();
      } else if (request.url === '/broken') {
        response.writeHead(500).end();
      } else if (request.url === '/gone') {
        response.writeHead(403).end();
      } else {
        response.writeHead(503).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const blob = (path: string, maxBytes = 100) =>
    registryWith((request) =>
      request.operation === 'GetDownloadUrlForLayer' ? jsonOk({ downloadUrl: `${base}${path}` }) : jsonOk({}),
    )
      .registry.source('orders')
      .getBlob(DIGEST, maxBytes);

  it('returns the bytes of a whole download', async () => {
    const result = await blob('/whole');
    expect(result.ok && new TextDecoder().decode(result.bytes)).toBe('hello');
  });

  it('rejects a truncated download as retryable, never as evidence', async () => {
    await expect(blob('/truncated')).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });

  it.each([
    { path: '/large', result: { ok: false, reason: 'too-large' } },
    { path: '/gone', result: { ok: false, reason: 'not-found' } },
  ])('$path -> $result.reason', async ({ path, result }) => {
    expect(await blob(path)).toMatchObject(result);
  });

  it('reads a body without Content-Length, and stops reading one that outgrows the limit', async () => {
    const small = await blob('/streamed');
    expect(small.ok && new TextDecoder().decode(small.bytes)).toBe('abcde');
    expect(await blob('/streamed', 5)).toMatchObject({ ok: true });
    expect(await blob('/streamed', 4)).toMatchObject({
      ok: false,
      reason: 'too-large',
      message: 'blob exceeds the limit of 4 bytes',
    });
    expect(await blob('/streamed-large', 100)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('a declared size just at the limit is read; one byte over is refused unread', async () => {
    expect(await blob('/whole', 5)).toMatchObject({ ok: true });
    expect(await blob('/whole', 4)).toStrictEqual({ ok: false, reason: 'too-large', message: 'blob is 5 bytes; the limit is 4' });
  });

  it.each([
    { path: '/missing', result: { ok: false, reason: 'not-found', message: 'blob download answered 404' } },
    { path: '/gone', result: { ok: false, reason: 'not-found', message: 'blob download answered 403' } },
  ])('$path is not found', async ({ path, result }) => {
    expect(await blob(path)).toStrictEqual(result);
  });

  it.each([
    { path: '/throttled', code: 'THROTTLED' },
    { path: '/broken', code: 'UNAVAILABLE' },
  ])('$path -> retryable $code', async ({ path, code }) => {
    await expect(blob(path)).rejects.toMatchObject({ code, retryable: true });
  });

  it('an unreachable URL is a retryable failure', async () => {
    const result = registryWith(() => jsonOk({ downloadUrl: 'http://127.0.0.1:1/nothing' }))
      .registry.source('orders')
      .getBlob(DIGEST, 10);
    await expect(result).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      message: expect.stringMatching(/^blob download failed: /),
    });
  });

  it('no download URL is "not found", and the request names the registry, repository and layer', async () => {
    const { registry, requests } = registryWith(() => jsonOk({}), { registryId: '210987654321' });
    expect(await registry.source('orders').getBlob(DIGEST, 10)).toStrictEqual({
      ok: false,
      reason: 'not-found',
      message: 'no download URL returned',
    });
    expect(requests[0]).toStrictEqual({
      operation: 'GetDownloadUrlForLayer',
      body: { registryId: '210987654321', repositoryName: 'orders', layerDigest: DIGEST },
    });
  });

  it('a 503 is a retryable THROTTLED failure', async () => {
    await expect(blob('/busy')).rejects.toMatchObject({ code: 'THROTTLED', retryable: true });
  });

  it.each(['LayersNotFoundException', 'LayerInaccessibleException'])('%s is "not found", not a failure', async (type) => {
    const result = await registryWith(() => jsonError(type))
      .registry.source('orders')
      .getBlob(DIGEST, 100);
    expect(result).toMatchObject({ ok: false, reason: 'not-found' });
  });
});
