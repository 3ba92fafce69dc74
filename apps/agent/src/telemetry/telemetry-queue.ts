// Telemetry batches waiting for the broker. The disk queue (one file per batch, named by sequence
// number) survives a restart of the agent; the memory queue serves simulated devices. Both are
// bounded: beyond `max`, the oldest batches go and the count of dropped batches is kept for reporting.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ZTelemetrySample, type TTelemetrySample } from "@fleet/protocol";
import { z } from "zod";
import type { Logger } from "@fleet/log";
import { readFileIfExists, writeFileAtomic } from "../store/atomic-file.ts";

export interface TelemetryQueue {
  readonly size: number;
  /** batches dropped since the count was last reported */
  readonly dropped: number;
  push(sample: TTelemetrySample): Promise<void>;
  /** the oldest `n` batches, oldest first */
  peek(n: number): Promise<TTelemetrySample[]>;
  /** removes the oldest `n` (after they were acknowledged) */
  remove(n: number): Promise<void>;
  /** the dropped count was reported: subtract it */
  acknowledgeDropped(n: number): Promise<void>;
}

export class MemoryTelemetryQueue implements TelemetryQueue {
  private items: TTelemetrySample[] = [];
  dropped = 0;
  constructor(private readonly max: number) {}
  get size(): number {
    return this.items.length;
  }
  async push(sample: TTelemetrySample): Promise<void> {
    this.items.push(sample);
    const excess = this.items.length - this.max;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.dropped += excess;
    }
  }
  async peek(n: number): Promise<TTelemetrySample[]> {
    return this.items.slice(0, n);
  }
  async remove(n: number): Promise<void> {
    this.items.splice(0, n);
  }
  async acknowledgeDropped(n: number): Promise<void> {
    this.dropped = Math.max(0, this.dropped - n);
  }
}

const ZMeta = z.object({ dropped: z.int().min(0) });
const SEQ_DIGITS = 16;
const seqName = (seq: number) => `${String(seq).padStart(SEQ_DIGITS, "0")}.json`;

export class DiskTelemetryQueue implements TelemetryQueue {
  private seqs: number[] = [];
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

  async push(sample: TTelemetrySample): Promise<void> {
    const seq = (this.seqs.at(-1) ?? 0) + 1;
    // Written under a temporary name and renamed: a torn write never looks like a batch.
    const temp = path.join(this.dir, `${seqName(seq)}.tmp`);
    await writeFile(temp, JSON.stringify(sample));
    await rename(temp, path.join(this.dir, seqName(seq)));
    this.seqs.push(seq);
    await this.trim();
  }

  private async trim(): Promise<void> {
    const excess = this.seqs.length - this.max;
    if (excess <= 0) return;
    const gone = this.seqs.splice(0, excess);
    for (const seq of gone) await rm(path.join(this.dir, seqName(seq)), { force: true });
    this.dropped += excess;
    await this.saveMeta();
  }

  private async saveMeta(): Promise<void> {
    await writeFileAtomic(this.metaFile, JSON.stringify({ dropped: this.dropped }));
  }

  async peek(n: number): Promise<TTelemetrySample[]> {
    const samples: TTelemetrySample[] = [];
    for (const seq of this.seqs.slice(0, n)) {
      const file = path.join(this.dir, seqName(seq));
      try {
        samples.push(ZTelemetrySample.parse(JSON.parse(await readFile(file, "utf8"))));
      } catch (error) {
        // A damaged batch must not block the ones behind it.
        this.logger.warn({ file, err: error }, "dropping an unreadable queued telemetry batch");
        await rm(file, { force: true });
        this.seqs.splice(this.seqs.indexOf(seq), 1);
        return this.peek(n);
      }
    }
    return samples;
  }

  async remove(n: number): Promise<void> {
    for (const seq of this.seqs.splice(0, n)) await rm(path.join(this.dir, seqName(seq)), { force: true });
  }

  async acknowledgeDropped(n: number): Promise<void> {
    this.dropped = Math.max(0, this.dropped - n);
    await this.saveMeta();
  }
}
