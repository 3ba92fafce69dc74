// The agent end to end: a real MQTT broker (in-process aedes on a loopback port), a real HTTP
// artifact server with Range, real files on disk and the real runtime loading the variants.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  desiredTopic,
  reportedTopic,
  statusTopic,
  telemetryTopic,
  eventsTopic,
  type TReportedPayload,
  type TStatusPayload,
  type TTelemetryPayload,
  type TDesiredVariant,
  type TEventsPayload,
} from "@fleet/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "./agent.ts";
import { startTestAgent, tempDir, uniqueDeviceId } from "./testing/agent-harness.ts";
import { startArtifactServer, type TArtifactServer } from "./testing/artifact-server.ts";
import { recorder, startTestBroker, type TRecorder, type TTestBroker } from "./testing/test-broker.ts";
import {
  desiredVariant,
  signingKeys,
  TINY_INPUT,
  writeTinyVariant,
  type TTinyVariant,
} from "./testing/tiny-variant.ts";
import { waitFor } from "./testing/wait.ts";

const keys = signingKeys();
let broker: TTestBroker;
let server: TArtifactServer;
let observer: TRecorder;
const variants: Record<string, TTinyVariant> = {};

function variant(name: string, id = name): TDesiredVariant {
  return desiredVariant(id, variants[name]!.manifestBytes, `${server.url}/${name}/manifest.json`, keys);
}

async function publishDesired(deviceId: string, rev: number, desired: TDesiredVariant | null | string): Promise<void> {
  const payload =
    typeof desired === "string" ? desired : JSON.stringify({ v: 1, ts: Date.now(), rev, variant: desired });
  await observer.client.publishAsync(desiredTopic(deviceId as never), payload, { qos: 1, retain: true });
}

function reports(deviceId: string): TReportedPayload[] {
  return observer.on<TReportedPayload>(reportedTopic(deviceId as never));
}

function waitReport(deviceId: string, rev: number, states: string[]): Promise<TReportedPayload> {
  return waitFor(
    () => reports(deviceId).find((r) => r.rev === rev && states.includes(r.state)),
    `rev ${rev} ${states.join("|")}`,
  );
}

async function infer(
  agent: Agent,
  input: number[][],
): Promise<{ status: number; body: { output: number[]; variantId: string; error?: string } }> {
  const response = await fetch(`http://127.0.0.1:${agent.httpPort}/infer`, {
    method: "POST",
    body: JSON.stringify({ input }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

const rows = [Array.from(TINY_INPUT.slice(0, 4)), Array.from(TINY_INPUT.slice(4))];

beforeAll(async () => {
  const root = await tempDir("fleet-artifacts-");
  variants["v1"] = await writeTinyVariant(path.join(root, "v1"), { scale: 1 });
  variants["v2"] = await writeTinyVariant(path.join(root, "v2"), { scale: 2 });
  variants["v3"] = await writeTinyVariant(path.join(root, "v3"), { scale: 3 });
  variants["v4"] = await writeTinyVariant(path.join(root, "v4"), { scale: 4 });
  variants["bad-golden"] = await writeTinyVariant(path.join(root, "bad-golden"), { scale: 5, wrongGolden: true });
  server = await startArtifactServer(root);
  broker = await startTestBroker();
  observer = await recorder(broker.url, "fleet/v1/#");
});

afterAll(async () => {
  await observer?.close();
  await broker?.stop();
  await server?.close();
});

describe("agent against an MQTT broker", () => {
  it("connects with a persistent session as itself, publishes a retained birth, and the Last Will on a drop", async () => {
    const deviceId = uniqueDeviceId("birth");
    const agent = await startTestAgent({
      brokerUrl: broker.url,
      deviceId,
      secret: "birth-secret-0123456789",
      deviceClass: "wearable",
    });
    try {
      const birth = await waitFor(
        () => observer.on<TStatusPayload>(statusTopic(deviceId)).find((s) => s.state === "online"),
        "birth",
      );
      expect(broker.connects.find((c) => c.clientId === deviceId)).toMatchObject({
        username: deviceId,
        password: "birth-secret-0123456789",
        clean: false,
      });
      expect(birth).toMatchObject({
        state: "online",
        activeVariant: null,
        hardware: { class: "wearable", arch: process.arch, nodeVersion: process.version, engines: ["tfjs", "onnx"] },
      });
      expect(observer.messages.find((m) => m.topic === statusTopic(deviceId))?.retain).toBe(false); // live delivery; retained flag shows on late subscribers
      const late = await recorder(broker.url, statusTopic(deviceId));
      await waitFor(
        () => late.messages.find((m) => m.retain && JSON.parse(m.payload).state === "online"),
        "retained birth",
      );
      await late.close();

      // An unclean drop: the broker publishes the will; the agent reconnects and is born again.
      const onlineBefore = observer
        .on<TStatusPayload>(statusTopic(deviceId))
        .filter((s) => s.state === "online").length;
      (
        agent as unknown as { connection: { client: { stream: { destroy(): void } } } }
      ).connection.client.stream.destroy();
      await waitFor(
        () => observer.on<TStatusPayload>(statusTopic(deviceId)).find((s) => s.state === "offline"),
        "last will",
      );
      await waitFor(
        () =>
          observer.on<TStatusPayload>(statusTopic(deviceId)).filter((s) => s.state === "online").length > onlineBefore,
        "birth after reconnect",
      );
    } finally {
      await agent.stop();
    }
  });

  describe("desired state", () => {
    const deviceId = uniqueDeviceId("update");
    let dataDir: string;
    let agent: Agent;

    beforeAll(async () => {
      dataDir = await tempDir();
      agent = await startTestAgent({
        brokerUrl: broker.url,
        deviceId,
        dataDir,
        publicKeyPem: keys.publicKeyPem,
        inputs: ["http"],
      });
      await waitFor(() => agent.connected, "connected");
    });
    afterAll(async () => {
      await agent?.stop();
    });

    it("downloads, verifies, self-tests and activates a signed variant, reporting each step", async () => {
      expect((await infer(agent, rows)).status).toBe(503);
      await publishDesired(deviceId, 1, variant("v1"));
      await waitReport(deviceId, 1, ["active"]);
      const states = reports(deviceId)
        .filter((r) => r.rev === 1)
        .map((r) => r.state);
      expect(states[0]).toBe("downloading");
      expect(states).toContain("verifying");
      expect(states.at(-1)).toBe("active");
      expect(states.indexOf("activating")).toBeLessThan(states.indexOf("active"));
      const result = await infer(agent, rows);
      expect(result.status).toBe(200);
      expect(result.body.variantId).toBe("v1");
      for (const [i, value] of result.body.output.entries())
        expect(value).toBeCloseTo(variants["v1"]!.expect(TINY_INPUT)[i]!, 4);
      const birth = await waitFor(
        () =>
          observer
            .on<TStatusPayload>(statusTopic(deviceId))
            .find((s) => s.state === "online" && s.activeVariant?.id === "v1"),
        "birth names v1",
      );
      expect(birth.state === "online" && birth.activeVariant).toEqual({ id: "v1", precision: "fp32", engine: "tfjs" });
    });

    it("applies a newer revision and ignores an older or equal one", async () => {
      await publishDesired(deviceId, 3, variant("v2"));
      await waitReport(deviceId, 3, ["active"]);
      expect(agent.slot.active?.variant.id).toBe("v2");
      const before = reports(deviceId).length;
      await publishDesired(deviceId, 2, variant("v1"));
      await publishDesired(deviceId, 3, variant("v1"));
      await agent.reconciler.idle();
      // Round trip through the broker so both messages surely arrived before asserting nothing happened.
      await publishDesired(deviceId, 4, variant("v2"));
      await waitReport(deviceId, 4, ["active"]);
      expect(
        reports(deviceId)
          .slice(before)
          .map((r) => r.rev),
      ).toEqual([4]);
      expect(agent.slot.active?.variant.id).toBe("v2");
    });

    it("refuses a tampered artifact and keeps the current model", async () => {
      const weights = await readFile(path.join(variants["v3"]!.dir, "weights.bin"));
      const tampered = Buffer.from(weights);
      tampered[0] = tampered[0]! ^ 0xff;
      server.override("/v3/weights.bin", tampered);
      await publishDesired(deviceId, 5, variant("v3"));
      const failed = await waitReport(deviceId, 5, ["failed", "rolled_back"]);
      expect(failed).toMatchObject({
        state: "failed",
        activeVariantId: "v2",
        targetVariantId: "v3",
        error: { code: "hash_mismatch" },
      });
      expect(failed.error?.message).toMatch(/weights\.bin/);
      expect((await infer(agent, rows)).body.variantId).toBe("v2");
    });

    it("refuses a manifest whose signature is not the console's", async () => {
      const forged = desiredVariant(
        "v1b",
        variants["v1"]!.manifestBytes,
        `${server.url}/v1/manifest.json`,
        signingKeys(),
      );
      await publishDesired(deviceId, 6, forged);
      expect(await waitReport(deviceId, 6, ["failed"])).toMatchObject({
        activeVariantId: "v2",
        error: { code: "bad_signature" },
      });
    });

    it("rolls back when the new variant fails its self-test", async () => {
      await publishDesired(deviceId, 7, variant("bad-golden"));
      const report = await waitReport(deviceId, 7, ["failed", "rolled_back"]);
      expect(report).toMatchObject({
        state: "rolled_back",
        activeVariantId: "v2",
        error: { code: "self_test_failed" },
      });
      expect(
        reports(deviceId)
          .filter((r) => r.rev === 7)
          .map((r) => r.state),
      ).toContain("activating");
      expect((await infer(agent, rows)).body.variantId).toBe("v2");
    });

    it("resumes a download cut in the middle with a Range request", async () => {
      server.cutOnce("/v4/weights.bin", 20);
      await publishDesired(deviceId, 8, variant("v4"));
      await waitReport(deviceId, 8, ["active"]);
      const weightRequests = server.requests.filter((r) => r.path === "/v4/weights.bin");
      expect(weightRequests.map((r) => r.range)).toEqual([undefined, "bytes=20-"]);
      const result = await infer(agent, rows);
      for (const [i, value] of result.body.output.entries())
        expect(value).toBeCloseTo(variants["v4"]!.expect(TINY_INPUT)[i]!, 4);
    });

    it("keeps the active and the previous variant on disk and removes the rest", async () => {
      const names = await readdir(path.join(dataDir, "variants"));
      expect(names.map((n) => n.split("-")[0]).sort()).toEqual(["v2", "v4"]);
      const state = JSON.parse(await readFile(path.join(dataDir, "state.json"), "utf8"));
      expect(state).toMatchObject({ lastRev: 8, active: { id: "v4" }, previous: { id: "v2" } });
    });

    it("reports malformed, oversized and unreachable desired states and keeps running", async () => {
      await publishDesired(deviceId, 0, "{not json");
      await waitFor(() => reports(deviceId).find((r) => r.error?.code === "bad_desired"), "bad_desired");
      await publishDesired(deviceId, 0, JSON.stringify({ v: 1, ts: Date.now(), rev: 9, variant: { id: "x" } }));
      await waitFor(
        () => reports(deviceId).filter((r) => r.error?.code === "bad_desired").length === 2,
        "second bad_desired",
      );
      await publishDesired(
        deviceId,
        0,
        JSON.stringify({ v: 1, ts: Date.now(), rev: 9, variant: null, pad: "x".repeat(300 * 1024) }),
      );
      await waitFor(() => reports(deviceId).find((r) => r.error?.code === "too_large"), "too_large");
      const unreachable = { ...variant("v1", "v9"), url: "http://127.0.0.1:9/v1/manifest.json" };
      await publishDesired(deviceId, 10, unreachable);
      expect(await waitReport(deviceId, 10, ["failed"])).toMatchObject({
        activeVariantId: "v4",
        error: { code: "download_failed" },
      });
      await publishDesired(deviceId, 11, { ...variant("v1", "v10"), url: `${server.url}/missing/manifest.json` });
      expect((await waitReport(deviceId, 11, ["failed"])).error?.message).toMatch(/404/);
      expect((await infer(agent, rows)).body.variantId).toBe("v4");
      expect(agent.connected).toBe(true);
    });

    it("boots with its last active variant before it reaches any broker", async () => {
      await agent.stop();
      agent = await startTestAgent({
        brokerUrl: "mqtt://127.0.0.1:9",
        deviceId,
        dataDir,
        publicKeyPem: keys.publicKeyPem,
        inputs: ["http"],
      });
      expect(agent.connected).toBe(false);
      expect(agent.slot.active?.variant.id).toBe("v4");
      const result = await infer(agent, rows);
      expect(result.status).toBe(200);
      expect(result.body.variantId).toBe("v4");
    });
  });

  it("buffers telemetry on disk while offline, across an agent restart, and sends it in order after the broker returns", async () => {
    const deviceId = uniqueDeviceId("queue");
    const dataDir = await tempDir();
    const secret = "queue-secret-0123456789";
    let agent = await startTestAgent({ brokerUrl: broker.url, deviceId, secret, dataDir, queueMax: 4 });
    await waitFor(() => agent.connected, "connected");
    await agent.telemetryTick();
    await waitFor(() => observer.on<TTelemetryPayload>(telemetryTopic(deviceId)).length === 1, "live telemetry");

    await broker.stop();
    await waitFor(() => !agent.connected, "offline");
    for (let i = 0; i < 3; i++) await agent.telemetryTick();
    await agent.stop();
    agent = await startTestAgent({ brokerUrl: broker.url, deviceId, secret, dataDir, queueMax: 4 });
    for (let i = 0; i < 3; i++) await agent.telemetryTick(); // 6 batches offline, room for 4
    const queued = (await readdir(path.join(dataDir, "telemetry-queue"))).filter((f) => /^\d+\.json$/.test(f));
    expect(queued).toHaveLength(4);

    // Restart the broker, but refuse the device (wrong secret) until the observer is back.
    broker.refuseClient(deviceId);
    const mark = broker.connects.length;
    await broker.start();
    await waitFor(() => observer.client.connected, "observer back");
    await observer.client.subscribeAsync("fleet/v1/#", { qos: 1 });
    await waitFor(
      () => broker.connects.slice(mark).some((c) => c.clientId === deviceId && c.password === secret),
      "refused attempt",
    );
    expect(agent.connected).toBe(false);
    broker.refuseClient(undefined);

    const batches = await waitFor(() => {
      const all = observer.on<TTelemetryPayload>(telemetryTopic(deviceId));
      return all.flatMap((b) => b.samples).length === 5 ? all : undefined;
    }, "queued telemetry");
    const samples = batches.slice(1).flatMap((b) => b.samples);
    expect(samples).toHaveLength(4);
    expect(samples.map((s) => s.ts)).toEqual([...samples.map((s) => s.ts)].sort((a, b) => a - b));
    const dropped = await waitFor(
      () =>
        observer
          .on<TEventsPayload>(eventsTopic(deviceId))
          .flatMap((e) => e.events)
          .find((e) => e.data?.["droppedBatches"] !== undefined),
      "dropped count",
    );
    expect(dropped.data?.["droppedBatches"]).toBe(2);
    await agent.stop();
  });
});
