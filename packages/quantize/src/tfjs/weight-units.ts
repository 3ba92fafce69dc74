// Finds the layers (layers model) or ops (graph model) that carry weights, and which of their
// weights are kernels that per-channel quantization applies to.
import type { ModelFiles } from "@fleet/runtime";
import { QuantizeError } from "../errors.ts";

export interface KernelInfo {
  weight: string;
  /** trailing axes forming the output channels: 1 for Conv2D/Dense (…, out), 2 for depthwise (…, in, mult) */
  channelAxes: number;
}

export interface WeightUnit {
  /** layer name or op node name */
  name: string;
  /** Keras class name or graph op */
  op: string;
  weights: string[];
  kernels: KernelInfo[];
  bias?: string;
}

const LAYER_KERNELS: Record<string, { weight: string; channelAxes: number }[]> = {
  Conv1D: [{ weight: "kernel", channelAxes: 1 }],
  Conv2D: [{ weight: "kernel", channelAxes: 1 }],
  Conv3D: [{ weight: "kernel", channelAxes: 1 }],
  Dense: [{ weight: "kernel", channelAxes: 1 }],
  DepthwiseConv2D: [{ weight: "depthwise_kernel", channelAxes: 2 }],
  SeparableConv2D: [
    { weight: "depthwise_kernel", channelAxes: 2 },
    { weight: "pointwise_kernel", channelAxes: 1 },
  ],
};

const GRAPH_KERNELS: Record<string, number> = {
  Conv2D: 1,
  _FusedConv2D: 1,
  DepthwiseConv2dNative: 2,
  FusedDepthwiseConv2dNative: 2,
  MatMul: 1,
  _FusedMatMul: 1,
};

interface KerasLayer {
  class_name: string;
  config: { name: string; layers?: KerasLayer[] };
}

function kerasLayers(topology: Record<string, unknown>): KerasLayer[] {
  const modelConfig = (topology["model_config"] ?? topology) as { class_name?: string; config?: unknown };
  const config = modelConfig.config as { layers?: KerasLayer[] } | KerasLayer[] | undefined;
  const layers = Array.isArray(config) ? config : (config?.layers ?? []);
  // nested models (a Sequential inside a Functional) contribute their own layers
  return layers.flatMap((l) => (l.config.layers ? kerasLayers({ model_config: l }) : [l]));
}

function layerUnits(files: ModelFiles): WeightUnit[] {
  const names = files.weights.map((w) => w.entry.name);
  return kerasLayers(files.modelJson.modelTopology)
    .map((layer): WeightUnit => {
      const prefix = `${layer.config.name}/`;
      const weights = names.filter((n) => n.startsWith(prefix) && !n.slice(prefix.length).includes("/"));
      const kernels = (LAYER_KERNELS[layer.class_name] ?? [])
        .map((k) => ({ weight: prefix + k.weight, channelAxes: k.channelAxes }))
        .filter((k) => weights.includes(k.weight));
      const unit: WeightUnit = { name: layer.config.name, op: layer.class_name, weights, kernels };
      if (weights.includes(`${prefix}bias`)) unit.bias = `${prefix}bias`;
      return unit;
    })
    .filter((u) => u.weights.length > 0);
}

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { b?: boolean }>;
}

function graphUnits(files: ModelFiles): WeightUnit[] {
  const nodes = (files.modelJson.modelTopology["node"] ?? []) as GraphNode[];
  const weightNames = new Set(files.weights.map((w) => w.entry.name));
  const clean = (input: string) => input.replace(/^\^/, "").replace(/:\d+$/, "");
  const units: WeightUnit[] = [];
  const claimed = new Set<string>();
  for (const node of nodes) {
    const channelAxes = GRAPH_KERNELS[node.op];
    const inputs = (node.input ?? []).map(clean).filter((i) => weightNames.has(i));
    if (channelAxes === undefined || inputs.length === 0) continue;
    const kernelName = clean(node.input?.[1] ?? "");
    // a transposed MatMul has its channels first; leave it unquantized per channel
    const transposed = node.attr?.["transpose_b"]?.b === true;
    const kernels = weightNames.has(kernelName) && !transposed ? [{ weight: kernelName, channelAxes }] : [];
    const unit: WeightUnit = { name: node.name, op: node.op, weights: inputs, kernels };
    const bias = node.op.startsWith("_Fused") || node.op.startsWith("Fused") ? clean(node.input?.[2] ?? "") : "";
    if (weightNames.has(bias)) unit.bias = bias;
    inputs.forEach((i) => claimed.add(i));
    units.push(unit);
  }
  // weights used by other ops (BiasAdd constants, batch-norm parameters, shapes) form one unit each
  for (const name of weightNames)
    if (!claimed.has(name)) units.push({ name, op: "Const", weights: [name], kernels: [] });
  return units;
}

export function findWeightUnits(files: ModelFiles): WeightUnit[] {
  const units = files.format === "graph-model" ? graphUnits(files) : layerUnits(files);
  const covered = new Set(units.flatMap((u) => u.weights));
  const orphan = files.weights.find((w) => !covered.has(w.entry.name));
  if (orphan)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: weight "${orphan.entry.name}" belongs to no layer of the topology`,
      orphan.entry.name,
    );
  return units;
}
