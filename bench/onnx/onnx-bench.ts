// Benchmark of issue 8: does the full-integer ONNX variant really run faster? For the reference
// MNIST CNN, a ≥1M-parameter convnet and the 4×1024 MLP, at batch 1 and 32 on one thread: TF.js
// wasm fp32, TF.js int8-channel (dequantized to float32 at load), ONNX Runtime fp32 and ONNX Runtime
// int8, each in a fresh child process (so RSS is the engine + model alone), with ratios to TF.js
// wasm fp32 measured in this one run (speed-up = TF.js fp32 time / this time), and the kernels ORT
// executed for the int8 graph (its profiler, medians per node).
//   node --import tsx bench/onnx/onnx-bench.ts [--runs N] [--only mnist|convnet|mlp]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeDataset, quantizeModel, type Dataset } from "../../packages/quantize/src/index.ts";
import { buildOnnxInt8 } from "../../packages/quantize/src/onnx/int8/build-onnx-int8.ts";
import { exportOnnxModel } from "../../packages/quantize/src/onnx/export/export-onnx.ts";
import { profileKernels } from "../../packages/quantize/src/onnx/run/ort-profile.ts";
import { encodeModel } from "../../packages/quantize/src/onnx/graph/encode-model.ts";
import {
  SPEED_CONVNET_INPUT,
  SPEED_MLP_INPUT,
  saveSpeedModel,
  speedConvnet,
  speedMlp,
} from "../../packages/quantize/src/testing/speed-models.ts";
import { loadMnist } from "../../packages/quantize/src/reference/mnist-digits.ts";
import { syntheticData } from "../../packages/quantize/src/testing/synthetic-model.ts";
import type { EngineFigures } from "./measure-engine.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "200" }, only: { type: "string" } } });
const here = import.meta.dirname;
const root = mkdtempSync(join(tmpdir(), "fleet-onnx-bench-"));

interface BenchModel {
  key: string;
  title: string;
  dir: string;
  shape: number[];
  calib: Dataset;
  val?: Dataset;
}

function measure(engine: "tfjs" | "onnx", path: string, shape: number[]): EngineFigures {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", join(here, "measure-engine.ts"), engine, path, JSON.stringify(shape), values.runs],
    {
      encoding: "utf8",
      cwd: join(here, "..", ".."),
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  return JSON.parse(out) as EngineFigures;
}

/** latency and speed-up over TF.js wasm fp32 (above 1 = faster) */
const fmt = (ms: number, base: number) => `${ms.toFixed(3)} (${(base / ms).toFixed(2)}×)`;

async function bench(model: BenchModel): Promise<void> {
  const work = join(root, model.key);
  // TF.js variants through the real pipeline (fp32 + int8-channel, with manifests), measured by the runtime
  await writeDataset(join(work, "calib"), { x: model.calib.x, sampleShape: model.shape, count: model.calib.count });
  const report = await quantizeModel({
    input: model.dir,
    outDir: join(work, "tfjs"),
    calibDir: join(work, "calib"),
    variants: ["fp32", "int8-channel"],
    measure: false,
  });
  const fp32 = await exportOnnxModel(model.dir);
  const int8 = await buildOnnxInt8(fp32, model.val ? { calib: model.calib, val: model.val } : { calib: model.calib });
  const files = { fp32: join(work, "fp32.onnx"), int8: join(work, "int8.onnx") };
  const bytes = { fp32: encodeModel(fp32), int8: encodeModel(int8.model) };
  writeFileSync(files.fp32, bytes.fp32);
  writeFileSync(files.int8, bytes.int8);

  const rows: { name: string; bytes: number; m: EngineFigures }[] = [
    {
      name: "TF.js wasm fp32",
      bytes: report.variants.find((v) => v.variant === "fp32")!.bytes.weights,
      m: measure("tfjs", join(work, "tfjs", "fp32"), model.shape),
    },
    {
      name: "TF.js int8-channel",
      bytes: report.variants.find((v) => v.variant === "int8-channel")!.bytes.weights,
      m: measure("tfjs", join(work, "tfjs", "int8-channel"), model.shape),
    },
    { name: "ONNX fp32", bytes: bytes.fp32.byteLength, m: measure("onnx", files.fp32, model.shape) },
    { name: "ONNX int8", bytes: bytes.int8.byteLength, m: measure("onnx", files.int8, model.shape) },
  ];
  const base = rows[0]!.m;
  const at = (m: EngineFigures, batch: number) => m.batches.find((b) => b.batch === batch)!.medianMs;
  const accuracy =
    int8.fp32.accuracy === undefined
      ? ""
      : `; top-1 on ${int8.samples.scoring} held-out: fp32 ${int8.fp32.accuracy.toFixed(2)}%, int8 ` +
        int8.candidates.map((c) => `${c.method} ${c.accuracy!.toFixed(2)}%`).join(" / ");
  console.log(
    `\n${model.title}: ${report.model.parameters.toLocaleString("en")} parameters; onnx int8 calibration ${int8.method}${accuracy}`,
  );
  console.log(`  ${base.engine}`);
  console.log(
    "  engine / variant       model bytes   batch 1 ms (speed-up)  batch 32 ms (speed-up)   load ms   RSS after load MB (Δ over engine baseline)",
  );
  for (const { name, bytes: size, m } of rows) {
    console.log(
      [
        `  ${name.padEnd(20)}`,
        String(size).padStart(12),
        fmt(at(m, 1), at(base, 1)).padStart(22),
        fmt(at(m, 32), at(base, 32)).padStart(23),
        m.loadMs.toFixed(1).padStart(9),
        `${m.rssAfterLoadMB.toFixed(0)} (+${(m.rssAfterLoadMB - m.rssBaseMB).toFixed(0)})`.padStart(16),
      ].join(" "),
    );
  }
  const onnx32 = at(rows[2]!.m, 1);
  const onnx8 = at(rows[3]!.m, 1);
  console.log(
    `  speed-up of ONNX int8 over ONNX fp32: batch 1 ${(onnx32 / onnx8).toFixed(2)}×, batch 32 ${(at(rows[2]!.m, 32) / at(rows[3]!.m, 32)).toFixed(2)}×`,
  );
  const kernels = await profileKernels(int8.model, [1, ...model.shape], 50);
  console.log(
    `  ORT kernels executed for ONNX int8 (batch 1, µs/run): ${kernels.map((k) => `${k.op}×${k.nodes} ${k.microsPerRun.toFixed(0)}`).join(", ")}`,
  );
}

const sample = (count: number, shape: number[], seed: number): Dataset => ({
  x: syntheticData(count, shape, seed),
  sampleShape: shape,
  count,
  source: "synthetic",
});

try {
  const models: (() => Promise<BenchModel>)[] = [];
  if (!values.only || values.only === "mnist") {
    models.push(async () => {
      const heldout = loadMnist("heldout");
      const calib = loadMnist("train", 20);
      return {
        key: "mnist",
        title: "reference MNIST CNN",
        dir: join(here, "..", "..", "packages", "quantize", "fixtures", "mnist-cnn"),
        shape: [28, 28, 1],
        calib: { x: calib.x, sampleShape: [28, 28, 1], count: calib.count, source: "mnist train" },
        val: { x: heldout.x, y: heldout.y, sampleShape: [28, 28, 1], count: heldout.count, source: "mnist held-out" },
      };
    });
  }
  if (!values.only || values.only === "convnet") {
    models.push(async () => ({
      key: "convnet",
      title: "convnet 32×32×3 (random weights)",
      dir: (await saveSpeedModel(speedConvnet(), join(root, "convnet-model"))).dir,
      shape: SPEED_CONVNET_INPUT,
      calib: sample(64, SPEED_CONVNET_INPUT, 5),
    }));
  }
  if (!values.only || values.only === "mlp") {
    models.push(async () => ({
      key: "mlp",
      title: "MLP 4×1024 relu (random weights)",
      dir: (await saveSpeedModel(speedMlp(), join(root, "mlp-model"))).dir,
      shape: SPEED_MLP_INPUT,
      calib: sample(64, SPEED_MLP_INPUT, 5),
    }));
  }
  console.log(
    `ONNX benchmark: ${values.runs} runs at batch 1, ${Math.max(10, Math.round(Number(values.runs) / 5))} at batch 32, one thread, each engine in a fresh process`,
  );
  for (const make of models) await bench(await make());
} finally {
  rmSync(root, { recursive: true, force: true });
}
