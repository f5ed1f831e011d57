/**
 * Usage of each command and subcommand, printed by `<command> --help` / `-h` (exit 0, stdout).
 * Every option the command's parseArgs accepts is listed here; test/cli/help.test.ts checks it.
 */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  inspect: `Usage: ecr-lambda-guard inspect <source> [--json | --format text|json|markdown] [--arch x86_64|arm64]
                                [--strict] [--blobs DIR]

Checks one image, offline or in ECR, with the guard's rules.
  <source>      ./layout[:ref|@sha256:…], ./image.tar[:ref], ./manifest.json, repo:tag, repo@sha256:…,
                or <account>.dkr.ecr.<region>.amazonaws.com/repo:tag
  --json        print the verdict as JSON (schemaVersion 1) and nothing else on stdout
  --format F    text (default), json (= --json) or markdown (a CI job summary or PR comment)
  --arch ARCH   the function's architecture: x86_64 or arm64 (repeat or comma-separate for both)
  --strict      quarantine on warnings too
  --blobs DIR   folder of blobs named by hex digest (with a single manifest file)

Exit codes: 0 deployable or skipped, 1 quarantined, 2 usage or input error.
`,
  audit: `Usage: ecr-lambda-guard audit [--repository PATTERN]... [--arch ARCH] [--strict] [--since 7d|DATE]
                              [--region R] [--json | --format text|markdown|json]
                              [--apply [--notify --topic-arn ARN]] [--functions] [--concurrency N]

Checks every tag of every repository (or those --repository matches, * wildcard) and reports the
guard's tags (present, missing, stale, foreign). See docs/audit.md.
`,
  local: `Usage: ecr-lambda-guard local serve [options]   (see local serve --help)
       ecr-lambda-guard local push <source> <repo>:<tag> [options]   (see local push --help)
`,
  'local serve': `Usage: ecr-lambda-guard local serve [--port N] [--state DIR] [--arch ARCH] [--notify-on-deployable]
                                    [--no-guard] [--org [--member ACCOUNT@REGION[=ALIAS]]...]

Runs the local ECR/SNS/Secrets Manager/SSM/Lambda endpoint with the guard on every push.
  --port N                 TCP port on 127.0.0.1 (default 4580; 0 picks a free one)
  --state DIR              keep the state in DIR (state.json + blobs) and load it on the next start
  --arch ARCH              the guard's target architectures (GUARD_TARGET_ARCHITECTURES): x86_64, arm64
  --notify-on-deployable   also notify deployable pushes (GUARD_NOTIFY_ON_DEPLOYABLE=true)
  --no-guard               accept pushes but drop their events (a registry the guard never saw)
  --org, --member          organization mode: member accounts ACCOUNT@REGION, optionally =ALIAS
`,
  'local push': `Usage: ecr-lambda-guard local push <oci-layout-or-archive-or-manifest>[:ref] <repo>:<tag>
                                   [--endpoint URL] [--region R] [--account ID]

Pushes an image to the local endpoint (children first, as docker does); never to AWS.
  --endpoint URL   the endpoint (default AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL; one is required)
  --region R       the Region the ECR client signs for (default AWS_REGION, then us-east-1)
  --account ID     push as this account (for local serve --org)
`,
  demo: `Usage: ecr-lambda-guard demo [--org]

Starts the local stack in-process, pushes the seed story (orders-service:v7 and v8), lets the built
Lambda bundle handle every ECR event and prints what the team sees. --org runs the organization demo.
`,
};

/** True when the arguments ask for help (before a `--` that ends the options). */
export const asksForHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
};

/** The help key of a command line: `local serve`, `local push`, or the command itself. */
export const helpKey = (command: string, rest: readonly string[]): string => {
  const sub = rest[0];
  if (command === 'local' && sub !== undefined && COMMAND_HELP[`local ${sub}`] !== undefined) return `local ${sub}`;
  return command;
};
