// The simulator end to end: several virtual devices on an in-process broker, each with its own
// credentials and session, a mix of classes, sharing one download and one loaded model.
import path from "node:path";
import {
  desiredTopic,
  reportedTopic,
  statusTopic,
  telemetryTopic,
  type TReportedPayload,
  type TStatusPayload,
  type TTelemetryPayload,
} from "@fleet/protocol";
import { afterAll, expect, it } from "vitest";
import { loadAgentConfig } from "../config.ts";
import { silentLogger } from "@fleet/log";
import { tempDir } from "../testing/agent-harness.ts";
import { startArtifactServer } from "../testing/artifact-server.ts";
import { recorder, startTestBroker } from "../testing/test-broker.ts";
import { desiredVariant, signingKeys, writeTinyVariant } from "../testing/tiny-variant.ts";
import { waitFor } from "../testing/wait.ts";
import { parsePublicKey } from "../update/signature.ts";
import { generateCredentials } from "./credentials.ts";
import { Simulator } from "./simulator.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it("runs N devices with their own credentials and mixed classes, sharing one model per variant", async () => {
  const keys = signingKeys();
  const root = await tempDir("fleet-artifacts-");
  const { manifestBytes } = await writeTinyVariant(path.join(root, "s1"));
  const server = await startArtifactServer(root);
  cleanups.push(() => server.close());
  const broker = await startTestBroker();
  cleanups.push(() => broker.stop());
  const observer = await recorder(broker.url, "fleet/v1/#");
  cleanups.push(() => observer.close());

  const credentials = generateCredentials(6, `sim${process.pid}`);
  const { config } = loadAgentConfig({}, [
    "simulate",
    "--broker",
    broker.url,
    "--count",
    "6",
    "--data-dir",
    await tempDir(),
    "--infer-rate",
    "0",
    "--telemetry-interval",
    "3600",
  ]);
  const simulator = new Simulator({
    config: { ...config, brokerUrl: broker.url },
    credentials,
    publicKey: parsePublicKey(keys.publicKeyPem),
    logger: silentLogger,
  });
  cleanups.push(() => simulator.stop());
  await simulator.start();

  const births = await waitFor(() => {
    const all = credentials.map((c) =>
      observer.on<TStatusPayload>(statusTopic(c.deviceId)).find((s) => s.state === "online"),
    );
    return all.every(Boolean) ? all : undefined;
  }, "six births");
  expect(births.map((b) => b?.state === "online" && b.hardware.class)).toEqual([
    "gateway",
    "gateway",
    "wearable",
    "gateway",
    "gateway",
    "wearable",
  ]);
  for (const credential of credentials)
    expect(broker.connects.find((c) => c.clientId === credential.deviceId)).toMatchObject({
      username: credential.deviceId,
      password: credential.secret,
    });

  const variant = desiredVariant("s1", manifestBytes, `${server.url}/s1/manifest.json`, keys);
  for (const c of credentials)
    await observer.client.publishAsync(
      desiredTopic(c.deviceId),
      JSON.stringify({ v: 1, ts: Date.now(), rev: 1, variant }),
      { qos: 1, retain: true },
    );
  await waitFor(
    () =>
      credentials.every((c) =>
        observer
          .on<TReportedPayload>(reportedTopic(c.deviceId))
          .some((r) => r.state === "active" && r.activeVariantId === "s1"),
      ),
    "all active",
  );
  expect(simulator.pool.size).toBe(1);
  expect(server.requests.filter((r) => r.path === "/s1/weights.bin")).toHaveLength(1);

  for (const agent of simulator.agents) await agent.telemetryTick();
  await waitFor(
    () => credentials.every((c) => observer.on<TTelemetryPayload>(telemetryTopic(c.deviceId)).length === 1),
    "telemetry from every device",
  );
  const wearable = observer.on<TTelemetryPayload>(telemetryTopic(credentials[2]!.deviceId))[0]!.samples[0]!;
  const gateway = observer.on<TTelemetryPayload>(telemetryTopic(credentials[0]!.deviceId))[0]!.samples[0]!;
  expect(wearable.batteryPct).toEqual(expect.any(Number));
  expect(gateway.batteryPct).toBeUndefined();
  expect(gateway.variantId).toBe("s1");
});
