// fp32 ONNX export of a TF.js GraphModel (model.json with modelTopology.node = TF GraphDef nodes).
// Same contract and layout rule as the LayersModel exporter: one input `input`, one output `output`
// in TF.js element order, rank-4 values NCHW inside. Only nodes the output depends on are converted,
// in dependency order, each by its op's handler (op-handlers.ts); a BiasAdd / per-channel Add, Sub,
// Mul or FusedBatchNorm right after a Conv or MatMul that feeds nothing else is folded into its weights.
import type { ModelFiles } from "@fleet/runtime";
import { QuantizeError } from "../../../errors.ts";
import type { OnnxModelProto } from "../../graph/onnx-proto.ts";
import { OnnxGraphBuilder } from "../onnx-graph-builder.ts";
import { createOpContext, type Const, type OpContextOptions, type Slot } from "./op-context.ts";
import { ONNX_SUPPORTED_GRAPH_OPS, opHandler } from "./op-handlers.ts";
import { passThrough } from "./ops/sources.ts";
import { type TfNode, ZGraphDef, ZSignature } from "./tfjs-graph-def.ts";
import { dataInputs, dependencyOrder, outputRef } from "./tfjs-graph-walk.ts";

/** Identity, StopGradient: their uses count as uses of their input */
const isPassThrough = (node: TfNode) => opHandler(node.op) === passThrough;

export function exportGraphModel(files: ModelFiles): OnnxModelProto {
  const parsed = ZGraphDef.safeParse(files.modelJson.modelTopology);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: modelTopology.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"} (not a TF GraphDef?)`,
    );
  }
  const nodes = parsed.data.node;
  const signature = ZSignature.safeParse(files.modelJson["signature"]).data;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out = outputRef(nodes, signature);
  const root = byName.get(out.node);
  if (!root)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: the output "${out.node}" is not a node of the graph`,
      out.node,
    );
  const order = dependencyOrder(root, byName);

  // uses of each node's value: passthrough nodes count by their own uses, the graph output counts once
  const direct = new Map<string, TfNode[]>();
  for (const n of order) for (const r of dataInputs(n)) direct.set(r.node, [...(direct.get(r.node) ?? []), n]);
  const uses = (name: string): number =>
    (name === root.name ? 1 : 0) +
    (direct.get(name) ?? []).reduce((sum, n) => sum + (isPassThrough(n) ? uses(n.name) : 1), 0);
  const source = (name: string): string => {
    const n = byName.get(name)!;
    return isPassThrough(n) ? source(dataInputs(n)[0]!.node) : name;
  };

  const weights = new Map<string, Const>(
    files.weights.map((w) => [w.entry.name, { data: w.values, shape: w.entry.shape }]),
  );
  const g = new OnnxGraphBuilder();
  const slots = new Map<string, Slot>();
  const input: OpContextOptions["input"] = {};

  for (const node of order) {
    g.current = node.name;
    const handler = opHandler(node.op);
    if (!handler) {
      throw new QuantizeError(
        "MODEL_UNSUPPORTED",
        `node "${node.name}" uses op "${node.op}", which the ONNX exporter does not support (supported: ${ONNX_SUPPORTED_GRAPH_OPS.join(", ")}); the ONNX engine cannot run this model`,
        node.name,
      );
    }
    const ctx = createOpContext({
      node,
      g,
      slots,
      signature,
      weights,
      input,
      foldable: (name) => uses(source(name)) === 1,
    });
    slots.set(node.name, handler(ctx));
  }

  const final = slots.get(root.name);
  if (!final || !("tensor" in final) || !input.value)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      "model.json: the graph has no input or no computed output the exporter can find",
      root.name,
    );
  if (out.index !== 0)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: the output uses output ${out.index} of "${out.node}" (only the first is supported)`,
      out.node,
    );
  return g.finish(final.tensor);
}
