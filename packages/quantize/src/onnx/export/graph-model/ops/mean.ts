// Mean over non-batch axes: over H, W of a rank-4 value it is a GlobalAveragePool (then Flatten
// unless keep_dims), otherwise a ReduceMean in TF.js order.
import type { OpHandler } from "../op-context.ts";
import { attrBool } from "../tfjs-graph-def.ts";

const mean: OpHandler = ({ node, g, tensor, constant, fail }) => {
  const v = tensor(0);
  const rank = v.shape.length + 1;
  const axes = [...constant(1).data].map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  if (axes.length === 0 || axes.some((a) => a <= 0 || a >= rank))
    throw fail(`mean over axes [${axes.join(", ")}] is not supported (the batch axis stays)`);
  const keep = attrBool(node, "keep_dims") ?? false;
  if (rank === 4 && axes.join() === "1,2") {
    // global average pooling
    const x = g.toNchw(v, node.name);
    const c = x.shape[2]!;
    const pooled = g.node("GlobalAveragePool", node.name, [x.name]);
    return {
      tensor: keep
        ? { name: pooled, shape: [1, 1, c], nchw: true }
        : { name: g.node("Flatten", `${node.name}/flatten`, [pooled], { axis: 1 }), shape: [c], nchw: false },
    };
  }
  const x = g.toNhwc(v, node.name);
  const shape = keep
    ? x.shape.map((d, i) => (axes.includes(i + 1) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i + 1));
  return {
    tensor: {
      name: g.node("ReduceMean", node.name, [x.name], { axes, keepdims: keep ? 1 : 0 }),
      shape,
      nchw: false,
    },
  };
};

export const MEAN_OPS = { Mean: mean } satisfies Record<string, OpHandler>;
