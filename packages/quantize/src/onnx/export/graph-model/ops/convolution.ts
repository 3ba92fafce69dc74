// Convolutions (Conv2D, DepthwiseConv2d / DepthwiseConv2dNative and their fused forms) → one ONNX
// Conv with its kernel in [out, in / group, kh, kw], the fused bias and activation; the Conv is
// marked linear so a following per-channel affine op can fold into it.
import { onnxConvKernel } from "../../onnx-graph-builder.ts";
import { floats, type OpHandler } from "../op-context.ts";
import { attrFloat } from "../tfjs-graph-def.ts";
import { fusedArgs } from "./fused-ops.ts";
import { window } from "./window.ts";

const convolution: OpHandler = ({ node, g, tensor, constant, rank4, fail }) => {
  const v = rank4(tensor(0));
  const filter = constant(1);
  const [kh, kw, inC, perIn] = filter.shape as [number, number, number, number];
  if (filter.shape.length !== 4 || inC !== v.shape[2])
    throw fail(`filter [${filter.shape.join(", ")}] does not fit an input of ${v.shape[2]} channels`);
  const depthwise = node.op.includes("Depthwise");
  const outC = depthwise ? inC * perIn : perIn;
  const { spatial, attrs } = window(node, v, [kh, kw], fail);
  const { bias, activation } = fusedArgs(node, outC, (i) => floats(constant(i)), fail);
  const kernel = g.constant(
    `${node.name}/kernel`,
    [outC, depthwise ? 1 : inC, kh, kw],
    onnxConvKernel(floats(filter), kh, kw, inC, perIn, depthwise),
  );
  const b = g.constant(`${node.name}/bias`, [outC], bias);
  const y = g.node("Conv", node.name, [v.name, kernel, b], { ...attrs, group: depthwise ? inC : 1 });
  g.markLinear(y, kernel, b, "conv", outC);
  return {
    tensor: g.activation(
      { name: y, shape: [spatial[0], spatial[1], outC], nchw: true },
      activation,
      node.name,
      fail,
      attrFloat(node, "leakyrelu_alpha") ?? 0.2,
    ),
  };
};

export const CONVOLUTION_OPS = {
  Conv2D: convolution,
  _FusedConv2D: convolution,
  DepthwiseConv2d: convolution,
  DepthwiseConv2dNative: convolution,
  FusedDepthwiseConv2dNative: convolution,
} satisfies Record<string, OpHandler>;
