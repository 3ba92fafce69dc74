// A minimal protobuf writer for the part of onnx.proto the exporter emits (ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto). Field numbers are those of onnx.proto;
// written by hand so the exporter needs no protobuf runtime.
import { float16BitsToFloat32, float32ToFloat16Bits } from "@fleet/runtime";

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type TDataType = (typeof DataType)[keyof typeof DataType];
/** the contrib-op domain of ONNX Runtime (QGemm, QLinearAdd, ...) */
export const MS_DOMAIN = "com.microsoft";
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.byteLength;
  }

  private varint(value: bigint): void {
    // int64 values are written as their 64-bit two's complement (negative → 10 bytes)
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(BigInt(value.byteLength));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out;
  }
}

export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] };

export interface OnnxNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
  /** operator set domain; absent = the default ai.onnx */
  domain?: string;
  /** the TF.js layer or graph node this node was exported from (for reports; not encoded) */
  layer?: string;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: TDataType;
  /** little-endian raw bytes */
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** a string is a symbolic dimension (e.g. "batch"); absent = unknown rank (intermediate outputs) */
  shape?: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims, dataType: DataType.FLOAT, raw };
}

export function float16Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  const raw = new Uint8Array(values.length * 2);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float32ToFloat16Bits(values[i]!), true);
  return { name, dims, dataType: DataType.FLOAT16, raw };
}

export function int8Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return { name, dims, dataType: DataType.INT8, raw: new Uint8Array(Int8Array.from(values).buffer) };
}

export function uint8Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return { name, dims, dataType: DataType.UINT8, raw: Uint8Array.from(values) };
}

export function int32Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return { name, dims, dataType: DataType.INT32, raw: new Uint8Array(Int32Array.from(values).buffer) };
}

/** the values of a FLOAT or FLOAT16 initializer as float32 (for the rewrites that re-encode weights) */
export function tensorFloats(tensor: OnnxTensor): Float32Array {
  const view = new DataView(tensor.raw.buffer, tensor.raw.byteOffset, tensor.raw.byteLength);
  if (tensor.dataType === DataType.FLOAT)
    return Float32Array.from({ length: tensor.raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  if (tensor.dataType === DataType.FLOAT16)
    return Float32Array.from({ length: tensor.raw.byteLength / 2 }, (_, i) =>
      float16BitsToFloat32(view.getUint16(i * 2, true)),
    );
  throw new Error(`tensor "${tensor.name}" has data type ${tensor.dataType}, not a float type`);
}

export function int64Tensor(name: string, dims: number[], values: number[]): OnnxTensor {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims, dataType: DataType.INT64, raw };
}

function writeAttribute(w: Writer, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === "number") {
    w.int(3, value).int(20, AttributeType.INT);
  } else if (typeof value === "string") {
    w.string(4, value).int(20, AttributeType.STRING);
  } else if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, AttributeType.INTS);
  } else if ("float" in value) {
    w.float(2, value.float).int(20, AttributeType.FLOAT);
  } else {
    for (const v of value.floats) w.float(7, v);
    w.int(20, AttributeType.FLOATS);
  }
}

function writeValueInfo(w: Writer, info: OnnxValueInfo): void {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, info.elemType);
      const dims = info.shape;
      if (dims) {
        tensor.message(2, (shape) => {
          for (const d of dims) shape.message(1, (dim) => (typeof d === "string" ? dim.string(2, d) : dim.int(1, d)));
        });
      }
    }),
  );
}

export interface OnnxModel {
  graph: OnnxGraph;
  opset: number;
  irVersion: number;
  producer: string;
  producerVersion: string;
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new Writer();
  w.int(1, model.irVersion);
  w.string(2, model.producer);
  w.string(3, model.producerVersion);
  w.message(7, (g) => {
    for (const node of model.graph.nodes) {
      g.message(1, (n) => {
        for (const i of node.inputs) n.string(1, i);
        for (const o of node.outputs) n.string(2, o);
        n.string(3, node.name);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {}))
          n.message(5, (a) => writeAttribute(a, name, value));
        if (node.domain) n.string(7, node.domain);
      });
    }
    g.string(2, model.graph.name);
    for (const t of model.graph.initializers) {
      g.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.dataType);
        tensor.string(8, t.name);
        tensor.bytes(9, t.raw);
      });
    }
    for (const i of model.graph.inputs) g.message(11, (v) => writeValueInfo(v, i));
    for (const o of model.graph.outputs) g.message(12, (v) => writeValueInfo(v, o));
  });
  w.message(8, (op) => op.string(1, "").int(2, model.opset));
  // contrib domains get version 1 (the only version ONNX Runtime defines for com.microsoft)
  const domains = new Set(model.graph.nodes.map((n) => n.domain).filter((d): d is string => !!d && d !== "ai.onnx"));
  for (const domain of domains) w.message(8, (op) => op.string(1, domain).int(2, 1));
  return w.finish();
}
