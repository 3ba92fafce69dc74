// Feeds the simulated sensor into the model at a fixed rate; failures are counted, not fatal.
import type { InferenceEngine } from "../inference/inference-engine.ts";
import { NoModelError } from "../inference/inference-engine.ts";
import type { Logger } from "../logger.ts";
import type { SimulatedSensor } from "./simulated-sensor.ts";

export class SensorInput {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sensor: SimulatedSensor,
    private readonly engine: InferenceEngine,
    private readonly ratePerSec: number,
    private readonly logger: Logger,
  ) {}

  /** One reading through the model (no-op while no model is active). */
  step(): void {
    const size = this.engine.inputSize();
    if (size === undefined) return;
    try {
      this.engine.infer(this.sensor.next(size));
    } catch (error) {
      if (!(error instanceof NoModelError)) this.logger.debug("sensor inference failed", { error });
    }
  }

  start(): void {
    if (this.ratePerSec <= 0 || this.timer) return;
    this.timer = setInterval(() => this.step(), 1000 / this.ratePerSec);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
