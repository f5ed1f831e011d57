/** Messages between the benchmark and a Lambda execution-environment child process (IPC). */

/** Parent → child. */
export type ToEnvironment =
  | {
      readonly kind: 'init';
      /** `file:` URL of the built handler bundle. */
      readonly bundleUrl: string;
      /** The guard's environment, as the function configuration would set it. */
      readonly env: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'invoke'; readonly id: number; readonly event: unknown }
  | { readonly kind: 'exit' };

/** Child → parent. */
export type FromEnvironment =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'done'; readonly id: number; readonly ok: false; readonly errorName: string; readonly errorMessage: string }
  | {
      readonly kind: 'usage';
      /** `process.resourceUsage().maxRSS`, in kilobytes. */
      readonly maxRssKb: number;
      readonly heapUsedBytes: number;
      readonly logBytes: number;
      readonly invocations: number;
    };
