// Keras core layers: the input layer, Dense (a Gemm, marked linear for BatchNormalization folding),
// activations (Activation, ReLU, Softmax), Flatten and Reshape in TF.js element order, and the
// dropouts, which inference leaves out.
import type { LayerHandler } from "../layer-context.ts";

const inputLayer: LayerHandler = { inputs: "none", convert: ({ addInput }) => addInput() };

const dense: LayerHandler = {
  inputs: "one",
  foldsBatchNorm: true,
  convert: ({ name, cfg, g, input, weight, fail }) => {
    if (input.shape.length !== 1) throw fail(`Dense on a rank-${input.shape.length + 1} input is not supported`);
    const units = Number(cfg["units"]);
    const inDim = input.shape[0]!;
    const kernel = g.constant(`${name}/kernel`, [inDim, units], weight("kernel"));
    const bias = g.constant(
      `${name}/bias`,
      [units],
      cfg["use_bias"] === false ? new Float32Array(units) : weight("bias"),
    );
    const y = g.node("Gemm", name, [input.name, kernel, bias]);
    g.markLinear(y, kernel, bias, "gemm", units);
    return g.activation({ name: y, shape: [units], nchw: false }, cfg["activation"], name, fail);
  },
};

const activation: LayerHandler = {
  inputs: "one",
  convert: ({ name, cfg, g, input, fail }) => g.activation(input, cfg["activation"], name, fail),
};

const relu: LayerHandler = {
  inputs: "one",
  convert: ({ name, cfg, g, input }) => {
    const max = cfg["max_value"] ?? cfg["maxValue"];
    if (max == null) return { ...input, name: g.node("Relu", name, [input.name]) };
    return {
      ...input,
      name: g.node("Clip", name, [
        input.name,
        g.constant("zero", [], Float32Array.of(0)),
        g.constant("max", [], Float32Array.of(Number(max))),
      ]),
    };
  },
};

const softmax: LayerHandler = {
  inputs: "one",
  convert: ({ name, cfg, g, input, fail }) => {
    const axis = cfg["axis"] ?? -1;
    if (axis !== -1 && axis !== input.shape.length) throw fail(`softmax on axis ${String(axis)} is not supported`);
    return { ...input, name: g.node("Softmax", name, [input.name], { axis: input.nchw ? 1 : -1 }) };
  },
};

const flatten: LayerHandler = {
  inputs: "one",
  convert: ({ name, g, input }) => {
    const v = g.toNhwc(input, name);
    return {
      name: g.node("Flatten", name, [v.name], { axis: 1 }),
      shape: [input.shape.reduce((a, b) => a * b, 1)],
      nchw: false,
    };
  },
};

const reshape: LayerHandler = {
  inputs: "one",
  convert: ({ name, cfg, g, input }) => {
    const target = ((cfg["target_shape"] ?? cfg["targetShape"]) as (number | null)[]).map((d) => d ?? -1);
    const total = input.shape.reduce((a, b) => a * b, 1);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const shape = target.map((d) => (d === -1 ? total / known : d));
    const v = g.toNhwc(input, name);
    return g.toNchw(
      { name: g.node("Reshape", name, [v.name, g.int64("shape", [0, ...target])]), shape, nchw: false },
      name,
    );
  },
};

/** identity at inference */
const dropout: LayerHandler = { inputs: "one", convert: ({ input }) => input };

export const CORE_LAYERS = {
  InputLayer: inputLayer,
  Dense: dense,
  Activation: activation,
  ReLU: relu,
  Softmax: softmax,
  Flatten: flatten,
  Reshape: reshape,
  Dropout: dropout,
  SpatialDropout2D: dropout,
} satisfies Record<string, LayerHandler>;
