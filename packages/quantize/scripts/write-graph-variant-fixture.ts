// Writes the int8-channel variant of a small TF.js graph model (the converted-SavedModel fixture of
// src/testing/graph-model.ts: _FusedMatMul + MatMul + Softmax) into
// packages/runtime/fixtures/graph-dense-int8-channel/, so the agent's bundle can be checked on a graph
// model (its converter chunk) without @fleet/quantize. Run once; the result is committed.
//   node --import tsx packages/quantize/scripts/write-graph-variant-fixture.ts
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "@fleet/runtime";
import { quantizeModel } from "../src/pipeline/quantize-model.ts";
import { writeGraphModel } from "../src/testing/graph-model.ts";

const target = join(import.meta.dirname, "..", "..", "runtime", "fixtures", "graph-dense-int8-channel");
const work = await mkdtemp(join(tmpdir(), "fleet-graph-fixture-"));
try {
  await initBackend();
  writeGraphModel(join(work, "model"));
  await quantizeModel({
    input: join(work, "model"),
    outDir: join(work, "out"),
    variants: ["int8-channel"],
    measure: false,
  });
  await rm(target, { recursive: true, force: true });
  await cp(join(work, "out", "int8-channel"), target, { recursive: true });
  console.log(`wrote ${target}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
