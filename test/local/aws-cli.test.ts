import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEndpoint, startLocalEndpoint } from '../../local/server.js';
import { findAwsCliV2 } from '../tools/aws-cli.js';
import { imageManifest, sha256 } from './local-test-kit.js';

const choice = findAwsCliV2();
const aws = choice.path;
const required = process.env.REQUIRE_TOOLS === '1';
if (aws === null && !required) console.warn(`aws-cli.test.ts: SKIPPED: ${choice.reason} (set REQUIRE_TOOLS=1 to fail instead)`);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// Each CLI run starts a Python interpreter (1-3 s on a busy two-core machine), hence the longer timeout.
describe('the real AWS CLI against the local endpoint', { timeout: 90_000 }, () => {
  let endpoint: LocalEndpoint;
  let work: string;

  const run = (args: readonly string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(
        aws ?? 'aws',
        ['--endpoint-url', endpoint.url, '--output', 'json', '--no-cli-pager', ...args],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: work,
            AWS_ACCESS_KEY_ID: 'x',
            AWS_SECRET_ACCESS_KEY: 'x',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_EC2_METADATA_DISABLED: 'true',
            AWS_CONFIG_FILE: join(work, 'no-config'),
            AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
          },
          timeout: 25_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
      );
    });

  const json = async (args: readonly string[]): Promise<Record<string, unknown>> => {
    const result = await run(args);
    if (result.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    endpoint = await startLocalEndpoint();
    work = mkdtempSync(join(tmpdir(), 'aws-cli-local-'));
  });
  afterAll(async () => {
    await endpoint?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  // Runs wherever tools are required (CI), so a missing CLI fails there instead of skipping the suite.
  it.runIf(required)('has the AWS CLI installed (REQUIRE_TOOLS=1)', () => {
    // Assess
    expect(aws, `REQUIRE_TOOLS=1 but ${choice.reason}`).not.toBeNull();
  });

  describe.skipIf(aws === null)('ECR (awsJson1_1)', () => {
    const image = imageManifest({ seed: 'cli' });
    // Odd whitespace: only byte-exact storage keeps this digest.
    const manifestText = `{\n\t"schemaVersion" : 2 ,${image.text.slice(1).replace('"config"', '  "config"')}\n`;

    it('creates a repository', async () => {
      // Act
      const created = await json([
        'ecr',
        'create-repository',
        '--repository-name',
        'cli/app',
        '--image-tag-mutability',
        'IMMUTABLE',
      ]);

      // Assess
      expect(created.repository).toMatchObject({
        repositoryName: 'cli/app',
        repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/cli/app',
        imageTagMutability: 'IMMUTABLE',
      });
      expect(endpoint.state.repositories.get('cli/app')?.repository.imageTagMutability).toBe('IMMUTABLE');
    });

    it('puts a manifest from a file byte for byte', async () => {
      // Prepare
      const file = join(work, 'manifest.json');
      writeFileSync(file, manifestText);

      // Act
      const put = await json([
        'ecr',
        'put-image',
        '--repository-name',
        'cli/app',
        '--image-manifest',
        `file://${file}`,
        '--image-tag',
        'v1',
      ]);

      // Assess
      expect(put.image).toMatchObject({
        imageId: { imageDigest: sha256(manifestText), imageTag: 'v1' },
        imageManifest: manifestText,
      });
      expect(endpoint.state.repositories.get('cli/app')?.images.get(sha256(manifestText))?.manifest).toBe(manifestText);
    });

    it.each([
      { name: 'the same push again', args: ['--image-tag', 'v1'], seed: null, code: 'ImageAlreadyExistsException' },
      {
        name: 'an immutable tag moved to another image',
        args: ['--image-tag', 'v1'],
        seed: 'other',
        code: 'ImageTagAlreadyExistsException',
      },
    ])('reports $code for $name', async ({ args, seed, code }) => {
      // Prepare
      const file = join(work, `manifest-${code}.json`);
      writeFileSync(file, seed === null ? manifestText : imageManifest({ seed }).text);

      // Act
      const result = await run([
        'ecr',
        'put-image',
        '--repository-name',
        'cli/app',
        '--image-manifest',
        `file://${file}`,
        ...args,
      ]);

      // Assess
      expect(result.code).toBe(254);
      expect(result.stderr).toContain(`An error occurred (${code}) when calling the PutImage operation`);
    });

    it('gets images and failures with batch-get-image', async () => {
      // Act
      const got = await json([
        'ecr',
        'batch-get-image',
        '--repository-name',
        'cli/app',
        '--image-ids',
        'imageTag=v1',
        'imageTag=missing',
        '--accepted-media-types',
        'application/vnd.oci.image.manifest.v1+json',
      ]);

      // Assess
      expect(got.images).toEqual([
        {
          registryId: '123456789012',
          repositoryName: 'cli/app',
          imageId: { imageDigest: sha256(manifestText), imageTag: 'v1' },
          imageManifest: manifestText,
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        },
      ]);
      expect(got.failures).toEqual([
        { imageId: { imageTag: 'missing' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      ]);
    });

    it('describes images with a push timestamp the CLI can parse', async () => {
      // Act
      const described = await json(['ecr', 'describe-images', '--repository-name', 'cli/app']);

      // Assess
      const [detail] = described.imageDetails as Record<string, unknown>[];
      expect(detail).toMatchObject({
        imageDigest: sha256(manifestText),
        imageTags: ['v1'],
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactMediaType: 'application/vnd.oci.image.config.v1+json',
      });
      expect(Number.isNaN(Date.parse(String(detail?.imagePushedAt)))).toBe(false);
    });
  });

  describe.skipIf(aws === null)('ECR deletes: BatchDeleteImage and DeleteRepository', () => {
    const put = async (repository: string, seed: string, tag: string): Promise<string> => {
      const file = join(work, `${seed}.json`);
      writeFileSync(file, imageManifest({ seed }).text);
      const out = await json([
        'ecr',
        'put-image',
        '--repository-name',
        repository,
        '--image-tag',
        tag,
        '--image-manifest',
        `file://${file}`,
      ]);
      return (out.image as { imageId: { imageDigest: string } }).imageId.imageDigest;
    };

    it('removes a tag, then the image by digest, and reports what it cannot find', async () => {
      // Prepare
      await json(['ecr', 'create-repository', '--repository-name', 'cli/del']);
      const digest = await put('cli/del', 'del-a', 'v1');
      await json([
        'ecr',
        'put-image',
        '--repository-name',
        'cli/del',
        '--image-tag',
        'v2',
        '--image-manifest',
        `file://${join(work, 'del-a.json')}`,
      ]);

      // Act
      const byTag = await json(['ecr', 'batch-delete-image', '--repository-name', 'cli/del', '--image-ids', 'imageTag=v1']);
      const byDigest = await json([
        'ecr',
        'batch-delete-image',
        '--repository-name',
        'cli/del',
        '--image-ids',
        `imageDigest=${digest}`,
        'imageTag=nope',
      ]);

      // Assess
      expect(byTag).toStrictEqual({ imageIds: [{ imageDigest: digest, imageTag: 'v1' }], failures: [] });
      expect(byDigest.imageIds).toStrictEqual([{ imageDigest: digest, imageTag: 'v2' }]);
      expect(byDigest.failures).toMatchObject([{ imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound' }]);
      expect(endpoint.state.repositories.get('cli/del')?.images.size).toBe(0);
      // An empty repository needs no --force (and leaves the listing the next suite counts as it was).
      await json(['ecr', 'delete-repository', '--repository-name', 'cli/del']);
    });

    it('refuses to delete a repository with images unless --force, with exit code 254', async () => {
      // Prepare
      await json(['ecr', 'create-repository', '--repository-name', 'cli/full']);
      await put('cli/full', 'del-b', 'v1');

      // Act
      const refused = await run(['ecr', 'delete-repository', '--repository-name', 'cli/full']);
      const forced = await json(['ecr', 'delete-repository', '--repository-name', 'cli/full', '--force']);
      const missing = await run(['ecr', 'delete-repository', '--repository-name', 'cli/full']);

      // Assess
      expect(refused.code).toBe(254);
      expect(refused.stderr).toContain('RepositoryNotEmptyException');
      expect(forced.repository).toMatchObject({ repositoryName: 'cli/full' });
      expect(missing.code).toBe(254);
      expect(missing.stderr).toContain('RepositoryNotFoundException');
    });
  });

  describe.skipIf(aws === null)('the ECR reads audit and the sweep use (paginated, filtered)', () => {
    const repositories = ['audit/a', 'audit/b', 'audit/c'];
    const tags = ['t1', 't2', 't3', 't4', 't5'];
    const untagged = imageManifest({ seed: 'audit-untagged' });

    it('creates three repositories and pushes five tagged images and an untagged one', async () => {
      // Act
      for (const name of repositories) await json(['ecr', 'create-repository', '--repository-name', name]);
      for (const [index, tag] of tags.entries()) {
        const file = join(work, `audit-${tag}.json`);
        writeFileSync(file, imageManifest({ seed: `audit-${index}` }).text);
        await json([
          'ecr',
          'put-image',
          '--repository-name',
          'audit/a',
          '--image-manifest',
          `file://${file}`,
          '--image-tag',
          tag,
        ]);
      }
      const file = join(work, 'audit-untagged.json');
      writeFileSync(file, untagged.text);
      await json(['ecr', 'put-image', '--repository-name', 'audit/a', '--image-manifest', `file://${file}`]);

      // Assess
      expect(endpoint.state.repositories.get('audit/a')?.tags.size).toBe(tags.length);
    });

    it.each([
      { name: 'follows nextToken across pages of 2', args: ['--page-size', '2'], count: 4, next: false },
      { name: 'stops after --max-items 2 and hands back a token', args: ['--max-items', '2'], count: 2, next: true },
    ])('describe-repositories $name', async ({ args, count, next }) => {
      // Act
      const listed = await json(['ecr', 'describe-repositories', ...args]);

      // Assess: cli/app from the suite above plus the three audit repositories, in name order
      const names = (listed.repositories as { repositoryName: string }[]).map((repository) => repository.repositoryName);
      expect(names).toHaveLength(count);
      expect(names).toEqual([...names].sort());
      expect(listed.NextToken !== undefined).toBe(next);
    });

    it.each([
      { tagStatus: 'TAGGED', expected: 5 },
      { tagStatus: 'UNTAGGED', expected: 1 },
      { tagStatus: 'ANY', expected: 6 },
    ])('list-images --filter tagStatus=$tagStatus pages of 2 return $expected ids', async ({ tagStatus, expected }) => {
      // Act
      const listed = await json([
        'ecr',
        'list-images',
        '--repository-name',
        'audit/a',
        '--filter',
        `tagStatus=${tagStatus}`,
        '--page-size',
        '2',
      ]);

      // Assess
      const ids = listed.imageIds as { imageTag?: string; imageDigest: string }[];
      expect(ids).toHaveLength(expected);
      expect(ids.filter((id) => id.imageTag === undefined).map((id) => id.imageDigest)).toEqual(
        tagStatus === 'TAGGED' ? [] : [sha256(untagged.text)],
      );
    });

    it('describe-images --filter tagStatus=TAGGED pages in push order with tags and push times', async () => {
      // Act
      const described = await json([
        'ecr',
        'describe-images',
        '--repository-name',
        'audit/a',
        '--filter',
        'tagStatus=TAGGED',
        '--page-size',
        '2',
      ]);

      // Assess
      const details = described.imageDetails as { imageTags: string[]; imagePushedAt: string }[];
      expect(details.map((detail) => detail.imageTags)).toEqual(tags.map((tag) => [tag]));
      const times = details.map((detail) => Date.parse(detail.imagePushedAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('refuses a nextToken the endpoint never issued, as InvalidParameterException', async () => {
      // Act
      const result = await run(['ecr', 'list-images', '--repository-name', 'audit/a', '--starting-token', 'bm90LWEtdG9rZW4']);

      // Assess
      expect(result.code).toBe(254);
      expect(result.stderr).toContain('InvalidParameterException');
    });
  });

  describe.skipIf(aws === null)('Lambda (restJson1): the functions audit --functions reads', () => {
    const image = imageManifest({ seed: 'lambda-fn' });
    const uri = (ref: string) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/fn/app${ref}`;

    it('creates an image function and pins the digest its tag names', async () => {
      // Prepare
      await json(['ecr', 'create-repository', '--repository-name', 'fn/app']);
      const file = join(work, 'fn.json');
      writeFileSync(file, image.text);
      await json(['ecr', 'put-image', '--repository-name', 'fn/app', '--image-manifest', `file://${file}`, '--image-tag', 'v1']);

      // Act
      const created = await json([
        'lambda',
        'create-function',
        '--function-name',
        'orders',
        '--package-type',
        'Image',
        '--code',
        `ImageUri=${uri(':v1')}`,
        '--role',
        'arn:aws:iam::123456789012:role/fn',
        '--architectures',
        'arm64',
      ]);
      const got = await json(['lambda', 'get-function', '--function-name', 'orders']);

      // Assess
      expect(created).toMatchObject({ FunctionName: 'orders', PackageType: 'Image', Architectures: ['arm64'] });
      expect(got.Code).toEqual({ RepositoryType: 'ECR', ImageUri: uri(':v1'), ResolvedImageUri: uri(`@${image.digest}`) });
    });

    it('lists functions across pages (zip functions included) with --page-size 1', async () => {
      // Prepare: the smallest zip file there is (an empty end-of-central-directory record)
      const zip = join(work, 'empty.zip');
      writeFileSync(zip, Buffer.concat([Buffer.from('504b0506', 'hex'), Buffer.alloc(18)]));
      await json([
        'lambda',
        'create-function',
        '--function-name',
        'a-zip',
        '--runtime',
        'nodejs22.x',
        '--handler',
        'index.handler',
        '--role',
        'arn:aws:iam::123456789012:role/fn',
        '--zip-file',
        `fileb://${zip}`,
      ]);

      // Act
      const listed = await json(['lambda', 'list-functions', '--page-size', '1']);

      // Assess
      const functions = listed.Functions as { FunctionName: string; PackageType: string }[];
      expect(functions.map((fn) => [fn.FunctionName, fn.PackageType])).toEqual([
        ['a-zip', 'Zip'],
        ['orders', 'Image'],
      ]);
    });

    it.each([
      {
        name: 'an unknown function',
        args: ['get-function', '--function-name', 'nope'],
        code: 'ResourceNotFoundException',
      },
      {
        name: 'an image that is not in the registry',
        args: [
          'create-function',
          '--function-name',
          'ghost',
          '--package-type',
          'Image',
          '--code',
          `ImageUri=${uri(':missing')}`,
          '--role',
          'arn:aws:iam::123456789012:role/fn',
        ],
        code: 'InvalidParameterValueException',
      },
    ])('reports $code for $name', async ({ args, code }) => {
      // Act
      const result = await run(['lambda', ...args]);

      // Assess
      expect(result.code).toBe(254);
      expect(result.stderr).toContain(`An error occurred (${code})`);
    });
  });

  describe.skipIf(aws === null)('SNS (query protocol, XML)', () => {
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:cli-guard';

    it('creates a topic and subscribes an SQS queue with raw delivery and an email address', async () => {
      // Act
      const topic = await json(['sns', 'create-topic', '--name', 'cli-guard']);
      const queue = await json([
        'sns',
        'subscribe',
        '--topic-arn',
        topicArn,
        '--protocol',
        'sqs',
        '--notification-endpoint',
        'arn:aws:sqs:us-east-1:123456789012:inbox',
        '--attributes',
        'RawMessageDelivery=true',
      ]);
      const email = await json([
        'sns',
        'subscribe',
        '--topic-arn',
        topicArn,
        '--protocol',
        'email',
        '--notification-endpoint',
        'dev@example.com',
      ]);

      // Assess
      expect(topic.TopicArn).toBe(topicArn);
      expect(queue.SubscriptionArn).toMatch(new RegExp(`^${topicArn}:`));
      expect(email.SubscriptionArn).toBe('pending confirmation');
      expect([...endpoint.state.subscriptions.values()].map((subscription) => subscription.attributes)).toEqual([
        { RawMessageDelivery: 'true' },
        {},
      ]);
    });

    it('publishes a per-protocol message with attributes', async () => {
      // Act
      const published = await json([
        'sns',
        'publish',
        '--topic-arn',
        topicArn,
        '--message-structure',
        'json',
        '--message',
        JSON.stringify({ default: 'plain', sqs: 'for the queue', email: 'for people' }),
        '--subject',
        'ECR guard: quarantined',
        '--message-attributes',
        JSON.stringify({ verdict: { DataType: 'String', StringValue: 'quarantined' } }),
      ]);

      // Assess
      const deliveries = endpoint.deliveries.list().filter((delivery) => delivery.messageId === published.MessageId);
      expect(deliveries.map((delivery) => [delivery.protocol, delivery.body])).toEqual([
        ['sqs', 'for the queue'],
        ['email', 'for people'],
      ]);
      expect(deliveries[0]?.messageAttributes).toEqual({ verdict: { DataType: 'String', StringValue: 'quarantined' } });
      expect(deliveries[1]?.subject).toBe('ECR guard: quarantined');
    });

    it.each([
      {
        name: 'a subject starting with a space',
        topic: topicArn,
        args: ['--message', 'm', '--subject', ' bad'],
        error: 'InvalidParameter',
      },
      {
        name: 'a json structure without default',
        topic: topicArn,
        args: ['--message', '{"sqs":"x"}', '--message-structure', 'json'],
        error: 'InvalidParameter',
      },
      { name: 'an unknown topic', topic: `${topicArn}-missing`, args: ['--message', 'm'], error: 'NotFound' },
    ])('reports $error for $name', async ({ topic, args, error }) => {
      // Act
      const result = await run(['sns', 'publish', '--topic-arn', topic, ...args]);

      // Assess
      expect(result.code).toBe(254);
      expect(result.stderr).toContain(`An error occurred (${error}) when calling the Publish operation`);
    });
  });
});
