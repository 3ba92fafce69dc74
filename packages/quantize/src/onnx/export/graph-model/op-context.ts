// What an op handler of the graph-model exporter gets: the node, the ONNX graph being built, and
// its inputs as computed tensors or constants (weights), each refusal naming the node.
import type { z } from "zod";
import type { QuantizeError } from "../../../errors.ts";
import type { OnnxGraphBuilder, Value } from "../onnx-graph-builder.ts";
import { attrString, type TfNode, type ZSignature } from "./tfjs-graph-def.ts";
import { dataInputs, failNode, type Ref } from "./tfjs-graph-walk.ts";

/** a constant (weight) of the graph */
export interface Const {
  data: Float32Array | Int32Array | Uint8Array;
  /** full shape (a constant has no batch dimension) */
  shape: number[];
}

/** a node's value: a tensor computed by the ONNX graph, or a constant still to be placed */
export type Slot = { tensor: Value } | { constant: Const };

export interface OpContext {
  node: TfNode;
  g: OnnxGraphBuilder;
  /** the node's data inputs */
  refs: Ref[];
  signature: z.infer<typeof ZSignature> | undefined;
  /** the value of data input `i` */
  slot(i: number): Slot;
  /** data input `i`, which must be computed */
  tensor(i: number): Value;
  /** data input `i`, which must be a constant */
  constant(i: number): Const;
  /** `v` as a rank-4 NCHW value (the node must be NHWC) */
  rank4(v: Value): Value;
  /** the first input may take a per-channel affine op into its weights (it feeds only this node) */
  foldable(): boolean;
  /** the weight stored under a Const node's name */
  weight(name: string): Const | undefined;
  /** whether a Placeholder already declared the graph input */
  inputDeclared(): boolean;
  /** declares the graph input `input` [batch, ...shape] */
  declareInput(shape: number[]): Value;
  fail(why: string): QuantizeError;
}

/** converts one GraphDef node into ONNX nodes and returns its value */
export type OpHandler = (ctx: OpContext) => Slot;

export const floats = (c: Const): Float32Array => (c.data instanceof Float32Array ? c.data : Float32Array.from(c.data));

export interface OpContextOptions {
  node: TfNode;
  g: OnnxGraphBuilder;
  /** values of the nodes converted so far */
  slots: Map<string, Slot>;
  signature: OpContext["signature"];
  weights: Map<string, Const>;
  /** the graph input, once a Placeholder declared it */
  input: { value?: Value };
  /** whether the value of node `name` feeds only one node (pass-through nodes looked through) */
  foldable(name: string): boolean;
}

export function createOpContext({ node, g, slots, signature, weights, input, foldable }: OpContextOptions): OpContext {
  const refs = dataInputs(node);
  const fail = (why: string) => failNode(node, why);
  const slot = (i: number): Slot => {
    const ref = refs[i];
    if (!ref) throw fail(`input ${i} is missing`);
    if (ref.index !== 0)
      throw fail(`it uses output ${ref.index} of "${ref.node}" (only the first output of a node is supported)`);
    return slots.get(ref.node)!;
  };
  return {
    node,
    g,
    refs,
    signature,
    slot,
    tensor: (i) => {
      const s = slot(i);
      if ("tensor" in s) return s.tensor;
      throw fail(`input ${i} ("${refs[i]!.node}") is a constant where a computed tensor is expected`);
    },
    constant: (i) => {
      const s = slot(i);
      if ("constant" in s) return s.constant;
      throw fail(`input ${i} ("${refs[i]!.node}") is computed where a constant (weight) is expected`);
    },
    rank4: (v) => {
      if (v.shape.length !== 3) throw fail(`expects a rank-4 input, got rank ${v.shape.length + 1}`);
      if ((attrString(node, "data_format") ?? "NHWC") !== "NHWC") throw fail("only data_format NHWC is supported");
      return g.toNchw(v, node.name);
    },
    foldable: () => foldable(refs[0]!.node),
    weight: (name) => weights.get(name),
    inputDeclared: () => input.value !== undefined,
    declareInput: (shape) => {
      input.value = g.input(shape);
      return input.value;
    },
    fail,
  };
}
