import type { BuildOptions, Plugin } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from './bundle-options.js';

/** The handler's file name inside the asset (`<file>.handler` in the function's configuration). */
export const HANDLER_FILE = 'on-ecr-push.mjs';
/** The SSM reader, a second file loaded only when the Slack webhook lives in SSM. */
export const SSM_READER_FILE = 'ssm-parameter-reader.mjs';

// Keeps the SSM client out of the handler's file: the dynamic import stays a relative import of
// the sibling file the second entry point writes.
const ssmReaderAsSibling: Plugin = {
  name: 'ssm-reader-as-sibling',
  setup(build) {
    build.onResolve({ filter: /\/ssm-parameter-reader\.js$/ }, () => ({ path: `./${SSM_READER_FILE}`, external: true }));
  },
};

/**
 * The esbuild builds that make the Lambda asset (one folder, two ESM files): used by the project
 * build, the local stack and the CDK construct alike, so what is tested is what is deployed.
 */
export const lambdaBuilds = (root: string, outdir: string): BuildOptions[] => {
  const shared: BuildOptions = {
    ...LAMBDA_BUNDLE_OPTIONS,
    absWorkingDir: root,
    outdir,
    outExtension: { '.js': '.mjs' },
    alias: { '@aws-sdk/credential-provider-node': './functions/adapters/env-credentials.ts' },
    logLevel: 'warning',
  };
  return [
    {
      ...shared,
      entryPoints: { [HANDLER_FILE.replace('.mjs', '')]: 'functions/on-ecr-push.lambda.ts' },
      plugins: [ssmReaderAsSibling],
    },
    { ...shared, entryPoints: { [SSM_READER_FILE.replace('.mjs', '')]: 'functions/adapters/ssm-parameter-reader.ts' } },
  ];
};
