// The batch writer against the real database (embedded PGlite always, PostgreSQL when present):
// rows the database refuses are isolated and dropped alone, rows of unknown devices are skipped,
// and close() writes everything added before it.
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@fleet/log";
import type { TelemetryRow } from "./ingest-rows.ts";
import { createIngestWriter, type IngestStats } from "./ingest-writer.ts";

const postgres = await checkService("postgres");

function sample(deviceId: string, ts: number): TelemetryRow {
  return {
    deviceId,
    ts,
    inferences: 1,
    p50: 1,
    p95: 2,
    p99: 3,
    cpuPct: 10,
    rssMb: 20,
    batteryPct: ts % 2 === 0 ? null : 50,
    errors: 0,
    variantId: null,
  };
}

describe.each([
  { kind: "pglite" as const, available: true },
  { kind: "postgres" as const, available: postgres.available },
])("ingest writer on $kind", ({ kind, available }) => {
  let db: TTestDatabase;
  beforeAll(async () => {
    if (!available) return;
    db = await createTestDatabase({ kind });
    await db.prisma.device.createMany({ data: ["w-1", "w-2"].map((id) => ({ id, name: id, credentialHash: "x" })) });
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(!available)(
    "drops only the rows the database refuses, skips unknown devices, writes the rest on close",
    async () => {
      const dropped: number[] = [];
      const stats: IngestStats = {
        onBatch: () => {},
        onRows: () => {},
        onDropped: (_t, rows) => dropped.push(rows),
        onWriteError: () => {},
      };
      // A flush interval longer than the test: only close() writes.
      const writer = createIngestWriter({
        prisma: db.prisma,
        batchRows: 1000,
        flushMs: 60_000,
        logger: silentLogger,
        stats,
      });
      const seenAt = new Date().toISOString();
      const rows = Array.from({ length: 40 }, (_, i) => sample(i % 2 === 0 ? "w-1" : "w-2", 1_700_000_000_000 + i));
      rows[17] = sample("w-2", 1e18); // beyond timestamptz: the database refuses this one row
      await writer.add({ table: "telemetry", rows: rows.slice(0, 20) }, "w-1", { seenAt });
      await writer.add({ table: "telemetry", rows: [sample("w-gone", 1_700_000_000_000)] }, "w-gone", { seenAt });
      await writer.add({ table: "telemetry", rows: rows.slice(20) }, "w-2", { seenAt });
      expect(await db.prisma.telemetrySample.count()).toBe(0);
      await writer.close();
      expect(dropped).toEqual([1]);
      expect(writer.pending()).toBe(0);
      const stored = await db.prisma.telemetrySample.findMany({ orderBy: { ts: "asc" } });
      expect(stored.map((s) => s.ts.getTime())).toEqual(rows.filter((_, i) => i !== 17).map((r) => r.ts));
      expect(stored.filter((s) => s.batteryPct === null)).toHaveLength(20);
      expect(stored[1]).toMatchObject({
        deviceId: "w-2",
        inferences: 1,
        latencyP50: 1,
        latencyP95: 2,
        latencyP99: 3,
        cpuPct: 10,
        rssMb: 20,
        batteryPct: 50,
        errors: 0,
        variantId: null,
      });
    },
  );
});
