// fp32 ONNX export of a TF.js LayersModel (opset 17); GraphModels go to export-graph-model.ts.
// TF.js works in NHWC; ONNX convolutions and pools want NCHW, so rank-4 tensors are transposed once
// after the graph input and kept NCHW inside, and transposed back before Flatten / Reshape / Dense
// and at the graph output, so every flattened vector has the element order TF.js gives it.
// BatchNormalization that follows a conv or dense layer without activation is folded into its
// weights; Dropout is removed. Multi-input layers (Add, Concatenate) bring their inputs to one layout.
import { readModelFiles, type DecodedWeight, type ModelFiles } from "@fleet/runtime";
import { QuantizeError } from "../../errors.ts";
import { OnnxGraphBuilder, onnxConvKernel, spatialOut, type Value } from "./onnx-graph-builder.ts";
import { exportGraphModel } from "./graph-model/export-graph-model.ts";
import { encodeModel } from "../graph/encode-model.ts";
import type { OnnxModelProto } from "../graph/onnx-proto.ts";

export { ONNX_OPSET } from "./onnx-graph-builder.ts";
export { ONNX_SUPPORTED_GRAPH_OPS } from "./graph-model/op-handlers.ts";

/** layer classes the exporter turns into ONNX */
export const ONNX_SUPPORTED_LAYERS = [
  "InputLayer",
  "Dense",
  "Activation",
  "ReLU",
  "Softmax",
  "Flatten",
  "Reshape",
  "Dropout",
  "SpatialDropout2D",
  "Conv2D",
  "DepthwiseConv2D",
  "SeparableConv2D",
  "MaxPooling2D",
  "AveragePooling2D",
  "GlobalAveragePooling2D",
  "GlobalMaxPooling2D",
  "BatchNormalization",
  "Add",
  "Concatenate",
] as const;

/** layers a BatchNormalization right after them (with linear activation) is folded into */
const FOLDS_BATCH_NORM = ["Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"];

interface LayerJson {
  class_name: string;
  config: Record<string, unknown> & { name: string };
  inbound_nodes?: unknown[];
}

type Weights = Map<string, Float32Array>;

const unsupported = (layer: LayerJson, why: string) =>
  new QuantizeError(
    "MODEL_UNSUPPORTED",
    `layer "${layer.config.name}" (${layer.class_name}): ${why}; the ONNX engine cannot run this model`,
    layer.config.name,
  );

function pair(value: unknown, fallback: number): [number, number] {
  if (Array.isArray(value)) return [Number(value[0]), Number(value[1] ?? value[0])];
  if (typeof value === "number") return [value, value];
  return [fallback, fallback];
}

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

function weightMap(weights: DecodedWeight[]): Weights {
  const map: Weights = new Map();
  for (const { entry, values } of weights)
    map.set(entry.name, values instanceof Float32Array ? values : Float32Array.from(values));
  return map;
}

function weight(weights: Weights, layer: LayerJson, name: string, optional = false): Float32Array | undefined {
  const base = layer.config.name;
  const value =
    weights.get(`${base}/${name}`) ??
    [...weights].find(([k]) => k.startsWith(`${base}/`) && k.endsWith(`/${name}`))?.[1];
  if (!value && !optional)
    throw new QuantizeError(
      "WEIGHT_INVALID",
      `layer "${base}": weight "${base}/${name}" is missing from the weights manifest`,
      `${base}/${name}`,
    );
  return value;
}

interface BatchNormFold {
  scale: Float32Array;
  shift: Float32Array;
}

function batchNormFold(weights: Weights, layer: LayerJson, channels: number): BatchNormFold {
  const eps = Number(layer.config["epsilon"] ?? 1e-3);
  const gamma = layer.config["scale"] === false ? undefined : weight(weights, layer, "gamma");
  const beta = layer.config["center"] === false ? undefined : weight(weights, layer, "beta");
  const mean = weight(weights, layer, "moving_mean")!;
  const variance = weight(weights, layer, "moving_variance")!;
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (gamma?.[c] ?? 1) / Math.sqrt(variance[c]! + eps);
    shift[c] = (beta?.[c] ?? 0) - mean[c]! * scale[c]!;
  }
  return { scale, shift };
}

function windowAttrs(
  layer: LayerJson,
  input: Value,
  kernel: [number, number],
  strides: [number, number],
  dilation: [number, number],
) {
  const padding = String(layer.config["padding"] ?? "valid");
  if (padding !== "same" && padding !== "valid") throw unsupported(layer, `padding "${padding}" is not supported`);
  if ((layer.config["data_format"] ?? "channels_last") !== "channels_last")
    throw unsupported(layer, "data_format channels_first is not supported");
  const [h, w] = input.shape as [number, number, number];
  const y = spatialOut(h, kernel[0], strides[0], dilation[0], padding === "same");
  const x = spatialOut(w, kernel[1], strides[1], dilation[1], padding === "same");
  return {
    out: [y.out, x.out] as const,
    attrs: { kernel_shape: kernel, strides, pads: [y.before, x.before, y.after, x.after] },
  };
}

/**
 * Exports the TF.js model in `modelDir` (model.json + weight shards; a LayersModel or a GraphModel)
 * as an fp32 ONNX model (opset 17) with one input `input` [batch, ...TF.js input shape] and one
 * output `output`, encoded as the bytes of a .onnx file.
 * Throws QuantizeError MODEL_UNSUPPORTED naming the first layer (or graph node) outside the supported set.
 */
export async function exportOnnx(modelDir: string): Promise<Uint8Array> {
  return encodeModel(await exportOnnxModel(modelDir));
}

/** The same export as {@link exportOnnx}, as the in-memory graph (for the integer and fp16 rewrites). */
export async function exportOnnxModel(modelDir: string): Promise<OnnxModelProto> {
  return exportOnnxFiles(await readModelFiles(modelDir));
}

/** The export of model files already read (the quantize pipeline has them in hand). */
export function exportOnnxFiles(files: ModelFiles): OnnxModelProto {
  if (files.format === "graph-model") return exportGraphModel(files);
  const { layers, sequential } = layersOf(files.modelJson.modelTopology);
  const weights = weightMap(files.weights);
  for (const layer of layers) {
    if (!(ONNX_SUPPORTED_LAYERS as readonly string[]).includes(layer.class_name)) {
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
      FOLDS_BATCH_NORM.includes(prev.class_name) &&
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
    const cfg = layer.config;
    const from = inputsOf.get(name) ?? [];
    if (layer.class_name === "InputLayer") {
      values.set(name, addInput(layer));
      continue;
    }
    const inputs = from.length === 0 ? [addInput(layer)] : from.map((n) => values.get(n) ?? failUnknown(layer, n));
    const multi = layer.class_name === "Add" || layer.class_name === "Concatenate";
    if (!multi && inputs.length !== 1)
      throw unsupported(layer, `a ${layer.class_name} layer with ${inputs.length} inputs is not supported`);
    const input = inputs[0]!;
    const fail = (why: string) => unsupported(layer, why);
    let out: Value;
    switch (layer.class_name) {
      case "Dropout":
      case "SpatialDropout2D":
        out = input;
        break;
      case "Activation":
        out = g.activation(input, cfg["activation"], name, fail);
        break;
      case "ReLU": {
        const max = cfg["max_value"] ?? cfg["maxValue"];
        if (max == null) out = { ...input, name: g.node("Relu", name, [input.name]) };
        else
          out = {
            ...input,
            name: g.node("Clip", name, [
              input.name,
              g.constant("zero", [], Float32Array.of(0)),
              g.constant("max", [], Float32Array.of(Number(max))),
            ]),
          };
        break;
      }
      case "Softmax": {
        const axis = cfg["axis"] ?? -1;
        if (axis !== -1 && axis !== input.shape.length)
          throw unsupported(layer, `softmax on axis ${String(axis)} is not supported`);
        out = { ...input, name: g.node("Softmax", name, [input.name], { axis: input.nchw ? 1 : -1 }) };
        break;
      }
      case "Flatten": {
        const v = g.toNhwc(input, name);
        out = {
          name: g.node("Flatten", name, [v.name], { axis: 1 }),
          shape: [input.shape.reduce((a, b) => a * b, 1)],
          nchw: false,
        };
        break;
      }
      case "Reshape": {
        const target = ((cfg["target_shape"] ?? cfg["targetShape"]) as (number | null)[]).map((d) => d ?? -1);
        const total = input.shape.reduce((a, b) => a * b, 1);
        const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
        const shape = target.map((d) => (d === -1 ? total / known : d));
        const v = g.toNhwc(input, name);
        out = g.toNchw(
          { name: g.node("Reshape", name, [v.name, g.int64("shape", [0, ...target])]), shape, nchw: false },
          name,
        );
        break;
      }
      case "Dense": {
        if (input.shape.length !== 1)
          throw unsupported(layer, `Dense on a rank-${input.shape.length + 1} input is not supported`);
        const units = Number(cfg["units"]);
        const inDim = input.shape[0]!;
        const kernel = g.constant(`${name}/kernel`, [inDim, units], weight(weights, layer, "kernel")!);
        const bias = g.constant(
          `${name}/bias`,
          [units],
          cfg["use_bias"] === false ? new Float32Array(units) : weight(weights, layer, "bias")!,
        );
        const y = g.node("Gemm", name, [input.name, kernel, bias]);
        g.markLinear(y, kernel, bias, "gemm", units);
        out = g.activation({ name: y, shape: [units], nchw: false }, cfg["activation"], name, fail);
        break;
      }
      case "Conv2D":
      case "DepthwiseConv2D": {
        if (input.shape.length !== 3)
          throw unsupported(layer, `expects a rank-4 input, got rank ${input.shape.length + 1}`);
        const v = g.toNchw(input, name);
        const depthwise = layer.class_name === "DepthwiseConv2D";
        const [kh, kw] = pair(cfg["kernel_size"], 1);
        const inC = v.shape[2]!;
        const mult = depthwise ? Number(cfg["depth_multiplier"] ?? 1) : 1;
        const outC = depthwise ? inC * mult : Number(cfg["filters"]);
        const dilations = pair(cfg["dilation_rate"], 1);
        const { out: spatial, attrs } = windowAttrs(layer, v, [kh, kw], pair(cfg["strides"], 1), dilations);
        if ((cfg["groups"] ?? 1) !== 1) throw unsupported(layer, "grouped convolution is not supported");
        const w = onnxConvKernel(
          weight(weights, layer, depthwise ? "depthwise_kernel" : "kernel")!,
          kh,
          kw,
          inC,
          depthwise ? mult : outC,
          depthwise,
        );
        const kernel = g.constant(`${name}/kernel`, [outC, depthwise ? 1 : inC, kh, kw], w);
        const bias = g.constant(
          `${name}/bias`,
          [outC],
          cfg["use_bias"] === false ? new Float32Array(outC) : weight(weights, layer, "bias")!,
        );
        const y = g.node("Conv", name, [v.name, kernel, bias], { ...attrs, dilations, group: depthwise ? inC : 1 });
        g.markLinear(y, kernel, bias, "conv", outC);
        out = g.activation(
          { name: y, shape: [spatial[0], spatial[1], outC], nchw: true },
          cfg["activation"],
          name,
          fail,
        );
        break;
      }
      case "SeparableConv2D": {
        // depthwise (with depth_multiplier, strides, dilation) then a 1×1 pointwise conv carrying bias and activation
        if (input.shape.length !== 3)
          throw unsupported(layer, `expects a rank-4 input, got rank ${input.shape.length + 1}`);
        const v = g.toNchw(input, name);
        const [kh, kw] = pair(cfg["kernel_size"], 1);
        const inC = v.shape[2]!;
        const dwWeights = weight(weights, layer, "depthwise_kernel")!;
        // from the weights: TF.js (4.22) leaves depth_multiplier out of a SeparableConv2D's saved config
        const mult = dwWeights.length / (kh * kw * inC);
        if (!Number.isInteger(mult) || (cfg["depth_multiplier"] != null && Number(cfg["depth_multiplier"]) !== mult)) {
          throw unsupported(
            layer,
            `depthwise_kernel holds ${dwWeights.length} values, which does not fit a ${kh}×${kw} kernel over ${inC} channels`,
          );
        }
        const mid = inC * mult;
        const outC = Number(cfg["filters"]);
        const dilations = pair(cfg["dilation_rate"], 1);
        const { out: spatial, attrs } = windowAttrs(layer, v, [kh, kw], pair(cfg["strides"], 1), dilations);
        const dwKernel = g.constant(
          `${name}/depthwise_kernel`,
          [mid, 1, kh, kw],
          onnxConvKernel(dwWeights, kh, kw, inC, mult, true),
        );
        const dwBias = g.constant(`${name}/depthwise_bias`, [mid], new Float32Array(mid));
        const dw = g.node("Conv", `${name}/depthwise`, [v.name, dwKernel, dwBias], { ...attrs, dilations, group: inC });
        const pwKernel = g.constant(
          `${name}/pointwise_kernel`,
          [outC, mid, 1, 1],
          onnxConvKernel(weight(weights, layer, "pointwise_kernel")!, 1, 1, mid, outC, false),
        );
        const bias = g.constant(
          `${name}/bias`,
          [outC],
          cfg["use_bias"] === false ? new Float32Array(outC) : weight(weights, layer, "bias")!,
        );
        const y = g.node("Conv", name, [dw, pwKernel, bias], {
          kernel_shape: [1, 1],
          strides: [1, 1],
          pads: [0, 0, 0, 0],
        });
        g.markLinear(y, pwKernel, bias, "conv", outC);
        out = g.activation(
          { name: y, shape: [spatial[0], spatial[1], outC], nchw: true },
          cfg["activation"],
          name,
          fail,
        );
        break;
      }
      case "MaxPooling2D":
      case "AveragePooling2D": {
        if (input.shape.length !== 3)
          throw unsupported(layer, `expects a rank-4 input, got rank ${input.shape.length + 1}`);
        const v = g.toNchw(input, name);
        const pool = pair(cfg["pool_size"], 2);
        const strides = cfg["strides"] == null ? pool : pair(cfg["strides"], 1);
        const { out: spatial, attrs } = windowAttrs(layer, v, pool, strides, [1, 1]);
        const op = layer.class_name === "MaxPooling2D" ? "MaxPool" : "AveragePool";
        out = { name: g.node(op, name, [v.name], attrs), shape: [spatial[0], spatial[1], v.shape[2]!], nchw: true };
        break;
      }
      case "GlobalAveragePooling2D":
      case "GlobalMaxPooling2D": {
        if (input.shape.length !== 3)
          throw unsupported(layer, `expects a rank-4 input, got rank ${input.shape.length + 1}`);
        const v = g.toNchw(input, name);
        const c = v.shape[2]!;
        const pooled = g.node(layer.class_name === "GlobalMaxPooling2D" ? "GlobalMaxPool" : "GlobalAveragePool", name, [
          v.name,
        ]);
        const keep = cfg["keepdims"] === true || cfg["keepDims"] === true;
        out = keep
          ? { name: pooled, shape: [1, 1, c], nchw: true }
          : { name: g.node("Flatten", `${name}/flatten`, [pooled], { axis: 1 }), shape: [c], nchw: false };
        break;
      }
      case "BatchNormalization": {
        const c = input.shape.at(-1)!;
        const { scale, shift } = batchNormFold(weights, layer, c);
        if (folded.has(name) && g.foldAffine(input, scale, shift)) {
          out = input; // now inside the previous layer's weights
          break;
        }
        const axis = cfg["axis"];
        if (
          !(
            axis === -1 ||
            axis === undefined ||
            axis === input.shape.length ||
            (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === input.shape.length))
          )
        ) {
          throw unsupported(layer, `normalisation over axis ${JSON.stringify(axis)} is not supported`);
        }
        const v = input.shape.length === 3 ? g.toNchw(input, name) : input;
        const dims = v.nchw ? [c, 1, 1] : [c];
        const scaled = g.node("Mul", `${name}/scale`, [v.name, g.constant(`${name}/scale`, dims, scale)]);
        out = { ...v, name: g.node("Add", name, [scaled, g.constant(`${name}/shift`, dims, shift)]) };
        break;
      }
      case "Add": {
        const sum = g.elementwise("Add", inputs, name);
        if (!sum)
          throw unsupported(
            layer,
            `input shapes ${inputs.map((v) => `[${v.shape.join(", ")}]`).join(", ")} do not broadcast`,
          );
        out = sum;
        break;
      }
      case "Concatenate": {
        const joined = g.concat(inputs, Number(cfg["axis"] ?? -1), name);
        if (!joined)
          throw unsupported(
            layer,
            `cannot concatenate shapes ${inputs.map((v) => `[${v.shape.join(", ")}]`).join(", ")} on axis ${String(cfg["axis"] ?? -1)}`,
          );
        out = joined;
        break;
      }
      default:
        throw unsupported(layer, `layer class ${layer.class_name} is not supported`);
    }
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
