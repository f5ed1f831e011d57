import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI as users run it: the built bin, in child processes, from the repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/ecr-lambda-guard.mjs', import.meta.url));

/** Dummy credentials and no colour, so nothing reaches AWS and output is plain. */
export const CLI_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
};

/** What one CLI run printed and returned; status is null when it had to be killed (it hung). */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion (killed after `timeoutMs`, which shows as status null). */
export const runCli = (
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): CliResult => {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: options.env ?? CLI_ENV,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** A running `local serve`. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Stops it with Ctrl-C and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `local serve` with `args` and resolves once it prints its banner. */
export const startServe = async (args: readonly string[], env: NodeJS.ProcessEnv = CLI_ENV): Promise<ServeProcess> => {
  const child = spawn(process.execPath, [BIN, 'local', 'serve', '--port', '0', ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local serve did not start:\n${stdout}\n${stderr}`)), 30_000);
    const check = (): void => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local serve exited ${code} before listening:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    child,
    output: () => stdout,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
};
