// The same agent against an independent broker: Mosquitto on 127.0.0.1:1883 (anonymous allowed).
// Unique device ids keep runs apart; retained messages are cleared afterwards.
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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "./agent.ts";
import { startTestAgent, tempDir, uniqueDeviceId } from "./testing/agent-harness.ts";
import { startArtifactServer, type TArtifactServer } from "./testing/artifact-server.ts";
import { checkMosquitto, MOSQUITTO_URL } from "./testing/mosquitto.ts";
import { onnxDesiredVariant, writeOnnxTestVariant, type TOnnxTestVariant } from "./testing/onnx-variant.ts";
import { recorder, type TRecorder } from "./testing/test-broker.ts";
import { desiredVariant, signingKeys, writeTinyVariant } from "./testing/tiny-variant.ts";
import { waitFor } from "./testing/wait.ts";

const available = await checkMosquitto(process.env["CI"] === "true");

describe.runIf(available)("agent against Mosquitto", () => {
  const deviceId = uniqueDeviceId("mosq");
  const keys = signingKeys();
  let server: TArtifactServer;
  let observer: TRecorder;
  let agent: Agent;
  let manifestBytes: Buffer;
  let onnx: TOnnxTestVariant;

  beforeAll(async () => {
    const root = await tempDir("fleet-artifacts-");
    manifestBytes = (await writeTinyVariant(path.join(root, "m1"))).manifestBytes;
    onnx = await writeOnnxTestVariant(path.join(root, "onnx"), {}, "onnx-fp32");
    server = await startArtifactServer(root);
    observer = await recorder(MOSQUITTO_URL, `fleet/v1/${deviceId}/#`);
    agent = await startTestAgent({
      brokerUrl: MOSQUITTO_URL,
      deviceId,
      publicKeyPem: keys.publicKeyPem,
      deviceClass: "wearable",
    });
  });

  afterAll(async () => {
    await agent?.stop();
    for (const topic of [statusTopic(deviceId), desiredTopic(deviceId), reportedTopic(deviceId)]) {
      await observer?.client.publishAsync(topic, "", { qos: 1, retain: true });
    }
    await observer?.close();
    await server?.close();
  });

  it("connects, is born, takes a desired variant, reports active and sends telemetry", async () => {
    await waitFor(() => observer.on<TStatusPayload>(statusTopic(deviceId)).find((s) => s.state === "online"), "birth");
    const desired = {
      v: 1,
      ts: Date.now(),
      rev: 1,
      variant: desiredVariant("m1", manifestBytes, `${server.url}/m1/manifest.json`, keys),
    };
    await observer.client.publishAsync(desiredTopic(deviceId), JSON.stringify(desired), { qos: 1, retain: true });
    await waitFor(
      () => observer.on<TReportedPayload>(reportedTopic(deviceId)).find((r) => r.rev === 1 && r.state === "active"),
      "active",
    );
    await agent.telemetryTick();
    const batch = await waitFor(() => observer.on<TTelemetryPayload>(telemetryTopic(deviceId))[0], "telemetry");
    expect(batch.samples[0]).toMatchObject({ variantId: "m1", batteryPct: expect.any(Number) });
  });

  it("resumes its persistent session: QoS 1 desired sent while it was away arrives after reconnect", async () => {
    const client = (agent as unknown as { connection: { client: { stream: { destroy(): void } } } }).connection.client;
    client.stream.destroy();
    await waitFor(
      () => observer.on<TStatusPayload>(statusTopic(deviceId)).find((s) => s.state === "offline"),
      "last will",
    );
    const desired = { v: 1, ts: Date.now(), rev: 2, variant: null };
    await observer.client.publishAsync(desiredTopic(deviceId), JSON.stringify(desired), { qos: 1, retain: true });
    await waitFor(
      () =>
        observer
          .on<TReportedPayload>(reportedTopic(deviceId))
          .find((r) => r.rev === 2 && r.state === "active" && r.activeVariantId === null),
      "variant removed",
    );
  });

  it("takes an onnx variant and runs it", async () => {
    const desired = {
      v: 1,
      ts: Date.now(),
      rev: 3,
      variant: onnxDesiredVariant("m2-onnx", onnx, `${server.url}/onnx/manifest.json`, keys),
    };
    await observer.client.publishAsync(desiredTopic(deviceId), JSON.stringify(desired), { qos: 1, retain: true });
    await waitFor(
      () => observer.on<TReportedPayload>(reportedTopic(deviceId)).find((r) => r.rev === 3 && r.state === "active"),
      "onnx active",
    );
    expect(agent.slot.active?.model.engine).toBe("onnx");
    expect((await agent.slot.infer(onnx.example)).variantId).toBe("m2-onnx");
    const birth = await waitFor(
      () =>
        observer
          .on<TStatusPayload>(statusTopic(deviceId))
          .find((s) => s.state === "online" && s.activeVariant?.id === "m2-onnx"),
      "birth names the onnx variant",
    );
    expect(birth.state === "online" && birth.activeVariant?.engine).toBe("onnx");
  });
});
