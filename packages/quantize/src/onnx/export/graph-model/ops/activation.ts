// Activation ops (Relu, Relu6, Elu, LeakyRelu, Sigmoid, Tanh) through the builder's activations,
// and Softmax over the channel axis of the value's layout.
import type { OpHandler } from "../op-context.ts";
import { attrFloat } from "../tfjs-graph-def.ts";

/** TF activation ops (also as fused_ops) → the builder's activation names */
export const ACTIVATIONS: Record<string, string> = {
  Relu: "relu",
  Relu6: "relu6",
  Elu: "elu",
  LeakyRelu: "leakyrelu",
  Sigmoid: "sigmoid",
  Tanh: "tanh",
};

const activation: OpHandler = ({ node, g, tensor, fail }) => ({
  tensor: g.activation(tensor(0), ACTIVATIONS[node.op], node.name, fail, attrFloat(node, "alpha") ?? 0.2),
});

const softmax: OpHandler = ({ node, g, tensor }) => {
  const v = tensor(0);
  return { tensor: { ...v, name: g.node("Softmax", node.name, [v.name], { axis: v.nchw ? 1 : -1 }) } };
};

export const ACTIVATION_OPS = {
  Relu: activation,
  Relu6: activation,
  Elu: activation,
  LeakyRelu: activation,
  Sigmoid: activation,
  Tanh: activation,
  Softmax: softmax,
} satisfies Record<string, OpHandler>;
