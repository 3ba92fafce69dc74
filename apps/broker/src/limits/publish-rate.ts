// Per-connection PUBLISH rate: a token bucket refilled at `rate` per second holding up to 2·rate,
// so a device may burst (reconnect backlog) but not sustain more than `rate`.
export interface RateLimiter {
  /** Takes one token; false when the bucket is empty. */
  take(): boolean;
}

export function createRateLimiter(rate: number, now: () => number = () => performance.now()): RateLimiter {
  const capacity = rate * 2;
  let tokens = capacity;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - last) / 1000) * rate);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
