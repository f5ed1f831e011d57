import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  type ECRClient,
  type ImageIdentifier,
  ListImagesCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEndpoint } from '../../local/server.js';
import {
  DOCKER_LIST,
  DOCKER_MANIFEST,
  imageManifest,
  indexManifest,
  OCI_INDEX,
  OCI_MANIFEST,
  rejectionOf,
  sha256,
  startEcr,
} from './local-test-kit.js';

const ALL_TYPES = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST, 'application/vnd.docker.distribution.manifest.v1+json'];

describe('ECR image reads', () => {
  let endpoint: LocalEndpoint;
  let ecr: ECRClient;
  const amd = imageManifest({ seed: 'amd', architecture: 'amd64', layers: 2 });
  const arm = imageManifest({ seed: 'arm', architecture: 'arm64', layers: 3 });
  const index = indexManifest([
    { digest: amd.digest, size: amd.size },
    { digest: arm.digest, size: arm.size, platform: { architecture: 'arm64', os: 'linux' } },
  ]);

  beforeEach(async () => {
    ({ endpoint, ecr } = await startEcr('app'));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: amd.text }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: arm.text }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: index.text, imageTag: 'v1' }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: index.text, imageTag: 'latest' }));
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('returns an index by tag with every field the guard reads', async () => {
    // Act
    const result = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: ALL_TYPES }),
    );

    // Assess
    expect(result.failures).toEqual([]);
    expect(result.images).toEqual([
      {
        registryId: '123456789012',
        repositoryName: 'app',
        imageId: { imageDigest: index.digest, imageTag: 'v1' },
        imageManifest: index.text,
        imageManifestMediaType: OCI_INDEX,
      },
    ]);
  });

  it.each([
    { name: 'an unknown tag', id: { imageTag: 'nope' }, code: 'ImageNotFound', reason: 'Requested image not found' },
    {
      name: 'an unknown digest',
      id: { imageDigest: sha256('nothing') },
      code: 'ImageNotFound',
      reason: 'Requested image not found',
    },
    {
      name: 'a malformed digest',
      id: { imageDigest: 'sha256:1234' },
      code: 'InvalidImageDigest',
      reason: /Invalid image digest/,
    },
    { name: 'a tag with a space', id: { imageTag: 'v 1' }, code: 'InvalidImageTag', reason: /Invalid image tag/ },
    { name: 'neither digest nor tag', id: {}, code: 'MissingDigestAndTag', reason: /both tag and digest cannot be null/ },
    {
      name: 'a tag on another digest',
      id: { imageTag: 'v1', imageDigest: amd.digest },
      code: 'ImageTagDoesNotMatchDigest',
      reason: /does not refer/,
    },
  ])('reports $name as failure $code', async ({ id, code, reason }) => {
    // Act
    const result = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'app', imageIds: [id], acceptedMediaTypes: ALL_TYPES }),
    );

    // Assess
    expect(result.images).toEqual([]);
    expect(result.failures).toHaveLength(1);
    expect(result.failures?.[0]?.imageId).toEqual(id);
    expect(result.failures?.[0]?.failureCode).toBe(code);
    expect(result.failures?.[0]?.failureReason).toMatch(reason);
  });

  it.each([
    { name: 'omitted (the documented manifest types only)', accepted: undefined, returned: false },
    { name: 'image manifests only', accepted: [OCI_MANIFEST, DOCKER_MANIFEST], returned: false },
    { name: 'including the OCI index type', accepted: [OCI_MANIFEST, OCI_INDEX], returned: true },
  ])('with acceptedMediaTypes $name, an index is returned: $returned', async ({ accepted, returned }) => {
    // Act
    const result = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'v1' }],
        ...(accepted === undefined ? {} : { acceptedMediaTypes: accepted }),
      }),
    );

    // Assess
    expect(result.images?.length).toBe(returned ? 1 : 0);
    expect(result.failures?.[0]?.failureCode).toBe(returned ? undefined : 'ImageNotFound');
  });

  it('returns a stored index as is in lenient mode', async () => {
    // Prepare
    const { endpoint: lenient, ecr: lenientEcr } = await startEcr('app', { acceptedMediaTypes: 'lenient' });
    await lenientEcr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: amd.text, imageTag: 'v1' }));

    try {
      // Act
      const result = await lenientEcr.send(
        new BatchGetImageCommand({
          repositoryName: 'app',
          imageIds: [{ imageTag: 'v1' }],
          acceptedMediaTypes: [DOCKER_MANIFEST],
        }),
      );

      // Assess
      expect(result.images?.[0]?.imageManifest).toBe(amd.text);
      expect(result.images?.[0]?.imageManifestMediaType).toBe(OCI_MANIFEST);
    } finally {
      await lenient.close();
    }
  });

  it.each([
    { name: 'no imageIds', input: { imageIds: [] }, message: /imageIds.*length greater than or equal to 1/ },
    {
      name: '101 imageIds',
      input: { imageIds: Array.from({ length: 101 }, (_, i) => ({ imageTag: `t${i}` })) },
      message: /less than or equal to 100/,
    },
    {
      name: 'empty acceptedMediaTypes',
      input: { imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: [] },
      message: /acceptedMediaTypes/,
    },
    {
      name: '101 acceptedMediaTypes',
      input: { imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: Array.from({ length: 101 }, () => OCI_MANIFEST) },
      message: /acceptedMediaTypes/,
    },
  ])('refuses a request with $name', async ({ input, message }) => {
    // Act
    const error = await rejectionOf(ecr.send(new BatchGetImageCommand({ repositoryName: 'app', ...input })));

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(message);
  });

  it('describes images with sizes, media types and push times', async () => {
    // Act
    const result = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }));

    // Assess
    const byDigest = new Map((result.imageDetails ?? []).map((detail) => [detail.imageDigest, detail]));
    const amdSize = amd.layers.reduce((sum, layer) => sum + layer.bytes.byteLength, 0);
    const armSize = arm.layers.reduce((sum, layer) => sum + layer.bytes.byteLength, 0);
    expect(byDigest.get(amd.digest)).toMatchObject({
      imageSizeInBytes: amdSize,
      artifactMediaType: 'application/vnd.oci.image.config.v1+json',
    });
    expect(byDigest.get(amd.digest)?.imageTags).toBeUndefined();
    expect(byDigest.get(index.digest)).toMatchObject({
      imageTags: ['v1', 'latest'],
      imageManifestMediaType: OCI_INDEX,
      imageSizeInBytes: Math.max(amdSize, armSize),
    });
    expect(byDigest.get(index.digest)?.artifactMediaType).toBeUndefined();
    expect(byDigest.get(index.digest)?.imagePushedAt).toBeInstanceOf(Date);
  });

  it.each([
    { tagStatus: 'TAGGED', expected: () => [index.digest] },
    { tagStatus: 'UNTAGGED', expected: () => [amd.digest, arm.digest].sort() },
    { tagStatus: 'ANY', expected: () => [amd.digest, arm.digest, index.digest].sort() },
  ] as const)('filters DescribeImages by tagStatus $tagStatus', async ({ tagStatus, expected }) => {
    // Act
    const result = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app', filter: { tagStatus } }));

    // Assess
    expect((result.imageDetails ?? []).map((detail) => detail.imageDigest).sort()).toEqual(expected().sort());
  });

  it('pages DescribeImages with maxResults and nextToken', async () => {
    // Act
    const first = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app', maxResults: 2 }));
    const second = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', maxResults: 2, nextToken: first.nextToken }),
    );

    // Assess
    expect(first.imageDetails).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(second.imageDetails).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    const digests = [...(first.imageDetails ?? []), ...(second.imageDetails ?? [])].map((detail) => detail.imageDigest);
    expect(new Set(digests).size).toBe(3);
  });

  it('answers ImageNotFoundException for a named image that does not exist', async () => {
    // Act
    const error = await rejectionOf(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'missing' }] })),
    );

    // Assess
    expect(error.name).toBe('ImageNotFoundException');
    expect(error.message).toContain("imageTag:'missing'");
  });

  it('lists one imageId per tag, untagged images by digest, page by page', async () => {
    // Act
    const ids: ImageIdentifier[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(
        new ListImagesCommand({ repositoryName: 'app', maxResults: 1, ...(nextToken === undefined ? {} : { nextToken }) }),
      );
      ids.push(...(page.imageIds ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);

    // Assess
    expect(ids).toHaveLength(4);
    expect(ids.filter((id) => id.imageDigest === index.digest).map((id) => id.imageTag)).toEqual(['v1', 'latest']);
    expect(
      ids
        .filter((id) => id.imageTag === undefined)
        .map((id) => id.imageDigest)
        .sort(),
    ).toEqual([amd.digest, arm.digest].sort());
  });

  it.each([
    { tagStatus: 'TAGGED', count: 2 },
    { tagStatus: 'UNTAGGED', count: 2 },
  ] as const)('filters ListImages by tagStatus $tagStatus', async ({ tagStatus, count }) => {
    // Act
    const result = await ecr.send(new ListImagesCommand({ repositoryName: 'app', filter: { tagStatus } }));

    // Assess
    expect(result.imageIds).toHaveLength(count);
    expect(result.imageIds?.every((id) => (tagStatus === 'TAGGED' ? id.imageTag !== undefined : id.imageTag === undefined))).toBe(
      true,
    );
  });

  it.each([0, 1001])('refuses maxResults %i', async (maxResults) => {
    // Act
    const error = await rejectionOf(ecr.send(new ListImagesCommand({ repositoryName: 'app', maxResults })));

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toContain('maxResults');
  });
});
