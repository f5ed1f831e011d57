/** A token bucket: `ratePerSecond` tokens refill continuously, at most `burst` are held. */
export interface TokenBucket {
  /** Takes one token if there is one; false means "over the rate". */
  tryTake(): boolean;
}

/** Creates a full bucket. `now` is injectable so callers can share a clock. */
export const createTokenBucket = (
  ratePerSecond: number,
  burst: number = Math.max(1, ratePerSecond),
  now: () => number = () => performance.now(),
): TokenBucket => {
  let tokens = burst;
  let last = now();
  return {
    tryTake: () => {
      const current = now();
      tokens = Math.min(burst, tokens + ((current - last) / 1000) * ratePerSecond);
      last = current;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
};
