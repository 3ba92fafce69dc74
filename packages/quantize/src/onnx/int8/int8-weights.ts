// Weights and biases of the integer kernels: int8 symmetric per output channel (zero point 0) and
// int32 biases on the accumulator's scale (s_x * s_w[c]), as QLinearConv / QGemm expect them.

export interface ChannelQuantized {
  levels: Int8Array;
  /** one scale per output channel */
  scales: Float32Array;
  /** levels * scale, for the error report */
  dequantized: Float32Array;
}

/**
 * Weight levels ±63 (7 bits in an int8, "reduce range"): x64 CPUs without VNNI multiply uint8 × int8
 * with vpmaddubsw, which adds two products into an int16 and saturates once 255·|w|·2 > 32767; with
 * |w| ≤ 63 it cannot, so the same graph gives the same answers on every x64 CPU and on arm64.
 */
export const WEIGHT_LEVELS = 63;

/**
 * Symmetric int8 per channel. `channelOf(i)` maps a flat element index to its output channel, so
 * both layouts work: Conv [out, in/group, kh, kw] and Gemm B [in, out] (or [out, in] with transB).
 */
export function quantizeChannels(
  values: Float32Array,
  channels: number,
  channelOf: (i: number) => number,
  levels = WEIGHT_LEVELS,
): ChannelQuantized {
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(values[i]!));
  }
  // an all-zero channel still needs a positive scale; its levels are all 0 anyway
  const scales = maxAbs.map((m) => (m === 0 ? 1 : m / levels));
  const quantized = new Int8Array(values.length);
  const dequantized = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = scales[channelOf(i)]!;
    const q = Math.max(-levels, Math.min(levels, Math.round(values[i]! / s)));
    quantized[i] = q;
    dequantized[i] = q * s;
  }
  return { levels: quantized, scales, dequantized };
}

const INT32_MAX = 2 ** 31 - 1;

/** bias in int32 on the scale of the accumulator: round(b / (s_x * s_w[c])), zero point 0 */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: Float32Array,
): { levels: Int32Array; dequantized: Float32Array } {
  const levels = new Int32Array(bias.length);
  const dequantized = new Float32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    const s = inputScale * weightScales[c]!;
    const q = Math.max(-INT32_MAX, Math.min(INT32_MAX, Math.round(bias[c]! / s)));
    levels[c] = q;
    dequantized[c] = q * s;
  }
  return { levels, dequantized };
}
