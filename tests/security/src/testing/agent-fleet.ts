// Test helper: what the console provides an agent with, for tests that run fleet-agent as a process:
// an MQTT broker, signed variants on an HTTP artifact server, an observer of what devices publish,
// and the desired state the console would publish.
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  desiredVariant,
  recorder,
  signingKeys,
  startArtifactServer,
  startTestBroker,
  type TArtifactServer,
  type TRecorder,
  type TTestBroker,
  type TTinyVariant,
  writeTinyVariant,
} from "@fleet/agent/testing";
import { desiredTopic, reportedTopic, statusTopic, type TDeviceId } from "@fleet/protocol";
import type { TReportedPayload, TStatusPayload } from "@fleet/protocol";

export interface TAgentFleet {
  broker: TTestBroker;
  server: TArtifactServer;
  observer: TRecorder;
  /** file holding the console's public key, for --public-key */
  publicKeyFile: string;
  publishDesired(deviceId: TDeviceId, rev: number, variant: string | null): Promise<void>;
  reports(deviceId: TDeviceId): TReportedPayload[];
  statuses(deviceId: TDeviceId): TStatusPayload[];
  close(): Promise<void>;
}

/** A broker, an artifact server with one tiny signed variant per name (different weights each). */
export async function startAgentFleet(names: readonly string[]): Promise<TAgentFleet> {
  const keys = signingKeys();
  const root = await mkdtemp(path.join(os.tmpdir(), "fleet-security-artifacts-"));
  const variants: Record<string, TTinyVariant> = {};
  for (const [index, name] of names.entries())
    variants[name] = await writeTinyVariant(path.join(root, name), { scale: index + 1 });
  const publicKeyFile = path.join(root, "console.pub");
  await writeFile(publicKeyFile, keys.publicKeyPem);
  const server = await startArtifactServer(root);
  const broker = await startTestBroker();
  const observer = await recorder(broker.url, "fleet/v1/#");
  return {
    broker,
    server,
    observer,
    publicKeyFile,
    async publishDesired(deviceId, rev, name) {
      const variant =
        name === null
          ? null
          : desiredVariant(name, variants[name]!.manifestBytes, `${server.url}/${name}/manifest.json`, keys);
      const payload = JSON.stringify({ v: 1, ts: Date.now(), rev, variant });
      await observer.client.publishAsync(desiredTopic(deviceId), payload, { qos: 1, retain: true });
    },
    reports: (deviceId) => observer.on<TReportedPayload>(reportedTopic(deviceId)),
    statuses: (deviceId) => observer.on<TStatusPayload>(statusTopic(deviceId)),
    async close() {
      await observer.close();
      await broker.stop();
      await server.close();
    },
  };
}
