// fp32 ONNX export of a TF.js LayersModel (opset 17); GraphModels go to graph-model/.
// TF.js works in NHWC; ONNX convolutions and pools want NCHW, so rank-4 tensors are transposed once
// after the graph input and kept NCHW inside, and transposed back before Flatten / Reshape / Dense
// and at the graph output, so every flattened vector has the element order TF.js gives it.
// Each layer is converted by its class's handler (layer-handlers.ts). BatchNormalization that
// follows a conv or dense layer without activation is folded into its weights; Dropout is removed.
// Multi-input layers (Add, Concatenate) bring their inputs to one layout.
import type { ModelFiles } from "@fleet/runtime";
import { QuantizeError } from "../../../errors.ts";
import type { OnnxModelProto } from "../../graph/onnx-proto.ts";
import { OnnxGraphBuilder, type Value } from "../onnx-graph-builder.ts";
import { type LayerJson, layerWeight, unsupported, weightMap } from "./layer-context.ts";
import { layerHandler, ONNX_SUPPORTED_LAYERS } from "./layer-handlers.ts";

function layersOf(topology: Record<string, unknown>): { layers: LayerJson[]; sequential: boolean } {
  const root = (topology["model_config"] ?? topology) as { class_name?: string; config?: unknown };
  const config = root.config as { layers?: LayerJson[] } | LayerJson[] | undefined;
  const layers = Array.isArray(config) ? config : config?.layers;
  if (!layers)
    throw new QuantizeError("MODEL_UNSUPPORTED", "model.json: modelTopology holds no layers (not a LayersModel?)");
  return { layers, sequential: root.class_name === "Sequential" };
}

function inboundNames(layer: LayerJson): string[] {
  const nodes = layer.inbound_nodes ?? [];
  if (nodes.length > 1) throw unsupported(layer, "a layer called more than once (shared layer) is not supported");
  const first = nodes[0];
  if (!Array.isArray(first)) return [];
  return first.map((entry) => (Array.isArray(entry) ? String(entry[0]) : ""));
}

function batchInputShape(layer: LayerJson): number[] | undefined {
  const shape = (layer.config["batch_input_shape"] ?? layer.config["batchInputShape"]) as (number | null)[] | undefined;
  if (!shape) return undefined;
  const rest = shape.slice(1);
  if (rest.some((d) => d == null))
    throw unsupported(layer, `input shape [${shape.join(", ")}] has an unknown dimension besides the batch`);
  return rest as number[];
}

export function exportLayersModel(files: ModelFiles): OnnxModelProto {
  const { layers, sequential } = layersOf(files.modelJson.modelTopology);
  const weights = weightMap(files.weights);
  for (const layer of layers) {
    if (!layerHandler(layer.class_name)) {
      throw unsupported(
        layer,
        `layer class ${layer.class_name} is not supported (supported: ${ONNX_SUPPORTED_LAYERS.join(", ")})`,
      );
    }
  }

  // who feeds whom
  const inputsOf = new Map<string, string[]>();
  layers.forEach((layer, i) =>
    inputsOf.set(layer.config.name, sequential ? (i === 0 ? [] : [layers[i - 1]!.config.name]) : inboundNames(layer)),
  );
  const consumers = new Map<string, number>();
  for (const names of inputsOf.values()) for (const n of names) consumers.set(n, (consumers.get(n) ?? 0) + 1);
  const byName = new Map(layers.map((l) => [l.config.name, l]));

  // BatchNormalization folded into the conv / dense before it (when that layer is linear and feeds only the BN)
  const folded = new Set<string>();
  for (const layer of layers) {
    if (layer.class_name !== "BatchNormalization") continue;
    const from = inputsOf.get(layer.config.name) ?? [];
    const prev = from.length === 1 ? byName.get(from[0]!) : undefined;
    const axis = layer.config["axis"];
    const lastAxis = axis === -1 || axis === undefined || (Array.isArray(axis) && axis.length === 1 && axis[0] === -1);
    if (
      prev &&
      layerHandler(prev.class_name)?.foldsBatchNorm &&
      (prev.config["activation"] ?? "linear") === "linear" &&
      consumers.get(prev.config.name) === 1 &&
      lastAxis
    ) {
      folded.add(layer.config.name);
    }
  }

  const g = new OnnxGraphBuilder();
  const values = new Map<string, Value>();
  let graphInput: Value | undefined;

  const addInput = (layer: LayerJson): Value => {
    if (graphInput) throw unsupported(layer, "models with more than one input are not supported");
    const shape = batchInputShape(layer);
    if (!shape) throw unsupported(layer, "the model declares no input shape");
    graphInput = g.input(shape);
    return g.toNchw(graphInput, "input");
  };

  for (const layer of layers) {
    const name = layer.config.name;
    g.current = name;
    const handler = layerHandler(layer.class_name)!;
    const from = inputsOf.get(name) ?? [];
    const inputs =
      handler.inputs === "none"
        ? []
        : from.length === 0
          ? [addInput(layer)]
          : from.map((n) => values.get(n) ?? failUnknown(layer, n));
    if (handler.inputs === "one" && inputs.length !== 1)
      throw unsupported(layer, `a ${layer.class_name} layer with ${inputs.length} inputs is not supported`);
    const out = handler.convert({
      layer,
      name,
      cfg: layer.config,
      g,
      inputs,
      get input() {
        return inputs[0]!;
      },
      foldsIntoPrevious: folded.has(name),
      weight: (weight) => layerWeight(weights, layer, weight),
      addInput: () => addInput(layer),
      fail: (why) => unsupported(layer, why),
    });
    values.set(name, out);
  }

  const last = layers.at(-1);
  const outputName = sequential ? last?.config.name : outputLayerOf(files.modelJson.modelTopology);
  const result = outputName ? values.get(outputName) : undefined;
  if (!result || !graphInput)
    throw new QuantizeError("MODEL_UNSUPPORTED", "model.json: the model has no input or output the exporter can find");
  return g.finish(result);
}

function failUnknown(layer: LayerJson, input: string): never {
  throw unsupported(layer, `its input "${input}" is not known (layers out of order?)`);
}

function outputLayerOf(topology: Record<string, unknown>): string | undefined {
  const root = (topology["model_config"] ?? topology) as {
    config?: { output_layers?: unknown[][]; input_layers?: unknown[][] };
  };
  const outputs = root.config?.output_layers ?? [];
  if (outputs.length !== 1)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: models with ${outputs.length} outputs are not supported (one output expected)`,
    );
  return String(outputs[0]![0]);
}
