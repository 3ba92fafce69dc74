// Test helper: a small convolutional TF.js GraphModel written by hand, in the JSON layout
// tensorflowjs_converter emits (base64 strings, int64 as strings), exercising the ops the ONNX
// exporter converts: fused / plain / depthwise convs, batch norm, pools, elementwise ops with
// tensors and broadcast constants, concat, mean, squeeze, reshape, matmuls and softmax.
import { seededRandom } from "@fleet/runtime";
import { writeGraphModelFiles } from "./graph-model.ts";

export const CONV_GRAPH_INPUT = [12, 10, 3] as const;
export const CONV_GRAPH_CLASSES = 6;

const b64 = (s: string) => Buffer.from(s).toString("base64");
const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
const str = (s: string) => ({ s: b64(s) });
const F = { T: { type: "DT_FLOAT" } };

interface Weight {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  values: number[];
}

export function writeConvGraphModel(dir: string, seed = 5): void {
  const rand = seededRandom(seed);
  const weights: Weight[] = [];
  const nodes: Record<string, unknown>[] = [
    {
      name: "x",
      op: "Placeholder",
      attr: {
        dtype: { type: "DT_FLOAT" },
        shape: { shape: { dim: [-1, ...CONV_GRAPH_INPUT].map((d) => ({ size: String(d) })) } },
      },
    },
  ];
  /** a float constant with values uniform in [lo, hi) */
  const param = (name: string, shape: number[], lo = -0.5, hi = 0.5) => {
    const count = shape.reduce((a, b) => a * b, 1);
    weights.push({
      name,
      shape,
      dtype: "float32",
      values: Array.from({ length: count }, () => lo + (hi - lo) * rand()),
    });
    nodes.push({
      name,
      op: "Const",
      attr: {
        dtype: { type: "DT_FLOAT" },
        value: { tensor: { dtype: "DT_FLOAT", tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } } },
      },
    });
    return name;
  };
  const intConst = (name: string, values: number[], shape = [values.length]) => {
    weights.push({ name, shape, dtype: "int32", values });
    nodes.push({
      name,
      op: "Const",
      attr: {
        dtype: { type: "DT_INT32" },
        value: { tensor: { dtype: "DT_INT32", tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } } },
      },
    });
    return name;
  };
  const op = (name: string, type: string, input: string[], attr: Record<string, unknown> = {}) => {
    nodes.push({ name, op: type, input, attr: { ...F, ...attr } });
    return name;
  };

  // [12, 10, 3] → fused conv 3×3 stride 2 SAME + bias + relu → [6, 5, 8]
  const conv1 = op(
    "conv1/Relu",
    "_FusedConv2D",
    ["x", param("conv1/kernel", [3, 3, 3, 8]), param("conv1/bias", [8], -0.1, 0.1)],
    {
      strides: ints(1, 2, 2, 1),
      padding: str("SAME"),
      data_format: str("NHWC"),
      dilations: ints(1, 1, 1, 1),
      num_args: { i: "1" },
      fused_ops: { list: { s: [b64("BiasAdd"), b64("Relu")] } },
      epsilon: { f: 0 },
    },
  );
  // depthwise ×2, dilation 2, SAME, then an unfused batch norm (folded by the exporter) and relu6 → [6, 5, 16]
  const dw = op("dw/depthwise", "DepthwiseConv2dNative", [conv1, param("dw/kernel", [3, 3, 8, 2])], {
    strides: ints(1, 1, 1, 1),
    padding: str("SAME"),
    dilations: ints(1, 2, 2, 1),
    data_format: str("NHWC"),
  });
  const bn = op(
    "dw/bn/FusedBatchNormV3",
    "FusedBatchNormV3",
    [
      dw,
      param("dw/bn/gamma", [16], 0.5, 1.5),
      param("dw/bn/beta", [16]),
      param("dw/bn/mean", [16]),
      param("dw/bn/variance", [16], 0.5, 2),
    ],
    { epsilon: { f: 0.001 }, is_training: { b: false }, data_format: str("NHWC"), U: { type: "DT_FLOAT" } },
  );
  const relu6 = op("dw/Relu6", "Relu6", [bn]);
  // fused depthwise 3×3 VALID + bias + relu6 → [4, 3, 16]
  const dw2 = op(
    "dw2/Relu6",
    "FusedDepthwiseConv2dNative",
    [relu6, param("dw2/kernel", [3, 3, 16, 1]), param("dw2/bias", [16], -0.1, 0.1)],
    {
      strides: ints(1, 1, 1, 1),
      padding: str("VALID"),
      dilations: ints(1, 1, 1, 1),
      data_format: str("NHWC"),
      num_args: { i: "1" },
      fused_ops: { list: { s: [b64("BiasAdd"), b64("Relu6")] } },
    },
  );
  // 1×1 conv with a separate BiasAdd (folded) → [4, 3, 8]
  const conv2 = op("conv2/Conv2D", "Conv2D", [dw2, param("conv2/kernel", [1, 1, 16, 8])], {
    strides: ints(1, 1, 1, 1),
    padding: str("VALID"),
    dilations: ints(1, 1, 1, 1),
    data_format: str("NHWC"),
  });
  const conv2b = op("conv2/BiasAdd", "BiasAdd", [conv2, param("conv2/bias", [8], -0.1, 0.1)], {
    data_format: str("NHWC"),
  });
  // a residual branch: avg pool 3×3 VALID of conv1 → [4, 3, 8]
  const avg = op("branch/AvgPool", "AvgPool", [conv1], {
    ksize: ints(1, 3, 3, 1),
    strides: ints(1, 1, 1, 1),
    padding: str("VALID"),
    data_format: str("NHWC"),
  });
  const sum = op("res/add", "AddV2", [conv2b, avg]);
  const shifted = op("res/shift", "Add", [sum, param("res/shift/c", [8])]);
  const gated = op("res/gate", "Mul", [shifted, param("res/gate/c", [4, 3, 8], 0.5, 1.5)]);
  const centered = op("res/center", "Sub", [gated, param("res/center/c", [1, 1, 1, 8])]);
  // max pool 2×2 stride 1 SAME of dw2 → [4, 3, 16]; concat on channels below → [4, 3, 32]
  const maxp = op("branch2/MaxPool", "MaxPool", [dw2], {
    ksize: ints(1, 2, 2, 1),
    strides: ints(1, 1, 1, 1),
    padding: str("SAME"),
    data_format: str("NHWC"),
  });
  // 3×3 conv of dw2 with explicit, asymmetric padding (2 rows on top, 2 columns on the right) → [4, 3, 8]
  const explicit = op("side/Conv2D", "Conv2D", [dw2, param("side/kernel", [3, 3, 16, 8])], {
    strides: ints(1, 1, 1, 1),
    padding: str("EXPLICIT"),
    explicit_paddings: ints(0, 0, 2, 0, 0, 2, 0, 0),
    dilations: ints(1, 1, 1, 1),
    data_format: str("NHWC"),
  });
  const cat = op("cat/concat", "ConcatV2", [centered, maxp, explicit, intConst("cat/axis", [-1], [])], {
    N: { i: "3" },
    Tidx: { type: "DT_INT32" },
  });
  const act = op("cat/Tanh", "Tanh", [cat]);
  // head A: global mean (keep dims) + squeeze → [32] → fused matmul + bias + relu → [6]
  // (not transpose_b: the TF.js 4.22 wasm backend computes a fused matMul with transposeB wrongly)
  const mean = op("gap/Mean", "Mean", [act, intConst("gap/axes", [1, 2])], {
    keep_dims: { b: true },
    Tidx: { type: "DT_INT32" },
  });
  const squeezed = op("gap/Squeeze", "Squeeze", [mean], { squeeze_dims: ints(1, 2) });
  const headA = op(
    "headA/Relu",
    "_FusedMatMul",
    [squeezed, param("headA/kernel", [32, CONV_GRAPH_CLASSES]), param("headA/bias", [CONV_GRAPH_CLASSES], -0.1, 0.1)],
    {
      transpose_a: { b: false },
      transpose_b: { b: false },
      num_args: { i: "1" },
      fused_ops: { list: { s: [b64("BiasAdd"), b64("Relu")] } },
      epsilon: { f: 0 },
    },
  );
  // head B: flatten by reshape → [384] → matmul (kernel stored transposed) → sigmoid → [6]
  const flat = op("flat/Reshape", "Reshape", [act, intConst("flat/shape", [-1, 4 * 3 * 32])], {
    Tshape: { type: "DT_INT32" },
  });
  const headB = op("headB/MatMul", "MatMul", [flat, param("headB/kernel", [CONV_GRAPH_CLASSES, 384], -0.1, 0.1)], {
    transpose_a: { b: false },
    transpose_b: { b: true },
  });
  const gateB = op("headB/Sigmoid", "Sigmoid", [headB]);
  const logits = op("logits/add", "AddV2", [headA, gateB]);
  const probs = op("probs/Softmax", "Softmax", [logits]);
  op("Identity", "Identity", [probs]);

  const bytes = Buffer.concat(
    weights.map((w) =>
      Buffer.from(w.dtype === "int32" ? Int32Array.from(w.values).buffer : Float32Array.from(w.values).buffer),
    ),
  );
  writeGraphModelFiles(
    dir,
    nodes,
    weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
    bytes,
  );
}
