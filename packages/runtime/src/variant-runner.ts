// What every engine's loaded variant offers (tfjs: LoadedModel, onnx: OnnxVariant), so the agent,
// the quantizer's measurements and benchmarks run any variant the same way.
import type { TEngine } from "@fleet/variants";
import type { LatencyStats, MemoryStats } from "./measure.ts";
import type { TManifest } from "./manifest.ts";
import type { SelfTestResult } from "./self-test.ts";

export interface RunOutput {
  data: Float32Array;
  shape: number[];
}

export interface VariantRunner {
  readonly engine: TEngine;
  readonly dir: string;
  readonly manifest: TManifest | undefined;
  /** input shape with the batch dimension first (null = any) */
  readonly inputShape: (number | null)[];
  /** wall time from reading the first byte to a model ready to run (ms) */
  readonly loadMs: number;
  /** where it runs, for reports and logs: e.g. "wasm (simd, 1 thread)" or "onnxruntime cpu (2 threads)" */
  describe(): string;
  /** Runs a batch: `x` is row-major [batch, ...inputShape]; resolves to the output rows. */
  run(x: Float32Array, batch: number): Promise<RunOutput>;
  selfTest(): SelfTestResult | Promise<SelfTestResult>;
  /** batch-1 latency over `runs` runs after `warmup` unmeasured ones */
  measureLatency(runs?: number, warmup?: number, input?: Float32Array): LatencyStats | Promise<LatencyStats>;
  memory(): MemoryStats;
  dispose(): void | Promise<void>;
}
