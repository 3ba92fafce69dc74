// Per-layer report of an int8 ONNX graph against its fp32 source, by TF.js layer name: weight error
// of the int8 / int32 weights and activation error of each layer's output, both graphs run on the
// same samples with the layer outputs exposed (the int8 side dequantized).
import type { TLayerPrecision } from "@fleet/runtime";
import { errorStats } from "../../evaluate/layer-error.ts";
import { concatFloat32 as concat } from "../../tfjs/quant-math.ts";
import type { TLayerReport } from "../../pipeline/report-schema.ts";
import type { Int8Rewrite } from "./int8-rewrite.ts";
import { runAll, withOutputs, type OrtOptions, type Samples } from "../run/ort-run.ts";
import { DataType, type OnnxModelProto, type OnnxNodeProto } from "../graph/onnx-proto.ts";

/** `${layer}:n` or `${layer}/what:n` → the TF.js layer name (for nodes the exporter did not stamp with their layer) */
export function layerOf(tensor: string): string {
  return tensor.split("/")[0]!.replace(/:\d+$/, "");
}

interface LayerGroup {
  name: string;
  nodes: OnnxNodeProto[];
  /** the fp32 tensor the layer hands on: its last node's output */
  output: string;
}

/** fp32 nodes grouped by TF.js layer, in graph order; the exporter's own input / output plumbing is left out */
export function layerGroups(fp32: OnnxModelProto): LayerGroup[] {
  const plumbing = new Set([...fp32.graph.inputs, ...fp32.graph.outputs].map((v) => v.name));
  const groups = new Map<string, LayerGroup>();
  for (const node of fp32.graph.nodes) {
    const base = layerOf(node.outputs[0]!);
    if (plumbing.has(base)) continue;
    // graph-model node names hold slashes themselves, so the exporter's stamp is the reliable name
    const name = node.layer ?? base;
    const group = groups.get(name) ?? { name, nodes: [], output: "" };
    group.nodes.push(node);
    group.output = node.outputs[0]!;
    groups.set(name, group);
  }
  return [...groups.values()];
}

function layerOp(group: LayerGroup): string {
  const convs = group.nodes.filter((n) => n.op === "Conv");
  if (convs.length > 1) return "SeparableConv2D";
  if (convs.length === 1) return Number(convs[0]!.attributes?.["group"] ?? 1) > 1 ? "DepthwiseConv2D" : "Conv2D";
  if (group.nodes.some((n) => n.op === "Gemm")) return "Dense";
  return (group.nodes.find((n) => n.op !== "Transpose") ?? group.nodes[0]!).op;
}

/** precision per layer for the manifest: int8 where the layer runs on integer kernels */
export function layerPrecisions(fp32: OnnxModelProto, rewrite: Int8Rewrite): TLayerPrecision[] {
  return layerGroups(fp32).map((group) => ({
    name: group.name,
    op: layerOp(group),
    precision: group.nodes.some((n) => rewrite.integerNodes.has(n.name)) ? "int8" : "fp32",
    weights: group.nodes.flatMap((n) => rewrite.weights.get(n.name)?.names ?? []),
  }));
}

export async function layerReport(
  fp32: OnnxModelProto,
  rewrite: Int8Rewrite,
  samples: Samples,
  options: OrtOptions = {},
): Promise<TLayerReport[]> {
  const groups = layerGroups(fp32);
  const reference = await runAll(
    withOutputs(
      fp32,
      groups.map((g) => ({ name: g.output, elemType: DataType.FLOAT })),
    ),
    samples,
    groups.map((g) => g.output),
    options,
  );
  // the int8 graph's form of each layer output: uint8 (dequantized here) or float
  const fetch = groups.flatMap((g): { name: string; elemType: number }[] => {
    const q = rewrite.quantized.get(g.output);
    if (q) return [{ name: q.name, elemType: DataType.UINT8 }];
    const f = rewrite.float.get(g.output);
    return f ? [{ name: f, elemType: DataType.FLOAT }] : [];
  });
  const int8 = await runAll(
    withOutputs(rewrite.model, fetch),
    samples,
    fetch.map((f) => f.name),
    options,
  );
  const precisions = layerPrecisions(fp32, rewrite);

  return groups.map((group, i): TLayerReport => {
    const weighted = group.nodes.map((n) => rewrite.weights.get(n.name)).filter((w) => w !== undefined);
    const weights = weighted.length
      ? errorStats(concat(weighted.map((w) => w.reference)), concat(weighted.map((w) => w.approx)))
      : { sqnrDb: null, cosine: 1 };
    const layer: TLayerReport = {
      name: group.name,
      op: precisions[i]!.op,
      precision: precisions[i]!.precision,
      weights,
    };
    const a = reference.get(group.output);
    const q = rewrite.quantized.get(group.output);
    const raw = int8.get(q?.name ?? rewrite.float.get(group.output) ?? "");
    if (a && raw) {
      const b = q ? raw.map((v) => (v - q.zeroPoint) * q.scale) : raw;
      layer.activations = errorStats(a, b);
    }
    return layer;
  });
}
