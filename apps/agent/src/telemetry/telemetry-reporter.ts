// Every interval: one sample (inferences, latency percentiles, errors, CPU, RSS, battery, variant)
// into the queue, then the queue drained to the broker in order, oldest first, while connected.
import { SCHEMA_VERSION, type TTelemetrySample } from "@fleet/protocol";
import type { ActiveModelSlot } from "../inference/active-model-slot.ts";
import type { Logger } from "@fleet/log";
import type { DeviceConnection } from "../mqtt/connection.ts";
import type { ProcessStats } from "./process-stats.ts";
import type { TelemetryQueue } from "./telemetry-queue.ts";

/** Samples per telemetry message when catching up (the protocol allows 500). */
const FLUSH_BATCH = 100;

export interface TTelemetrySources {
  slot: ActiveModelSlot;
  stats: ProcessStats;
  /** undefined on mains power */
  battery?: (intervalSec: number, inferences: number) => number;
}

export class TelemetryReporter {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly connection: Pick<DeviceConnection, "connected" | "publish">,
    private readonly queue: TelemetryQueue,
    private readonly sources: TTelemetrySources,
    private readonly intervalSec: number,
    private readonly logger: Logger,
  ) {}

  sample(now = Date.now()): TTelemetrySample {
    const { inferences, errors, latencyMs } = this.sources.slot.window.take();
    const sample: TTelemetrySample = {
      ts: now,
      inferences,
      latencyMs,
      cpuPct: this.sources.stats.cpuPct(),
      rssMb: this.sources.stats.rssMb(),
      errors,
      variantId: this.sources.slot.active?.variant.id ?? null,
    };
    if (this.sources.battery) sample.batteryPct = this.sources.battery(this.intervalSec, inferences);
    return sample;
  }

  /** Takes this interval's sample, queues it and sends what the connection allows. */
  async tick(): Promise<void> {
    await this.queue.push(this.sample());
    void this.flush();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.logger.error({ err: error }, "telemetry sample not stored"));
    }, this.intervalSec * 1000);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Drains the queue in order; one drain at a time. Resolves when empty or offline. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.connection.connected && this.queue.size > 0) {
        const batch = await this.queue.peek(FLUSH_BATCH);
        if (batch.length === 0) break;
        const samples = batch.map((queued) => queued.sample);
        await this.connection.publish("telemetry", { v: SCHEMA_VERSION, ts: Date.now(), samples });
        // By id: a tick may have trimmed the queue while this batch was being published.
        await this.queue.removeSent(batch.map((queued) => queued.id));
      }
      const dropped = this.queue.dropped;
      if (dropped > 0 && this.connection.connected) {
        const ts = Date.now();
        await this.connection.publish("events", {
          v: SCHEMA_VERSION,
          ts,
          events: [
            {
              ts,
              kind: "log",
              level: "warn",
              message: `${dropped} telemetry batches were dropped while offline (queue full)`,
              data: { droppedBatches: dropped },
            },
          ],
        });
        await this.queue.acknowledgeDropped(dropped);
        this.logger.warn({ droppedBatches: dropped }, "telemetry batches dropped while offline");
      }
    } catch (error) {
      this.logger.warn({ err: error }, "telemetry flush interrupted; will retry");
    }
  }
}
