// fp32 ONNX export of a TF.js GraphModel (model.json with modelTopology.node = TF GraphDef nodes).
// Same contract and layout rule as the LayersModel exporter: one input `input`, one output `output`
// in TF.js element order, rank-4 values NCHW inside. Only nodes the output depends on are converted,
// in dependency order; a BiasAdd / per-channel Add, Sub, Mul or FusedBatchNorm right after a Conv or
// MatMul that feeds nothing else is folded into its weights.
import type { ModelFiles } from "@fleet/runtime";
import { QuantizeError } from "../../../errors.ts";
import { OnnxGraphBuilder, onnxConvKernel, product, spatialOut, type Value } from "../onnx-graph-builder.ts";
import type { OnnxModelProto } from "../../graph/onnx-proto.ts";
import {
  attrBool,
  attrFloat,
  attrInts,
  attrString,
  attrStrings,
  attrType,
  placeholderShape,
  type TfNode,
  ZGraphDef,
  ZSignature,
} from "./tfjs-graph-def.ts";
import { dataInputs, dependencyOrder, failNode, outputRef } from "./tfjs-graph-walk.ts";

/** GraphDef ops the exporter turns into ONNX */
export const ONNX_SUPPORTED_GRAPH_OPS = [
  "Placeholder",
  "Const",
  "Identity",
  "StopGradient",
  "Conv2D",
  "_FusedConv2D",
  "DepthwiseConv2d",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "MatMul",
  "_FusedMatMul",
  "BiasAdd",
  "Add",
  "AddV2",
  "Sub",
  "Mul",
  "Relu",
  "Relu6",
  "Elu",
  "LeakyRelu",
  "Sigmoid",
  "Tanh",
  "Softmax",
  "MaxPool",
  "AvgPool",
  "Mean",
  "Reshape",
  "Squeeze",
  "ConcatV2",
  "FusedBatchNorm",
  "FusedBatchNormV2",
  "FusedBatchNormV3",
] as const;

const PASSTHROUGH = new Set(["Identity", "StopGradient"]);
/** fused_ops activations → the builder's activation names */
const ACTIVATIONS: Record<string, string> = {
  Relu: "relu",
  Relu6: "relu6",
  Elu: "elu",
  LeakyRelu: "leakyrelu",
  Sigmoid: "sigmoid",
  Tanh: "tanh",
};

interface Const {
  data: Float32Array | Int32Array | Uint8Array;
  /** full shape (a constant has no batch dimension) */
  shape: number[];
}
type Slot = { tensor: Value } | { constant: Const };

export function exportGraphModel(files: ModelFiles): OnnxModelProto {
  const parsed = ZGraphDef.safeParse(files.modelJson.modelTopology);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: modelTopology.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"} (not a TF GraphDef?)`,
    );
  }
  const nodes = parsed.data.node;
  const signature = ZSignature.safeParse(files.modelJson["signature"]).data;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out = outputRef(nodes, signature);
  const root = byName.get(out.node);
  if (!root)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: the output "${out.node}" is not a node of the graph`,
      out.node,
    );
  const order = dependencyOrder(root, byName);

  // uses of each node's value: passthrough nodes count by their own uses, the graph output counts once
  const direct = new Map<string, TfNode[]>();
  for (const n of order) for (const r of dataInputs(n)) direct.set(r.node, [...(direct.get(r.node) ?? []), n]);
  const uses = (name: string): number =>
    (name === root.name ? 1 : 0) +
    (direct.get(name) ?? []).reduce((sum, n) => sum + (PASSTHROUGH.has(n.op) ? uses(n.name) : 1), 0);
  const source = (name: string): string => {
    const n = byName.get(name)!;
    return PASSTHROUGH.has(n.op) ? source(dataInputs(n)[0]!.node) : name;
  };

  const weights = new Map(files.weights.map((w) => [w.entry.name, { data: w.values, shape: w.entry.shape }]));
  const g = new OnnxGraphBuilder();
  const slots = new Map<string, Slot>();
  let graphInput: Value | undefined;
  const supported = ONNX_SUPPORTED_GRAPH_OPS as readonly string[];

  for (const node of order) {
    g.current = node.name;
    if (!supported.includes(node.op)) {
      throw new QuantizeError(
        "MODEL_UNSUPPORTED",
        `node "${node.name}" uses op "${node.op}", which the ONNX exporter does not support (supported: ${ONNX_SUPPORTED_GRAPH_OPS.join(", ")}); the ONNX engine cannot run this model`,
        node.name,
      );
    }
    const refs = dataInputs(node);
    const fail = (why: string) => failNode(node, why);
    const slot = (i: number): Slot => {
      const ref = refs[i];
      if (!ref) throw fail(`input ${i} is missing`);
      if (ref.index !== 0)
        throw fail(`it uses output ${ref.index} of "${ref.node}" (only the first output of a node is supported)`);
      return slots.get(ref.node)!;
    };
    const tensor = (i: number): Value => {
      const s = slot(i);
      if ("tensor" in s) return s.tensor;
      throw fail(`input ${i} ("${refs[i]!.node}") is a constant where a computed tensor is expected`);
    };
    const constant = (i: number): Const => {
      const s = slot(i);
      if ("constant" in s) return s.constant;
      throw fail(`input ${i} ("${refs[i]!.node}") is computed where a constant (weight) is expected`);
    };
    const floats = (c: Const) => (c.data instanceof Float32Array ? c.data : Float32Array.from(c.data));
    const rank4 = (v: Value) => {
      if (v.shape.length !== 3) throw fail(`expects a rank-4 input, got rank ${v.shape.length + 1}`);
      if ((attrString(node, "data_format") ?? "NHWC") !== "NHWC") throw fail("only data_format NHWC is supported");
      return g.toNchw(v, node.name);
    };
    /** the first input may take a per-channel affine op into its weights (it feeds only this node) */
    const foldable = () => uses(source(refs[0]!.node)) === 1;

    let result: Slot;
    switch (node.op) {
      case "Placeholder": {
        if (graphInput) throw fail("models with more than one input are not supported");
        if (!["DT_FLOAT", "1", undefined].includes(attrType(node, "dtype")))
          throw fail("only a float32 input is supported");
        const shape = placeholderShape(node, signature);
        if (!shape || shape.some((d) => !(d > 0)))
          throw fail(`input shape [${shape?.join(", ") ?? "?"}] has an unknown dimension besides the batch`);
        graphInput = g.input(shape);
        result = { tensor: g.toNchw(graphInput, "input") };
        break;
      }
      case "Const": {
        const w = weights.get(node.name);
        if (!w)
          throw new QuantizeError(
            "WEIGHT_INVALID",
            `node "${node.name}": constant is missing from the weights manifest`,
            node.name,
          );
        result = { constant: w };
        break;
      }
      case "Identity":
      case "StopGradient":
        result = slot(0);
        break;
      case "Conv2D":
      case "_FusedConv2D":
      case "DepthwiseConv2d":
      case "DepthwiseConv2dNative":
      case "FusedDepthwiseConv2dNative": {
        const v = rank4(tensor(0));
        const filter = constant(1);
        const [kh, kw, inC, perIn] = filter.shape as [number, number, number, number];
        if (filter.shape.length !== 4 || inC !== v.shape[2])
          throw fail(`filter [${filter.shape.join(", ")}] does not fit an input of ${v.shape[2]} channels`);
        const depthwise = node.op.includes("Depthwise");
        const outC = depthwise ? inC * perIn : perIn;
        const { spatial, attrs } = window(node, v, [kh, kw], fail);
        const { bias, activation } = fusedArgs(node, outC, (i) => floats(constant(i)), fail);
        const kernel = g.constant(
          `${node.name}/kernel`,
          [outC, depthwise ? 1 : inC, kh, kw],
          onnxConvKernel(floats(filter), kh, kw, inC, perIn, depthwise),
        );
        const b = g.constant(`${node.name}/bias`, [outC], bias);
        const y = g.node("Conv", node.name, [v.name, kernel, b], { ...attrs, group: depthwise ? inC : 1 });
        g.markLinear(y, kernel, b, "conv", outC);
        result = {
          tensor: g.activation(
            { name: y, shape: [spatial[0], spatial[1], outC], nchw: true },
            activation,
            node.name,
            fail,
            attrFloat(node, "leakyrelu_alpha") ?? 0.2,
          ),
        };
        break;
      }
      case "MatMul":
      case "_FusedMatMul": {
        const a = tensor(0);
        const b = constant(1);
        if (a.shape.length !== 1 || b.shape.length !== 2)
          throw fail(
            `only [batch, k] × constant [k, n] is supported, got [batch, ${a.shape.join(", ")}] × [${b.shape.join(", ")}]`,
          );
        if (attrBool(node, "transpose_a")) throw fail("transpose_a is not supported");
        const transposeB = attrBool(node, "transpose_b") ?? false;
        const [k, n] = (transposeB ? [b.shape[1], b.shape[0]] : b.shape) as [number, number];
        if (k !== a.shape[0]) throw fail(`a [batch, ${a.shape[0]}] does not fit b with ${k} rows`);
        const data = floats(b);
        // Gemm weights are kept [in, out] like a Dense kernel
        const w = transposeB
          ? Float32Array.from({ length: k * n }, (_, i) => data[(i % n) * k + Math.floor(i / n)]!)
          : data;
        const { bias, activation } = fusedArgs(node, n, (i) => floats(constant(i)), fail);
        const kernel = g.constant(`${node.name}/kernel`, [k, n], w);
        const bName = g.constant(`${node.name}/bias`, [n], bias);
        const y = g.node("Gemm", node.name, [a.name, kernel, bName]);
        g.markLinear(y, kernel, bName, "gemm", n);
        result = {
          tensor: g.activation(
            { name: y, shape: [n], nchw: false },
            activation,
            node.name,
            fail,
            attrFloat(node, "leakyrelu_alpha") ?? 0.2,
          ),
        };
        break;
      }
      case "BiasAdd":
      case "Add":
      case "AddV2":
      case "Sub":
      case "Mul": {
        const op = node.op === "Sub" ? "Sub" : node.op === "Mul" ? "Mul" : "Add";
        const [p, q] = [slot(0), slot(1)];
        if ("tensor" in p && "tensor" in q) {
          const sum = g.elementwise(op, [p.tensor, q.tensor], node.name);
          if (!sum)
            throw fail(`shapes [${p.tensor.shape.join(", ")}] and [${q.tensor.shape.join(", ")}] do not broadcast`);
          result = { tensor: sum };
          break;
        }
        if (!("tensor" in p)) {
          if (!("tensor" in q)) throw fail("both inputs are constants (fold them before export)");
          if (op === "Sub") throw fail("constant minus tensor is not supported");
        }
        const [t, c] =
          "tensor" in p
            ? [p.tensor, (q as { constant: Const }).constant]
            : [(q as { tensor: Value }).tensor, p.constant];
        const channels = t.shape.at(-1)!;
        const perChannel =
          c.shape.length <= t.shape.length + 1 &&
          c.shape.slice(0, -1).every((d) => d === 1) &&
          c.shape.at(-1) === channels;
        if (perChannel && "tensor" in p && foldable()) {
          const data = floats(c);
          const folded =
            op === "Mul"
              ? g.foldAffine(t, data, new Float32Array(channels))
              : g.foldAffine(t, undefined, op === "Sub" ? data.map((d) => -d) : data);
          if (folded) {
            result = { tensor: t };
            break;
          }
        }
        const { name: cName, shape } = broadcastConstant(
          g,
          t,
          c,
          `${node.name}/${node.op === "BiasAdd" ? "bias" : "const"}`,
          fail,
        );
        const ins = "tensor" in p ? [t.name, cName] : [cName, t.name];
        result = { tensor: { name: g.node(op, node.name, ins), shape, nchw: t.nchw } };
        break;
      }
      case "Relu":
      case "Relu6":
      case "Elu":
      case "LeakyRelu":
      case "Sigmoid":
      case "Tanh":
        result = {
          tensor: g.activation(tensor(0), ACTIVATIONS[node.op], node.name, fail, attrFloat(node, "alpha") ?? 0.2),
        };
        break;
      case "Softmax": {
        const v = tensor(0);
        result = { tensor: { ...v, name: g.node("Softmax", node.name, [v.name], { axis: v.nchw ? 1 : -1 }) } };
        break;
      }
      case "MaxPool":
      case "AvgPool": {
        const v = rank4(tensor(0));
        const ksize = attrInts(node, "ksize") ?? [];
        if (ksize.length !== 4 || ksize[0] !== 1 || ksize[3] !== 1)
          throw fail(`ksize [${ksize.join(", ")}] is not supported (pooling over H, W only)`);
        const { spatial, attrs } = window(node, v, [ksize[1]!, ksize[2]!], fail);
        if (attrs.dilations.some((d) => d !== 1)) throw fail("dilated pooling is not supported");
        const { dilations: _none, ...poolAttrs } = attrs;
        result = {
          tensor: {
            name: g.node(node.op === "MaxPool" ? "MaxPool" : "AveragePool", node.name, [v.name], poolAttrs),
            shape: [spatial[0], spatial[1], v.shape[2]!],
            nchw: true,
          },
        };
        break;
      }
      case "Mean": {
        const v = tensor(0);
        const rank = v.shape.length + 1;
        const axes = [...constant(1).data].map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
        if (axes.length === 0 || axes.some((a) => a <= 0 || a >= rank))
          throw fail(`mean over axes [${axes.join(", ")}] is not supported (the batch axis stays)`);
        const keep = attrBool(node, "keep_dims") ?? false;
        if (rank === 4 && axes.join() === "1,2") {
          // global average pooling
          const x = g.toNchw(v, node.name);
          const c = x.shape[2]!;
          const pooled = g.node("GlobalAveragePool", node.name, [x.name]);
          result = {
            tensor: keep
              ? { name: pooled, shape: [1, 1, c], nchw: true }
              : { name: g.node("Flatten", `${node.name}/flatten`, [pooled], { axis: 1 }), shape: [c], nchw: false },
          };
          break;
        }
        const x = g.toNhwc(v, node.name);
        const shape = keep
          ? x.shape.map((d, i) => (axes.includes(i + 1) ? 1 : d))
          : x.shape.filter((_, i) => !axes.includes(i + 1));
        result = {
          tensor: {
            name: g.node("ReduceMean", node.name, [x.name], { axes, keepdims: keep ? 1 : 0 }),
            shape,
            nchw: false,
          },
        };
        break;
      }
      case "Reshape": {
        const v = tensor(0);
        const target = [...constant(1).data].slice(1); // the first entry is the batch (-1 or fixed)
        const total = product(v.shape);
        const known = product(target.filter((d) => d !== -1));
        const shape = target.map((d) => (d === -1 ? total / known : d));
        if (product(shape) !== total || target.filter((d) => d === -1).length > 1)
          throw fail(`cannot reshape [batch, ${v.shape.join(", ")}] to [batch, ${target.join(", ")}]`);
        const x = g.toNhwc(v, node.name);
        const y = { name: g.node("Reshape", node.name, [x.name, g.int64("shape", [0, ...shape])]), shape, nchw: false };
        result = { tensor: g.toNchw(y, node.name) };
        break;
      }
      case "Squeeze": {
        const v = tensor(0);
        const rank = v.shape.length + 1;
        const listed = (attrInts(node, "squeeze_dims") ?? attrInts(node, "axis") ?? []).map((a) =>
          a < 0 ? a + rank : a,
        );
        const axes = listed.length > 0 ? listed : v.shape.flatMap((d, i) => (d === 1 ? [i + 1] : []));
        if (axes.some((a) => a <= 0 || a >= rank || v.shape[a - 1] !== 1))
          throw fail(`cannot squeeze axes [${listed.join(", ")}] of [batch, ${v.shape.join(", ")}]`);
        const shape = v.shape.filter((_, i) => !axes.includes(i + 1));
        if (v.nchw && [...axes].sort((a, b) => a - b).join() === "1,2") {
          // [N, C, 1, 1] → [N, C] needs no transpose
          result = { tensor: { name: g.node("Flatten", node.name, [v.name], { axis: 1 }), shape, nchw: false } };
          break;
        }
        const x = g.toNhwc(v, node.name);
        result = {
          tensor: { name: g.node("Squeeze", node.name, [x.name, g.int64("axes", axes)]), shape, nchw: false },
        };
        break;
      }
      case "ConcatV2": {
        const parts = refs.slice(0, -1).map((_, i) => tensor(i));
        const axis = constant(refs.length - 1).data[0]!;
        const joined = g.concat(parts, axis, node.name);
        if (!joined)
          throw fail(
            `cannot concatenate shapes ${parts.map((v) => `[${v.shape.join(", ")}]`).join(", ")} on axis ${axis}`,
          );
        result = { tensor: joined };
        break;
      }
      case "FusedBatchNorm":
      case "FusedBatchNormV2":
      case "FusedBatchNormV3": {
        const v = tensor(0);
        if (attrBool(node, "is_training")) throw fail("batch normalisation in training mode is not supported");
        if ((attrString(node, "data_format") ?? "NHWC") !== "NHWC") throw fail("only data_format NHWC is supported");
        const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => floats(constant(i)));
        const eps = attrFloat(node, "epsilon") ?? 1e-3;
        const c = v.shape.at(-1)!;
        if ([gamma, beta, mean, variance].some((p) => p!.length !== c))
          throw fail(`parameters do not have ${c} channels`);
        const scale = Float32Array.from(gamma!, (s, i) => s / Math.sqrt(variance![i]! + eps));
        const shift = Float32Array.from(beta!, (b, i) => b - mean![i]! * scale[i]!);
        if (foldable() && g.foldAffine(v, scale, shift)) {
          result = { tensor: v };
          break;
        }
        const x = v.shape.length === 3 ? g.toNchw(v, node.name) : v;
        const dims = x.nchw ? [c, 1, 1] : [c];
        const scaled = g.node("Mul", `${node.name}/scale`, [x.name, g.constant(`${node.name}/scale`, dims, scale)]);
        result = {
          tensor: { ...x, name: g.node("Add", node.name, [scaled, g.constant(`${node.name}/shift`, dims, shift)]) },
        };
        break;
      }
      default:
        throw fail("op is not supported");
    }
    slots.set(node.name, result);
  }

  const final = slots.get(root.name);
  if (!final || !("tensor" in final) || !graphInput)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      "model.json: the graph has no input or no computed output the exporter can find",
      root.name,
    );
  if (out.index !== 0)
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      `model.json: the output uses output ${out.index} of "${out.node}" (only the first is supported)`,
      out.node,
    );
  return g.finish(final.tensor);
}

/** strides, dilations and padding (SAME / VALID / EXPLICIT) of a conv or pool over H, W */
function window(node: TfNode, v: Value, kernel: [number, number], fail: (why: string) => Error) {
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

/** bias and activation of a _Fused* op (BiasAdd then at most one activation); zeros and linear otherwise */
function fusedArgs(
  node: TfNode,
  channels: number,
  arg: (i: number) => Float32Array,
  fail: (why: string) => Error,
): { bias: Float32Array; activation: string } {
  const ops = attrStrings(node, "fused_ops") ?? [];
  if (ops.length === 0) return { bias: new Float32Array(channels), activation: "linear" };
  if (ops[0] !== "BiasAdd" || ops.length > 2)
    throw fail(`fused ops [${ops.join(", ")}] are not supported (BiasAdd and one activation are)`);
  const activation = ops[1] === undefined ? "linear" : ACTIVATIONS[ops[1]];
  if (!activation) throw fail(`fused activation "${ops[1]}" is not supported`);
  const bias = arg(2);
  if (bias.length !== channels) throw fail(`bias has ${bias.length} values for ${channels} channels`);
  return { bias, activation };
}

/** a constant operand of an elementwise op, broadcast against `t` and put in `t`'s layout */
function broadcastConstant(
  g: OnnxGraphBuilder,
  t: Value,
  c: Const,
  base: string,
  fail: (why: string) => Error,
): { name: string; shape: number[] } {
  const rank = t.shape.length + 1;
  if (c.shape.length > rank)
    throw fail(`constant [${c.shape.join(", ")}] has a higher rank than the tensor [batch, ${t.shape.join(", ")}]`);
  const dims = [...new Array<number>(rank - c.shape.length).fill(1), ...c.shape];
  const full = [1, ...t.shape];
  if (dims[0] !== 1 || dims.some((d, i) => d !== 1 && d !== full[i]))
    throw fail(`constant [${c.shape.join(", ")}] does not broadcast against [batch, ${t.shape.join(", ")}]`);
  const shape = t.shape.map((d, i) => Math.max(d, dims[i + 1]!));
  const data = c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
  if (!t.nchw || data.length === 1)
    return { name: g.constant(base, data.length === 1 && c.shape.length === 0 ? [] : dims, data), shape };
  // NHWC [1, H, W, C] → NCHW [1, C, H, W]
  const [, h, w, ch] = dims as [number, number, number, number];
  const moved = new Float32Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let k = 0; k < ch; k++) moved[(k * h + y) * w + x] = data[(y * w + x) * ch + k]!;
  return { name: g.constant(base, [1, ch, h, w], moved), shape };
}
