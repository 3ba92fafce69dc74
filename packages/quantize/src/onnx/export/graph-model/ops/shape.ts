// Ops that move elements without computing: Reshape and Squeeze (in TF.js element order, so
// flattened vectors match TF.js) and ConcatV2 (inputs brought to one layout by the builder).
import { product } from "../../onnx-graph-builder.ts";
import type { OpHandler } from "../op-context.ts";
import { attrInts } from "../tfjs-graph-def.ts";

const reshape: OpHandler = ({ node, g, tensor, constant, fail }) => {
  const v = tensor(0);
  const target = [...constant(1).data].slice(1); // the first entry is the batch (-1 or fixed)
  const total = product(v.shape);
  const known = product(target.filter((d) => d !== -1));
  const shape = target.map((d) => (d === -1 ? total / known : d));
  if (product(shape) !== total || target.filter((d) => d === -1).length > 1)
    throw fail(`cannot reshape [batch, ${v.shape.join(", ")}] to [batch, ${target.join(", ")}]`);
  const x = g.toNhwc(v, node.name);
  const y = { name: g.node("Reshape", node.name, [x.name, g.int64("shape", [0, ...shape])]), shape, nchw: false };
  return { tensor: g.toNchw(y, node.name) };
};

const squeeze: OpHandler = ({ node, g, tensor, fail }) => {
  const v = tensor(0);
  const rank = v.shape.length + 1;
  const listed = (attrInts(node, "squeeze_dims") ?? attrInts(node, "axis") ?? []).map((a) => (a < 0 ? a + rank : a));
  const axes = listed.length > 0 ? listed : v.shape.flatMap((d, i) => (d === 1 ? [i + 1] : []));
  if (axes.some((a) => a <= 0 || a >= rank || v.shape[a - 1] !== 1))
    throw fail(`cannot squeeze axes [${listed.join(", ")}] of [batch, ${v.shape.join(", ")}]`);
  const shape = v.shape.filter((_, i) => !axes.includes(i + 1));
  if (v.nchw && [...axes].sort((a, b) => a - b).join() === "1,2") {
    // [N, C, 1, 1] → [N, C] needs no transpose
    return { tensor: { name: g.node("Flatten", node.name, [v.name], { axis: 1 }), shape, nchw: false } };
  }
  const x = g.toNhwc(v, node.name);
  return { tensor: { name: g.node("Squeeze", node.name, [x.name, g.int64("axes", axes)]), shape, nchw: false } };
};

const concat: OpHandler = ({ node, g, refs, tensor, constant, fail }) => {
  const parts = refs.slice(0, -1).map((_, i) => tensor(i));
  const axis = constant(refs.length - 1).data[0]!;
  const joined = g.concat(parts, axis, node.name);
  if (!joined)
    throw fail(`cannot concatenate shapes ${parts.map((v) => `[${v.shape.join(", ")}]`).join(", ")} on axis ${axis}`);
  return { tensor: joined };
};

export const SHAPE_OPS = {
  Reshape: reshape,
  Squeeze: squeeze,
  ConcatV2: concat,
} satisfies Record<string, OpHandler>;
