// Runs the active model for every input source and measures each inference. Swapping the model is
// one assignment between two inferences, so no input ever sees a half-activated variant.
import type { LoadedModel } from "@fleet/runtime";
import type { TInstalledVariant } from "../store/device-state.ts";
import { LatencyWindow } from "./latency-window.ts";

export class NoModelError extends Error {
  override readonly name = "NoModelError";
  constructor() {
    super("no active model yet");
  }
}

export interface TActiveModel {
  variant: TInstalledVariant;
  model: LoadedModel;
}

export interface TInferenceResult {
  output: number[];
  shape: number[];
  latencyMs: number;
  variantId: string;
}

export class InferenceEngine {
  private current: TActiveModel | undefined;
  readonly window = new LatencyWindow();

  get active(): TActiveModel | undefined {
    return this.current;
  }

  /** Installs the model inputs use from now on; returns the one it replaced. */
  swap(next: TActiveModel | undefined): TActiveModel | undefined {
    const previous = this.current;
    this.current = next;
    return previous;
  }

  /** Per-example input size (product of the input shape without the batch dimension). */
  inputSize(): number | undefined {
    const shape = this.current?.model.inputShape;
    if (!shape) return undefined;
    return shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  }

  infer(input: Float32Array, batch = 1): TInferenceResult {
    const active = this.current;
    if (!active) throw new NoModelError();
    const started = performance.now();
    try {
      const { data, shape } = active.model.predict(input, batch);
      const latencyMs = performance.now() - started;
      this.window.record(latencyMs);
      return { output: Array.from(data), shape, latencyMs, variantId: active.variant.id };
    } catch (error) {
      this.window.error();
      throw error;
    }
  }
}
