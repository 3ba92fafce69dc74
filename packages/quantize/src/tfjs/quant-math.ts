// The arithmetic of quantization: float16 rounding, TF.js-style affine uint8, symmetric int8/int4
// per channel or per group, and the error measures (SQNR, cosine) the report is made of.
import { channelLayout, roundToFloat16, scaleIndex } from "@fleet/runtime";

export interface SymmetricResult {
  /** integer levels in [-qmax, qmax] */
  levels: Int8Array;
  scales: Float32Array;
  dequantized: Float32Array;
}

export interface SymmetricOptions {
  bits: 4 | 8;
  /** trailing axes forming the output channels */
  channelAxes: number;
  /** elements per scale along the reduction axis; 0 = one scale per channel */
  groupSize: number;
  /** round scales to float16 (what the int4 format stores) */
  float16Scales: boolean;
  /** search a clipping range that minimises the squared error instead of using max |w| */
  searchClip: boolean;
}

const CLIP_RATIOS = [1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5];

export function quantizeSymmetric(
  values: Float32Array,
  shape: readonly number[],
  options: SymmetricOptions,
): SymmetricResult {
  const qmax = options.bits === 8 ? 127 : 7;
  const { rows, channels } = channelLayout(shape, options.channelAxes);
  const group = options.groupSize > 0 ? options.groupSize : rows;
  const groupsPerChannel = Math.max(1, Math.ceil(rows / group));
  const scales = new Float32Array(channels * groupsPerChannel);
  const levels = new Int8Array(values.length);
  const dequantized = new Float32Array(values.length);
  const members: number[] = [];
  for (let c = 0; c < channels; c++) {
    for (let g = 0; g < groupsPerChannel; g++) {
      members.length = 0;
      for (let r = g * group; r < Math.min(rows, (g + 1) * group); r++) members.push(r * channels + c);
      let maxAbs = 0;
      for (const i of members) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
      const candidates = options.searchClip ? CLIP_RATIOS : [1];
      let best = { scale: 0, error: Number.POSITIVE_INFINITY };
      for (const ratio of candidates) {
        let scale = maxAbs === 0 ? 1 : (maxAbs * ratio) / qmax;
        if (options.float16Scales) scale = roundToFloat16(scale) || 2 ** -24;
        let error = 0;
        for (const i of members) {
          const q = Math.max(-qmax, Math.min(qmax, Math.round(values[i]! / scale)));
          error += (q * scale - values[i]!) ** 2;
        }
        if (error < best.error) best = { scale, error };
      }
      const scaleAt = c * groupsPerChannel + g;
      scales[scaleAt] = best.scale;
      for (const i of members) {
        const q = Math.max(-qmax, Math.min(qmax, Math.round(values[i]! / best.scale)));
        levels[i] = q;
        dequantized[i] = q * best.scale;
      }
      if (scaleIndex(members[0] ?? 0, rows, channels, options.groupSize) !== scaleAt && members.length > 0) {
        throw new Error("internal: scale layout disagrees with the runtime decoder");
      }
    }
  }
  return { levels, scales, dequantized };
}

export interface AffineResult {
  bytes: Uint8Array;
  scale: number;
  min: number;
  dequantized: Float32Array;
}

/** Per-tensor affine uint8 exactly as the TF.js converter does it: range forced to hold 0, min nudged so 0 is exact. */
export function quantizeAffineUint8(values: Float32Array): AffineResult {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = hi === lo ? 1 : (hi - lo) / 255;
  const zeroPoint = Math.round(-lo / scale);
  const min = -zeroPoint * scale;
  const bytes = new Uint8Array(values.length);
  const dequantized = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.max(0, Math.min(255, Math.round((values[i]! - min) / scale)));
    bytes[i] = q;
    dequantized[i] = Math.fround(Math.fround(q * scale) + min);
  }
  return { bytes, scale, min, dequantized };
}

export function roundFloat16Array(values: Float32Array): Float32Array {
  return values.map(roundToFloat16);
}

/** signal-to-quantization-noise ratio in dB (Infinity when exact) */
export function sqnrDb(reference: ArrayLike<number>, approx: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i]! ** 2;
    noise += (reference[i]! - approx[i]!) ** 2;
  }
  if (noise === 0) return Number.POSITIVE_INFINITY;
  if (signal === 0) return Number.NEGATIVE_INFINITY;
  return 10 * Math.log10(signal / noise);
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** uint8 affine parameters of an activation range (range widened to hold 0, as integer kernels need) */
export function activationQuantParams(
  min: number,
  max: number,
): { scale: number; zeroPoint: number; min: number; max: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = hi === lo ? 1 : (hi - lo) / 255;
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-lo / scale)));
  return { scale, zeroPoint, min: lo, max: hi };
}

/** the parts one after another in one array */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
