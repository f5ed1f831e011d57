import type { BuildOptions, Plugin } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from './bundle-options.js';

/** The handler's file name inside the asset (`<file>.handler` in the function's configuration). */
export const HANDLER_FILE = 'on-ecr-push.mjs';
/** The SSM reader, a sibling file loaded only when the Slack webhook lives in SSM. */
export const SSM_READER_FILE = 'ssm-parameter-reader.mjs';
/** The report layer behind the notification composer, a sibling file loaded only when someone is notified. */
export const COMPOSER_FILE = 'notification-composer.mjs';

/** The STS client of organization mode, a sibling file loaded on the first event from a member account. */
export const STS_FILE = 'sts-assume-role.mjs';

/** Modules the handler imports on demand, each built as a sibling file of its own. */
const ON_DEMAND: Readonly<Record<string, string>> = {
  [SSM_READER_FILE]: 'functions/adapters/ssm-parameter-reader.ts',
  [COMPOSER_FILE]: 'functions/adapters/notification-composer.ts',
  [STS_FILE]: 'functions/adapters/sts-assume-role.ts',
};

// Keeps on-demand modules out of the handler's file: each dynamic import stays a relative import
// of the sibling file its own entry point writes, so a cold start reads only what it runs.
const onDemandAsSiblings: Plugin = {
  name: 'on-demand-as-siblings',
  setup(build) {
    build.onResolve({ filter: /\/(ssm-parameter-reader|notification-composer|sts-assume-role)\.js$/ }, (args) => {
      const file = `${args.path.slice(args.path.lastIndexOf('/') + 1).replace(/\.js$/, '')}.mjs`;
      return { path: `./${file}`, external: true };
    });
  },
};

/**
 * The esbuild builds that make the Lambda asset (one folder: the handler and its on-demand siblings): used by the project
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
      plugins: [onDemandAsSiblings],
    },
    ...Object.entries(ON_DEMAND).map(([file, entry]) => ({
      ...shared,
      entryPoints: { [file.replace('.mjs', '')]: entry },
      plugins: [onDemandAsSiblings],
    })),
  ];
};
