// MaxPool / AvgPool over H, W → ONNX MaxPool / AveragePool on the NCHW value.
import type { OpHandler } from "../op-context.ts";
import { attrInts } from "../tfjs-graph-def.ts";
import { window } from "./window.ts";

const pool =
  (onnxOp: "MaxPool" | "AveragePool"): OpHandler =>
  ({ node, g, tensor, rank4, fail }) => {
    const v = rank4(tensor(0));
    const ksize = attrInts(node, "ksize") ?? [];
    if (ksize.length !== 4 || ksize[0] !== 1 || ksize[3] !== 1)
      throw fail(`ksize [${ksize.join(", ")}] is not supported (pooling over H, W only)`);
    const { spatial, attrs } = window(node, v, [ksize[1]!, ksize[2]!], fail);
    if (attrs.dilations.some((d) => d !== 1)) throw fail("dilated pooling is not supported");
    const { dilations: _none, ...poolAttrs } = attrs;
    return {
      tensor: {
        name: g.node(onnxOp, node.name, [v.name], poolAttrs),
        shape: [spatial[0], spatial[1], v.shape[2]!],
        nchw: true,
      },
    };
  };

export const POOLING_OPS = {
  MaxPool: pool("MaxPool"),
  AvgPool: pool("AveragePool"),
} satisfies Record<string, OpHandler>;
