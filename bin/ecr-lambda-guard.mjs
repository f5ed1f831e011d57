#!/usr/bin/env node
// The package's command. The TypeScript sources are bundled to dist/ by `npm run build` (run on install).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('ecr-lambda-guard: dist/cli.mjs is missing; run `npm run build` first\n');
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import(entry.href);
