// MatMul / _FusedMatMul of a [batch, k] tensor by a constant → one ONNX Gemm with its weights kept
// [in, out] like a Dense kernel, the fused bias and activation; marked linear for folding.
import { floats, type OpHandler } from "../op-context.ts";
import { attrBool, attrFloat } from "../tfjs-graph-def.ts";
import { fusedArgs } from "./fused-ops.ts";

const matmul: OpHandler = ({ node, g, tensor, constant, fail }) => {
  const a = tensor(0);
  const b = constant(1);
  if (a.shape.length !== 1 || b.shape.length !== 2)
    throw fail(
      `only [batch, k] × constant [k, n] is supported, got [batch, ${a.shape.join(", ")}] × [${b.shape.join(", ")}]`,
    );
  if (attrBool(node, "transpose_a")) throw fail("transpose_a is not supported");
  const transposeB = attrBool(node, "transpose_b") ?? false;
  const [k, n] = (transposeB ? [b.shape[1], b.shape[0]] : b.shape) as [number, number];
  if (k !== a.shape[0]) throw fail(`a [batch, ${a.shape[0]}] does not fit b with ${k} rows`);
  const data = floats(b);
  // Gemm weights are kept [in, out] like a Dense kernel
  const w = transposeB ? Float32Array.from({ length: k * n }, (_, i) => data[(i % n) * k + Math.floor(i / n)]!) : data;
  const { bias, activation } = fusedArgs(node, n, (i) => floats(constant(i)), fail);
  const kernel = g.constant(`${node.name}/kernel`, [k, n], w);
  const bName = g.constant(`${node.name}/bias`, [n], bias);
  const y = g.node("Gemm", node.name, [a.name, kernel, bName]);
  g.markLinear(y, kernel, bName, "gemm", n);
  return {
    tensor: g.activation(
      { name: y, shape: [n], nchw: false },
      activation,
      node.name,
      fail,
      attrFloat(node, "leakyrelu_alpha") ?? 0.2,
    ),
  };
};

export const MATMUL_OPS = {
  MatMul: matmul,
  _FusedMatMul: matmul,
} satisfies Record<string, OpHandler>;
