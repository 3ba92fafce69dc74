// Feeds the simulated sensor into the model at a fixed rate; failures are counted, not fatal.
import type { ActiveModelSlot } from "../inference/active-model-slot.ts";
import { NoModelError } from "../inference/active-model-slot.ts";
import type { Logger } from "@fleet/log";
import type { SimulatedSensor } from "./simulated-sensor.ts";

export class SensorInput {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly sensor: SimulatedSensor,
    private readonly slot: ActiveModelSlot,
    private readonly ratePerSec: number,
    private readonly logger: Logger,
  ) {}

  /** One reading through the model (no-op while no model is active or the last reading still runs). */
  async step(): Promise<void> {
    // a model slower than the rate skips readings instead of queueing them without bound
    if (this.busy) return;
    const size = this.slot.inputSize();
    if (size === undefined) return;
    this.busy = true;
    try {
      await this.slot.infer(this.sensor.next(size));
    } catch (error) {
      if (!(error instanceof NoModelError)) this.logger.debug({ err: error }, "sensor inference failed");
    } finally {
      this.busy = false;
    }
  }

  start(): void {
    if (this.ratePerSec <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.step(), 1000 / this.ratePerSec);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
