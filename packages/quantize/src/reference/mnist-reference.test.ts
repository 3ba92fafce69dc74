// The reference MNIST CNN (trained once by scripts/train-reference-model.ts, committed as a
// fixture) quantized to every variant and measured on 2,000 held-out real digits.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend, loadVariant, openVariant, parseManifest } from "@fleet/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDataset } from "../inputs/dataset.ts";
import { evaluateVariant } from "../evaluate/written-variant.ts";
import { quantizeModel } from "../pipeline/quantize-model.ts";
import type { TReport, TVariantReport } from "../pipeline/report-schema.ts";
import { loadMnist } from "./mnist-digits.ts";

export const MNIST_FIXTURE = join(import.meta.dirname, "..", "..", "fixtures", "mnist-cnn");
const BUDGET = 0.5;

let root: string;
let report: TReport;
const variant = (name: TVariantReport["variant"]) => report.variants.find((v) => v.variant === name)!;

/** stock TF.js loading from a directory: model.json + shards handed over untouched */
function stockHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
      const group = json.weightsManifest[0];
      const data = Buffer.concat(group.paths.map((p: string) => readFileSync(join(dir, p))));
      return {
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData: new Uint8Array(data).buffer,
        format: json.format,
      };
    },
  };
}

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), "fleet-mnist-"));
  const heldout = loadMnist("heldout");
  await writeDataset(join(root, "val"), { x: heldout.x, sampleShape: [28, 28, 1], count: heldout.count, y: heldout.y });
  const calib = loadMnist("train", 20); // 200 training digits, 20 per class
  await writeDataset(join(root, "calib"), { x: calib.x, sampleShape: [28, 28, 1], count: calib.count });
  report = await quantizeModel({
    input: MNIST_FIXTURE,
    outDir: join(root, "out"),
    calibDir: join(root, "calib"),
    valDir: join(root, "val"),
    budget: BUDGET,
    latencyRuns: 10,
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("reference MNIST CNN on 2,000 held-out digits", () => {
  it("fp32 is a real classifier", () => {
    expect(report.data.validation?.samples).toBe(2000);
    expect(variant("fp32").accuracy!).toBeGreaterThan(93);
  });

  it("fp16 stays within 0.1 points of fp32 at ≤ 0.52× the bytes", () => {
    expect(Math.abs(variant("fp16").accuracyDelta!)).toBeLessThanOrEqual(0.1);
    expect(variant("fp16").ratio.weights).toBeLessThanOrEqual(0.52);
  });

  it("int8-channel (bias-corrected) stays within 0.5 points at ≤ 0.27× the bytes", () => {
    const int8 = variant("int8-channel");
    expect(int8.accuracyDelta!).toBeGreaterThanOrEqual(-0.5);
    expect(int8.ratio.weights).toBeLessThanOrEqual(0.27);
    const manifest = parseManifest(readFileSync(join(root, "out", "int8-channel", "manifest.json"), "utf8"));
    expect(
      manifest.layers.filter((l) => l.op !== "Flatten").every((l) => l.precision === "int8" && l.biasCorrected),
    ).toBe(true);
  });

  it("uint8-tensor is reported honestly at ≤ 0.27× the bytes", () => {
    const uint8 = variant("uint8-tensor");
    expect(uint8.accuracy).toBeTypeOf("number");
    expect(uint8.accuracyDelta).toBeCloseTo(uint8.accuracy! - variant("fp32").accuracy!, 9);
    expect(uint8.ratio.weights).toBeLessThanOrEqual(0.27);
  });

  it("int4-group stays within 2 points at ≤ 0.15× the bytes", () => {
    expect(variant("int4-group").accuracyDelta!).toBeGreaterThanOrEqual(-2);
    expect(variant("int4-group").ratio.weights).toBeLessThanOrEqual(0.15);
  });

  it("mixed holds its budget and is smaller than int8-channel", () => {
    const mixed = variant("mixed");
    expect(mixed.accuracyDelta!).toBeGreaterThanOrEqual(-BUDGET);
    expect(mixed.bytes.weights).toBeLessThan(variant("int8-channel").bytes.weights);
    expect(mixed.mixed?.budgetPoints).toBe(BUDGET);
    expect(mixed.mixed?.sensitivity.length).toBe(3 * mixed.layers.filter((l) => l.op !== "Flatten").length);
    const manifest = parseManifest(readFileSync(join(root, "out", "mixed", "manifest.json"), "utf8"));
    expect(manifest.layers.map((l) => l.precision)).toEqual(mixed.layers.map((l) => l.precision));
  });

  it("per-layer error analysis: more bits, more SQNR; activations stay aligned with fp32", () => {
    const int8 = variant("int8-channel");
    const int4 = variant("int4-group");
    for (const layer of int8.layers) {
      const low = int4.layers.find((l) => l.name === layer.name)!;
      expect(layer.weights.sqnrDb!).toBeGreaterThan(low.weights.sqnrDb! + 10);
      expect(layer.activations!.cosine).toBeGreaterThan(0.99);
    }
    expect(variant("fp32").layers.every((l) => l.weights.sqnrDb === null && l.weights.cosine === 1)).toBe(true);
  });

  it("stores calibrated activation ranges and reports simulated full-int8 accuracy per method", () => {
    const manifest = parseManifest(readFileSync(join(root, "out", "int8-channel", "manifest.json"), "utf8"));
    expect(manifest.activations?.method).toBe("mse");
    expect(manifest.activations?.ranges.map((r) => r.layer)).toContain("conv1");
    const full = variant("int8-channel").fullInt8!;
    expect(full.map((f) => f.method)).toEqual(["minmax", "percentile", "mse"]);
    for (const f of full) expect(f.accuracy!).toBeGreaterThan(variant("fp32").accuracy! - 3);
  });

  it("onnx-fp32 matches fp32 and onnx-fp16 stays within 0.1 points at ≤ 0.52× the bytes", () => {
    expect(Math.abs(variant("onnx-fp32").accuracyDelta!)).toBeLessThanOrEqual(0.05);
    expect(variant("onnx-fp32").agreement!).toBeGreaterThanOrEqual(99.9);
    expect(Math.abs(variant("onnx-fp16").accuracyDelta!)).toBeLessThanOrEqual(0.1);
    expect(variant("onnx-fp16").ratio.total).toBeLessThanOrEqual(
      0.52 * (variant("onnx-fp32").bytes.total / variant("fp32").bytes.total) + 0.01,
    );
  });

  it("onnx-int8 (full integer) stays within 1.0 point of fp32 with per-layer activation SQNR", () => {
    const int8 = variant("onnx-int8");
    console.log(
      `fp32 ${variant("fp32").accuracy}% → onnx-int8 ${int8.accuracy}% (${int8.calibration?.method}; ${JSON.stringify(int8.calibration?.candidates)})`,
    );
    expect(int8.engine).toBe("onnx");
    expect(int8.accuracyDelta!).toBeGreaterThanOrEqual(-1.0);
    expect(int8.ratio.weights).toBeLessThanOrEqual(0.3);
    expect(int8.calibration!.candidates.map((c) => c.method).sort()).toEqual(["minmax", "mse", "percentile"]);
    const best = Math.max(...int8.calibration!.candidates.map((c) => c.accuracy!));
    expect(int8.calibration!.candidates.find((c) => c.method === int8.calibration!.method)!.accuracy).toBe(best);
    const quantized = int8.layers.filter((l) => l.precision === "int8");
    expect(quantized.map((l) => l.name)).toEqual(expect.arrayContaining(["conv1", "dwconv2", "pwconv2", "dense1"]));
    for (const layer of quantized) {
      expect(layer.activations?.sqnrDb).toBeTypeOf("number");
      expect(layer.activations!.sqnrDb!).toBeGreaterThan(10);
      if (["Conv2D", "DepthwiseConv2D", "Dense"].includes(layer.op)) expect(layer.weights.sqnrDb!).toBeGreaterThan(30);
    }
    const manifest = parseManifest(readFileSync(join(root, "out", "onnx-int8", "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({
      engine: "onnx",
      modelFormat: "onnx",
      entry: "model.onnx",
      activations: { method: int8.calibration!.method },
    });
  });

  it("every variant loads in the runtime on its engine, verifies, passes its self-test and was timed", async () => {
    for (const v of report.variants) {
      expect(v.runtime).toMatchObject({ selfTest: { passed: true } });
      expect(v.runtime!.latency.p95Ms).toBeGreaterThanOrEqual(v.runtime!.latency.medianMs);
      const loaded = await openVariant(join(root, "out", v.variant));
      expect(loaded.manifest?.variant).toBe(v.variant);
      expect(loaded.engine).toBe(v.variant.startsWith("onnx-") ? "onnx" : "tfjs");
      await loaded.dispose();
    }
  });

  it("stock tf.loadLayersModel loads fp16 and uint8-tensor unchanged and agrees with the runtime", async () => {
    const val = loadMnist("heldout", 10);
    for (const name of ["fp16", "uint8-tensor"] as const) {
      const stock = await tf.loadLayersModel(stockHandler(join(root, "out", name)));
      const runtime = await loadVariant(join(root, "out", name));
      const a = tf.tidy(() => (stock.predict(tf.tensor(val.x, [val.count, 28, 28, 1])) as tf.Tensor).dataSync());
      const b = runtime.predict(val.x, val.count).data;
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
      stock.dispose();
      runtime.dispose();
    }
  });

  it("fleet-quantize eval measures the same accuracy as the report", async () => {
    const metrics = await evaluateVariant(join(root, "out", "int4-group"), join(root, "val"), { latencyRuns: 3 });
    expect(metrics.accuracy).toBeCloseTo(variant("int4-group").accuracy!, 9);
  });
});
