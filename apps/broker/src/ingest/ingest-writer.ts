// Buffers ingest rows and writes them in batches: when INGEST_BATCH_ROWS rows are waiting or every
// INGEST_FLUSH_MS, one flush at a time; right after a full batch, whatever arrived meanwhile is
// written at once (a busy writer keeps writing, so the end of a burst does not wait for the timer). Backpressure: above HIGH_WATER_BATCHES batches waiting,
// add() resolves only once the backlog drains, which delays the PUBACK of the message (the
// `published` hook waits for it), so publishers slow down instead of the broker growing.
// A failed write keeps its rows and is retried with backoff while the database is unreachable; when
// the database answers but refuses the batch, the batch is split to find and drop the bad rows.
import type { PrismaClient } from "@fleet/db";
import type { Logger } from "@fleet/log";
import type { DeviceUpdate, TelemetryRow, TIngestBatch } from "./ingest-rows.ts";
import { INSERT_EVENTS, INSERT_REPORTS, INSERT_TELEMETRY, telemetryColumns, UPDATE_DEVICES } from "./ingest-sql.ts";

const HIGH_WATER_BATCHES = 10;
const MAX_BACKOFF_MS = 5_000;

type TTable = TIngestBatch["table"] | "devices";
const SQL: Record<TTable, string> = {
  telemetry: INSERT_TELEMETRY,
  events: INSERT_EVENTS,
  reports: INSERT_REPORTS,
  devices: UPDATE_DEVICES,
};

export interface IngestStats {
  /** A batch was written: its rows, the age of its oldest row (ms) and how long the write took (s). */
  onBatch(rows: number, lagMs: number, writeSeconds: number): void;
  onRows(table: TTable, rows: number): void;
  onDropped(table: TTable, rows: number): void;
  onWriteError(): void;
}

export interface IngestWriterOptions {
  readonly prisma: PrismaClient;
  readonly batchRows: number;
  readonly flushMs: number;
  readonly logger: Logger;
  readonly stats: IngestStats;
  readonly now?: () => number;
}

export interface IngestWriter {
  /** Queues rows (and the device's update); resolves at once unless the backlog is above high water. */
  add(batch: TIngestBatch | null, deviceId: string, device: DeviceUpdate): Promise<void>;
  /** Rows waiting or being written. */
  pending(): number;
  /** Writes everything queued so far (retrying while the database is down, up to `deadlineMs`). */
  close(deadlineMs?: number): Promise<void>;
}

interface Buffers {
  telemetry: object[];
  events: object[];
  reports: object[];
  devices: Map<string, DeviceUpdate & { id: string }>;
  /** Receipt time of the oldest row, for the lag metric. */
  oldest: number | null;
}

const emptyBuffers = (): Buffers => ({ telemetry: [], events: [], reports: [], devices: new Map(), oldest: null });
const sizeOf = (b: Buffers): number => b.telemetry.length + b.events.length + b.reports.length + b.devices.size;

export function createIngestWriter(options: IngestWriterOptions): IngestWriter {
  const { prisma, logger, stats } = options;
  const now = options.now ?? Date.now;
  let buffers = emptyBuffers();
  let inFlight = 0;
  let flushing: Promise<void> | null = null;
  let closed = false;
  let failures = 0;
  let waiters: Array<() => void> = [];
  const highWater = options.batchRows * HIGH_WATER_BATCHES;

  const pending = (): number => sizeOf(buffers) + inFlight;

  const release = (): void => {
    if (pending() >= highWater) return;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };

  const write = async (table: TTable, rows: readonly object[]): Promise<void> => {
    if (rows.length === 0) return;
    if (table === "telemetry")
      await prisma.$executeRawUnsafe(SQL[table], ...telemetryColumns(rows as readonly TelemetryRow[]));
    else await prisma.$executeRawUnsafe(SQL[table], JSON.stringify(rows));
    stats.onRows(table, rows.length);
  };

  /** The database answered but refused these rows: halve until the bad ones are isolated, drop those. */
  const writeSplitting = async (table: TTable, rows: readonly object[]): Promise<void> => {
    try {
      await write(table, rows);
    } catch (error) {
      if (!(await databaseAnswers())) throw error;
      if (rows.length === 1) {
        stats.onDropped(table, 1);
        logger.warn({ table, err: error }, "ingest row refused by the database, dropped");
        return;
      }
      const middle = Math.ceil(rows.length / 2);
      await writeSplitting(table, rows.slice(0, middle));
      await writeSplitting(table, rows.slice(middle));
    }
  };

  const databaseAnswers = async (): Promise<boolean> => {
    try {
      await prisma.$queryRawUnsafe("SELECT 1");
      return true;
    } catch {
      return false;
    }
  };

  /** Writes what is buffered; returns how many rows it took. */
  const flushOnce = async (): Promise<number> => {
    const batch = buffers;
    buffers = emptyBuffers();
    const size = sizeOf(batch);
    if (size === 0) return 0;
    inFlight += size;
    const started = performance.now();
    try {
      // Devices first: a status change is the most valuable row, and samples refer to devices anyway.
      const tables: Array<[TTable, readonly object[]]> = [
        ["devices", [...batch.devices.values()]],
        ["telemetry", batch.telemetry],
        ["events", batch.events],
        ["reports", batch.reports],
      ];
      for (const [table, rows] of tables) {
        await writeSplitting(table, rows);
        // Written: never write these again if a later table fails.
        if (table === "devices") batch.devices.clear();
        else batch[table] = [];
      }
      failures = 0;
      stats.onBatch(size, batch.oldest === null ? 0 : now() - batch.oldest, (performance.now() - started) / 1000);
    } catch (error) {
      failures++;
      stats.onWriteError();
      logger.warn({ rows: sizeOf(batch), attempt: failures, err: error }, "ingest write failed, will retry");
      requeue(batch);
    } finally {
      inFlight -= size;
      release();
    }
    return size;
  };

  /** Puts unwritten rows back in front of newer ones. */
  const requeue = (batch: Buffers): void => {
    const newer = buffers;
    buffers = batch;
    buffers.telemetry.push(...newer.telemetry);
    buffers.events.push(...newer.events);
    buffers.reports.push(...newer.reports);
    for (const [id, update] of newer.devices) merge(id, update);
  };

  const merge = (id: string, update: DeviceUpdate): void => {
    const previous = buffers.devices.get(id);
    buffers.devices.set(id, { ...previous, ...update, id });
  };

  /** Writes batches until less than a full one is left (or the database is failing). */
  const drain = async (): Promise<void> => {
    while (sizeOf(buffers) > 0) {
      const written = await flushOnce();
      if (failures > 0) {
        await sleep(Math.min(MAX_BACKOFF_MS, options.flushMs * 2 ** failures));
        if (closed && failures > 3) return;
      } else if (sizeOf(buffers) < options.batchRows && written < options.batchRows) {
        return; // after a partial batch, a partial batch waits for the timer
      }
    }
  };

  // One drain at a time; `.finally` runs after the assignment even when drain() finishes at once.
  const flushLoop = (): Promise<void> => (flushing ??= drain().finally(() => (flushing = null)));

  const timer = setInterval(() => void flushLoop(), options.flushMs);
  timer.unref();

  return {
    add(batch, deviceId, device) {
      if (batch !== null) (buffers[batch.table] as object[]).push(...batch.rows);
      merge(deviceId, device);
      buffers.oldest ??= now();
      if (sizeOf(buffers) >= options.batchRows) void flushLoop();
      if (pending() < highWater) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    pending,
    async close(deadlineMs = 8_000) {
      closed = true;
      clearInterval(timer);
      const deadline = now() + deadlineMs;
      while (pending() > 0 && now() < deadline) {
        await (flushing ?? flushLoop());
        if (failures > 3) break;
      }
      const lost = pending();
      if (lost > 0) logger.error({ rows: lost }, "ingest stopped with rows not written");
      for (const resolve of waiters) resolve();
      waiters = [];
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
