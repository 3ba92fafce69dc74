// The LayersModel exporter's layer table: one handler per Keras layer class (a family shares one),
// and the list of supported classes derived from it. A model with a class missing here is refused,
// naming the layer, before anything is built.
import type { LayerHandler } from "./layer-context.ts";
import { CONVOLUTION_LAYERS } from "./layers/convolution.ts";
import { CORE_LAYERS } from "./layers/core.ts";
import { MERGE_LAYERS } from "./layers/merge.ts";
import { NORMALIZATION_LAYERS } from "./layers/normalization.ts";
import { POOLING_LAYERS } from "./layers/pooling.ts";

// the order is the one the refusal message lists them in
const LAYER_HANDLERS = {
  ...CORE_LAYERS,
  ...CONVOLUTION_LAYERS,
  ...POOLING_LAYERS,
  ...NORMALIZATION_LAYERS,
  ...MERGE_LAYERS,
} satisfies Record<string, LayerHandler>;

/** layer classes the exporter turns into ONNX */
export const ONNX_SUPPORTED_LAYERS = Object.keys(LAYER_HANDLERS) as readonly (keyof typeof LAYER_HANDLERS)[];

const handlers = new Map<string, LayerHandler>(Object.entries(LAYER_HANDLERS));

/** the handler of a Keras layer class; undefined for a class the exporter does not support */
export function layerHandler(className: string): LayerHandler | undefined {
  return handlers.get(className);
}
