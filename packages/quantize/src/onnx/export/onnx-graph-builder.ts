// The ONNX graph builder shared by the LayersModel and GraphModel exporters: fresh value names, constants,
// the NHWC <-> NCHW transposes, activations, n-ary Add / Concat with layout agreement, folding of
// per-channel affine ops into a preceding linear Conv / Gemm, and the `output` tail.
import {
  DataType,
  floatTensor,
  int64Tensor,
  type OnnxAttributeValue,
  type OnnxGraphProto,
  type OnnxModelProto,
  type OnnxNodeProto,
} from "../graph/onnx-proto.ts";

export const ONNX_OPSET = 17;
const IR_VERSION = 8;

/** a value of the graph: its ONNX name, its TF.js shape without the batch dimension, its layout */
export interface Value {
  name: string;
  shape: number[];
  /** rank-4 values are kept NCHW inside the graph; the shape above stays NHWC */
  nchw: boolean;
}

/** where a Conv / Gemm keeps its weights, so a following per-channel affine op can be folded in */
interface Linear {
  kernel: string;
  bias: string;
  /** Conv kernels are [out, ...]; Gemm kernels are [in, out] */
  kind: "conv" | "gemm";
  channels: number;
}

export const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** NHWC axis (with the batch) → the axis of `v` in its own layout */
export function layoutAxis(v: Value, axis: number): number {
  return v.nchw ? [0, 2, 3, 1][axis]! : axis;
}

/** numpy broadcasting of two shapes of the same rank */
function broadcast(a: number[], b: number[]): number[] | undefined {
  if (a.length !== b.length) return undefined;
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && a[i] !== 1 && b[i] !== 1) return undefined;
    out.push(Math.max(a[i]!, b[i]!));
  }
  return out;
}

export function spatialOut(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  same: boolean,
): { out: number; before: number; after: number } {
  if (same) {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  return { out: Math.floor((size - (kernel - 1) * dilation - 1) / stride) + 1, before: 0, after: 0 };
}

/** TF [kh, kw, in, out] (depthwise: [kh, kw, in, mult]) → ONNX [out, in / group, kh, kw] */
export function onnxConvKernel(
  kernel: Float32Array,
  kh: number,
  kw: number,
  inC: number,
  perIn: number,
  depthwise: boolean,
): Float32Array {
  const w = new Float32Array(kernel.length);
  const perOut = depthwise ? 1 : inC;
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < inC; i++)
        for (let o = 0; o < perIn; o++) {
          const oc = depthwise ? i * perIn + o : o;
          const ic = depthwise ? 0 : i;
          w[((oc * perOut + ic) * kh + y) * kw + x] = kernel[((y * kw + x) * inC + i) * perIn + o]!;
        }
  return w;
}

export class OnnxGraphBuilder {
  readonly nodes: OnnxNodeProto[] = [];
  readonly graph: OnnxGraphProto = { name: "fleet", nodes: this.nodes, initializers: [], inputs: [], outputs: [] };
  private counter = 0;
  private readonly data = new Map<string, Float32Array>();
  private readonly linear = new Map<string, Linear>();

  /** the TF.js layer or graph node being exported: stamped on every node it produces */
  current: string | undefined;

  fresh(base: string): string {
    return `${base}:${this.counter++}`;
  }

  constant(base: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(base);
    this.graph.initializers.push(floatTensor(name, dims, values));
    this.data.set(name, values);
    return name;
  }

  int64(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.graph.initializers.push(int64Tensor(name, [values.length], values));
    return name;
  }

  node(op: string, base: string, inputs: string[], attributes?: Record<string, OnnxAttributeValue>): string {
    const output = this.fresh(base);
    this.nodes.push({
      op,
      name: output,
      inputs,
      outputs: [output],
      ...(attributes ? { attributes } : {}),
      ...(this.current ? { layer: this.current } : {}),
    });
    return output;
  }

  /** remembers that `output` is a Conv / Gemm whose per-channel scale and shift may still change */
  markLinear(output: string, kernel: string, bias: string, kind: Linear["kind"], channels: number): void {
    this.linear.set(output, { kernel, bias, kind, channels });
  }

  /**
   * Folds y = x * scale + shift (per output channel) into the Conv / Gemm producing `v`, when that
   * producer is linear and the caller knows `v` has no other consumer; false when it cannot.
   */
  foldAffine(v: Value, scale: Float32Array | undefined, shift: Float32Array): boolean {
    const lin = this.linear.get(v.name);
    if (!lin || shift.length !== lin.channels) return false;
    const kernel = this.data.get(lin.kernel)!;
    const bias = this.data.get(lin.bias)!;
    const c = lin.channels;
    if (scale) {
      const per = kernel.length / c;
      this.replace(
        lin.kernel,
        kernel.map((w, i) => w * scale[lin.kind === "conv" ? Math.floor(i / per) : i % c]!),
      );
    }
    this.replace(
      lin.bias,
      bias.map((b, i) => b * (scale?.[i] ?? 1) + shift[i]!),
    );
    return true;
  }

  private replace(name: string, values: Float32Array): void {
    const i = this.graph.initializers.findIndex((t) => t.name === name);
    const old = this.graph.initializers[i]!;
    this.graph.initializers[i] = floatTensor(name, old.dims, values);
    this.data.set(name, values);
  }

  toNhwc(v: Value, base: string): Value {
    if (!v.nchw) return v;
    return {
      name: this.node("Transpose", `${base}/to_nhwc`, [v.name], { perm: [0, 2, 3, 1] }),
      shape: v.shape,
      nchw: false,
    };
  }

  toNchw(v: Value, base: string): Value {
    if (v.nchw || v.shape.length !== 3) return v;
    return {
      name: this.node("Transpose", `${base}/to_nchw`, [v.name], { perm: [0, 3, 1, 2] }),
      shape: v.shape,
      nchw: true,
    };
  }

  /** brings every value to one layout: NCHW when all are rank 4, else TF.js order */
  sameLayout(values: Value[], base: string): Value[] {
    const allRank4 = values.every((v) => v.shape.length === 3);
    return values.map((v) => (allRank4 ? this.toNchw(v, base) : this.toNhwc(v, base)));
  }

  /** elementwise op over n values (chained binary nodes, the last one named `base`); undefined when shapes do not broadcast */
  elementwise(op: "Add" | "Sub" | "Mul", values: Value[], base: string): Value | undefined {
    const same = this.sameLayout(values, base);
    let acc = same[0]!;
    for (let i = 1; i < same.length; i++) {
      const shape = broadcast(acc.shape, same[i]!.shape);
      if (!shape) return undefined;
      const name = this.node(op, i === same.length - 1 ? base : `${base}/partial`, [acc.name, same[i]!.name]);
      acc = { name, shape, nchw: acc.nchw };
    }
    return acc;
  }

  /** Concat along `axis` (TF.js axis, negative allowed, batch counted); undefined when shapes disagree */
  concat(values: Value[], axis: number, base: string): Value | undefined {
    const same = this.sameLayout(values, base);
    const rank = same[0]!.shape.length + 1;
    const a = axis < 0 ? axis + rank : axis;
    if (a <= 0 || a >= rank || same.some((v) => v.shape.length + 1 !== rank)) return undefined;
    const shape = [...same[0]!.shape];
    for (const v of same.slice(1)) {
      if (v.shape.some((d, i) => i !== a - 1 && d !== shape[i])) return undefined;
      shape[a - 1]! += v.shape[a - 1]!;
    }
    return {
      name: this.node(
        "Concat",
        base,
        same.map((v) => v.name),
        { axis: layoutAxis(same[0]!, a) },
      ),
      shape,
      nchw: same[0]!.nchw,
    };
  }

  /** a Keras activation name (or a TF op name in lower case); throws `fail` for one outside the set */
  activation(v: Value, activation: unknown, base: string, fail: (why: string) => Error, alpha = 0.2): Value {
    const kind = typeof activation === "string" ? activation : "linear";
    const op = (name: string, attrs?: Record<string, OnnxAttributeValue>) => ({
      ...v,
      name: this.node(name, `${base}/${kind}`, [v.name], attrs),
    });
    switch (kind) {
      case "linear":
        return v;
      case "relu":
        return op("Relu");
      case "relu6":
        return {
          ...v,
          name: this.node("Clip", `${base}/relu6`, [
            v.name,
            this.constant("zero", [], Float32Array.of(0)),
            this.constant("six", [], Float32Array.of(6)),
          ]),
        };
      case "sigmoid":
        return op("Sigmoid");
      case "tanh":
        return op("Tanh");
      case "elu":
        return op("Elu", { alpha: { float: 1 } });
      case "leakyrelu":
        return op("LeakyRelu", { alpha: { float: alpha } });
      case "softmax":
        return op("Softmax", { axis: v.nchw ? 1 : -1 });
      case "swish": {
        const gate = this.node("Sigmoid", `${base}/swish_gate`, [v.name]);
        return { ...v, name: this.node("Mul", `${base}/swish`, [v.name, gate]) };
      }
      default:
        throw fail(`activation "${kind}" is not supported`);
    }
  }

  /** declares the graph input `input` [batch, ...shape] (TF.js order) */
  input(shape: number[]): Value {
    this.graph.inputs.push({ name: "input", elemType: DataType.FLOAT, shape: ["batch", ...shape] });
    return { name: "input", shape, nchw: false };
  }

  /** the graph output `output` in TF.js element order, and the model around the graph */
  finish(result: Value): OnnxModelProto {
    const final = this.toNhwc(result, "output");
    this.nodes.push({ op: "Identity", name: "output", inputs: [final.name], outputs: ["output"] });
    this.graph.outputs.push({ name: "output", elemType: DataType.FLOAT, shape: ["batch", ...final.shape] });
    return {
      graph: this.graph,
      opset: ONNX_OPSET,
      irVersion: IR_VERSION,
      producer: "fleet-quantize",
      producerVersion: "0.1.0",
    };
  }
}
