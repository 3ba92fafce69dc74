// Benchmark: for the reference MNIST CNN and a synthetic convnet of ≥ 1M parameters, the time to
// quantize each variant, and each variant's load time, latency and RSS in the runtime (one fresh
// process per variant), printed side by side with fp32 as ratios measured in this one run.
//   node --import tsx bench/quantize/quantize-bench.ts [--runs N] [--only mnist|synthetic]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { initBackend } from "../../packages/runtime/src/index.ts";
import { quantizeModel, writeDataset, type TReport } from "../../packages/quantize/src/index.ts";
import { loadMnist } from "../../packages/quantize/src/reference/mnist-digits.ts";
import { syntheticWorkspace } from "../../packages/quantize/src/testing/fixture-dirs.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "100" }, only: { type: "string" } } });
const root = mkdtempSync(join(tmpdir(), "fleet-quantize-bench-"));
const here = import.meta.dirname;

interface Measured {
  backend: string;
  loadMs: number;
  medianMs: number;
  p95Ms: number;
  rssMB: number;
  rssGrowthMB: number;
  bytes: number;
}

function measure(dir: string): Measured {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(here, "measure-variant.ts"), dir, values.runs], {
    encoding: "utf8",
    cwd: join(here, "..", ".."),
  });
  return JSON.parse(out) as Measured;
}

function table(title: string, report: TReport, outDir: string): void {
  const rows = report.variants.map((v) => ({ v, m: measure(join(outDir, v.variant)) }));
  const base = rows.find((r) => r.v.variant === "fp32")!;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(`\n${title}: ${report.model.parameters.toLocaleString("en")} parameters, backend ${base.m.backend}`);
  console.log(
    "variant        quantize s   bytes (×fp32)        accuracy   load ms (×fp32)    p50 ms (×fp32)     p95 ms (×fp32)     RSS MB (×fp32)",
  );
  for (const { v, m } of rows) {
    console.log(
      [
        v.variant.padEnd(13),
        (v.quantizeMs / 1000).toFixed(2).padStart(10),
        `${String(v.bytes.total).padStart(9)} (${ratio(v.bytes.total, base.v.bytes.total)})`.padStart(20),
        (v.accuracy === undefined ? "-" : `${v.accuracy.toFixed(2)}%`).padStart(10),
        `${m.loadMs.toFixed(1)} (${ratio(m.loadMs, base.m.loadMs)})`.padStart(17),
        `${m.medianMs.toFixed(3)} (${ratio(m.medianMs, base.m.medianMs)})`.padStart(17),
        `${m.p95Ms.toFixed(3)} (${ratio(m.p95Ms, base.m.p95Ms)})`.padStart(17),
        `${m.rssMB.toFixed(0)} (${ratio(m.rssMB, base.m.rssMB)})`.padStart(15),
      ].join(" "),
    );
  }
}

try {
  await initBackend();
  if (values.only !== "synthetic") {
    const val = loadMnist("heldout");
    const calib = loadMnist("train", 20);
    await writeDataset(join(root, "mnist-val"), { x: val.x, sampleShape: [28, 28, 1], count: val.count, y: val.y });
    await writeDataset(join(root, "mnist-calib"), { x: calib.x, sampleShape: [28, 28, 1], count: calib.count });
    const out = join(root, "mnist-out");
    const report = await quantizeModel({
      input: join(here, "..", "..", "packages", "quantize", "fixtures", "mnist-cnn"),
      outDir: out,
      calibDir: join(root, "mnist-calib"),
      valDir: join(root, "mnist-val"),
      measure: false,
    });
    table("reference MNIST CNN (2,000 held-out digits)", report, out);
  }
  if (values.only !== "mnist") {
    // 32x32x3 -> conv 32 -> depthwise -> conv 64 -> pool -> 16*16*64 -> dense 64 -> 10: ~1.05M parameters
    const ws = await syntheticWorkspace({
      inputShape: [32, 32, 3],
      filters: [32, 64],
      denseUnits: 64,
      classes: 10,
      samples: 200,
      seed: 5,
    });
    const out = join(ws.root, "out");
    const report = await quantizeModel({
      input: ws.model,
      outDir: out,
      calibDir: ws.calib,
      valDir: ws.val,
      measure: false,
    });
    table("synthetic convnet (labels = its own fp32 predictions on 200 random inputs)", report, out);
    rmSync(ws.root, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
