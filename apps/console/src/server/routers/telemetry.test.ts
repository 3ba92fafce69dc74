import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallerHarness, trpcCode, type TCallerHarness } from "../../testing/callers.ts";

let h: TCallerHarness;
let viewer: Awaited<ReturnType<TCallerHarness["callerAs"]>>;
const now = Date.now();

beforeAll(async () => {
  h = await createCallerHarness();
  viewer = await h.callerAs("VIEWER");
  await h.db.prisma.device.create({ data: { id: "tele-1", name: "t", credentialHash: "x", status: "ONLINE" } });
  // One sample a second for the last 10 minutes.
  await h.db.prisma.telemetrySample.createMany({
    data: Array.from({ length: 600 }, (_, i) => ({
      deviceId: "tele-1",
      ts: new Date(now - (600 - i) * 1_000),
      inferences: 10,
      latencyP50: 5 + (i % 2),
      latencyP95: 12,
      latencyP99: 20,
      cpuPct: 30,
      rssMb: 120,
      batteryPct: i < 300 ? 80 : null,
      errors: 0,
    })),
  });
});
afterAll(async () => {
  await h?.close();
});

describe("telemetry", () => {
  it("buckets a range into chart points: averages latency, sums inferences", async () => {
    const series = await viewer.caller.telemetry.series({ deviceId: "tele-1", range: "15m" });
    expect(series.bucketSeconds).toBe(5);
    expect(series.points.length).toBeGreaterThanOrEqual(120);
    expect(series.points.length).toBeLessThanOrEqual(121);
    expect(series.points.reduce((sum, p) => sum + p.inferences, 0)).toBe(6_000);
    const full = series.points[10];
    expect(full?.latencyP50).toBeGreaterThan(5);
    expect(full?.latencyP50).toBeLessThan(6);
    expect(full?.latencyP95).toBe(12);
    expect(series.points.at(-1)?.batteryPct).toBeNull();
    for (let i = 1; i < series.points.length; i += 1)
      expect(series.points[i]!.t).toBeGreaterThan(series.points[i - 1]!.t);
  });

  it("refuses a hostile device id or an unknown range", async () => {
    expect(await trpcCode(viewer.caller.telemetry.series({ deviceId: "x'; --", range: "1h" }))).toBe("BAD_REQUEST");
    expect(await trpcCode(viewer.caller.telemetry.series({ deviceId: "tele-1", range: "1y" as never }))).toBe(
      "BAD_REQUEST",
    );
    expect(await trpcCode((await h.caller(null)).telemetry.series({ deviceId: "tele-1", range: "1h" }))).toBe(
      "UNAUTHORIZED",
    );
  });

  it("the live subscription yields the state, then each new sample as it arrives", async () => {
    const live = await viewer.caller.telemetry.live({ deviceId: "tele-1", sinceMs: now });
    const iterator = live[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ status: "ONLINE", samples: [] });
    await h.db.prisma.telemetrySample.create({
      data: {
        deviceId: "tele-1",
        ts: new Date(now + 1_000),
        inferences: 7,
        latencyP50: 3,
        latencyP95: 9,
        latencyP99: 11,
        cpuPct: 1,
        rssMb: 2,
        errors: 0,
      },
    });
    const second = await iterator.next();
    expect(second.value?.samples).toEqual([expect.objectContaining({ t: now + 1_000, inferences: 7, latencyP95: 9 })]);
    await iterator.return?.(undefined);
  }, 20_000);
});
