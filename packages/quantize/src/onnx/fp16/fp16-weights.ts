// The fp16-weights ONNX variant: Conv / Gemm weights and biases stored as FLOAT16 with a Cast back
// to float, so the file is about half the size while ONNX Runtime folds the Casts at load and runs
// the graph in float32 as before.
import {
  DataType,
  float16Tensor,
  tensorFloats,
  type OnnxModelProto,
  type OnnxNodeProto,
  type OnnxTensorProto,
} from "../graph/onnx-proto.ts";

const WEIGHTED_OPS = new Set(["Conv", "Gemm", "MatMul"]);

export function toFp16Weights(fp32: OnnxModelProto): OnnxModelProto {
  const weightNames = new Set<string>();
  for (const node of fp32.graph.nodes) {
    if (!WEIGHTED_OPS.has(node.op) || node.domain) continue;
    for (const input of node.inputs.slice(1)) weightNames.add(input);
  }
  const casts: OnnxNodeProto[] = [];
  const initializers: OnnxTensorProto[] = fp32.graph.initializers.map((t) => {
    if (!weightNames.has(t.name) || t.dataType !== DataType.FLOAT) return t;
    // the half tensor gets a new name; the Cast re-creates the original one, so no consumer changes
    const half = `${t.name}/fp16`;
    casts.push({
      op: "Cast",
      name: `${t.name}/cast`,
      inputs: [half],
      outputs: [t.name],
      attributes: { to: DataType.FLOAT },
    });
    return float16Tensor(half, t.dims, tensorFloats(t));
  });
  return { ...fp32, graph: { ...fp32.graph, nodes: [...casts, ...fp32.graph.nodes], initializers } };
}
