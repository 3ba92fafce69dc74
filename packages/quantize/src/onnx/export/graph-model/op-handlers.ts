// The graph-model exporter's op table: one handler per TF op (a family shares one), and the list of
// supported ops derived from it. An op missing here is refused by name before anything is built.
import type { OpHandler } from "./op-context.ts";
import { ACTIVATION_OPS } from "./ops/activation.ts";
import { BATCH_NORM_OPS } from "./ops/batch-norm.ts";
import { CONVOLUTION_OPS } from "./ops/convolution.ts";
import { ELEMENTWISE_OPS } from "./ops/elementwise.ts";
import { MATMUL_OPS } from "./ops/matmul.ts";
import { MEAN_OPS } from "./ops/mean.ts";
import { POOLING_OPS } from "./ops/pooling.ts";
import { SHAPE_OPS } from "./ops/shape.ts";
import { SOURCE_OPS } from "./ops/sources.ts";

// the order is the one the refusal message lists them in
const GRAPH_OP_HANDLERS = {
  ...SOURCE_OPS,
  ...CONVOLUTION_OPS,
  ...MATMUL_OPS,
  ...ELEMENTWISE_OPS,
  ...ACTIVATION_OPS,
  ...POOLING_OPS,
  ...MEAN_OPS,
  ...SHAPE_OPS,
  ...BATCH_NORM_OPS,
} satisfies Record<string, OpHandler>;

/** GraphDef ops the exporter turns into ONNX */
export const ONNX_SUPPORTED_GRAPH_OPS = Object.keys(GRAPH_OP_HANDLERS) as readonly (keyof typeof GRAPH_OP_HANDLERS)[];

const handlers = new Map<string, OpHandler>(Object.entries(GRAPH_OP_HANDLERS));

/** the handler of a TF op; undefined for an op the exporter does not support */
export function opHandler(op: string): OpHandler | undefined {
  return handlers.get(op);
}
