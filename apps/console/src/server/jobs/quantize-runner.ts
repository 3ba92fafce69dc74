// The console's background job runner for quantization: one job at a time (TF.js is CPU-bound and
// the console shares its machine), each in a worker thread so the web server stays responsive.
// State lives in the database (Model.status / progress / error), so a restart resumes: a job that
// was QUANTIZING when the process stopped is queued again and re-run from its stored source.
// One runner per database: the console is a single process (start a second one with the runner off).
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { PrismaClient } from "@fleet/db";
import { ZReport, type TReport } from "@fleet/quantize";
import { getArtifactStore } from "../artifacts/artifact-store.ts";
import { getSigningKey } from "../artifacts/keys.ts";
import { recordAudit } from "../domain/audit/record-audit.ts";
import { storeQuantizedVariants } from "../domain/models/store-variants.ts";
import { describeError, reportProblem } from "../log.ts";
import { modelPaths } from "../models/model-paths.ts";
import { sweepUploads } from "../models/upload-staging.ts";
import type { TQuantizeJobInput, TQuantizeWorkerMessage } from "./quantize-job.types.ts";
import { registerQuantizeRunner } from "./wake-quantize-runner.ts";
import { type Logger, rootLogger } from "@fleet/log";

export interface TQuantizeRunnerOptions {
  prisma: PrismaClient;
  dataDir: string;
  /** Measure latency and memory of each variant (default true). */
  measure?: boolean;
  latencyRuns?: number;
  /** Poll for waiting jobs this often, besides being woken (default 5 s). */
  pollMs?: number;
  /** Progress is written at most this often (default 500 ms). */
  progressEveryMs?: number;
  /** Default: the process's root logger. */
  logger?: Logger;
}

export interface TQuantizeRunner {
  wake(): void;
  /** Resolves when no job is waiting or running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const SYSTEM = { id: null, label: "system" } as const;
const WORKER_URL = new URL("./quantize-worker.mjs", import.meta.url);

/** Runs the worker; resolves with its report, rejects with an Error whose message is for operators. */
function runWorker(
  input: TQuantizeJobInput,
  onProgress: (done: number, total: number) => void,
  track: (worker: Worker) => void,
): Promise<TReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: input });
    track(worker);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on("message", (message: TQuantizeWorkerMessage) => {
      if (message.type === "progress") onProgress(message.done, message.total);
      else if (message.type === "done") settle(() => resolve(ZReport.parse(message.report)));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on("error", (error) => settle(() => reject(new Error(`quantization failed: ${describeError(error)}`))));
    worker.on("exit", (code) => settle(() => reject(new Error(`quantization stopped (worker exit code ${code})`))));
  });
}

export function startQuantizeRunner(options: TQuantizeRunnerOptions): TQuantizeRunner {
  const { prisma, dataDir } = options;
  const logger = (options.logger ?? rootLogger()).child({ component: "quantize" });
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let worker: Worker | null = null;
  let idleWaiters: Array<() => void> = [];

  const runJob = async (model: { id: string; name: string }) => {
    const paths = modelPaths(dataDir, model.id);
    let lastWrite = 0;
    const onProgress = (done: number, total: number) => {
      const now = Date.now();
      if (now - lastWrite < (options.progressEveryMs ?? 500) && done < total) return;
      lastWrite = now;
      // Never 1 before the variants are stored; READY says "done".
      const progress = Math.min(0.95, total > 0 ? (done / total) * 0.95 : 0);
      void prisma.model
        .updateMany({ where: { id: model.id, status: "QUANTIZING" }, data: { progress } })
        .catch(() => {});
    };
    try {
      if (!existsSync(paths.model))
        throw new Error("the uploaded model files are missing from the data directory; upload the model again");
      await rm(paths.work, { recursive: true, force: true });
      await mkdir(paths.work, { recursive: true });
      const report = await runWorker(
        {
          modelDir: paths.model,
          outDir: paths.work,
          calibDir: existsSync(paths.calib) ? paths.calib : null,
          valDir: existsSync(paths.val) ? paths.val : null,
          measure: options.measure ?? true,
          latencyRuns: options.latencyRuns ?? 30,
        },
        onProgress,
        (started) => (worker = started),
      );
      worker = null;
      if (stopped) return;
      const variants = await storeQuantizedVariants({
        prisma,
        store: getArtifactStore(dataDir),
        key: await getSigningKey(dataDir),
        modelId: model.id,
        outDir: paths.work,
        report,
      });
      // Server paths stay on the server: the stored report names the upload, not our directories.
      const shown = { ...report, model: { ...report.model, source: model.name } };
      await writeFile(paths.report, `${JSON.stringify(shown, null, 2)}\n`);
      await prisma.$transaction(async (tx) => {
        await tx.model.update({
          where: { id: model.id },
          data: { status: "READY", progress: 1, error: null },
          select: { id: true },
        });
        await recordAudit({
          tx,
          actor: SYSTEM,
          action: "model.quantized",
          entityType: "model",
          entityId: model.id,
          after: { status: "READY", variants: variants.map((v) => v.name) },
        });
      });
      logger.info(
        { modelId: model.id, model: model.name, variants: variants.length },
        "model quantized: variants stored and signed",
      );
    } catch (error) {
      worker = null;
      if (stopped) return; // interrupted by shutdown: QUANTIZING stays, the next start re-runs it
      const message = error instanceof Error ? error.message : String(error);
      await prisma.$transaction(async (tx) => {
        await tx.model.update({
          where: { id: model.id },
          data: { status: "FAILED", error: message.slice(0, 2000) },
          select: { id: true },
        });
        await recordAudit({
          tx,
          actor: SYSTEM,
          action: "model.quantize-failed",
          entityType: "model",
          entityId: model.id,
          after: { status: "FAILED", error: message },
        });
      });
      logger.warn({ modelId: model.id, model: model.name, problem: message }, "quantization failed");
    } finally {
      await rm(paths.work, { recursive: true, force: true }).catch(() => {});
    }
  };

  /** Claims the oldest waiting model (a conditional update, so two claims cannot both win). */
  const claimNext = async (): Promise<{ id: string; name: string } | null> => {
    for (;;) {
      const next = await prisma.model.findFirst({
        where: { status: "UPLOADED" },
        orderBy: { createdAt: "asc" },
        select: { id: true, name: true },
      });
      if (!next) return null;
      const claimed = await prisma.model.updateMany({
        where: { id: next.id, status: "UPLOADED" },
        data: { status: "QUANTIZING", progress: 0, error: null },
      });
      if (claimed.count === 1) return next;
    }
  };

  const drain = async () => {
    do {
      again = false;
      for (let model = await claimNext(); model && !stopped; model = stopped ? null : await claimNext())
        await runJob(model);
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .then(() => reportProblem("quantize runner", null))
      .catch((error: unknown) => reportProblem("quantize runner", describeError(error)))
      .finally(() => {
        running = null;
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      });
  };

  // Jobs a previous process left QUANTIZING were interrupted: run them again from their source.
  const resumed = prisma.model
    .updateMany({ where: { status: "QUANTIZING" }, data: { status: "UPLOADED", progress: 0 } })
    .then(({ count }) => {
      if (count > 0) logger.info({ jobs: count }, "resuming interrupted quantization jobs");
    })
    .catch((error: unknown) => reportProblem("quantize runner", describeError(error)))
    .finally(() => wake());
  void sweepUploads(dataDir).catch(() => {});

  const timer = setInterval(wake, options.pollMs ?? 5_000);
  timer.unref();
  const handle = { wake };
  registerQuantizeRunner(handle);

  return {
    wake,
    async idle() {
      await resumed;
      if (!running) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      registerQuantizeRunner(null);
      await (worker as Worker | null)?.terminate();
      await running;
    },
  };
}
