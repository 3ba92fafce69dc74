// FusedBatchNorm (V1-V3) in inference mode: folded into the Conv / Gemm before it when that one
// feeds nothing else, otherwise a per-channel Mul + Add.
import { floats, type OpHandler } from "../op-context.ts";
import { attrBool, attrFloat, attrString } from "../tfjs-graph-def.ts";

const batchNorm: OpHandler = ({ node, g, tensor, constant, foldable, fail }) => {
  const v = tensor(0);
  if (attrBool(node, "is_training")) throw fail("batch normalisation in training mode is not supported");
  if ((attrString(node, "data_format") ?? "NHWC") !== "NHWC") throw fail("only data_format NHWC is supported");
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => floats(constant(i)));
  const eps = attrFloat(node, "epsilon") ?? 1e-3;
  const c = v.shape.at(-1)!;
  if ([gamma, beta, mean, variance].some((p) => p!.length !== c)) throw fail(`parameters do not have ${c} channels`);
  const scale = Float32Array.from(gamma!, (s, i) => s / Math.sqrt(variance![i]! + eps));
  const shift = Float32Array.from(beta!, (b, i) => b - mean![i]! * scale[i]!);
  if (foldable() && g.foldAffine(v, scale, shift)) return { tensor: v };
  const x = v.shape.length === 3 ? g.toNchw(v, node.name) : v;
  const dims = x.nchw ? [c, 1, 1] : [c];
  const scaled = g.node("Mul", `${node.name}/scale`, [x.name, g.constant(`${node.name}/scale`, dims, scale)]);
  return { tensor: { ...x, name: g.node("Add", node.name, [scaled, g.constant(`${node.name}/shift`, dims, shift)]) } };
};

export const BATCH_NORM_OPS = {
  FusedBatchNorm: batchNorm,
  FusedBatchNormV2: batchNorm,
  FusedBatchNormV3: batchNorm,
} satisfies Record<string, OpHandler>;
