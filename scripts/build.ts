// Builds the Lambda asset and the CLI with esbuild. Runs on install (`prepare`) and before the tests.
//   tsx scripts/build.ts                     dist/lambda (the asset) and dist/cli.mjs
//   tsx scripts/build.ts --lambda-only DIR   only the Lambda asset, into DIR (the CDK construct uses this)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { lambdaBuilds } from './lambda-build.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'lambda-only': { type: 'string' } } });
const lambdaOut = values['lambda-only'] === undefined ? 'dist/lambda' : resolve(values['lambda-only']);
const { version } = (await import('../package.json', { with: { type: 'json' } })).default;

await Promise.all([
  ...lambdaBuilds(root, lambdaOut).map((options) => build(options)),
  values['lambda-only'] !== undefined
    ? Promise.resolve()
    : build({
        absWorkingDir: root,
        entryPoints: { cli: 'cli/main.ts' },
        outdir: 'dist',
        outExtension: { '.js': '.mjs' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: true,
        legalComments: 'none',
        mainFields: ['module', 'main'],
        // The CLI resolves the SDK from node_modules and keeps its full credential chain (SSO, profiles).
        packages: 'external',
        define: { CLI_VERSION: JSON.stringify(version) },
        logLevel: 'warning',
      }),
]);
