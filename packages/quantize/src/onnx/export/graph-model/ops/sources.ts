// Where values come from: the graph input (Placeholder), weights (Const), and the nodes that pass
// their input on unchanged (Identity, StopGradient).
import { QuantizeError } from "../../../../errors.ts";
import type { OpHandler } from "../op-context.ts";
import { attrType, placeholderShape } from "../tfjs-graph-def.ts";

const placeholder: OpHandler = ({ node, g, signature, inputDeclared, declareInput, fail }) => {
  if (inputDeclared()) throw fail("models with more than one input are not supported");
  if (!["DT_FLOAT", "1", undefined].includes(attrType(node, "dtype"))) throw fail("only a float32 input is supported");
  const shape = placeholderShape(node, signature);
  if (!shape || shape.some((d) => !(d > 0)))
    throw fail(`input shape [${shape?.join(", ") ?? "?"}] has an unknown dimension besides the batch`);
  return { tensor: g.toNchw(declareInput(shape), "input") };
};

const constant: OpHandler = ({ node, weight }) => {
  const w = weight(node.name);
  if (!w)
    throw new QuantizeError(
      "WEIGHT_INVALID",
      `node "${node.name}": constant is missing from the weights manifest`,
      node.name,
    );
  return { constant: w };
};

/** no ONNX node: the value of the input is the value of the node (and counts its uses as its own) */
export const passThrough: OpHandler = ({ slot }) => slot(0);

export const SOURCE_OPS = {
  Placeholder: placeholder,
  Const: constant,
  Identity: passThrough,
  StopGradient: passThrough,
} satisfies Record<string, OpHandler>;
