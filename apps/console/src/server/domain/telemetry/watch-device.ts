import type { PrismaClient } from "@fleet/db";
import type { TTelemetryPoint } from "./telemetry.types.ts";

export interface TDeviceLiveUpdate {
  status: string;
  enabled: boolean;
  lastSeenAt: Date | null;
  agentVersion: string | null;
  activeVariantId: string | null;
  /** Samples that arrived since the previous update (raw, not bucketed), oldest first. */
  samples: TTelemetryPoint[];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Yields the device's state and new telemetry whenever something changed, polling the database
 * (where the broker's ingest writes) every `intervalMs`. Ends when `signal` aborts (the browser left).
 */
export async function* watchDevice(options: {
  prisma: PrismaClient;
  deviceId: string;
  since: Date;
  intervalMs?: number;
  signal?: AbortSignal;
}): AsyncGenerator<TDeviceLiveUpdate> {
  let since = options.since;
  let lastState = "";
  while (!options.signal?.aborted) {
    const [device, samples] = await Promise.all([
      options.prisma.device.findUnique({
        where: { id: options.deviceId },
        select: { status: true, enabled: true, lastSeenAt: true, agentVersion: true, activeVariantId: true },
      }),
      options.prisma.telemetrySample.findMany({
        where: { deviceId: options.deviceId, ts: { gt: since } },
        orderBy: { ts: "asc" },
        take: 500,
        select: {
          ts: true,
          latencyP50: true,
          latencyP95: true,
          inferences: true,
          cpuPct: true,
          rssMb: true,
          batteryPct: true,
          errors: true,
        },
      }),
    ]);
    if (!device) return;
    const state = JSON.stringify(device);
    if (samples.length > 0 || state !== lastState) {
      lastState = state;
      const last = samples.at(-1);
      if (last) since = last.ts;
      yield { ...device, samples: samples.map(({ ts, ...rest }) => ({ t: ts.getTime(), ...rest })) };
    }
    await sleep(options.intervalMs ?? 2_000, options.signal);
  }
}
