// Rewrites the fp32 ONNX graph into the form ONNX Runtime executes on integer kernels: uint8
// activations (per-tensor scale / zero point), int8 per-channel weights, int32 biases.
//   Conv → QLinearConv, Gemm → com.microsoft QGemm, Add → QLinearAdd, Concat → QLinearConcat,
//   GlobalAveragePool / AveragePool → QLinearGlobalAveragePool / QLinearAveragePool,
//   MaxPool / Transpose / Flatten / Reshape / Identity pass uint8 through with the same scale,
//   a Relu / Clip that is the only consumer of a Conv / Gemm / Add is absorbed by its output range,
//   every other op runs in float between DequantizeLinear and QuantizeLinear.
// Works on op types only, so any graph the exporter emits is handled.
import { activationQuantParams } from "../../tfjs/quant-math.ts";
import { quantizeBias, quantizeChannels } from "./int8-weights.ts";
import {
  MS_DOMAIN,
  floatTensor,
  int32Tensor,
  int8Tensor,
  tensorFloats,
  uint8Tensor,
  type OnnxModelProto,
  type OnnxNodeProto,
  type OnnxTensorProto,
} from "../graph/onnx-proto.ts";

export interface Range {
  min: number;
  max: number;
}

/** the uint8 form of an fp32 tensor in the int8 graph: real = scale * (q - zeroPoint) */
export interface QuantPoint extends Range {
  /** the uint8 tensor's name in the int8 graph */
  name: string;
  scale: number;
  zeroPoint: number;
}

export interface WeightError {
  /** fp32 kernel and bias, concatenated */
  reference: Float32Array;
  /** the same, dequantized from int8 / int32 */
  approx: Float32Array;
  /** the fp32 initializer names */
  names: string[];
}

export interface Int8Rewrite {
  model: OnnxModelProto;
  /** fp32 tensor name → its uint8 form (the calibrated points, with the ranges actually used) */
  quantized: Map<string, QuantPoint>;
  /** fp32 tensor name → its float form in the int8 graph (float fallbacks and dequantized values) */
  float: Map<string, string>;
  /** fp32 node name → weight error of the node's int8 weights (Conv / Gemm) */
  weights: Map<string, WeightError>;
  /** fp32 node names now executed on integer kernels (including uint8 pass-through and absorbed activations) */
  integerNodes: Set<string>;
}

/** calibrated range of an fp32 tensor */
export type RangeOf = (tensor: string) => Range;

const PASS_THROUGH = new Set(["MaxPool", "Transpose", "Flatten", "Reshape", "Identity"]);
const INTEGER_OPS = new Set(["Conv", "Gemm", "Add", "Concat", "GlobalAveragePool", "AveragePool"]);

export function rewriteInt8(fp32: OnnxModelProto, rangeOf: RangeOf): Int8Rewrite {
  const { graph } = fp32;
  const initializers = new Map(graph.initializers.map((t) => [t.name, t]));
  const consumers = new Map<string, OnnxNodeProto[]>();
  for (const node of graph.nodes) for (const i of node.inputs) consumers.set(i, [...(consumers.get(i) ?? []), node]);
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));

  const nodes: OnnxNodeProto[] = [];
  const added: OnnxTensorProto[] = [];
  const quantized = new Map<string, QuantPoint>();
  const float = new Map<string, string>();
  const weights = new Map<string, WeightError>();
  const integerNodes = new Set<string>();
  const absorbed = new Set<OnnxNodeProto>();
  const usedNames = new Set([...graph.initializers.map((t) => t.name), ...graph.nodes.flatMap((n) => n.outputs)]);

  const unique = (base: string): string => {
    let name = base;
    for (let i = 1; usedNames.has(name); i++) name = `${base}${i}`;
    usedNames.add(name);
    return name;
  };
  const constant = (tensor: OnnxTensorProto): string => {
    added.push(tensor);
    return tensor.name;
  };
  const isConst = (name: string) => initializers.has(name);

  /** scale and zero point initializers of a quantized tensor */
  const qparams = (p: QuantPoint): [string, string] => [
    constant(floatTensor(unique(`${p.name}/scale`), [], Float32Array.of(p.scale))),
    constant(uint8Tensor(unique(`${p.name}/zp`), [], [p.zeroPoint])),
  ];

  const point = (
    tensor: string,
    clamp: Range = { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY },
  ): QuantPoint => {
    const r = rangeOf(tensor);
    // an absorbed Relu / Clip: the output range itself does the clamping (uint8 saturates at its ends)
    const params = activationQuantParams(Math.max(r.min, clamp.min), Math.min(r.max, clamp.max));
    return { name: unique(`${tensor}/u8`), ...params };
  };

  const asFloat = (tensor: string): string => {
    if (isConst(tensor) || graph.inputs.some((i) => i.name === tensor)) return tensor;
    const known = float.get(tensor);
    if (known) return known;
    const q = quantized.get(tensor);
    if (!q) throw new Error(`int8 rewrite: tensor "${tensor}" is used before it is produced`);
    const name = unique(`${tensor}/dq`);
    nodes.push({ op: "DequantizeLinear", name, inputs: [q.name, ...qparams(q)], outputs: [name] });
    float.set(tensor, name);
    return name;
  };

  const asQuant = (tensor: string): QuantPoint => {
    const known = quantized.get(tensor);
    if (known) return known;
    const source = asFloat(tensor);
    const q = point(tensor);
    nodes.push({ op: "QuantizeLinear", name: q.name, inputs: [source, ...qparams(q)], outputs: [q.name] });
    quantized.set(tensor, q);
    return q;
  };

  /** whether a consumer would take this tensor as uint8 (directly, or through pass-through ops) */
  const memo = new Map<OnnxNodeProto, boolean>();
  const takesQuant = (node: OnnxNodeProto): boolean => {
    const cached = memo.get(node);
    if (cached !== undefined) return cached;
    memo.set(node, false);
    let result = false;
    if (INTEGER_OPS.has(node.op) && !node.domain) result = integerForm(node);
    else if (PASS_THROUGH.has(node.op) && !node.domain && !graphOutputs.has(node.outputs[0]!))
      result = (consumers.get(node.outputs[0]!) ?? []).some(takesQuant);
    memo.set(node, result);
    return result;
  };

  /** whether the node has an integer form here (weights as initializers, activations as inputs) */
  const integerForm = (node: OnnxNodeProto): boolean => {
    const a = node.attributes ?? {};
    switch (node.op) {
      case "Conv":
        return isConst(node.inputs[1]!) && (node.inputs[2] === undefined || isConst(node.inputs[2]));
      case "Gemm":
        return (
          isConst(node.inputs[1]!) &&
          (node.inputs[2] === undefined || isConst(node.inputs[2])) &&
          !a["transA"] &&
          num(a["alpha"], 1) === 1 &&
          num(a["beta"], 1) === 1
        );
      case "Add":
        return node.inputs.length === 2 && !node.inputs.some(isConst);
      case "Concat":
        return !node.inputs.some(isConst);
      case "GlobalAveragePool":
      case "AveragePool":
        return true;
      default:
        return false;
    }
  };

  /** a Relu / Clip(min, max) that alone consumes `tensor`: absorbed into the producer's output range */
  const fusedActivation = (tensor: string): { node: OnnxNodeProto; clamp: Range } | undefined => {
    const next = consumers.get(tensor) ?? [];
    if (next.length !== 1 || graphOutputs.has(tensor)) return undefined;
    const node = next[0]!;
    if (node.op === "Relu") return { node, clamp: { min: 0, max: Number.POSITIVE_INFINITY } };
    if (node.op === "Clip") {
      const bound = (name: string | undefined, fallback: number) =>
        name && initializers.has(name) ? tensorFloats(initializers.get(name)!)[0]! : name ? undefined : fallback;
      const min = bound(node.inputs[1], Number.NEGATIVE_INFINITY);
      const max = bound(node.inputs[2], Number.POSITIVE_INFINITY);
      // uint8 can only clamp at a range that holds 0: Clip(0, 6) yes, Clip(1, 2) no
      if (min !== undefined && max !== undefined && min <= 0 && max >= 0) return { node, clamp: { min, max } };
    }
    return undefined;
  };

  /** the quantized output of an integer node, with a following Relu / Clip absorbed */
  const outputPoint = (node: OnnxNodeProto): { tensor: string; q: QuantPoint } => {
    const fused = fusedActivation(node.outputs[0]!);
    if (fused) {
      absorbed.add(fused.node);
      integerNodes.add(fused.node.name);
    }
    const tensor = fused ? fused.node.outputs[0]! : node.outputs[0]!;
    const q = point(tensor, fused?.clamp);
    quantized.set(tensor, q);
    return { tensor, q };
  };

  // float nodes keep their names: every name this rewrite adds has a suffix after the ":n"
  const runFloat = (node: OnnxNodeProto): void => {
    nodes.push({ ...node, inputs: node.inputs.map((i) => (i === "" ? i : asFloat(i))) });
    for (const o of node.outputs) float.set(o, o);
  };

  // the graph input is quantized once, up front, when anything downstream takes uint8
  for (const input of graph.inputs) if ((consumers.get(input.name) ?? []).some(takesQuant)) asQuant(input.name);

  for (const node of graph.nodes) {
    if (absorbed.has(node)) continue;
    const out = node.outputs[0]!;
    const integer = !node.domain && INTEGER_OPS.has(node.op) && integerForm(node) && !graphOutputs.has(out);
    if (integer && node.op === "Conv") {
      const x = asQuant(node.inputs[0]!);
      const w = initializers.get(node.inputs[1]!)!;
      const values = tensorFloats(w);
      const channels = w.dims[0]!;
      const per = values.length / channels;
      const wq = quantizeChannels(values, channels, (i) => Math.floor(i / per));
      const bias = node.inputs[2] ? tensorFloats(initializers.get(node.inputs[2])!) : new Float32Array(channels);
      const bq = quantizeBias(bias, x.scale, wq.scales);
      weights.set(node.name, {
        reference: join(values, bias),
        approx: join(wq.dequantized, bq.dequantized),
        names: node.inputs.slice(1),
      });
      const { q } = outputPoint(node);
      const base = node.inputs[1]!;
      nodes.push({
        op: "QLinearConv",
        name: q.name,
        inputs: [
          x.name,
          ...qparams(x),
          constant(int8Tensor(unique(`${base}/int8`), w.dims, wq.levels)),
          constant(floatTensor(unique(`${base}/scale`), [channels], wq.scales)),
          constant(int8Tensor(unique(`${base}/zp`), [channels], new Int8Array(channels))),
          ...qparams(q),
          constant(int32Tensor(unique(`${base}/bias_int32`), [channels], bq.levels)),
        ],
        outputs: [q.name],
        ...(node.attributes ? { attributes: node.attributes } : {}),
      });
      integerNodes.add(node.name);
    } else if (integer && node.op === "Gemm") {
      const x = asQuant(node.inputs[0]!);
      const w = initializers.get(node.inputs[1]!)!;
      const values = tensorFloats(w);
      const transB = num(node.attributes?.["transB"], 0) === 1;
      const [rows, cols] = w.dims as [number, number];
      const units = transB ? rows : cols;
      const wq = quantizeChannels(values, units, transB ? (i) => Math.floor(i / cols) : (i) => i % cols);
      const bias = node.inputs[2] ? tensorFloats(initializers.get(node.inputs[2])!) : new Float32Array(units);
      const bq = quantizeBias(bias, x.scale, wq.scales);
      weights.set(node.name, {
        reference: join(values, bias),
        approx: join(wq.dequantized, bq.dequantized),
        names: node.inputs.slice(1),
      });
      const base = node.inputs[1]!;
      const inputs = [
        x.name,
        ...qparams(x),
        constant(int8Tensor(unique(`${base}/int8`), w.dims, wq.levels)),
        constant(floatTensor(unique(`${base}/scale`), [units], wq.scales)),
        constant(int8Tensor(unique(`${base}/zp`), [units], new Int8Array(units))),
        constant(int32Tensor(unique(`${base}/bias_int32`), [units], bq.levels)),
      ];
      const attributes = transB ? { transB: 1 } : undefined;
      // QGemm emits float when nothing downstream takes uint8 (e.g. the logits before Softmax): no extra rounding
      const fused = fusedActivation(out);
      if (!fused && !(consumers.get(out) ?? []).some(takesQuant)) {
        nodes.push({
          op: "QGemm",
          domain: MS_DOMAIN,
          name: out,
          inputs,
          outputs: [out],
          ...(attributes ? { attributes } : {}),
        });
        float.set(out, out);
      } else {
        const { q } = outputPoint(node);
        nodes.push({
          op: "QGemm",
          domain: MS_DOMAIN,
          name: q.name,
          inputs: [...inputs, ...qparams(q)],
          outputs: [q.name],
          ...(attributes ? { attributes } : {}),
        });
      }
      integerNodes.add(node.name);
    } else if (integer && node.op === "Add") {
      const [a, b] = [asQuant(node.inputs[0]!), asQuant(node.inputs[1]!)];
      const { q } = outputPoint(node);
      nodes.push({
        op: "QLinearAdd",
        domain: MS_DOMAIN,
        name: q.name,
        inputs: [a.name, ...qparams(a), b.name, ...qparams(b), ...qparams(q)],
        outputs: [q.name],
      });
      integerNodes.add(node.name);
    } else if (integer && node.op === "Concat") {
      const parts = node.inputs.map(asQuant);
      const q = point(out);
      quantized.set(out, q);
      nodes.push({
        op: "QLinearConcat",
        domain: MS_DOMAIN,
        name: q.name,
        inputs: [...qparams(q), ...parts.flatMap((p) => [p.name, ...qparams(p)])],
        outputs: [q.name],
        ...(node.attributes ? { attributes: node.attributes } : {}),
      });
      integerNodes.add(node.name);
    } else if (integer && (node.op === "GlobalAveragePool" || node.op === "AveragePool")) {
      const x = asQuant(node.inputs[0]!);
      const q = point(out);
      quantized.set(out, q);
      const attributes =
        node.op === "GlobalAveragePool" ? { channels_last: 0 } : { ...node.attributes, channels_last: 0 };
      nodes.push({
        op: `QLinear${node.op}`,
        domain: MS_DOMAIN,
        name: q.name,
        inputs: [x.name, ...qparams(x), ...qparams(q)],
        outputs: [q.name],
        attributes,
      });
      integerNodes.add(node.name);
    } else if (
      PASS_THROUGH.has(node.op) &&
      !node.domain &&
      !graphOutputs.has(out) &&
      (quantized.has(node.inputs[0]!) || takesQuant(node))
    ) {
      // same scale and zero point: these ops only move or pick values
      const x = asQuant(node.inputs[0]!);
      const name = unique(`${out}/u8`);
      nodes.push({ ...node, name, inputs: [x.name, ...node.inputs.slice(1)], outputs: [name] });
      quantized.set(out, { ...x, name });
      integerNodes.add(node.name);
    } else {
      runFloat(node);
    }
  }

  // keep the fp32 initializers still referenced (Clip bounds, Reshape shapes, unfolded BN, ...)
  const referenced = new Set(nodes.flatMap((n) => n.inputs));
  const kept = graph.initializers.filter((t) => referenced.has(t.name));
  const model: OnnxModelProto = {
    ...fp32,
    graph: { ...graph, name: `${graph.name}-int8`, nodes, initializers: [...kept, ...added] },
  };
  return { model, quantized, float, weights, integerNodes };
}

function num(value: unknown, fallback: number): number {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && "float" in value) return (value as { float: number }).float;
  return fallback;
}

function join(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
