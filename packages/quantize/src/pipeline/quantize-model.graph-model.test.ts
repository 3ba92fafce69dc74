import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend, loadVariant } from "@fleet/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDataset } from "../inputs/dataset.ts";
import { quantizeModel } from "./quantize-model.ts";
import { GRAPH_INPUT, writeGraphModel } from "../testing/graph-model.ts";
import { syntheticData } from "../testing/synthetic-model.ts";

let root: string;

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), "fleet-graph-"));
  writeGraphModel(join(root, "model"));
  const fp32 = await loadVariant(join(root, "model"), { requireManifest: false });
  const x = syntheticData(200, [GRAPH_INPUT], 3);
  const y = tf.tidy(() =>
    Int32Array.from((fp32.model.predict(tf.tensor(x, [200, GRAPH_INPUT])) as tf.Tensor).argMax(-1).dataSync()),
  );
  fp32.dispose();
  await writeDataset(join(root, "val"), { x, sampleShape: [GRAPH_INPUT], count: 200, y });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("graph models (converted SavedModel)", () => {
  it("quantizes every variant, per op, and the runtime loads each one", async () => {
    const out = join(root, "out");
    const report = await quantizeModel({
      input: join(root, "model"),
      outDir: out,
      valDir: join(root, "val"),
      latencyRuns: 3,
    });
    expect(report.model.format).toBe("graph-model");
    expect(report.variants.map((v) => v.variant)).toEqual([
      "fp32",
      "fp16",
      "uint8-tensor",
      "int8-channel",
      "int4-group",
      "mixed",
      "onnx-fp32",
      "onnx-fp16",
      "onnx-int8",
    ]);
    const int8 = report.variants.find((v) => v.variant === "int8-channel")!;
    expect(int8.layers.find((l) => l.name === "dense/Relu")).toMatchObject({ op: "_FusedMatMul", precision: "int8" });
    expect(int8.layers.find((l) => l.name === "logits/MatMul")!.activations!.cosine).toBeGreaterThan(0.99);
    expect(int8.agreement).toBeGreaterThan(95);
    for (const v of report.variants) {
      expect(v.runtime!.selfTest.passed).toBe(true);
      if (v.engine === "onnx") continue; // opened on ONNX Runtime by the onnx tests
      const loaded = await loadVariant(join(out, v.variant));
      expect(loaded.format).toBe("graph-model");
      loaded.dispose();
    }
    // the graph model's ops are all in the exporter's set: its onnx variants agree with fp32
    expect(report.variants.find((v) => v.variant === "onnx-fp32")!.agreement).toBeGreaterThanOrEqual(99.5);
    expect(report.variants.find((v) => v.variant === "onnx-int8")!.agreement).toBeGreaterThan(90);
    const mixed = report.variants.find((v) => v.variant === "mixed")!;
    expect(mixed.accuracyDelta!).toBeGreaterThanOrEqual(-0.5);
    expect(report.warnings).toContain("simulated full-int8 accuracy is implemented for layers models only");
  });

  it("names an op TF.js does not support", async () => {
    writeGraphModel(join(root, "bad"), { op: "QuantumMatMul" });
    await expect(
      quantizeModel({ input: join(root, "bad"), outDir: join(root, "bad-out"), measure: false }),
    ).rejects.toThrow(/node "logits\/MatMul" uses op "QuantumMatMul"/);
  });
});
