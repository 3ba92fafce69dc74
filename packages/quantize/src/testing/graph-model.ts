// Test helper: a small TF.js GraphModel written by hand (what tensorflowjs_converter emits for a
// SavedModel with a fused dense layer): x -> _FusedMatMul(+bias, relu) -> MatMul -> Softmax.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { syntheticData } from "./synthetic-model.ts";

const dims = (...sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });
const constNode = (name: string, ...shape: number[]) => ({
  name,
  op: "Const",
  attr: { value: { tensor: { dtype: "DT_FLOAT", tensorShape: dims(...shape) } }, dtype: { type: "DT_FLOAT" } },
});
const b64 = (s: string) => Buffer.from(s).toString("base64");

export const GRAPH_INPUT = 8;
export const GRAPH_HIDDEN = 16;
export const GRAPH_CLASSES = 4;

export function writeGraphModel(dir: string, options: { op?: string } = {}): void {
  mkdirSync(dir, { recursive: true });
  const nodes = [
    { name: "x", op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: dims(-1, GRAPH_INPUT) } } },
    constNode("dense/kernel", GRAPH_INPUT, GRAPH_HIDDEN),
    constNode("dense/bias", GRAPH_HIDDEN),
    constNode("logits/kernel", GRAPH_HIDDEN, GRAPH_CLASSES),
    {
      name: "dense/Relu",
      op: "_FusedMatMul",
      input: ["x", "dense/kernel", "dense/bias"],
      attr: {
        transpose_a: { b: false },
        transpose_b: { b: false },
        num_args: { i: "1" },
        epsilon: { f: 0 },
        T: { type: "DT_FLOAT" },
        fused_ops: { list: { s: [b64("BiasAdd"), b64("Relu")] } },
      },
    },
    {
      name: "logits/MatMul",
      op: options.op ?? "MatMul",
      input: ["dense/Relu", "logits/kernel"],
      attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: "DT_FLOAT" } },
    },
    { name: "Identity", op: "Softmax", input: ["logits/MatMul"], attr: { T: { type: "DT_FLOAT" } } },
  ];
  const weights = [
    { name: "dense/kernel", shape: [GRAPH_INPUT, GRAPH_HIDDEN], dtype: "float32" },
    { name: "dense/bias", shape: [GRAPH_HIDDEN], dtype: "float32" },
    { name: "logits/kernel", shape: [GRAPH_HIDDEN, GRAPH_CLASSES], dtype: "float32" },
  ];
  const count = weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  const values = syntheticData(count, [1], 21).map((v) => (v - 0.5) * 1.2);
  writeGraphModelFiles(dir, nodes, weights, new Uint8Array(values.buffer));
}

/** model.json (as tensorflowjs_converter writes it) and one weight shard into `dir`. */
export function writeGraphModelFiles(
  dir: string,
  nodes: unknown[],
  weights: { name: string; shape: number[]; dtype: string }[],
  shard: Uint8Array,
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "group1-shard1of1.bin"), shard);
  writeFileSync(
    join(dir, "model.json"),
    JSON.stringify({
      format: "graph-model",
      generatedBy: "2.15.0",
      convertedBy: "hand-written test fixture",
      modelTopology: { node: nodes, library: {}, versions: { producer: 1286 } },
      weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights }],
    }),
  );
}
