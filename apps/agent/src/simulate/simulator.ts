// N virtual devices in one process: each its own MQTT session, credentials, state and telemetry, with a
// mix of hardware classes; all share one variant cache and one loaded model per variant.
import path from "node:path";
import type { KeyObject } from "node:crypto";
import type { THardware, THardwareClass } from "@fleet/protocol";
import { openVariant } from "@fleet/runtime";
import { Agent } from "../agent.ts";
import { onnxThreads, type TAgentConfig } from "../config.ts";
import { DeviceEngines } from "../engines/device-engines.ts";
import { ModelPool } from "../inference/model-pool.ts";
import type { Logger } from "@fleet/log";
import { VariantCache } from "../update/variant-cache.ts";
import type { TDeviceCredential } from "./credentials.ts";

/** Made-up machines per class, so hardware profiles have something to match. */
const PROFILES: Record<THardwareClass, Pick<THardware, "arch" | "cpuModel" | "cores" | "ramTotalMb" | "wasmSimd">[]> = {
  gateway: [
    { arch: "arm64", cpuModel: "Cortex-A72 (simulated)", cores: 4, ramTotalMb: 4096, wasmSimd: true },
    { arch: "x64", cpuModel: "Atom x6425E (simulated)", cores: 4, ramTotalMb: 8192, wasmSimd: true },
  ],
  wearable: [{ arch: "arm", cpuModel: "Cortex-A7 (simulated)", cores: 2, ramTotalMb: 512, wasmSimd: false }],
};

/** Two gateways for every wearable, deterministic by position in the credentials file. */
export function simulatedClass(index: number): THardwareClass {
  return index % 3 === 2 ? "wearable" : "gateway";
}

export interface TSimulatorOptions {
  config: TAgentConfig & { brokerUrl: string };
  credentials: readonly TDeviceCredential[];
  publicKey: KeyObject | undefined;
  logger: Logger;
}

export class Simulator {
  readonly agents: Agent[] = [];
  readonly pool: ModelPool;
  readonly cache: VariantCache;
  /** probed once, in this process: the simulator is a load tool on a server, not a small device */
  readonly engines: DeviceEngines;

  constructor(private readonly options: TSimulatorOptions) {
    const { config } = options;
    const engines = new DeviceEngines({ allowed: config.engines, onnxThreads: onnxThreads(config) });
    this.engines = engines;
    this.pool = new ModelPool((dir) => openVariant(dir, engines.openOptions()));
    this.cache = new VariantCache({
      root: path.join(config.dataDir, "shared"),
      publicKey: options.publicKey,
      maxBytes: config.maxModelMb * 1024 * 1024,
      engines,
    });
  }

  async start(): Promise<void> {
    const { config, credentials, logger } = this.options;
    for (const [index, credential] of credentials.entries()) {
      const deviceClass = simulatedClass(index);
      const profile = PROFILES[deviceClass][index % PROFILES[deviceClass].length]!;
      const agent = new Agent({
        brokerUrl: config.brokerUrl,
        deviceId: credential.deviceId,
        secret: credential.secret,
        dataDir: path.join(config.dataDir, "devices", credential.deviceId),
        deviceClass,
        publicKey: this.options.publicKey,
        caFile: config.caFile,
        telemetryIntervalSec: config.telemetryInterval,
        inputs: config.inputs.filter((input) => input === "sensor"),
        inferRate: config.inferRate,
        httpPort: 0,
        queue: "memory",
        queueMax: config.queueMax,
        maxModelBytes: config.maxModelMb * 1024 * 1024,
        seed: (config.seed ?? 0) + index,
        logger: logger.child({ deviceId: credential.deviceId }),
        shared: { pool: this.pool, cache: this.cache, engines: this.engines },
        hardware: (detected) => ({
          ...detected,
          ...profile,
          ramFreeMb: Math.round(profile.ramTotalMb * 0.6),
          class: deviceClass,
        }),
      });
      this.agents.push(agent);
      await agent.start();
    }
  }

  get connectedCount(): number {
    return this.agents.filter((agent) => agent.connected).length;
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop()));
  }
}
