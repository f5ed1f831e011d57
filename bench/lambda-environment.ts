/**
 * One Lambda execution environment for the burst benchmark: a plain Node process (no TypeScript
 * loader, so its memory is what the function's would be) that imports the built bundle, builds
 * the handler once and runs one invocation at a time, as Lambda does. Bundled by the benchmark
 * with esbuild and started with `fork`; it talks to the benchmark over IPC only.
 */
import type { FromEnvironment, ToEnvironment } from './lambda-environment-protocol.js';

type Handler = (event: unknown) => Promise<unknown>;
interface Bundle {
  createHandler(env: Readonly<Record<string, string | undefined>>, options: { write: (line: string) => void }): Handler;
}

const send = (message: FromEnvironment): void => {
  process.send?.(message);
};

let handler: Handler | null = null;
let logBytes = 0;
let invocations = 0;

const onMessage = async (message: ToEnvironment): Promise<void> => {
  switch (message.kind) {
    case 'init': {
      const bundle = (await import(message.bundleUrl)) as Bundle;
      // Log lines are counted, not kept: CloudWatch takes them in Lambda.
      handler = bundle.createHandler(message.env, {
        write: (line) => {
          logBytes += line.length + 1;
        },
      });
      send({ kind: 'ready' });
      return;
    }
    case 'invoke': {
      invocations += 1;
      if (handler === null) {
        send({ kind: 'done', id: message.id, ok: false, errorName: 'Runtime.Uninitialized', errorMessage: 'init first' });
        return;
      }
      try {
        const result = await handler(message.event);
        send({ kind: 'done', id: message.id, ok: true, result: result ?? null });
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        send({ kind: 'done', id: message.id, ok: false, errorName: failure.name, errorMessage: failure.message });
      }
      return;
    }
    case 'exit':
      send({
        kind: 'usage',
        maxRssKb: process.resourceUsage().maxRSS,
        heapUsedBytes: process.memoryUsage().heapUsed,
        logBytes,
        invocations,
      });
      process.disconnect?.();
      return;
  }
};

process.on('message', (message: ToEnvironment) => {
  void onMessage(message);
});
