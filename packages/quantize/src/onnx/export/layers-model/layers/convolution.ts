// Keras convolution layers: Conv2D and DepthwiseConv2D as one ONNX Conv, SeparableConv2D as a
// depthwise Conv then a 1×1 pointwise Conv carrying bias and activation; the last Conv of each is
// marked linear so a following BatchNormalization can fold into it.
import { onnxConvKernel } from "../../onnx-graph-builder.ts";
import { type LayerHandler, pair } from "../layer-context.ts";
import { windowAttrs } from "./window.ts";

const conv2d: LayerHandler = {
  inputs: "one",
  foldsBatchNorm: true,
  convert: ({ layer, name, cfg, g, input, weight, fail }) => {
    if (input.shape.length !== 3) throw fail(`expects a rank-4 input, got rank ${input.shape.length + 1}`);
    const v = g.toNchw(input, name);
    const depthwise = layer.class_name === "DepthwiseConv2D";
    const [kh, kw] = pair(cfg["kernel_size"], 1);
    const inC = v.shape[2]!;
    const mult = depthwise ? Number(cfg["depth_multiplier"] ?? 1) : 1;
    const outC = depthwise ? inC * mult : Number(cfg["filters"]);
    const dilations = pair(cfg["dilation_rate"], 1);
    const { out: spatial, attrs } = windowAttrs(layer, v, [kh, kw], pair(cfg["strides"], 1), dilations);
    if ((cfg["groups"] ?? 1) !== 1) throw fail("grouped convolution is not supported");
    const w = onnxConvKernel(
      weight(depthwise ? "depthwise_kernel" : "kernel"),
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
      cfg["use_bias"] === false ? new Float32Array(outC) : weight("bias"),
    );
    const y = g.node("Conv", name, [v.name, kernel, bias], { ...attrs, dilations, group: depthwise ? inC : 1 });
    g.markLinear(y, kernel, bias, "conv", outC);
    return g.activation({ name: y, shape: [spatial[0], spatial[1], outC], nchw: true }, cfg["activation"], name, fail);
  },
};

const separableConv2d: LayerHandler = {
  inputs: "one",
  foldsBatchNorm: true,
  convert: ({ layer, name, cfg, g, input, weight, fail }) => {
    // depthwise (with depth_multiplier, strides, dilation) then a 1×1 pointwise conv carrying bias and activation
    if (input.shape.length !== 3) throw fail(`expects a rank-4 input, got rank ${input.shape.length + 1}`);
    const v = g.toNchw(input, name);
    const [kh, kw] = pair(cfg["kernel_size"], 1);
    const inC = v.shape[2]!;
    const dwWeights = weight("depthwise_kernel");
    // from the weights: TF.js (4.22) leaves depth_multiplier out of a SeparableConv2D's saved config
    const mult = dwWeights.length / (kh * kw * inC);
    if (!Number.isInteger(mult) || (cfg["depth_multiplier"] != null && Number(cfg["depth_multiplier"]) !== mult)) {
      throw fail(
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
      onnxConvKernel(weight("pointwise_kernel"), 1, 1, mid, outC, false),
    );
    const bias = g.constant(
      `${name}/bias`,
      [outC],
      cfg["use_bias"] === false ? new Float32Array(outC) : weight("bias"),
    );
    const y = g.node("Conv", name, [dw, pwKernel, bias], {
      kernel_shape: [1, 1],
      strides: [1, 1],
      pads: [0, 0, 0, 0],
    });
    g.markLinear(y, pwKernel, bias, "conv", outC);
    return g.activation({ name: y, shape: [spatial[0], spatial[1], outC], nchw: true }, cfg["activation"], name, fail);
  },
};

export const CONVOLUTION_LAYERS = {
  Conv2D: conv2d,
  DepthwiseConv2D: conv2d,
  SeparableConv2D: separableConv2d,
} satisfies Record<string, LayerHandler>;
