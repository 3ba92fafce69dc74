// The bias and activation a _FusedConv2D / _FusedMatMul / FusedDepthwiseConv2dNative carries in its
// fused_ops attribute (BiasAdd, then at most one activation).
import type { TfNode } from "../tfjs-graph-def.ts";
import { attrStrings } from "../tfjs-graph-def.ts";
import { ACTIVATIONS } from "./activation.ts";

/** bias and activation of a _Fused* op; zeros and linear for a plain op */
export function fusedArgs(
  node: TfNode,
  channels: number,
  arg: (i: number) => Float32Array,
  fail: (why: string) => Error,
): { bias: Float32Array; activation: string } {
  const ops = attrStrings(node, "fused_ops") ?? [];
  if (ops.length === 0) return { bias: new Float32Array(channels), activation: "linear" };
  if (ops[0] !== "BiasAdd" || ops.length > 2)
    throw fail(`fused ops [${ops.join(", ")}] are not supported (BiasAdd and one activation are)`);
  const activation = ops[1] === undefined ? "linear" : ACTIVATIONS[ops[1]];
  if (!activation) throw fail(`fused activation "${ops[1]}" is not supported`);
  const bias = arg(2);
  if (bias.length !== channels) throw fail(`bias has ${bias.length} values for ${channels} channels`);
  return { bias, activation };
}
