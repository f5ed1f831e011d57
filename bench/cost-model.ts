/**
 * What the guard costs in Lambda charges per million pushes, at the measured durations and the
 * configured memory. Prices: AWS Lambda, US East (N. Virginia), Arm (the function's architecture),
 * first pricing tier, free tier not deducted (https://aws.amazon.com/lambda/pricing/).
 */
export const LAMBDA_PRICES = {
  /** USD per request. */
  request: 0.2 / 1_000_000,
  /** USD per GB-second, Arm (x86_64: 0.0000166667). */
  gbSecondArm: 0.0000133334,
} as const;

export interface InvocationMix {
  readonly name: string;
  /** Invocations per push: one per manifest pushed (two untagged children, the index) and one per guard tag written (verified). */
  readonly invocations: readonly { readonly what: string; readonly count: number; readonly durationMs: number }[];
}

export interface CostLine {
  readonly name: string;
  readonly invocationsPerPush: number;
  readonly gbSecondsPerPush: number;
  readonly requestUsdPerMillionPushes: number;
  readonly computeUsdPerMillionPushes: number;
  readonly totalUsdPerMillionPushes: number;
  /** Added when every push also pays one cold start (INIT is billed for on-demand functions). */
  readonly coldStartUsdPerMillionPushes: number;
}

/**
 * Per million pushes:
 *   requests = 10^6 × Σ count × price_request
 *   compute  = 10^6 × Σ count × (memory_MB / 1024) × ceil(duration_ms) / 1000 × price_GB-s
 *   cold     = 10^6 × (memory_MB / 1024) × init_ms / 1000 × price_GB-s   (upper bound: one per push)
 */
export const costPerMillionPushes = (mix: InvocationMix, memoryMb: number, initMs: number): CostLine => {
  const gb = memoryMb / 1024;
  const invocations = mix.invocations.reduce((sum, each) => sum + each.count, 0);
  const gbSeconds = mix.invocations.reduce((sum, each) => sum + each.count * gb * (Math.ceil(each.durationMs) / 1000), 0);
  const requestUsd = 1_000_000 * invocations * LAMBDA_PRICES.request;
  const computeUsd = 1_000_000 * gbSeconds * LAMBDA_PRICES.gbSecondArm;
  const coldUsd = 1_000_000 * gb * (initMs / 1000) * LAMBDA_PRICES.gbSecondArm;
  const cents = (usd: number) => Math.round(usd * 100) / 100;
  return {
    name: mix.name,
    invocationsPerPush: invocations,
    gbSecondsPerPush: Math.round(gbSeconds * 1e6) / 1e6,
    requestUsdPerMillionPushes: cents(requestUsd),
    computeUsdPerMillionPushes: cents(computeUsd),
    totalUsdPerMillionPushes: cents(requestUsd + computeUsd),
    coldStartUsdPerMillionPushes: cents(coldUsd),
  };
};
