import type { BuildOptions } from 'esbuild';

/**
 * The esbuild settings for the Lambda bundle, shared by the project build and the CDK asset in
 * `infra/`, so the code the tests exercise is bundled exactly like the code that is deployed.
 * Entry points and output names are left to each caller.
 */
export const LAMBDA_BUNDLE_OPTIONS = Object.freeze({
  bundle: true,
  platform: 'node',
  format: 'esm',
  /** The Lambda runtime is nodejs22.x; keep this and `infra/` in step when moving to a newer runtime. */
  target: 'node22',
  // The SDK's CommonJS entry points leave `require("node:https")` shims that throw under real
  // ESM; its `module` builds are pure ESM, smaller and faster to load.
  mainFields: ['module', 'main'],
  minify: true,
  // Stack traces stay readable in CloudWatch: the function runs with `--enable-source-maps`.
  sourcemap: true,
  // Mappings only: Node parses the map at every cold start, and the sources' text (1 MB of SDK
  // code) is never needed to name a file, line and column (npm run bench: cold start 2.77x -> 2.6x).
  sourcesContent: false,
  legalComments: 'none',
} satisfies BuildOptions);
