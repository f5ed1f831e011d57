import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Shared by the real-tool tests: which OCI tools are installed, running them, and running the CLI
 * the way a user does (`node bin/ecr-lambda-guard.mjs …` from the repository root).
 */

/** The repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** CI sets REQUIRE_TOOLS=1 so that a missing tool fails the run instead of skipping it. */
export const TOOLS_REQUIRED = process.env.REQUIRE_TOOLS === '1';

/** The tools in `names` that cannot be started. */
export const missingTools = (names: readonly string[]): string[] =>
  names.filter((name) => spawnSync(name, ['--version'], { encoding: 'utf8' }).error !== undefined);

/**
 * Decides whether a suite runs: with tools missing it warns (naming them) and skips, unless
 * REQUIRE_TOOLS=1, in which case the suite runs and fails on the first missing tool.
 */
export const shouldSkip = (suite: string, names: readonly string[]): { skip: boolean; missing: string[] } => {
  const missing = missingTools(names);
  const skip = missing.length > 0 && !TOOLS_REQUIRED;
  if (skip) {
    console.warn(
      `[${suite}] SKIPPED: ${missing.join(', ')} not installed (install them, or set REQUIRE_TOOLS=1 to fail instead)`,
    );
  }
  return { skip, missing };
};

/** Runs a tool and returns its stdout; throws with its stderr when it fails. */
export const run = (
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string => {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options, maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
};

/** What `ecr-lambda-guard` printed and returned. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI from the repository root, as the README tells users to. */
export const runCli = (args: readonly string[]): CliRun => {
  const result = spawnSync(process.execPath, ['bin/ecr-lambda-guard.mjs', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The `inspect --json` document (schemaVersion 1), as far as these tests read it. */
export interface InspectJson {
  readonly schemaVersion: number;
  readonly verdict: string;
  readonly subject: { readonly digest: string; readonly mediaType: string; readonly tag: string | null; readonly source: string };
  readonly reasons: readonly {
    readonly code: string;
    readonly severity: string;
    readonly message: string;
    readonly details: unknown;
    readonly status: string;
  }[];
  readonly platform: { readonly os: string; readonly architecture: string } | null;
  readonly deployableChild: { readonly digest: string; readonly platform: unknown } | null;
  readonly tree: unknown;
  readonly provenance: { readonly builderId?: string | null } | null;
}

/** Runs `inspect --json` and parses stdout; throws with both streams when stdout is not the JSON document. */
export const inspectJson = (args: readonly string[]): { status: number | null; json: InspectJson; stderr: string } => {
  const result = runCli(['inspect', ...args, '--json']);
  try {
    return { status: result.status, json: JSON.parse(result.stdout) as InspectJson, stderr: result.stderr };
  } catch {
    throw new Error(
      `inspect ${args.join(' ')} --json exited ${result.status} without JSON on stdout.\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
};
