import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  type ECRClient,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEndpoint } from '../../local/server.js';
import { imageManifest, rejectionOf, sha256, startEcr, uploadBlob } from './local-test-kit.js';

describe('ECR layers and blob downloads', () => {
  let endpoint: LocalEndpoint;
  let ecr: ECRClient;
  const image = imageManifest({ layers: 2 });

  beforeEach(async () => {
    ({ endpoint, ecr } = await startEcr('team/app'));
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('uploads a blob in parts and serves it through the download URL with an honest Content-Length', async () => {
    // Prepare
    const bytes = new Uint8Array(6 * 1024 * 1024 + 17).map((_, index) => index % 251);
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'team/app' }));
    const cut = 5 * 1024 * 1024;
    await ecr.send(
      new UploadLayerPartCommand({
        repositoryName: 'team/app',
        uploadId,
        partFirstByte: 0,
        partLastByte: cut - 1,
        layerPartBlob: bytes.subarray(0, cut),
      }),
    );
    await ecr.send(
      new UploadLayerPartCommand({
        repositoryName: 'team/app',
        uploadId,
        partFirstByte: cut,
        partLastByte: bytes.byteLength - 1,
        layerPartBlob: bytes.subarray(cut),
      }),
    );
    const digest = sha256(bytes);
    await ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'team/app', uploadId, layerDigests: [digest] }));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: image.config.descriptor,
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: bytes.byteLength }],
    });
    await ecr.send(new PutImageCommand({ repositoryName: 'team/app', imageManifest: manifest, imageTag: 'big' }));

    // Act
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'team/app', layerDigest: digest }),
    );
    const response = await fetch(downloadUrl ?? '');
    const body = new Uint8Array(await response.arrayBuffer());

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(sha256(body)).toBe(digest);
  });

  it.each([
    { name: 'a part that skips bytes', first: 5, code: 'InvalidLayerPartException' },
    { name: 'a wrong partLastByte', first: 0, last: 99, code: 'InvalidLayerPartException' },
  ])('refuses $name', async ({ first, last, code }) => {
    // Prepare
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'team/app' }));
    const part = new TextEncoder().encode('hello');

    // Act
    const error = await rejectionOf(
      ecr.send(
        new UploadLayerPartCommand({
          repositoryName: 'team/app',
          uploadId,
          partFirstByte: first,
          partLastByte: last ?? first + part.byteLength - 1,
          layerPartBlob: part,
        }),
      ),
    );

    // Assess
    expect(error.name).toBe(code);
  });

  it.each([
    { name: 'a digest that does not match the upload', digest: () => sha256('other'), code: 'InvalidLayerException' },
    { name: 'an unknown upload id', digest: () => sha256('hello'), code: 'UploadNotFoundException', unknownUpload: true },
  ])('CompleteLayerUpload refuses $name', async ({ digest, code, unknownUpload }) => {
    // Prepare
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'team/app' }));
    await ecr.send(
      new UploadLayerPartCommand({
        repositoryName: 'team/app',
        uploadId,
        partFirstByte: 0,
        partLastByte: 4,
        layerPartBlob: new TextEncoder().encode('hello'),
      }),
    );

    // Act
    const error = await rejectionOf(
      ecr.send(
        new CompleteLayerUploadCommand({
          repositoryName: 'team/app',
          uploadId: unknownUpload === true ? '00000000-0000-0000-0000-000000000000' : uploadId,
          layerDigests: [digest()],
        }),
      ),
    );

    // Assess
    expect(error.name).toBe(code);
  });

  it('reports layer availability per digest', async () => {
    // Prepare
    await uploadBlob(ecr, 'team/app', image.layers[0]?.bytes ?? new Uint8Array());

    // Act
    const result = await ecr.send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: 'team/app',
        layerDigests: [image.layers[0]?.digest ?? '', image.layers[1]?.digest ?? '', 'not-a-digest'],
      }),
    );

    // Assess
    expect(result.layers?.map((layer) => layer.layerAvailability)).toEqual(['AVAILABLE', 'UNAVAILABLE']);
    expect(result.layers?.[0]?.layerSize).toBe(image.layers[0]?.bytes.byteLength);
    expect(result.failures?.[0]?.failureCode).toBe('InvalidLayerDigest');
  });

  it.each([
    { name: 'absent from the store', upload: false, reference: true, code: 'LayersNotFoundException' },
    { name: 'uploaded but referenced by no image', upload: true, reference: false, code: 'LayerInaccessibleException' },
    { name: 'unknown everywhere', upload: false, reference: false, code: 'LayersNotFoundException' },
  ])('GetDownloadUrlForLayer answers $code for a blob $name', async ({ upload, reference, code }) => {
    // Prepare
    if (upload) await uploadBlob(ecr, 'team/app', image.config.bytes);
    if (reference) await ecr.send(new PutImageCommand({ repositoryName: 'team/app', imageManifest: image.text, imageTag: 'v1' }));

    // Act
    const error = await rejectionOf(
      ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'team/app', layerDigest: image.config.digest })),
    );

    // Assess
    expect(error.name).toBe(code);
  });

  it('refuses a malformed layer digest', async () => {
    // Act
    const error = await rejectionOf(
      ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'team/app', layerDigest: 'sha256:zz' })),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toContain('layerDigest');
  });

  it.each([
    {
      name: 'a tampered token',
      tamper: (url: URL) => url.searchParams.set('token', '0'.repeat(64)),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    { name: 'no token', tamper: (url: URL) => url.searchParams.delete('token'), status: 403, code: 'SignatureDoesNotMatch' },
    {
      name: 'another digest',
      tamper: (url: URL) => (url.pathname = url.pathname.replace(/sha256:.*/, sha256('x'))),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
  ])('refuses a download URL with $name', async ({ tamper, status, code }) => {
    // Prepare
    await uploadBlob(ecr, 'team/app', image.config.bytes);
    await ecr.send(new PutImageCommand({ repositoryName: 'team/app', imageManifest: image.text, imageTag: 'v1' }));
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'team/app', layerDigest: image.config.digest }),
    );
    const url = new URL(downloadUrl ?? '');
    tamper(url);

    // Act
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(`<Code>${code}</Code>`);
  });

  it('refuses an expired download URL', async () => {
    // Prepare
    const { endpoint: shortLived, ecr: shortEcr } = await startEcr('app', { blobUrlTtlSeconds: -1 });
    await uploadBlob(shortEcr, 'app', image.config.bytes);
    await shortEcr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));

    try {
      // Act
      const { downloadUrl } = await shortEcr.send(
        new GetDownloadUrlForLayerCommand({ repositoryName: 'app', layerDigest: image.config.digest }),
      );
      const response = await fetch(downloadUrl ?? '');

      // Assess
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('Request has expired');
    } finally {
      await shortLived.close();
    }
  });

  it('serves a byte range with 206', async () => {
    // Prepare
    await uploadBlob(ecr, 'team/app', image.config.bytes);
    await ecr.send(new PutImageCommand({ repositoryName: 'team/app', imageManifest: image.text, imageTag: 'v1' }));
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'team/app', layerDigest: image.config.digest }),
    );

    // Act
    const response = await fetch(downloadUrl ?? '', { headers: { range: 'bytes=0-4' } });

    // Assess
    expect(response.status).toBe(206);
    expect(await response.text()).toBe(new TextDecoder().decode(image.config.bytes.subarray(0, 5)));
  });
});
