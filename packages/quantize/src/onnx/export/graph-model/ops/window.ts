// The sliding window of a conv or pool over H, W: strides, dilations and padding (SAME / VALID /
// EXPLICIT) as ONNX attributes, and the output's spatial size.
import { spatialOut, type Value } from "../../onnx-graph-builder.ts";
import { attrInts, attrString, type TfNode } from "../tfjs-graph-def.ts";

export function window(node: TfNode, v: Value, kernel: [number, number], fail: (why: string) => Error) {
  const strides = attrInts(node, "strides") ?? [1, 1, 1, 1];
  const dilations = attrInts(node, "dilations") ?? [1, 1, 1, 1];
  if (strides.length !== 4 || dilations.length !== 4 || strides[0] !== 1 || strides[3] !== 1)
    throw fail("strides / dilations must be [1, h, w, 1]");
  const padding = attrString(node, "padding") ?? "VALID";
  const [h, w] = v.shape as [number, number];
  const s: [number, number] = [strides[1]!, strides[2]!];
  const d: [number, number] = [dilations[1]!, dilations[2]!];
  if (padding === "EXPLICIT") {
    const p = attrInts(node, "explicit_paddings") ?? [];
    if (p.length !== 8) throw fail("explicit_paddings must hold 8 values");
    const out = (size: number, k: number, i: number) =>
      Math.floor((size + p[2 * i + 2]! + p[2 * i + 3]! - (k - 1) * d[i]! - 1) / s[i]!) + 1;
    return {
      spatial: [out(h, kernel[0], 0), out(w, kernel[1], 1)] as const,
      attrs: { kernel_shape: kernel, strides: s, dilations: d, pads: [p[2]!, p[4]!, p[3]!, p[5]!] },
    };
  }
  if (padding !== "SAME" && padding !== "VALID") throw fail(`padding "${padding}" is not supported`);
  const y = spatialOut(h, kernel[0], s[0], d[0], padding === "SAME");
  const x = spatialOut(w, kernel[1], s[1], d[1], padding === "SAME");
  return {
    spatial: [y.out, x.out] as const,
    attrs: { kernel_shape: kernel, strides: s, dilations: d, pads: [y.before, x.before, y.after, x.after] },
  };
}
