// Inference measurements of one telemetry interval: count, errors and latency percentiles.
import type { TLatencyMs } from "@fleet/protocol";
import { percentile } from "@fleet/runtime";

/** Nearest-rank percentile of a sorted list; 0 for an empty interval. */
const nearestRank = (sorted: readonly number[], p: number): number => (sorted.length === 0 ? 0 : percentile(sorted, p));

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

export interface TIntervalStats {
  inferences: number;
  errors: number;
  latencyMs: TLatencyMs;
}

export class LatencyWindow {
  private samples: number[] = [];
  private count = 0;
  private errorCount = 0;
  /** keeps memory bounded at very high rates; percentiles over the first N are still representative */
  constructor(private readonly maxSamples = 100_000) {}

  record(ms: number): void {
    if (this.samples.length < this.maxSamples) this.samples.push(ms);
    else this.samples[Math.floor(Math.random() * this.maxSamples)] = ms;
    this.count++;
  }

  error(): void {
    this.errorCount++;
  }

  /** Stats since the last call; starts a new interval. */
  take(): TIntervalStats {
    const sorted = this.samples.sort((a, b) => a - b);
    const stats = {
      inferences: this.count,
      errors: this.errorCount,
      latencyMs: {
        p50: round3(nearestRank(sorted, 50)),
        p95: round3(nearestRank(sorted, 95)),
        p99: round3(nearestRank(sorted, 99)),
      },
    };
    this.samples = [];
    this.count = 0;
    this.errorCount = 0;
    return stats;
  }
}
