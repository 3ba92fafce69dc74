// Exports the reference MNIST CNN (fixtures/mnist-cnn) to fp32 ONNX and writes it into
// packages/runtime/fixtures/mnist-cnn.onnx, the fixture the runtime's onnx engine tests against
// (the runtime may not import @fleet/quantize). Run once; the result is committed.
//   node --import tsx packages/quantize/scripts/export-runtime-onnx-fixture.ts [--out FILE]
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { exportOnnx } from "../src/onnx/export/export-onnx.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(import.meta.dirname, "..", "..", "runtime", "fixtures", "mnist-cnn.onnx") },
  },
});
const bytes = await exportOnnx(join(import.meta.dirname, "..", "fixtures", "mnist-cnn"));
await writeFile(values.out!, bytes);
console.log(`wrote ${values.out} (${bytes.byteLength} bytes)`);
