// BiasAdd / Add / AddV2 / Sub / Mul: of two tensors an ONNX elementwise node; of a tensor and a
// per-channel constant, folded into the Conv / Gemm before it when that one feeds nothing else;
// otherwise the constant broadcast against the tensor and put in its layout.
import type { OnnxGraphBuilder, Value } from "../../onnx-graph-builder.ts";
import { floats, type Const, type OpHandler } from "../op-context.ts";

type OnnxOp = "Add" | "Sub" | "Mul";

const elementwise =
  (op: OnnxOp): OpHandler =>
  ({ node, g, slot, foldable, fail }) => {
    const [p, q] = [slot(0), slot(1)];
    if ("tensor" in p && "tensor" in q) {
      const sum = g.elementwise(op, [p.tensor, q.tensor], node.name);
      if (!sum) throw fail(`shapes [${p.tensor.shape.join(", ")}] and [${q.tensor.shape.join(", ")}] do not broadcast`);
      return { tensor: sum };
    }
    if (!("tensor" in p)) {
      if (!("tensor" in q)) throw fail("both inputs are constants (fold them before export)");
      if (op === "Sub") throw fail("constant minus tensor is not supported");
    }
    const [t, c] =
      "tensor" in p ? [p.tensor, (q as { constant: Const }).constant] : [(q as { tensor: Value }).tensor, p.constant];
    const channels = t.shape.at(-1)!;
    const perChannel =
      c.shape.length <= t.shape.length + 1 && c.shape.slice(0, -1).every((d) => d === 1) && c.shape.at(-1) === channels;
    if (perChannel && "tensor" in p && foldable()) {
      const data = floats(c);
      const folded =
        op === "Mul"
          ? g.foldAffine(t, data, new Float32Array(channels))
          : g.foldAffine(t, undefined, op === "Sub" ? data.map((d) => -d) : data);
      if (folded) return { tensor: t };
    }
    const { name: cName, shape } = broadcastConstant(
      g,
      t,
      c,
      `${node.name}/${node.op === "BiasAdd" ? "bias" : "const"}`,
      fail,
    );
    const ins = "tensor" in p ? [t.name, cName] : [cName, t.name];
    return { tensor: { name: g.node(op, node.name, ins), shape, nchw: t.nchw } };
  };

/** a constant operand of an elementwise op, broadcast against `t` and put in `t`'s layout */
function broadcastConstant(
  g: OnnxGraphBuilder,
  t: Value,
  c: Const,
  base: string,
  fail: (why: string) => Error,
): { name: string; shape: number[] } {
  const rank = t.shape.length + 1;
  if (c.shape.length > rank)
    throw fail(`constant [${c.shape.join(", ")}] has a higher rank than the tensor [batch, ${t.shape.join(", ")}]`);
  const dims = [...new Array<number>(rank - c.shape.length).fill(1), ...c.shape];
  const full = [1, ...t.shape];
  if (dims[0] !== 1 || dims.some((d, i) => d !== 1 && d !== full[i]))
    throw fail(`constant [${c.shape.join(", ")}] does not broadcast against [batch, ${t.shape.join(", ")}]`);
  const shape = t.shape.map((d, i) => Math.max(d, dims[i + 1]!));
  const data = c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
  if (!t.nchw || data.length === 1)
    return { name: g.constant(base, data.length === 1 && c.shape.length === 0 ? [] : dims, data), shape };
  // NHWC [1, H, W, C] → NCHW [1, C, H, W]
  const [, h, w, ch] = dims as [number, number, number, number];
  const moved = new Float32Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let k = 0; k < ch; k++) moved[(k * h + y) * w + x] = data[(y * w + x) * ch + k]!;
  return { name: g.constant(base, [1, ch, h, w], moved), shape };
}

export const ELEMENTWISE_OPS = {
  BiasAdd: elementwise("Add"),
  Add: elementwise("Add"),
  AddV2: elementwise("Add"),
  Sub: elementwise("Sub"),
  Mul: elementwise("Mul"),
} satisfies Record<string, OpHandler>;
