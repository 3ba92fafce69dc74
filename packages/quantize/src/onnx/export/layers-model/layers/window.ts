// The sliding window of a Keras conv or pooling layer over H, W: padding (same / valid) as ONNX pads,
// and the output's spatial size.
import { spatialOut, type Value } from "../../onnx-graph-builder.ts";
import { type LayerJson, unsupported } from "../layer-context.ts";

export function windowAttrs(
  layer: LayerJson,
  input: Value,
  kernel: [number, number],
  strides: [number, number],
  dilation: [number, number],
) {
  const padding = String(layer.config["padding"] ?? "valid");
  if (padding !== "same" && padding !== "valid") throw unsupported(layer, `padding "${padding}" is not supported`);
  if ((layer.config["data_format"] ?? "channels_last") !== "channels_last")
    throw unsupported(layer, "data_format channels_first is not supported");
  const [h, w] = input.shape as [number, number, number];
  const y = spatialOut(h, kernel[0], strides[0], dilation[0], padding === "same");
  const x = spatialOut(w, kernel[1], strides[1], dilation[1], padding === "same");
  return {
    out: [y.out, x.out] as const,
    attrs: { kernel_shape: kernel, strides, pads: [y.before, x.before, y.after, x.after] },
  };
}
