// One device: boots its last model from disk, then connects, reconciles desired state, runs the
// model on its inputs and reports telemetry. `fleet-agent run` drives one; the simulator drives many.
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { SCHEMA_VERSION, type TDeviceId, type TEngine, type THardware, type THardwareClass } from "@fleet/protocol";
import { openVariant } from "@fleet/runtime";
import type { TInputKind } from "./config.ts";
import { DeviceEngines, type TOnnxProber } from "./engines/device-engines.ts";
import { detectHardware, ramFreeMb } from "./hardware.ts";
import { ActiveModelSlot } from "./inference/active-model-slot.ts";
import { ModelPool } from "./inference/model-pool.ts";
import { HttpInput } from "./inputs/http-input.ts";
import { SensorInput } from "./inputs/sensor-input.ts";
import { seedFromId, SimulatedSensor } from "./inputs/simulated-sensor.ts";
import type { Logger } from "@fleet/log";
import type { TBackoffOptions } from "./mqtt/backoff.ts";
import { DeviceConnection } from "./mqtt/connection.ts";
import { DeviceStateFile } from "./store/device-state.ts";
import { readSystemBattery, SimulatedBattery } from "./telemetry/battery.ts";
import { ProcessStats } from "./telemetry/process-stats.ts";
import { DiskTelemetryQueue, MemoryTelemetryQueue, type TelemetryQueue } from "./telemetry/telemetry-queue.ts";
import { TelemetryReporter } from "./telemetry/telemetry-reporter.ts";
import { Reconciler, reportedPayload, type TReport } from "./update/reconciler.ts";
import { VariantCache } from "./update/variant-cache.ts";

export const AGENT_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export interface TAgentOptions {
  brokerUrl: string;
  deviceId: TDeviceId;
  secret: string;
  dataDir: string;
  deviceClass: THardwareClass;
  publicKey: KeyObject | undefined;
  caFile?: string | undefined;
  telemetryIntervalSec: number;
  inputs: readonly TInputKind[];
  inferRate: number;
  httpPort: number;
  /** POST /infer requests handled at once (default 4) */
  httpMaxConcurrent?: number | undefined;
  queue: "disk" | "memory";
  queueMax: number;
  maxModelBytes: number;
  seed?: number | undefined;
  logger: Logger;
  /** engines variants may run on (default all); of these, the ones that load are used */
  engines?: readonly TEngine[] | undefined;
  /** ONNX Runtime intra-op threads (undefined = one per core) */
  onnxThreads?: number | undefined;
  /** how ONNX Runtime is probed while no onnx variant runs (default: in this process) */
  probeOnnx?: TOnnxProber | undefined;
  /** Shared by simulated devices: one cache, one engine probe and one loaded model per variant for the process. */
  shared?: { pool: ModelPool; cache: VariantCache; engines: DeviceEngines };
  /** Simulated devices report a made-up machine of their class. */
  hardware?: (detected: THardware) => THardware;
  reconnectBackoff?: TBackoffOptions;
  downloadAttempts?: number;
  downloadBackoff?: TBackoffOptions;
}

export class Agent {
  /** The active model: what inputs run on, swapped by updates. */
  readonly slot = new ActiveModelSlot();
  readonly reconciler: Reconciler;
  readonly cache: VariantCache;
  readonly engines: DeviceEngines;
  private readonly pool: ModelPool;
  private readonly logger: Logger;
  private connection: DeviceConnection | undefined;
  private reporter: TelemetryReporter | undefined;
  private sensor: SensorInput | undefined;
  private http: HttpInput | undefined;
  private hardware: THardware | undefined;
  /** the last report made before there was a connection to publish it on */
  private unpublishedReport: TReport | undefined;
  /** port of POST /infer once listening */
  httpPort: number | undefined;

  constructor(private readonly options: TAgentOptions) {
    this.logger = options.logger;
    const engines =
      options.shared?.engines ??
      new DeviceEngines({ allowed: options.engines, onnxThreads: options.onnxThreads, probeOnnx: options.probeOnnx });
    this.engines = engines;
    this.pool = options.shared?.pool ?? new ModelPool((dir) => openVariant(dir, engines.openOptions()));
    this.cache =
      options.shared?.cache ??
      new VariantCache({
        root: options.dataDir,
        publicKey: options.publicKey,
        maxBytes: options.maxModelBytes,
        engines,
        ...(options.downloadAttempts !== undefined ? { downloadAttempts: options.downloadAttempts } : {}),
        ...(options.downloadBackoff ? { downloadBackoff: options.downloadBackoff } : {}),
      });
    this.reconciler = new Reconciler({
      cache: this.cache,
      pool: this.pool,
      slot: this.slot,
      stateFile: new DeviceStateFile(options.dataDir, this.logger),
      report: (report) => this.report(report),
      logger: this.logger,
      cleanCache: options.shared === undefined,
    });
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  async start(): Promise<void> {
    const { options } = this;
    // The model first: a device without network still does its job.
    await this.reconciler.boot();
    const seed = options.seed ?? seedFromId(options.deviceId);
    if (options.inputs.includes("sensor")) {
      this.sensor = new SensorInput(
        new SimulatedSensor(options.deviceClass, seed),
        this.slot,
        options.inferRate,
        this.logger,
      );
      this.sensor.start();
    }
    if (options.inputs.includes("http")) {
      this.http = new HttpInput(this.slot, this.logger, { maxConcurrent: options.httpMaxConcurrent ?? 4 });
      this.httpPort = await this.http.start(options.httpPort);
    }
    await this.probeEngines();
    const detected = detectHardware(options.deviceClass, this.engines.usable, this.engines.backend);
    this.hardware = options.hardware ? options.hardware(detected) : detected;

    const queue: TelemetryQueue =
      options.queue === "disk"
        ? await DiskTelemetryQueue.open(path.join(options.dataDir, "telemetry-queue"), options.queueMax, this.logger)
        : new MemoryTelemetryQueue(options.queueMax);
    // Handlers are attached in the same tick the client is created: no CONNACK can slip past them.
    const connection = new DeviceConnection({
      brokerUrl: options.brokerUrl,
      deviceId: options.deviceId,
      secret: options.secret,
      caFile: options.caFile,
      logger: this.logger,
      ...(options.reconnectBackoff ? { backoff: options.reconnectBackoff } : {}),
    });
    this.connection = connection;
    const battery = options.deviceClass === "wearable" ? this.batterySource(seed) : undefined;
    this.reporter = new TelemetryReporter(
      connection,
      queue,
      { slot: this.slot, stats: new ProcessStats(), ...(battery ? { battery } : {}) },
      options.telemetryIntervalSec,
      this.logger,
    );

    connection.on("connect", () => {
      this.publishBirth();
      void this.reporter?.flush();
    });
    connection.on("desired", (payload) => this.reconciler.onDesired(payload));
    // MQTT.js keeps it until connected; retained, and sent before any report about a desired state.
    const bootReport = this.unpublishedReport;
    this.unpublishedReport = undefined;
    if (bootReport) this.publishReport(connection, bootReport);
    this.reporter.start();
  }

  /** Which engines run here (once per process for shared engines); logs why any allowed one does not. */
  private async probeEngines(): Promise<void> {
    const shared = this.engines.probes !== undefined;
    const probes = await this.engines.probe(this.slot.active?.model);
    if (shared) return;
    for (const probe of probes) {
      if (!probe.available && this.engines.allowed.includes(probe.engine))
        this.logger.warn(
          {
            engine: probe.engine,
            detail: probe.detail,
          },
          "engine does not load on this device; its variants will be refused",
        );
    }
    this.logger.info(
      {
        available: this.engines.usable,
        ...Object.fromEntries(probes.map((p) => [p.engine, p.detail])),
      },
      "engines",
    );
  }

  private batterySource(seed: number): (intervalSec: number, inferences: number) => number {
    const simulated = new SimulatedBattery(seed);
    return (intervalSec, inferences) => readSystemBattery() ?? simulated.sample(intervalSec, inferences);
  }

  private publishBirth(): void {
    if (!this.connection?.connected || !this.hardware) return;
    const active = this.slot.active?.variant;
    const hardware = { ...this.hardware, ramFreeMb: this.options.hardware ? this.hardware.ramFreeMb : ramFreeMb() };
    this.connection
      .publish("status", {
        v: SCHEMA_VERSION,
        ts: Date.now(),
        state: "online",
        agentVersion: AGENT_VERSION,
        hardware,
        activeVariant: active ? { id: active.id, precision: active.precision, engine: active.engine } : null,
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, "birth not published"));
  }

  private report(report: TReport): void {
    this.logger.info(
      {
        rev: report.rev,
        state: report.state,
        activeVariantId: report.activeVariantId,
        ...(report.error ? { error: report.error.message, code: report.error.code } : {}),
      },
      "reported",
    );
    if (!this.connection) {
      // Before the connection exists (a refusal at boot): the newest such report goes out with it.
      this.unpublishedReport = report;
      return;
    }
    this.publishReport(this.connection, report);
  }

  private publishReport(connection: DeviceConnection, report: TReport): void {
    connection
      .publish("reported", reportedPayload(report))
      .catch((error: unknown) => this.logger.warn({ err: error }, "report not published"));
    // The retained birth names the active variant; keep it true after a swap.
    if (report.state === "active") this.publishBirth();
  }

  /** Sends this interval's telemetry now (tests and shutdown). */
  async telemetryTick(): Promise<void> {
    await this.reporter?.tick();
    await this.reporter?.flush();
  }

  async stop(): Promise<void> {
    this.sensor?.stop();
    this.reporter?.stop();
    await this.http?.stop();
    await this.reconciler.idle();
    await this.connection?.stop();
    const active = this.slot.swap(undefined);
    if (active) {
      await this.slot.drained(active.model);
      await this.pool.release(this.cache.dirOf(active.variant.dir));
    }
  }
}
