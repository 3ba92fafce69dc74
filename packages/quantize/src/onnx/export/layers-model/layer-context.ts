// What a layer handler of the LayersModel exporter gets: the layer's JSON config, the ONNX graph
// being built, its inbound values and its weights, each refusal naming the layer.
import type { DecodedWeight } from "@fleet/runtime";
import { QuantizeError } from "../../../errors.ts";
import type { OnnxGraphBuilder, Value } from "../onnx-graph-builder.ts";

/** a layer of model.json's modelTopology */
export interface LayerJson {
  class_name: string;
  config: Record<string, unknown> & { name: string };
  inbound_nodes?: unknown[];
}

/** the model's float32 weights by manifest name */
export type Weights = Map<string, Float32Array>;

export interface LayerContext {
  layer: LayerJson;
  /** layer.config.name */
  name: string;
  /** layer.config */
  cfg: LayerJson["config"];
  g: OnnxGraphBuilder;
  /** the inbound values (several for merge layers) */
  inputs: Value[];
  /** the first inbound value */
  readonly input: Value;
  /** BatchNormalization only: it follows a linear conv / dense layer it may fold into */
  foldsIntoPrevious: boolean;
  /** the layer's weight `name` (e.g. "kernel"); a missing one is a WEIGHT_INVALID error */
  weight(name: string): Float32Array;
  /** declares the graph input from the layer's batch input shape (the input layer, or a first layer) */
  addInput(): Value;
  fail(why: string): QuantizeError;
}

export interface LayerHandler {
  /** inbound values the layer takes: none (the input layer), one, or many (merge layers) */
  inputs: "none" | "one" | "many";
  /** a BatchNormalization right after this layer (linear activation, its only consumer) folds into its weights */
  foldsBatchNorm?: boolean;
  convert(ctx: LayerContext): Value;
}

export const unsupported = (layer: LayerJson, why: string) =>
  new QuantizeError(
    "MODEL_UNSUPPORTED",
    `layer "${layer.config.name}" (${layer.class_name}): ${why}; the ONNX engine cannot run this model`,
    layer.config.name,
  );

/** a Keras pair config (kernel_size, strides, ...): [a, b], a number for both, or the fallback */
export function pair(value: unknown, fallback: number): [number, number] {
  if (Array.isArray(value)) return [Number(value[0]), Number(value[1] ?? value[0])];
  if (typeof value === "number") return [value, value];
  return [fallback, fallback];
}

export function weightMap(weights: DecodedWeight[]): Weights {
  const map: Weights = new Map();
  for (const { entry, values } of weights)
    map.set(entry.name, values instanceof Float32Array ? values : Float32Array.from(values));
  return map;
}

/** `layer/name`, or `layer/.../name` (nested scopes) */
export function layerWeight(weights: Weights, layer: LayerJson, name: string): Float32Array {
  const base = layer.config.name;
  const value =
    weights.get(`${base}/${name}`) ??
    [...weights].find(([k]) => k.startsWith(`${base}/`) && k.endsWith(`/${name}`))?.[1];
  if (!value)
    throw new QuantizeError(
      "WEIGHT_INVALID",
      `layer "${base}": weight "${base}/${name}" is missing from the weights manifest`,
      `${base}/${name}`,
    );
  return value;
}
