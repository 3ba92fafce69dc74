// Walking a TF GraphDef: data inputs of a node (control dependencies and output indices parsed
// away), the model's single output, and the nodes it depends on in dependency order.
import type { z } from "zod";
import { QuantizeError } from "../../../errors.ts";
import type { TfNode, ZSignature } from "./tfjs-graph-def.ts";

export interface Ref {
  node: string;
  index: number;
}

export function parseRef(input: string): Ref | undefined {
  if (input.startsWith("^")) return undefined; // control dependency: no data flows
  const m = /^(.*?)(?::(\d+))?$/.exec(input)!;
  return { node: m[1]!, index: Number(m[2] ?? 0) };
}

export const dataInputs = (node: TfNode): Ref[] =>
  (node.input ?? []).map(parseRef).filter((r): r is Ref => r !== undefined);

export const failNode = (node: TfNode, why: string) =>
  new QuantizeError(
    "MODEL_UNSUPPORTED",
    `node "${node.name}" (${node.op}): ${why}; the ONNX engine cannot run this model`,
    node.name,
  );

/** the single output the model computes: from the signature, else the one node nothing consumes */
export function outputRef(nodes: TfNode[], signature: z.infer<typeof ZSignature> | undefined): Ref {
  const named = Object.values(signature?.outputs ?? {});
  if (named.length > 1)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: graph models with ${named.length} outputs are not supported (one output expected)`,
    );
  if (named.length === 1) return parseRef(named[0]!.name)!;
  const consumed = new Set(nodes.flatMap((n) => dataInputs(n).map((r) => r.node)));
  const sinks = nodes.filter((n) => !consumed.has(n.name) && !["Const", "NoOp", "Placeholder"].includes(n.op));
  if (sinks.length !== 1) {
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: graph models with ${sinks.length} outputs are not supported (one output expected: ${sinks.map((n) => n.name).join(", ")})`,
    );
  }
  return { node: sinks[0]!.name, index: 0 };
}

/** the nodes `root` depends on, each after its inputs */
export function dependencyOrder(root: TfNode, byName: Map<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: [TfNode, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [node, finished] = stack.pop()!;
    if (finished) {
      state.set(node.name, "done");
      order.push(node);
      continue;
    }
    if (state.has(node.name)) continue;
    state.set(node.name, "open");
    stack.push([node, true]);
    for (const ref of dataInputs(node).reverse()) {
      const dep = byName.get(ref.node);
      if (!dep) throw failNode(node, `its input "${ref.node}" is not a node of the graph`);
      if (state.get(dep.name) === "open") throw failNode(node, "the graph has a cycle (control flow is not supported)");
      if (!state.has(dep.name)) stack.push([dep, false]);
    }
  }
  return order;
}
