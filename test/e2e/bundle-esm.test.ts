import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { localEcrClient, pushSeed } from '../../fixtures/push-fixture.js';
import { DEMO_SUBSCRIPTIONS } from '../../local/guard-stack.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { REPOSITORY } from '../support/guard-harness.js';
import { notifications, tagsInEcr } from './guard-kit.js';

const BUNDLE = fileURLToPath(new URL('../../dist/lambda/on-ecr-push.mjs', import.meta.url));
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ecr-lambda-guard';

/**
 * What the Lambda Node.js runtime does with an ESM handler: import the file by URL (no require
 * shim, no loader), check the export, call it with the event and a context, await the promise.
 */
const runtimeEntry = (bundleUrl: string): string => `
import { readFileSync } from 'node:fs';
import { handler } from ${JSON.stringify(bundleUrl)};

const event = JSON.parse(readFileSync(new URL('./event.json', import.meta.url), 'utf8'));
const context = {
  functionName: 'ecr-lambda-guard',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ecr-lambda-guard',
  memoryLimitInMB: '256',
  awsRequestId: 'bundle-esm-test',
  logGroupName: '/aws/lambda/ecr-lambda-guard',
  logStreamName: 'bundle-esm-test',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60000,
};
process.stdout.write(JSON.stringify({ message: 'runtime: handler export', type: typeof handler }) + '\\n');
const outcome = await handler(event, context);
process.stdout.write(JSON.stringify({ message: 'runtime: handler returned', outcome }) + '\\n');
`;

const runNode = (cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['entry.mjs'], { cwd, env, timeout: 25_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the built bundle loads as real ESM, as the Lambda Node.js runtime loads it', () => {
  let work: string;

  beforeAll(() => {
    if (!existsSync(BUNDLE)) throw new Error('dist/lambda/on-ecr-push.mjs is missing: run `npm run build` first');
    work = mkdtempSync(join(tmpdir(), 'guard-bundle-esm-'));
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('has no dynamic-require shims for Node built-ins', () => {
    // Prepare
    const code = readFileSync(BUNDLE, 'utf8');

    // Assess: esbuild's CommonJS shim throws "Dynamic require of ... is not supported" under ESM
    expect(code).not.toContain('__require("node:');
    expect(code).not.toContain('require("node:');
    expect(code).not.toContain('Dynamic require of');
    expect(code).toMatch(/from\s*"node:crypto"/);
  });

  it.each([
    { where: 'dist/lambda in the project', copy: false },
    { where: 'a directory with no node_modules (as /var/task)', copy: true },
  ])('imported from $where by file URL, its handler checks a real push', async ({ copy }) => {
    // Prepare: a local endpoint with the guard's topic, and the seed v7 pushed to it (no guard deployed)
    const stack: LocalStack = await startLocalStack();
    const dir = mkdtempSync(join(work, copy ? 'task-' : 'entry-'));
    try {
      const sns = new SNSClient({
        region: 'us-east-1',
        endpoint: stack.endpoint.url,
        credentials: { accessKeyId: 'AKIDBUNDLETEST', secretAccessKey: 'bundle-test' },
        maxAttempts: 1,
      });
      await sns.send(new CreateTopicCommand({ Name: 'ecr-lambda-guard' }));
      for (const subscription of DEMO_SUBSCRIPTIONS)
        await sns.send(new SubscribeCommand({ TopicArn: TOPIC_ARN, ...subscription }));
      const ecr = localEcrClient(stack.endpoint);
      const seed = seedCase({ architecture: 'arm64' });
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await stack.idle();
      const event = stack.bus.events.find((record) => record.event.detail['image-tag'] === 'v7')?.event;
      expect(event).toBeDefined();

      let bundleUrl = pathToFileURL(BUNDLE).href;
      if (copy) {
        // The asset folder as Lambda unpacks it: the handler and its on-demand siblings, no node_modules.
        for (const file of readdirSync(dirname(BUNDLE)).filter((name) => name.endsWith('.mjs'))) {
          copyFileSync(join(dirname(BUNDLE), file), join(dir, file));
        }
        bundleUrl = pathToFileURL(join(dir, 'on-ecr-push.mjs')).href;
      }
      writeFileSync(join(dir, 'entry.mjs'), runtimeEntry(bundleUrl));
      writeFileSync(join(dir, 'event.json'), JSON.stringify(event));

      // Act
      const result = await runNode(dir, {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        GUARD_TOPIC_ARN: TOPIC_ARN,
        GUARD_TARGET_ARCHITECTURES: 'arm64',
        AWS_ENDPOINT_URL: stack.endpoint.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
        AWS_SECRET_ACCESS_KEY: 'bundle-test',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });

      // Assess: the export, the guard's own decision line, the outcome
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const lines = jsonLines(result.stdout);
      expect(lines[0]).toEqual({ message: 'runtime: handler export', type: 'function' });
      expect(lines.filter((line) => line.message === 'checked')).toEqual([
        expect.objectContaining({
          level: 'INFO',
          repository: REPOSITORY,
          tag: 'v7',
          digest: seed.index.digest,
          verdict: 'quarantined',
          reasons: ['IMAGE_INDEX'],
          deployableChild: seed.image.digest,
          tags: [
            { tag: 'v7-deployable', outcome: 'created' },
            { tag: 'v7-quarantined', outcome: 'created' },
          ],
        }),
      ]);
      // Every line the guard wrote, metrics included, names the invocation and its cold start.
      const guardLines = lines.filter((line) => !String(line.message).startsWith('runtime:'));
      expect(guardLines.some((line) => '_aws' in line)).toBe(true);
      for (const line of guardLines) expect(line).toMatchObject({ requestId: 'bundle-esm-test', coldStart: true });
      expect(lines.at(-1)).toMatchObject({
        message: 'runtime: handler returned',
        outcome: { kind: 'checked', verdict: 'quarantined' },
      });

      // Assess: what it did through the real SDK
      expect(await tagsInEcr(ecr)).toEqual({
        v7: seed.index.digest,
        'v7-deployable': seed.image.digest,
        'v7-quarantined': seed.index.digest,
      });
      expect(notifications(stack.endpoint).map((n) => [n.emailSubject, n.machine.eventId])).toEqual([
        ['Quarantined: orders-service:v7 (IMAGE_INDEX)', event?.id],
      ]);
    } finally {
      await stack.close();
    }
  });
});
