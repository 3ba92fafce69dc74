import * as tf from "@tensorflow/tfjs";
import { initBackend, readModelFiles, type ModelFiles } from "@fleet/runtime";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWeights, type WeightPlan } from "./encode-weights.ts";
import { findWeightUnits } from "./weight-units.ts";
import { saveLayersModel, syntheticConvnet } from "../testing/synthetic-model.ts";

let dir: string;
let files: ModelFiles;

beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), "fleet-encode-"));
  await saveLayersModel(syntheticConvnet({ seed: 3 }), dir);
  files = await readModelFiles(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function planAll(precision: WeightPlan["precision"], groupSize = 8): (name: string) => WeightPlan {
  const kernels = new Map(
    findWeightUnits(files).flatMap((u) => u.kernels.map((k) => [k.weight, k.channelAxes] as const)),
  );
  return (name) =>
    precision === "int8" || precision === "int4"
      ? kernels.has(name)
        ? { precision, channelAxes: kernels.get(name)!, groupSize }
        : { precision: "fp32" }
      : { precision };
}

describe("encodeWeights", () => {
  it.each(["fp32", "fp16", "uint8", "int8", "int4"] as const)(
    "%s: the runtime decodes exactly what the encoder says it dequantized",
    async (precision) => {
      const encoded = encodeWeights(files, planAll(precision));
      // write + read back through the runtime's own reader (sizes, offsets, decoders)
      const out = mkdtempSync(join(tmpdir(), "fleet-encode-variant-"));
      try {
        writeFileSync(join(out, "model.json"), JSON.stringify(encoded.modelJson));
        for (const shard of encoded.shards) writeFileSync(join(out, shard.path), shard.bytes);
        const reread = await readModelFiles(out);
        for (const w of reread.weights)
          expect(Array.from(w.values)).toEqual(Array.from(encoded.dequantized.get(w.entry.name)!));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );

  it("sizes: fp16 halves, int8 about a quarter, int4 about an eighth of fp32", () => {
    const fp32 = encodeWeights(files, planAll("fp32")).weightBytes;
    expect(encodeWeights(files, planAll("fp16")).weightBytes / fp32).toBeCloseTo(0.5, 5);
    expect(encodeWeights(files, planAll("int8")).weightBytes / fp32).toBeLessThan(0.27);
    expect(encodeWeights(files, planAll("int4", 32)).weightBytes / fp32).toBeLessThan(0.16);
  });

  it.each(["fp16", "uint8"] as const)(
    "%s uses TF.js's own format: stock tf.loadLayersModel decodes it unchanged",
    async (precision) => {
      const encoded = encodeWeights(files, planAll(precision));
      const weightData = Buffer.concat(encoded.shards.map((s) => s.bytes));
      // hand TF.js the raw artifacts, quantization entries included: it dequantizes by itself
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: encoded.modelJson.modelTopology as tf.io.ModelJSON["modelTopology"],
          weightSpecs: encoded.modelJson.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[],
          weightData: new Uint8Array(weightData).buffer,
        }),
      );
      for (const weight of model.weights) {
        const expected = encoded.dequantized.get(weight.originalName)!;
        const actual = weight.read().dataSync();
        actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
      }
      model.dispose();
    },
  );
});
