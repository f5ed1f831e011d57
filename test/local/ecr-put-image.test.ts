import { BatchGetImageCommand, CreateRepositoryCommand, type ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEndpoint } from '../../local/server.js';
import {
  DOCKER_MANIFEST,
  imageManifest,
  indexManifest,
  OCI_INDEX,
  OCI_MANIFEST,
  rejectionOf,
  sha256,
  startEcr,
  uploadBlob,
} from './local-test-kit.js';

describe('ECR PutImage', () => {
  let endpoint: LocalEndpoint;
  let ecr: ECRClient;
  beforeEach(async () => {
    ({ endpoint, ecr } = await startEcr('app'));
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('keeps the exact bytes of a manifest with odd whitespace, and its digest', async () => {
    // Prepare
    const image = imageManifest();
    const odd = `\n  ${image.text.replace('{', '{   ').replace(/,/g, ' ,\t')}  \n`;

    // Act
    const put = await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: odd, imageTag: 'v1' }));
    const got = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: [OCI_MANIFEST] }),
    );

    // Assess
    expect(put.image?.imageId?.imageDigest).toBe(sha256(odd));
    expect(put.image?.imageId?.imageDigest).not.toBe(image.digest);
    expect(got.images?.[0]?.imageManifest).toBe(odd);
    expect(got.images?.[0]?.imageId?.imageDigest).toBe(sha256(odd));
  });

  it('hashes the UTF-8 bytes, not the UTF-16 string', async () => {
    // Prepare
    const text = imageManifest().text.replace('"schemaVersion"', '"annotations":{"note":"größe ✓"},"schemaVersion"');

    // Act
    const put = await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: text, imageTag: 'utf8' }));

    // Assess
    expect(put.image?.imageId?.imageDigest).toBe(sha256(Buffer.from(text, 'utf8')));
  });

  it.each([
    {
      name: 'invalid JSON',
      input: { imageManifest: '{"schemaVersion": 2,' },
      code: 'InvalidParameterException',
      message: /Invalid JSON syntax/,
    },
    {
      name: 'no mediaType anywhere',
      input: { imageManifest: imageManifest({ withMediaType: false }).text },
      code: 'InvalidParameterException',
      message: /imageManifestMediaType is required/,
    },
    {
      name: 'a declared type that contradicts the body',
      input: { imageManifest: imageManifest().text, imageManifestMediaType: DOCKER_MANIFEST },
      code: 'InvalidParameterException',
      message: /does not match the mediaType/,
    },
    {
      name: 'an unsupported media type',
      input: { imageManifest: imageManifest({ withMediaType: false }).text, imageManifestMediaType: 'application/json' },
      code: 'InvalidParameterException',
      message: /unsupported manifest media type/,
    },
    {
      name: 'a digest that does not match the bytes',
      input: { imageManifest: imageManifest().text, imageDigest: sha256('something else') },
      code: 'ImageDigestDoesNotMatchException',
      message: /does not match the digest/,
    },
    {
      name: 'a malformed imageDigest',
      input: { imageManifest: imageManifest().text, imageDigest: 'sha256:xyz' },
      code: 'InvalidParameterException',
      message: /imageDigest/,
    },
    {
      name: 'a tag over 300 characters',
      input: { imageManifest: imageManifest().text, imageTag: 't'.repeat(301) },
      code: 'InvalidParameterException',
      message: /length less than or equal to 300/,
    },
    {
      name: 'an empty manifest',
      input: { imageManifest: '' },
      code: 'InvalidParameterException',
      message: /length greater than or equal to 1/,
    },
    {
      name: 'a manifest over 4,194,304 characters',
      input: { imageManifest: ' '.repeat(4_194_305) },
      code: 'InvalidParameterException',
      message: /less than or equal to 4194304/,
    },
    {
      name: 'an image manifest without config',
      input: { imageManifest: JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }) },
      code: 'InvalidParameterException',
      message: /config must be a descriptor/,
    },
    {
      name: 'an index naming an image that is not stored',
      input: { imageManifest: indexManifest([{ digest: sha256('absent'), size: 10 }]).text, imageTag: 'multi' },
      code: 'ReferencedImagesNotFoundException',
      message: /referencing an image that does not exist/,
    },
  ])('refuses $name', async ({ input, code, message }) => {
    // Act
    const error = await rejectionOf(ecr.send(new PutImageCommand({ repositoryName: 'app', ...input })));

    // Assess
    expect(error.name).toBe(code);
    expect(error.message).toMatch(message);
    expect(endpoint.state.repositories.get('app')?.images.size).toBe(0);
  });

  it('accepts a manifest without mediaType when imageManifestMediaType is given', async () => {
    // Prepare
    const image = imageManifest({ withMediaType: false });

    // Act
    const put = await ecr.send(
      new PutImageCommand({
        repositoryName: 'app',
        imageManifest: image.text,
        imageManifestMediaType: OCI_MANIFEST,
        imageTag: 'v1',
      }),
    );

    // Assess
    expect(put.image?.imageManifestMediaType).toBe(OCI_MANIFEST);
  });

  it('answers RepositoryNotFoundException for a missing repository', async () => {
    // Act
    const error = await rejectionOf(
      ecr.send(new PutImageCommand({ repositoryName: 'other', imageManifest: imageManifest().text })),
    );

    // Assess
    expect(error.name).toBe('RepositoryNotFoundException');
  });

  it.each([
    { name: 'same digest and same tag', first: 'v1', second: 'v1' as string | undefined },
    { name: 'same digest, no tag', first: 'v1', second: undefined },
  ])('answers ImageAlreadyExistsException for $name', async ({ first, second }) => {
    // Prepare
    const image = imageManifest();
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: first }));
    await endpoint.idle();
    const events = endpoint.bus.events.length;

    // Act
    const error = await rejectionOf(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'app',
          imageManifest: image.text,
          ...(second === undefined ? {} : { imageTag: second }),
        }),
      ),
    );
    await endpoint.idle();

    // Assess
    expect(error.name).toBe('ImageAlreadyExistsException');
    expect(events).toBe(1);
    expect(endpoint.bus.events.length).toBe(events);
  });

  it('adds a second tag to the same bytes (a re-tag)', async () => {
    // Prepare
    const image = imageManifest();
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }));

    // Act
    const put = await ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1-deployable' }),
    );

    // Assess
    expect(put.image?.imageId).toEqual({ imageDigest: image.digest, imageTag: 'v1-deployable' });
    const entry = endpoint.state.repositories.get('app');
    expect(entry?.images.size).toBe(1);
    expect([...(entry?.tags.entries() ?? [])]).toEqual([
      ['v1', image.digest],
      ['v1-deployable', image.digest],
    ]);
  });

  it('moves a tag in a mutable repository and keeps the old image, now untagged', async () => {
    // Prepare
    const first = imageManifest({ seed: 'one' });
    const second = imageManifest({ seed: 'two' });
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: first.text, imageTag: 'latest' }));

    // Act
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: second.text, imageTag: 'latest' }));

    // Assess
    const entry = endpoint.state.repositories.get('app');
    expect(entry?.tags.get('latest')).toBe(second.digest);
    expect(entry?.images.has(first.digest)).toBe(true);
  });

  it.each([
    { mutability: 'IMMUTABLE', filters: [] as string[], tag: 'v1', immutable: true },
    { mutability: 'IMMUTABLE', filters: [], tag: 'v1-deployable', immutable: true },
    {
      mutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['*-deployable', '*-quarantined'],
      tag: 'v1-deployable',
      immutable: false,
    },
    {
      mutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['*-deployable', '*-quarantined'],
      tag: 'v1-quarantined',
      immutable: false,
    },
    { mutability: 'IMMUTABLE_WITH_EXCLUSION', filters: ['*-deployable'], tag: 'v1', immutable: true },
    { mutability: 'IMMUTABLE_WITH_EXCLUSION', filters: ['latest'], tag: 'latest', immutable: false },
    { mutability: 'IMMUTABLE_WITH_EXCLUSION', filters: ['dev*'], tag: 'develop', immutable: false },
    { mutability: 'MUTABLE_WITH_EXCLUSION', filters: ['release-*'], tag: 'release-1', immutable: true },
    { mutability: 'MUTABLE_WITH_EXCLUSION', filters: ['release-*'], tag: 'v1', immutable: false },
    { mutability: 'MUTABLE', filters: [], tag: 'v1', immutable: false },
  ] as const)(
    '$mutability with $filters: moving tag $tag is refused: $immutable',
    async ({ mutability, filters, tag, immutable }) => {
      // Prepare
      await ecr.send(
        new CreateRepositoryCommand({
          repositoryName: 'locked',
          imageTagMutability: mutability,
          ...(filters.length === 0
            ? {}
            : { imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD', filter })) }),
        }),
      );
      const first = imageManifest({ seed: 'one' });
      const second = imageManifest({ seed: 'two' });
      await ecr.send(new PutImageCommand({ repositoryName: 'locked', imageManifest: first.text, imageTag: tag }));

      // Act
      const outcome = await ecr
        .send(new PutImageCommand({ repositoryName: 'locked', imageManifest: second.text, imageTag: tag }))
        .then(
          () => 'moved',
          (error: Error) => error.name,
        );

      // Assess
      expect(outcome).toBe(immutable ? 'ImageTagAlreadyExistsException' : 'moved');
      expect(endpoint.state.repositories.get('locked')?.tags.get(tag)).toBe(immutable ? first.digest : second.digest);
    },
  );

  it('stores an index once its children are stored', async () => {
    // Prepare
    const amd = imageManifest({ seed: 'amd', architecture: 'amd64' });
    const arm = imageManifest({ seed: 'arm', architecture: 'arm64' });
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: amd.text }));
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: arm.text }));
    const index = indexManifest([
      { digest: amd.digest, size: amd.size },
      { digest: arm.digest, size: arm.size, platform: { architecture: 'arm64', os: 'linux' } },
    ]);

    // Act
    const put = await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: index.text, imageTag: 'multi' }));

    // Assess
    expect(put.image?.imageManifestMediaType).toBe(OCI_INDEX);
    expect(put.image?.imageId?.imageDigest).toBe(index.digest);
  });

  it('requires uploaded blobs only when requireLayers is on', async () => {
    // Prepare
    const { endpoint: strict, ecr: strictEcr } = await startEcr('app', { requireLayers: true });
    const image = imageManifest();

    try {
      // Act
      const missing = await rejectionOf(
        strictEcr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' })),
      );
      await uploadBlob(strictEcr, 'app', image.config.bytes);
      for (const layer of image.layers) await uploadBlob(strictEcr, 'app', layer.bytes);
      const stored = await strictEcr.send(
        new PutImageCommand({ repositoryName: 'app', imageManifest: image.text, imageTag: 'v1' }),
      );

      // Assess
      expect(missing.name).toBe('LayersNotFoundException');
      expect(missing.message).toContain(image.config.digest);
      expect(stored.image?.imageId?.imageDigest).toBe(image.digest);
    } finally {
      await strict.close();
    }
  });

  it('throttles PutImage above 10 TPS when the rate limit is on', async () => {
    // Prepare
    const { endpoint: limited, ecr: limitedEcr } = await startEcr('app', { putImageRateLimit: true });

    try {
      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 25 }, (_, index) =>
          limitedEcr
            .send(
              new PutImageCommand({
                repositoryName: 'app',
                imageManifest: imageManifest({ seed: `s${index}` }).text,
                imageTag: `t${index}`,
              }),
            )
            .then(
              () => 'ok',
              (error: Error) => error.name,
            ),
        ),
      );

      // Assess
      // The bucket holds ten tokens and refills at ten per second, so a burst of 25 cannot all pass.
      expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(10);
      expect(outcomes.filter((outcome) => outcome === 'ThrottlingException').length).toBeGreaterThanOrEqual(1);
      expect(outcomes.every((outcome) => outcome === 'ok' || outcome === 'ThrottlingException')).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
