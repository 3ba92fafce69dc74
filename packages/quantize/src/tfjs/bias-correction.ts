// Bias correction (Nagel et al., 2019): quantizing W shifts a layer's expected output by
// ΔW·E[x]. Subtracting that shift from the bias, with E[x] measured on the representative data,
// removes the systematic part of the error, which is what hurts small layers most.
import { channelLayout } from "@fleet/runtime";

/** mean of each input channel (last axis) of a layer input captured as [N, ..., C] */
export function channelMeans(input: Float32Array, channels: number): Float64Array {
  const sums = new Float64Array(channels);
  for (let i = 0; i < input.length; i++) sums[i % channels]! += input[i]!;
  const per = input.length / channels;
  return sums.map((s) => s / per);
}

/**
 * Corrected bias for a kernel with trailing `channelAxes` output-channel axes. The kernel's input
 * channel is axis `shape.length - channelAxes - 1` for conv/dense ([..., in, out]) and the first
 * channel axis for depthwise ([kh, kw, in, mult]).
 */
export function correctBias(
  bias: Float32Array,
  kernel: Float32Array,
  quantized: Float32Array,
  shape: readonly number[],
  channelAxes: number,
  inputMeans: Float64Array,
): Float32Array {
  const { channels } = channelLayout(shape, channelAxes);
  const inChannels = channelAxes === 2 ? shape[shape.length - 2]! : shape[shape.length - 2]!;
  const multiplier = channelAxes === 2 ? shape[shape.length - 1]! : 1;
  const shift = new Float64Array(channels);
  for (let i = 0; i < kernel.length; i++) {
    const channel = i % channels;
    const inChannel = channelAxes === 2 ? Math.floor(channel / multiplier) : Math.floor(i / channels) % inChannels;
    shift[channel]! += (quantized[i]! - kernel[i]!) * (inputMeans[inChannel] ?? 0);
  }
  return bias.map((b, c) => b - shift[c]!);
}
