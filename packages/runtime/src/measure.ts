// Latency and memory as the runtime sees them on this machine.

export interface LatencyStats {
  runs: number;
  medianMs: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
}

export interface MemoryStats {
  rssMB: number;
  heapUsedMB: number;
  /** bytes held by all TF.js tensors of the process */
  tensorMB: number;
  /** bytes of this model's weights on the backend (the runtime computes in float32) */
  modelMB: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    medianMs: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    meanMs: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    minMs: sorted[0] ?? Number.NaN,
  };
}

export const MB = 1024 * 1024;
