// The slot that holds the active model: every input source runs its inferences here, each one
// timed into the latency window, and updates swap the model in it. Swapping is one assignment
// between two inferences, so no input ever sees a half-activated variant; inference is asynchronous
// (ONNX Runtime), so a replaced model is disposed only once the runs in flight on it have finished
// (see drained). Not an engine: the engine (tfjs or onnx) is what runs the model in the slot.
import type { VariantRunner } from "@fleet/runtime";
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
  model: VariantRunner;
}

export interface TInferenceResult {
  output: number[];
  shape: number[];
  latencyMs: number;
  variantId: string;
}

interface TRuns {
  count: number;
  idle: (() => void)[];
}

/** The active model, its in-flight runs and its latency window. */
export class ActiveModelSlot {
  private current: TActiveModel | undefined;
  private readonly running = new Map<VariantRunner, TRuns>();
  readonly window = new LatencyWindow();

  get active(): TActiveModel | undefined {
    return this.current;
  }

  /** Installs the model inputs use from now on; returns the one it replaced (see drained). */
  swap(next: TActiveModel | undefined): TActiveModel | undefined {
    const previous = this.current;
    this.current = next;
    return previous;
  }

  /** Resolves once no inference runs on `model` (those started before a swap finish on it). */
  drained(model: VariantRunner): Promise<void> {
    const runs = this.running.get(model);
    if (!runs) return Promise.resolve();
    return new Promise((resolve) => runs.idle.push(resolve));
  }

  /** Input shape of one example (without the batch dimension; null = any, run as 1). */
  exampleShape(): (number | null)[] | undefined {
    return this.current?.model.inputShape.slice(1);
  }

  /** Per-example input size (product of the input shape without the batch dimension). */
  inputSize(): number | undefined {
    return this.exampleShape()?.reduce<number>((a, b) => a * (b ?? 1), 1);
  }

  async infer(input: Float32Array, batch = 1): Promise<TInferenceResult> {
    const active = this.current;
    if (!active) throw new NoModelError();
    const { model } = active;
    const runs = this.running.get(model) ?? { count: 0, idle: [] };
    this.running.set(model, runs);
    runs.count++;
    const started = performance.now();
    try {
      const { data, shape } = await model.run(input, batch);
      const latencyMs = performance.now() - started;
      this.window.record(latencyMs);
      return { output: Array.from(data), shape, latencyMs, variantId: active.variant.id };
    } catch (error) {
      this.window.error();
      throw error;
    } finally {
      if (--runs.count === 0) {
        this.running.delete(model);
        for (const resolve of runs.idle) resolve();
      }
    }
  }
}
