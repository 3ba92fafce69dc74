// Telemetry batches waiting for the broker. The disk queue (one file per batch, named by sequence
// number) survives a restart of the agent; the memory queue serves simulated devices. Both are
// bounded: beyond `max`, the oldest batches go and the count of dropped batches is kept for reporting.
// A flush names the batches it sent by id, never by position: a push that trims the queue while a
// flush is publishing shifts every position, and removing "the first n" would delete unsent batches.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ZTelemetrySample, type TTelemetrySample } from "@fleet/protocol";
import { z } from "zod";
import type { Logger } from "@fleet/log";
import { readFileIfExists, writeFileAtomic } from "../store/atomic-file.ts";

/** A queued batch and the id that names it until it is sent or dropped. */
export interface TQueuedSample {
  id: number;
  sample: TTelemetrySample;
}

export interface TelemetryQueue {
  readonly size: number;
  /** batches dropped (never sent) since the count was last reported */
  readonly dropped: number;
  push(sample: TTelemetrySample): Promise<void>;
  /** the oldest `n` batches, oldest first; the ids are what `removeSent` takes back */
  peek(n: number): Promise<TQueuedSample[]>;
  /** removes the batches the broker acknowledged (those trimmed meanwhile are already gone) */
  removeSent(ids: readonly number[]): Promise<void>;
  /** the dropped count was reported: subtract it */
  acknowledgeDropped(n: number): Promise<void>;
}

/**
 * The batches of the flush in progress. One that the bound trims while it is being published is
 * counted as dropped; if the broker then acknowledges it, it was delivered after all and is uncounted.
 */
class FlushInFlight {
  private lent = new Set<number>();
  private trimmed = new Set<number>();

  /** A new flush (one at a time) took these ids. */
  lend(ids: readonly number[]): void {
    this.lent = new Set(ids);
    this.trimmed.clear();
  }

  trim(id: number): void {
    if (this.lent.delete(id)) this.trimmed.add(id);
  }

  /** How many of the acknowledged ids had been trimmed (and counted as dropped) meanwhile. */
  settle(ids: readonly number[]): number {
    let delivered = 0;
    for (const id of ids) {
      this.lent.delete(id);
      if (this.trimmed.delete(id)) delivered++;
    }
    return delivered;
  }
}

export class MemoryTelemetryQueue implements TelemetryQueue {
  private items: TQueuedSample[] = [];
  private nextId = 1;
  private readonly flight = new FlushInFlight();
  dropped = 0;
  constructor(private readonly max: number) {}
  get size(): number {
    return this.items.length;
  }
  async push(sample: TTelemetrySample): Promise<void> {
    this.items.push({ id: this.nextId++, sample });
    const excess = this.items.length - this.max;
    if (excess <= 0) return;
    for (const gone of this.items.splice(0, excess)) this.flight.trim(gone.id);
    this.dropped += excess;
  }
  async peek(n: number): Promise<TQueuedSample[]> {
    const taken = this.items.slice(0, n);
    this.flight.lend(taken.map((item) => item.id));
    return taken;
  }
  async removeSent(ids: readonly number[]): Promise<void> {
    const sent = new Set(ids);
    this.items = this.items.filter((item) => !sent.has(item.id));
    this.dropped = Math.max(0, this.dropped - this.flight.settle(ids));
  }
  async acknowledgeDropped(n: number): Promise<void> {
    this.dropped = Math.max(0, this.dropped - n);
  }
}

const ZMeta = z.object({ dropped: z.int().min(0) });
const SEQ_DIGITS = 16;
const seqName = (seq: number) => `${String(seq).padStart(SEQ_DIGITS, "0")}.json`;

export class DiskTelemetryQueue implements TelemetryQueue {
  /** sequence numbers on disk, oldest first; a batch's sequence number is its id */
  private seqs: number[] = [];
  private lastSeq = 0;
  private readonly flight = new FlushInFlight();
  /** file operations run one at a time: none sees the list of batches half-changed by another */
  private tail: Promise<unknown> = Promise.resolve();
  dropped = 0;
  private readonly metaFile: string;

  private constructor(
    private readonly dir: string,
    private readonly max: number,
    private readonly logger: Logger,
  ) {
    this.metaFile = path.join(dir, "meta.json");
  }

  /** Opens (or creates) the queue directory and picks up the batches a previous run left. */
  static async open(dir: string, max: number, logger: Logger): Promise<DiskTelemetryQueue> {
    const queue = new DiskTelemetryQueue(dir, max, logger);
    await mkdir(dir, { recursive: true });
    queue.seqs = (await readdir(dir))
      .filter((name) => /^\d+\.json$/.test(name))
      .map((name) => Number(name.slice(0, -5)))
      .sort((a, b) => a - b);
    queue.lastSeq = queue.seqs.at(-1) ?? 0;
    const meta = await readFileIfExists(queue.metaFile);
    if (meta !== undefined) {
      const parsed = ZMeta.safeParse(JSON.parse(meta));
      if (parsed.success) queue.dropped = parsed.data.dropped;
    }
    await queue.trim();
    return queue;
  }

  get size(): number {
    return this.seqs.length;
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation, operation);
    this.tail = result.catch(() => {});
    return result;
  }

  push(sample: TTelemetrySample): Promise<void> {
    return this.exclusive(async () => {
      const seq = ++this.lastSeq;
      // Written under a temporary name and renamed: a torn write never looks like a batch.
      const temp = path.join(this.dir, `${seqName(seq)}.tmp`);
      await writeFile(temp, JSON.stringify(sample));
      await rename(temp, path.join(this.dir, seqName(seq)));
      this.seqs.push(seq);
      await this.trim();
    });
  }

  private async trim(): Promise<void> {
    const excess = this.seqs.length - this.max;
    if (excess <= 0) return;
    const gone = this.seqs.splice(0, excess);
    for (const seq of gone) this.flight.trim(seq);
    this.dropped += excess;
    for (const seq of gone) await rm(path.join(this.dir, seqName(seq)), { force: true });
    await this.saveMeta();
  }

  private async saveMeta(): Promise<void> {
    await writeFileAtomic(this.metaFile, JSON.stringify({ dropped: this.dropped }));
  }

  peek(n: number): Promise<TQueuedSample[]> {
    return this.exclusive(async () => {
      const taken: TQueuedSample[] = [];
      for (let i = 0; i < this.seqs.length && taken.length < n; ) {
        const seq = this.seqs[i]!;
        const file = path.join(this.dir, seqName(seq));
        try {
          taken.push({ id: seq, sample: ZTelemetrySample.parse(JSON.parse(await readFile(file, "utf8"))) });
          i++;
        } catch (error) {
          // A damaged batch must not block the ones behind it.
          this.logger.warn({ file, err: error }, "dropping an unreadable queued telemetry batch");
          await rm(file, { force: true });
          this.seqs.splice(i, 1);
        }
      }
      this.flight.lend(taken.map((item) => item.id));
      return taken;
    });
  }

  removeSent(ids: readonly number[]): Promise<void> {
    return this.exclusive(async () => {
      const sent = new Set(ids);
      const removed = this.seqs.filter((seq) => sent.has(seq));
      this.seqs = this.seqs.filter((seq) => !sent.has(seq));
      const delivered = this.flight.settle(ids);
      this.dropped = Math.max(0, this.dropped - delivered);
      for (const seq of removed) await rm(path.join(this.dir, seqName(seq)), { force: true });
      if (delivered > 0) await this.saveMeta();
    });
  }

  acknowledgeDropped(n: number): Promise<void> {
    return this.exclusive(async () => {
      this.dropped = Math.max(0, this.dropped - n);
      await this.saveMeta();
    });
  }
}
