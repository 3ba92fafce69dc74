// Writes the onnx-int8 variant of the reference MNIST CNN (the full quantize pipeline: export,
// calibration on 200 training digits, method picked on the 2,000 held-out digits) into
// packages/runtime/fixtures/mnist-cnn-onnx-int8/, the variant directory the agent's end-to-end tests
// roll out (the agent may not import @fleet/quantize). Run once; the result is committed.
//   node --import tsx packages/quantize/scripts/write-onnx-int8-fixture.ts
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeDataset } from "../src/inputs/dataset.ts";
import { quantizeModel } from "../src/pipeline/quantize-model.ts";
import { loadMnist, MNIST_SIDE } from "../src/reference/mnist-digits.ts";

const target = join(import.meta.dirname, "..", "..", "runtime", "fixtures", "mnist-cnn-onnx-int8");
const work = await mkdtemp(join(tmpdir(), "fleet-int8-fixture-"));
try {
  const shape = [MNIST_SIDE, MNIST_SIDE, 1];
  const heldout = loadMnist("heldout");
  await writeDataset(join(work, "val"), { x: heldout.x, sampleShape: shape, count: heldout.count, y: heldout.y });
  const calib = loadMnist("train", 20);
  await writeDataset(join(work, "calib"), { x: calib.x, sampleShape: shape, count: calib.count });
  const report = await quantizeModel({
    input: join(import.meta.dirname, "..", "fixtures", "mnist-cnn"),
    outDir: join(work, "out"),
    calibDir: join(work, "calib"),
    valDir: join(work, "val"),
    variants: ["onnx-int8"],
    measure: false,
  });
  await rm(target, { recursive: true, force: true });
  await cp(join(work, "out", "onnx-int8"), target, { recursive: true });
  const v = report.variants[0]!;
  console.log(
    `wrote ${target}: ${v.bytes.total} bytes, top-1 ${v.accuracy?.toFixed(2)} % (${v.accuracyDelta?.toFixed(2)} vs fp32), calibration ${v.calibration?.method}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
