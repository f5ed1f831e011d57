/**
 * Builds what the benchmark measures into a temporary directory, from the current sources and with
 * the project's own esbuild settings (scripts/lambda-build.ts): the Lambda asset, the same
 * handler with the SDK left external (resolved from node_modules, as if the runtime provided it),
 * an empty ESM module (the cold-start baseline) and the Lambda-environment child of the burst.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from '../scripts/bundle-options.js';
import { COMPOSER_FILE, HANDLER_FILE, lambdaBuilds } from '../scripts/lambda-build.js';

export interface BenchArtifacts {
  readonly dir: string;
  /** The Lambda asset's handler file, built exactly as `npm run build` builds it. */
  readonly handler: string;
  /** The report layer's sibling file, which the handler imports on its first notification. */
  readonly composer: string;
  /** The handler with `@aws-sdk/*` and `@smithy/*` external. */
  readonly handlerSdkExternal: string;
  /** `export {}`: what importing any ESM module costs. */
  readonly empty: string;
  /** The three SDK clients the handler uses and nothing else, bundled the same way: the SDK's floor. */
  readonly sdkFloor: string;
  /** The burst's Lambda-environment child (bench/lambda-environment.ts), bundled to plain JS. */
  readonly environment: string;
  remove(): Promise<void>;
}

const root = fileURLToPath(new URL('..', import.meta.url));

export const buildArtifacts = async (): Promise<BenchArtifacts> => {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-lambda-guard-bench-'));
  const lambdaDir = join(dir, 'lambda');
  const externalDir = join(dir, 'sdk-external');
  await mkdir(externalDir, { recursive: true });
  // Bare `@aws-sdk/*` imports of the external build resolve through this link to the project's packages.
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const floorEntry = join(dir, 'sdk-floor-entry.mjs');
  await writeFile(
    floorEntry,
    [
      "export { BatchGetImageCommand, DescribeRepositoriesCommand, ECRClient, GetDownloadUrlForLayerCommand, PutImageCommand } from '@aws-sdk/client-ecr';",
      "export { PublishCommand, SNSClient } from '@aws-sdk/client-sns';",
      "export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
      '',
    ].join('\n'),
  );
  await Promise.all([
    ...lambdaBuilds(root, lambdaDir).map((options) => build(options)),
    ...lambdaBuilds(root, externalDir).map((options) =>
      build({ ...options, external: [...(options.external ?? []), '@aws-sdk/*', '@smithy/*'] }),
    ),
    build({
      ...LAMBDA_BUNDLE_OPTIONS,
      absWorkingDir: root,
      entryPoints: [floorEntry],
      outfile: join(dir, 'sdk-floor.mjs'),
      alias: { '@aws-sdk/credential-provider-node': './functions/adapters/env-credentials.ts' },
      sourcemap: false,
      logLevel: 'warning',
    }),
    build({
      absWorkingDir: root,
      entryPoints: ['bench/lambda-environment.ts'],
      outfile: join(dir, 'lambda-environment.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    }),
  ]);
  const empty = join(dir, 'empty.mjs');
  await writeFile(empty, 'export {};\n');
  return {
    dir,
    handler: join(lambdaDir, HANDLER_FILE),
    composer: join(lambdaDir, COMPOSER_FILE),
    handlerSdkExternal: join(externalDir, HANDLER_FILE),
    empty,
    sdkFloor: join(dir, 'sdk-floor.mjs'),
    environment: join(dir, 'lambda-environment.mjs'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
};
