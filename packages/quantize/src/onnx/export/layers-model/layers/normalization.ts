// BatchNormalization at inference: folded into the linear conv / dense layer before it when that
// one feeds only this layer, otherwise a per-channel Mul + Add over the last axis.
import type { LayerContext, LayerHandler } from "../layer-context.ts";

/** y = x * scale + shift per channel, from gamma, beta, the moving statistics and epsilon */
function batchNormAffine(
  { cfg, weight }: LayerContext,
  channels: number,
): { scale: Float32Array; shift: Float32Array } {
  const eps = Number(cfg["epsilon"] ?? 1e-3);
  const gamma = cfg["scale"] === false ? undefined : weight("gamma");
  const beta = cfg["center"] === false ? undefined : weight("beta");
  const mean = weight("moving_mean");
  const variance = weight("moving_variance");
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (gamma?.[c] ?? 1) / Math.sqrt(variance[c]! + eps);
    shift[c] = (beta?.[c] ?? 0) - mean[c]! * scale[c]!;
  }
  return { scale, shift };
}

const batchNormalization: LayerHandler = {
  inputs: "one",
  convert: (ctx) => {
    const { name, cfg, g, input, foldsIntoPrevious, fail } = ctx;
    const c = input.shape.at(-1)!;
    const { scale, shift } = batchNormAffine(ctx, c);
    if (foldsIntoPrevious && g.foldAffine(input, scale, shift)) return input; // now inside the previous layer's weights
    const axis = cfg["axis"];
    if (
      !(
        axis === -1 ||
        axis === undefined ||
        axis === input.shape.length ||
        (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === input.shape.length))
      )
    ) {
      throw fail(`normalisation over axis ${JSON.stringify(axis)} is not supported`);
    }
    const v = input.shape.length === 3 ? g.toNchw(input, name) : input;
    const dims = v.nchw ? [c, 1, 1] : [c];
    const scaled = g.node("Mul", `${name}/scale`, [v.name, g.constant(`${name}/scale`, dims, scale)]);
    return { ...v, name: g.node("Add", name, [scaled, g.constant(`${name}/shift`, dims, shift)]) };
  },
};

export const NORMALIZATION_LAYERS = {
  BatchNormalization: batchNormalization,
} satisfies Record<string, LayerHandler>;
