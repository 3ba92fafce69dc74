// Keras pooling layers: MaxPooling2D / AveragePooling2D as ONNX MaxPool / AveragePool, and the
// global poolings as GlobalMaxPool / GlobalAveragePool (then Flatten unless keepdims).
import { type LayerHandler, pair } from "../layer-context.ts";
import { windowAttrs } from "./window.ts";

const pool = (onnxOp: "MaxPool" | "AveragePool"): LayerHandler => ({
  inputs: "one",
  convert: ({ layer, name, cfg, g, input, fail }) => {
    if (input.shape.length !== 3) throw fail(`expects a rank-4 input, got rank ${input.shape.length + 1}`);
    const v = g.toNchw(input, name);
    const poolSize = pair(cfg["pool_size"], 2);
    const strides = cfg["strides"] == null ? poolSize : pair(cfg["strides"], 1);
    const { out: spatial, attrs } = windowAttrs(layer, v, poolSize, strides, [1, 1]);
    return { name: g.node(onnxOp, name, [v.name], attrs), shape: [spatial[0], spatial[1], v.shape[2]!], nchw: true };
  },
});

const globalPool = (onnxOp: "GlobalMaxPool" | "GlobalAveragePool"): LayerHandler => ({
  inputs: "one",
  convert: ({ name, cfg, g, input, fail }) => {
    if (input.shape.length !== 3) throw fail(`expects a rank-4 input, got rank ${input.shape.length + 1}`);
    const v = g.toNchw(input, name);
    const c = v.shape[2]!;
    const pooled = g.node(onnxOp, name, [v.name]);
    const keep = cfg["keepdims"] === true || cfg["keepDims"] === true;
    return keep
      ? { name: pooled, shape: [1, 1, c], nchw: true }
      : { name: g.node("Flatten", `${name}/flatten`, [pooled], { axis: 1 }), shape: [c], nchw: false };
  },
});

export const POOLING_LAYERS = {
  MaxPooling2D: pool("MaxPool"),
  AveragePooling2D: pool("AveragePool"),
  GlobalAveragePooling2D: globalPool("GlobalAveragePool"),
  GlobalMaxPooling2D: globalPool("GlobalMaxPool"),
} satisfies Record<string, LayerHandler>;
