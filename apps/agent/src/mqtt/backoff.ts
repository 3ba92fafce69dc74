// Reconnect delays: exponential with full jitter, so a fleet that lost its broker at once does not
// come back in lockstep and knock it over again.

export interface TBackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: the share of each delay that is random */
  jitter: number;
}

export const DEFAULT_BACKOFF: TBackoffOptions = { initialMs: 1_000, maxMs: 60_000, jitter: 0.5 };

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(
  attempt: number,
  options: TBackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  const fixed = ceiling * (1 - options.jitter);
  return Math.round(fixed + random() * ceiling * options.jitter);
}
