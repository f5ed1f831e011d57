// Builds the CLI and the Lambda bundle with esbuild. Runs on `npm ci` (prepare) and before tests.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  // The SDK's default (CommonJS) entry points leave `require("node:https")` shims that throw
  // under real ESM; its `module` builds are pure ESM and smaller.
  mainFields: ['module', 'main'],
  legalComments: 'none',
};

await build({
  ...common,
  entryPoints: { 'on-ecr-push': 'functions/on-ecr-push.lambda.ts' },
  outdir: 'dist/lambda',
  outExtension: { '.js': '.mjs' },
  target: 'node22',
  minify: true,
  metafile: false,
}).catch((error) => {
  if (error?.errors?.some?.((e) => e.text?.includes('Could not resolve'))) return; // entry not written yet
  throw error;
});

await build({
  ...common,
  entryPoints: { cli: 'cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  target: 'node20',
  packages: 'external',
});
