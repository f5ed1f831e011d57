import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HANDLER_FILE } from '../scripts/lambda-build.js';

/** The guard's Lambda entry point (exports `handler`). */
export const GUARD_ENTRY = fileURLToPath(new URL('../functions/on-ecr-push.lambda.ts', import.meta.url));

/** The `Handler` setting that names the export Lambda calls. */
export const GUARD_HANDLER = `${HANDLER_FILE.replace(/\.mjs$/, '')}.handler`;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build.ts', import.meta.url));

/**
 * The function's code: the project's own build (`scripts/build.ts --lambda-only`) writes the asset,
 * so what is deployed is byte for byte the bundle the local end-to-end tests run. No Docker: local
 * bundling either succeeds or fails the synth with esbuild's message.
 */
export const guardCode = (): lambda.Code =>
  lambda.Code.fromAsset(dirname(GUARD_ENTRY), {
    // Hash what is deployed, not the source tree: a dependency upgrade changes the bundle without
    // touching functions/, and an unchanged bundle must not redeploy the function.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: `local` below always returns true or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(process.execPath, ['--import', 'tsx', BUILD_SCRIPT, '--lambda-only', outputDir], {
            cwd: ROOT,
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          return true;
        },
      },
    },
  });
