import { parseArgs } from 'node:util';
import { InputError } from '../functions/adapters/input-error.js';
import { asksForHelp, COMMAND_HELP, helpKey } from './command-help.js';
import { parseArchitectures, runInspect } from './inspect.js';
import { UsageError } from './usage-error.js';

const HELP = `ecr-lambda-guard — will AWS Lambda accept this container image?

Usage:
  ecr-lambda-guard inspect <source> [--json | --format text|json|markdown] [--arch x86_64|arm64] [--strict] [--blobs DIR]
  ecr-lambda-guard audit [--repository PATTERN]... [--arch ARCH] [--strict] [--since 7d|DATE] [--region R]
                        [--json | --format text|markdown|json] [--apply [--notify --topic-arn ARN]] [--functions]
                        [--concurrency N]
  ecr-lambda-guard local serve [--port N] [--state DIR] [--arch ARCH] [--notify-on-deployable] [--no-guard]
                               [--org [--member ACCOUNT@REGION[=ALIAS]]...]
  ecr-lambda-guard local push <oci-layout-or-archive>[:ref] <repo>:<tag> [--endpoint URL] [--account ID --region R]
  ecr-lambda-guard demo [--org]
  ecr-lambda-guard <command> --help
  ecr-lambda-guard --help | --version

<source> is one of:
  ./layout[:ref|@sha256:…]   an OCI image layout folder (ref = org.opencontainers.image.ref.name)
  ./image.tar[:ref]          an OCI archive (docker buildx --output type=oci, skopeo oci-archive:)
  ./manifest.json            a single manifest; --blobs DIR resolves children and configs by digest
  repo:tag, repo@sha256:…    an image in Amazon ECR (default credentials, AWS_ENDPOINT_URL_ECR)
  <account>.dkr.ecr.<region>.amazonaws.com/repo:tag

Options:
  --json        print the verdict as JSON (schemaVersion 1) and nothing else on stdout
  --format F    text (default), json (= --json) or markdown (a CI job summary or PR comment)
  --arch ARCH   the function's architecture: x86_64 or arm64 (repeat or comma-separate for both)
  --strict      quarantine on warnings too
  --blobs DIR   folder of blobs named by hex digest (with a single manifest file)

audit checks every tag of every repository (or those --repository matches, * wildcard) with the
guard's rules and reports its guard tags (present, missing, stale, foreign); --apply writes the
missing verdict tags by the guard's rules (never deletes, never moves a foreign tag); --functions
checks the images of the region's container-image Lambda functions. See docs/audit.md.

Exit codes: 0 deployable or skipped, 1 quarantined, 2 usage or input error.
`;

// https://no-color.org: "when present and not an empty string" NO_COLOR disables colour.
const useColor = (): boolean =>
  process.stdout.isTTY === true && (process.env.NO_COLOR ?? '') === '' && process.env.TERM !== 'dumb';

const inspect = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      arch: { type: 'string', multiple: true, default: [] },
      strict: { type: 'boolean', default: false },
      blobs: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('inspect takes exactly one <source> (see --help)');
  if (!['text', 'json', 'markdown'].includes(values.format))
    throw new UsageError(`--format must be text, json or markdown, found "${values.format}"`);
  const json = values.json || values.format === 'json';
  return runInspect(
    {
      source: positionals[0] ?? '',
      json,
      markdown: values.format === 'markdown',
      architectures: parseArchitectures(values.arch),
      strict: values.strict,
      ...(values.blobs === undefined ? {} : { blobsDir: values.blobs }),
      color: useColor() && values.format === 'text' && !json,
    },
    (text) => process.stdout.write(text),
  );
};

const commands: Record<string, (args: string[]) => Promise<number>> = {
  inspect,
  audit: async (args) => {
    const { runAudit } = await import('./audit.js');
    return runAudit(args, (text) => process.stdout.write(text), process.stderr);
  },
  local: async (args) => {
    const { runLocal } = await import('./local.js');
    return runLocal(args);
  },
  demo: async (args) => {
    if (args.includes('--org')) {
      const { runOrgDemo } = await import('./org-demo.js');
      return runOrgDemo(args.filter((arg) => arg !== '--org'));
    }
    const { runDemo } = await import('./demo.js');
    return runDemo(args);
  },
};

/** The CLI: a thin shell over the same core the Lambda uses. */
export const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${CLI_VERSION}\n`);
    return 0;
  }
  const run = commands[command];
  if (run === undefined) {
    process.stderr.write(`ecr-lambda-guard: unknown command "${command}" (see --help)\n`);
    return 2;
  }
  const help = asksForHelp(rest) ? COMMAND_HELP[helpKey(command, rest)] : undefined;
  if (help !== undefined) {
    process.stdout.write(help);
    return 0;
  }
  try {
    return await run(rest);
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof InputError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = (error as Error).message.split('\n')[0];
    process.stderr.write(`ecr-lambda-guard: ${message}\n`);
    if (!known && process.env.DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 2;
  }
};

process.exitCode = await main(process.argv.slice(2));
