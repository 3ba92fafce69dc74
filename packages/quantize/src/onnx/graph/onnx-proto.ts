// The in-memory ONNX model every ONNX stage works on: the part of onnx.proto Fleet uses (ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto) as plain objects, and the
// tensor constructors. The exporter builds it, the fp16 / int8 rewrites transform it,
// encode-model.ts writes it as .onnx bytes.
import { float16BitsToFloat32, float32ToFloat16Bits } from "@fleet/runtime";

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type TDataType = (typeof DataType)[keyof typeof DataType];
/** the contrib-op domain of ONNX Runtime (QGemm, QLinearAdd, ...) */
export const MS_DOMAIN = "com.microsoft";
/** AttributeProto value: int, string, ints, float, floats */
export type OnnxAttributeValue = number | string | number[] | { float: number } | { floats: number[] };

/** NodeProto */
export interface OnnxNodeProto {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, OnnxAttributeValue>;
  /** operator set domain; absent = the default ai.onnx */
  domain?: string;
  /** the TF.js layer or graph node this node was exported from (for reports; not encoded) */
  layer?: string;
}

/** TensorProto (an initializer) */
export interface OnnxTensorProto {
  name: string;
  dims: number[];
  dataType: TDataType;
  /** little-endian raw bytes */
  raw: Uint8Array;
}

/** ValueInfoProto: a graph input or output, with its element type and shape */
export interface OnnxValueInfoProto {
  name: string;
  elemType: number;
  /** a string is a symbolic dimension (e.g. "batch"); absent = unknown rank (intermediate outputs) */
  shape?: (number | string)[];
}

/** GraphProto */
export interface OnnxGraphProto {
  name: string;
  nodes: OnnxNodeProto[];
  initializers: OnnxTensorProto[];
  inputs: OnnxValueInfoProto[];
  outputs: OnnxValueInfoProto[];
}

/** ModelProto: the graph with its opset and producer */
export interface OnnxModelProto {
  graph: OnnxGraphProto;
  opset: number;
  irVersion: number;
  producer: string;
  producerVersion: string;
}

export function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims, dataType: DataType.FLOAT, raw };
}

export function float16Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensorProto {
  const raw = new Uint8Array(values.length * 2);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float32ToFloat16Bits(values[i]!), true);
  return { name, dims, dataType: DataType.FLOAT16, raw };
}

export function int8Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensorProto {
  return { name, dims, dataType: DataType.INT8, raw: new Uint8Array(Int8Array.from(values).buffer) };
}

export function uint8Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensorProto {
  return { name, dims, dataType: DataType.UINT8, raw: Uint8Array.from(values) };
}

export function int32Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensorProto {
  return { name, dims, dataType: DataType.INT32, raw: new Uint8Array(Int32Array.from(values).buffer) };
}

/** the values of a FLOAT or FLOAT16 initializer as float32 (for the rewrites that re-encode weights) */
export function tensorFloats(tensor: OnnxTensorProto): Float32Array {
  const view = new DataView(tensor.raw.buffer, tensor.raw.byteOffset, tensor.raw.byteLength);
  if (tensor.dataType === DataType.FLOAT)
    return Float32Array.from({ length: tensor.raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  if (tensor.dataType === DataType.FLOAT16)
    return Float32Array.from({ length: tensor.raw.byteLength / 2 }, (_, i) =>
      float16BitsToFloat32(view.getUint16(i * 2, true)),
    );
  throw new Error(`tensor "${tensor.name}" has data type ${tensor.dataType}, not a float type`);
}

export function int64Tensor(name: string, dims: number[], values: number[]): OnnxTensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims, dataType: DataType.INT64, raw };
}
