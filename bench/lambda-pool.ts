/**
 * A pool of Lambda execution environments (child processes, see `lambda-environment.ts`) behind
 * one handler, for the local Lambda runtime: each invocation runs in a free environment, so every
 * environment has its own SDK clients, caches and adaptive retry state, as on Lambda.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { FromEnvironment, ToEnvironment } from './lambda-environment-protocol.js';

/** What each environment reported when it was shut down. */
export interface EnvironmentUsage {
  readonly maxRssKb: number;
  readonly heapUsedBytes: number;
  readonly logBytes: number;
  readonly invocations: number;
}

export interface LambdaPool {
  readonly handler: (event: unknown) => Promise<unknown>;
  /** Stops every environment and returns what each reported. */
  close(): Promise<EnvironmentUsage[]>;
}

interface Environment {
  readonly child: ChildProcess;
  readonly pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
}

const waitFor = <K extends FromEnvironment['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<FromEnvironment, { kind: K }>> =>
  new Promise((resolve, reject) => {
    const onMessage = (message: FromEnvironment): void => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<FromEnvironment, { kind: K }>);
    };
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(new Error(`a Lambda environment exited (code ${code}) before sending ${kind}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

/**
 * The flags Lambda's Node.js bootstrap (/var/runtime/bootstrap) starts node with for a memory size:
 * a tenth of the memory as new space (half of it per semi-space), the rest as old space. Source:
 * copies of the bootstrap script in public repositories (practitioner evidence, not AWS docs).
 * The guard runs without `--enable-source-maps` unless the construct's `sourceMaps` asks for it.
 */
export const lambdaNodeFlags = (memoryMb: number): string[] => {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
};

/** Starts `size` environments running `entry` (a bundled `lambda-environment.ts`) over the handler bundle. */
export const startLambdaPool = async (options: {
  readonly size: number;
  readonly entry: string;
  readonly bundleUrl: string;
  readonly env: Readonly<Record<string, string>>;
  /** Variables of the child processes themselves (credentials the SDK reads from the process). */
  readonly processEnv: Readonly<Record<string, string>>;
  /** The function's memory: sizes V8's heap as Lambda's Node.js bootstrap does. */
  readonly memoryMb: number;
}): Promise<LambdaPool> => {
  const environments: Environment[] = [];
  const free: Environment[] = [];
  const waiting: ((environment: Environment) => void)[] = [];
  let nextId = 1;

  for (let i = 0; i < options.size; i += 1) {
    const child = fork(options.entry, [], {
      execArgv: lambdaNodeFlags(options.memoryMb),
      env: { PATH: process.env.PATH ?? '', ...options.processEnv },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const environment: Environment = { child, pending: new Map() };
    child.on('message', (message: FromEnvironment) => {
      if (message.kind !== 'done') return;
      const waiter = environment.pending.get(message.id);
      if (waiter === undefined) return;
      environment.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(Object.assign(new Error(message.errorMessage), { name: message.errorName }));
    });
    const ready = waitFor(child, 'ready');
    child.send({ kind: 'init', bundleUrl: options.bundleUrl, env: options.env } satisfies ToEnvironment);
    await ready;
    environments.push(environment);
    free.push(environment);
  }

  const acquire = (): Promise<Environment> => {
    const environment = free.pop();
    if (environment !== undefined) return Promise.resolve(environment);
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (environment: Environment): void => {
    const next = waiting.shift();
    if (next !== undefined) next(environment);
    else free.push(environment);
  };

  return {
    handler: async (event) => {
      const environment = await acquire();
      try {
        const id = nextId;
        nextId += 1;
        return await new Promise((resolve, reject) => {
          environment.pending.set(id, { resolve, reject });
          environment.child.send({ kind: 'invoke', id, event } satisfies ToEnvironment);
        });
      } finally {
        release(environment);
      }
    },
    close: async () =>
      Promise.all(
        environments.map(async ({ child }) => {
          const usage = waitFor(child, 'usage');
          child.send({ kind: 'exit' } satisfies ToEnvironment);
          const { maxRssKb, heapUsedBytes, logBytes, invocations } = await usage;
          return { maxRssKb, heapUsedBytes, logBytes, invocations };
        }),
      ),
  };
};
