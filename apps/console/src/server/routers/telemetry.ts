import { z } from "zod";
import { ZDeviceIdInput } from "../domain/devices/device.types.ts";
import { getTelemetrySeries } from "../domain/telemetry/get-telemetry-series.ts";
import { ZTelemetrySeriesInput } from "../domain/telemetry/telemetry.types.ts";
import { watchDevice } from "../domain/telemetry/watch-device.ts";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const telemetryRouter = createTRPCRouter({
  series: protectedProcedure
    .input(ZTelemetrySeriesInput)
    .query(({ ctx, input }) =>
      getTelemetrySeries({ prisma: ctx.db.prisma, deviceId: input.deviceId, range: input.range }),
    ),

  /** Server-sent events: the device's state and each new telemetry sample, without reloads. */
  live: protectedProcedure
    .input(z.object({ deviceId: ZDeviceIdInput, sinceMs: z.int().min(0).max(4_102_444_800_000) }))
    .subscription(async function* ({ ctx, input, signal }) {
      yield* watchDevice({
        prisma: ctx.db.prisma,
        deviceId: input.deviceId,
        since: new Date(input.sinceMs),
        ...(signal ? { signal } : {}),
      });
    }),
});
