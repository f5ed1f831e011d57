// Builds the Lambda asset and the CLI with esbuild. Runs on install (`prepare`) and before the tests.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { lambdaBuilds } from '../functions/config/lambda-build.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = (await import('../package.json', { with: { type: 'json' } })).default;

await Promise.all([
  ...lambdaBuilds(root, 'dist/lambda').map((options) => build(options)),
  build({
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
