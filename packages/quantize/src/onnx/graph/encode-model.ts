// Writes an in-memory ONNX model (onnx-proto.ts) as the bytes of a .onnx file: a minimal protobuf
// writer for the fields Fleet emits. Field numbers are those of onnx.proto; written by hand so the
// exporter needs no protobuf runtime.
import type { OnnxAttributeValue, OnnxModelProto, OnnxValueInfoProto } from "./onnx-proto.ts";

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

function writeAttribute(w: Writer, name: string, value: OnnxAttributeValue): void {
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

function writeValueInfo(w: Writer, info: OnnxValueInfoProto): void {
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

export function encodeModel(model: OnnxModelProto): Uint8Array {
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
