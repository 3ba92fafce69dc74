// Builds agents for tests: a temp data dir, fast telemetry and reconnects, a memory logger.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ZDeviceId } from "@fleet/protocol";
import { Agent, type TAgentOptions } from "../agent.ts";
import { captureLogger } from "@fleet/log/testing";
import { parsePublicKey } from "../update/signature.ts";

let counter = 0;

/** A device id unique across runs and parallel workers (Mosquitto keeps sessions and retained messages). */
export function uniqueDeviceId(prefix = "t"): ReturnType<typeof ZDeviceId.parse> {
  return ZDeviceId.parse(`${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`);
}

export async function tempDir(prefix = "fleet-agent-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export type TTestAgentOptions = Partial<Omit<TAgentOptions, "publicKey">> & {
  brokerUrl: string;
  publicKeyPem?: string;
};

export function testAgentOptions(options: TTestAgentOptions & { dataDir: string }): TAgentOptions {
  const { publicKeyPem, ...rest } = options;
  return {
    deviceId: uniqueDeviceId(),
    secret: "test-secret-0123456789",
    deviceClass: "gateway",
    publicKey: publicKeyPem ? parsePublicKey(publicKeyPem) : undefined,
    telemetryIntervalSec: 3600, // tests drive telemetry with telemetryTick()
    inputs: [],
    inferRate: 0,
    httpPort: 0,
    queue: "disk",
    queueMax: 100,
    maxModelBytes: 10 * 1024 * 1024,
    logger: captureLogger().logger,
    reconnectBackoff: { initialMs: 50, maxMs: 200, jitter: 0.5 },
    downloadAttempts: 3,
    downloadBackoff: { initialMs: 10, maxMs: 50, jitter: 0 },
    ...rest,
  };
}

export async function startTestAgent(options: TTestAgentOptions & { dataDir?: string }): Promise<Agent> {
  const agent = new Agent(testAgentOptions({ ...options, dataDir: options.dataDir ?? (await tempDir()) }));
  await agent.start();
  return agent;
}
