// The agent with the onnx engine, end to end: a real MQTT broker (in-process aedes), a real HTTP
// artifact server, signed variants on disk and ONNX Runtime loading them. The onnx variant comes from
// testing/onnx-variant.ts: the MNIST CNN's full-integer onnx-int8 variant as fleet-quantize wrote it.
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  desiredTopic,
  reportedTopic,
  statusTopic,
  telemetryTopic,
  type TDesiredVariant,
  type TReportedPayload,
  type TStatusPayload,
  type TTelemetryPayload,
} from "@fleet/protocol";
import { openVariant, type VariantRunner } from "@fleet/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "./agent.ts";
import { DeviceEngines } from "./engines/device-engines.ts";
import { ModelPool } from "./inference/model-pool.ts";
import { startTestAgent, tempDir, uniqueDeviceId } from "./testing/agent-harness.ts";
import { startArtifactServer, type TArtifactServer } from "./testing/artifact-server.ts";
import { onnxDesiredVariant, writeOnnxTestVariant, type TOnnxTestVariant } from "./testing/onnx-variant.ts";
import { recorder, startTestBroker, type TRecorder, type TTestBroker } from "./testing/test-broker.ts";
import {
  desiredVariant,
  signingKeys,
  TINY_INPUT,
  writeTinyVariant,
  type TTinyVariant,
} from "./testing/tiny-variant.ts";
import { waitFor } from "./testing/wait.ts";
import { parsePublicKey } from "./update/signature.ts";
import { VariantCache } from "./update/variant-cache.ts";

const keys = signingKeys();
let broker: TTestBroker;
let server: TArtifactServer;
let observer: TRecorder;
let tiny: TTinyVariant;
const onnx: Record<"good" | "corrupt" | "shape", TOnnxTestVariant> = {} as never;

const onnxVariant = (name: keyof typeof onnx, id: string): TDesiredVariant =>
  onnxDesiredVariant(id, onnx[name], `${server.url}/${name}/manifest.json`, keys);
const tinyVariant = (id: string): TDesiredVariant =>
  desiredVariant(id, tiny.manifestBytes, `${server.url}/tiny/manifest.json`, keys);

async function publishDesired(deviceId: string, rev: number, variant: TDesiredVariant | null): Promise<void> {
  await observer.client.publishAsync(
    desiredTopic(deviceId as never),
    JSON.stringify({ v: 1, ts: Date.now(), rev, variant }),
    { qos: 1, retain: true },
  );
}

const reports = (deviceId: string) => observer.on<TReportedPayload>(reportedTopic(deviceId as never));
const waitReport = (deviceId: string, rev: number, states: string[]) =>
  waitFor(
    () => reports(deviceId).find((r) => r.rev === rev && states.includes(r.state)),
    `rev ${rev} ${states.join("|")}`,
  );
const births = (deviceId: string) =>
  observer.on<TStatusPayload>(statusTopic(deviceId as never)).filter((s) => s.state === "online");

interface TInferResponse {
  status: number;
  body: { output: number[]; shape: number[]; variantId: string; error?: string };
}

async function infer(agent: Agent, input: unknown): Promise<TInferResponse> {
  const response = await fetch(`http://127.0.0.1:${agent.httpPort}/infer`, {
    method: "POST",
    body: JSON.stringify({ input }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

function expectGolden(output: number[], variant: TOnnxTestVariant): void {
  expect(output).toHaveLength(variant.expected.length);
  output.forEach((value, i) => {
    const golden = variant.expected[i]!;
    expect(Math.abs(value - golden)).toBeLessThanOrEqual(
      variant.tolerance.absolute + variant.tolerance.relative * Math.abs(golden) + 1e-6,
    );
  });
}

const stateOf = async (dataDir: string) =>
  JSON.parse(await readFile(path.join(dataDir, "state.json"), "utf8")) as {
    active: { id: string } | null;
    previous: { id: string } | null;
  };

beforeAll(async () => {
  const root = await tempDir("fleet-onnx-artifacts-");
  onnx.good = await writeOnnxTestVariant(path.join(root, "good"));
  onnx.corrupt = await writeOnnxTestVariant(path.join(root, "corrupt"), { corruptModel: true });
  const [, ...example] = onnx.good.manifest.input.shape;
  onnx.shape = await writeOnnxTestVariant(path.join(root, "shape"), {
    manifestInputShape: [null, ...example.map((d) => (d ?? 1) + 4)],
  });
  tiny = await writeTinyVariant(path.join(root, "tiny"));
  server = await startArtifactServer(root);
  broker = await startTestBroker();
  observer = await recorder(broker.url, "fleet/v1/#");
});

afterAll(async () => {
  await observer?.close();
  await broker?.stop();
  await server?.close();
});

describe("an agent running an onnx variant", () => {
  const deviceId = uniqueDeviceId("onnx");
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
      onnxThreads: 1,
    });
    await waitFor(() => agent.connected, "connected");
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it("reports in its birth that both engines load here", async () => {
    const birth = await waitFor(() => births(deviceId)[0], "birth");
    expect(birth.state === "online" && birth.hardware.engines).toEqual(["tfjs", "onnx"]);
  });

  it("downloads, verifies and activates a signed onnx variant, runs it and reports it", async () => {
    await publishDesired(deviceId, 1, onnxVariant("good", "mnist-onnx"));
    await waitReport(deviceId, 1, ["active"]);
    expect(
      reports(deviceId)
        .filter((r) => r.rev === 1)
        .map((r) => r.state),
    ).toEqual(expect.arrayContaining(["downloading", "verifying", "activating", "active"]));
    expect(agent.slot.active?.model.engine).toBe("onnx");
    expect(agent.slot.active?.model.describe()).toBe("onnxruntime cpu (1 thread)");

    const result = await infer(agent, Array.from(onnx.good.example));
    expect(result.status).toBe(200);
    expect(result.body.variantId).toBe("mnist-onnx");
    expectGolden(result.body.output, onnx.good);
    const batch = await infer(agent, [Array.from(onnx.good.example), Array.from(onnx.good.example)]);
    expect(batch.body.shape).toEqual([2, onnx.good.expected.length]);

    const birth = await waitFor(
      () => births(deviceId).find((b) => b.state === "online" && b.activeVariant?.id === "mnist-onnx"),
      "birth names the onnx variant",
    );
    expect(birth.state === "online" && birth.activeVariant).toEqual({
      id: "mnist-onnx",
      precision: onnx.good.precision,
      engine: "onnx",
    });
    await agent.telemetryTick();
    const sample = await waitFor(
      () =>
        observer
          .on<TTelemetryPayload>(telemetryTopic(deviceId))
          .flatMap((t) => t.samples)
          .find((s) => s.variantId === "mnist-onnx"),
      "telemetry of the onnx variant",
    );
    expect(sample.inferences).toBe(2);
    expect(sample.errors).toBe(0);
  });

  it("answers inputs of the wrong shape or type with a clear 400 and keeps serving", async () => {
    const size = onnx.good.example.length;
    const short = await infer(agent, [1, 2, 3, 4, 5]);
    expect(short.status).toBe(400);
    expect(short.body.error).toMatch(new RegExp(`input holds 5 values; the active model takes ${size} per example`));
    const ragged = await infer(agent, [Array.from(onnx.good.example), [1, 2, 3]]);
    expect(ragged.status).toBe(400);
    expect(ragged.body.error).toMatch(/input\[1\] holds 3 values/);
    const text = await infer(agent, ["0.5", "0.1"]);
    expect(text.status).toBe(400);
    expect(text.body.error).toMatch(/^input\[0\]: must be a number/);
    const huge = await infer(
      agent,
      Array.from({ length: size }, () => 1e39),
    );
    expect(huge.status).toBe(400);
    expect(huge.body.error).toMatch(/float32/);
    expect((await infer(agent, Array.from(onnx.good.example))).status).toBe(200);
  });

  it("refuses a corrupt model.onnx and keeps the current model and state", async () => {
    const before = await stateOf(dataDir);
    await publishDesired(deviceId, 2, onnxVariant("corrupt", "mnist-corrupt"));
    const report = await waitReport(deviceId, 2, ["failed", "rolled_back"]);
    expect(report).toMatchObject({
      state: "rolled_back",
      activeVariantId: "mnist-onnx",
      error: { code: "load_failed" },
    });
    expect(report.error?.message).toMatch(/not a valid ONNX model/);
    expect(await stateOf(dataDir)).toMatchObject({ active: before.active, previous: before.previous });
    expect((await infer(agent, Array.from(onnx.good.example))).body.variantId).toBe("mnist-onnx");
  });

  it("refuses a graph whose input shape disagrees with its manifest and keeps the current model", async () => {
    const before = await stateOf(dataDir);
    await publishDesired(deviceId, 3, onnxVariant("shape", "mnist-shape"));
    const report = await waitReport(deviceId, 3, ["failed", "rolled_back"]);
    expect(report).toMatchObject({
      state: "rolled_back",
      activeVariantId: "mnist-onnx",
      error: { code: "load_failed" },
    });
    expect(report.error?.message).toMatch(/manifest\.json: input .* is \[null,.*\], .* takes \[/);
    expect(await stateOf(dataDir)).toMatchObject({ active: before.active, previous: before.previous });
    expect((await infer(agent, Array.from(onnx.good.example))).status).toBe(200);
  });

  it("switches to a tfjs variant and back to onnx", async () => {
    await publishDesired(deviceId, 4, tinyVariant("tiny-1"));
    await waitReport(deviceId, 4, ["active"]);
    expect(agent.slot.active?.model.engine).toBe("tfjs");
    expect((await infer(agent, Array.from(TINY_INPUT.slice(0, 4)))).body.variantId).toBe("tiny-1");
    await publishDesired(deviceId, 5, onnxVariant("good", "mnist-onnx"));
    await waitReport(deviceId, 5, ["active"]);
    expectGolden((await infer(agent, Array.from(onnx.good.example))).body.output, onnx.good);
  });

  it("boots its onnx variant from disk before it reaches any broker", async () => {
    await agent.stop();
    agent = await startTestAgent({
      brokerUrl: "mqtt://127.0.0.1:9",
      deviceId,
      dataDir,
      publicKeyPem: keys.publicKeyPem,
      inputs: ["http"],
    });
    expect(agent.slot.active?.variant).toMatchObject({ id: "mnist-onnx", engine: "onnx" });
    expectGolden((await infer(agent, Array.from(onnx.good.example))).body.output, onnx.good);
  });
});

describe("an agent limited to the tfjs engine", () => {
  it("reports only tfjs and refuses an onnx variant before downloading it, keeping its model", async () => {
    const deviceId = uniqueDeviceId("tfjsonly");
    const dataDir = await tempDir();
    const agent = await startTestAgent({
      brokerUrl: broker.url,
      deviceId,
      dataDir,
      publicKeyPem: keys.publicKeyPem,
      inputs: ["http"],
      engines: ["tfjs"],
    });
    try {
      const birth = await waitFor(() => births(deviceId)[0], "birth");
      expect(birth.state === "online" && birth.hardware.engines).toEqual(["tfjs"]);
      await publishDesired(deviceId, 1, tinyVariant("tiny-1"));
      await waitReport(deviceId, 1, ["active"]);

      const requests = server.requests.length;
      await publishDesired(deviceId, 2, onnxVariant("good", "mnist-onnx"));
      const report = await waitReport(deviceId, 2, ["failed", "rolled_back"]);
      expect(report).toMatchObject({
        state: "failed",
        activeVariantId: "tiny-1",
        targetVariantId: "mnist-onnx",
        error: { code: "unsupported_engine" },
      });
      expect(report.error?.message).toBe(
        "variant mnist-onnx needs the onnx engine, which is disabled on this device (--engines tfjs); it runs tfjs",
      );
      expect(server.requests.slice(requests)).toEqual([]);
      expect(await stateOf(dataDir)).toMatchObject({ active: { id: "tiny-1" }, previous: null });
      expect((await infer(agent, Array.from(TINY_INPUT.slice(0, 4)))).body.variantId).toBe("tiny-1");
    } finally {
      await agent.stop();
    }
  });
});

describe("a swap while an inference runs", () => {
  it("disposes the replaced model only after the inference running on it has finished", async () => {
    let hold: Promise<void> | undefined;
    let open = () => {};
    let started = 0;
    const disposed: string[] = [];
    // the real runner, with a gate in front of run and a record of dispose
    const gated = (runner: VariantRunner): VariantRunner => ({
      engine: runner.engine,
      dir: runner.dir,
      manifest: runner.manifest,
      inputShape: runner.inputShape,
      loadMs: runner.loadMs,
      describe: () => runner.describe(),
      run: async (x, batch) => {
        started++;
        await hold;
        return runner.run(x, batch);
      },
      selfTest: () => runner.selfTest(),
      measureLatency: (...args) => runner.measureLatency(...args),
      memory: () => runner.memory(),
      dispose: async () => {
        disposed.push(runner.engine);
        await runner.dispose();
      },
    });
    const deviceId = uniqueDeviceId("swap");
    const dataDir = await tempDir();
    const engines = new DeviceEngines();
    const pool = new ModelPool(async (dir) => gated(await openVariant(dir, engines.openOptions())));
    const cache = new VariantCache({
      root: dataDir,
      publicKey: parsePublicKey(keys.publicKeyPem),
      maxBytes: 64 * 1024 * 1024,
      engines,
    });
    const agent = await startTestAgent({
      brokerUrl: broker.url,
      deviceId,
      dataDir,
      inputs: ["http"],
      shared: { pool, cache, engines },
    });
    try {
      await waitFor(() => agent.connected, "connected");
      await publishDesired(deviceId, 1, onnxVariant("good", "mnist-onnx"));
      await waitReport(deviceId, 1, ["active"]);

      hold = new Promise((resolve) => (open = resolve));
      const running = infer(agent, Array.from(onnx.good.example));
      await waitFor(() => started > 0, "inference started");
      await publishDesired(deviceId, 2, tinyVariant("tiny-1"));
      await waitReport(deviceId, 2, ["active"]);
      expect(agent.slot.active?.variant.id).toBe("tiny-1");
      expect(disposed).toEqual([]); // the onnx session is still running an inference

      open();
      const result = await running;
      expect(result.status).toBe(200);
      expect(result.body.variantId).toBe("mnist-onnx");
      expectGolden(result.body.output, onnx.good);
      await agent.reconciler.idle();
      expect(disposed).toEqual(["onnx"]);
    } finally {
      open();
      await agent.stop();
    }
  });
});
