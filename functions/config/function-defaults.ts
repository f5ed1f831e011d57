/**
 * The function's deployment defaults, shared by the CDK construct, the local stack and the
 * benchmark, so the figures and the tests describe the function that is deployed.
 */
export const FUNCTION_DEFAULTS = {
  /** Covers the 20 s tag-write retry budget with room for the reads and the Publish before it. */
  timeoutSeconds: 60,
  /** At most 10 tag writes in flight: ECR allows 10 PutImage per second per account and Region. */
  reservedConcurrency: 5,
  memoryMb: 512,
} as const;
