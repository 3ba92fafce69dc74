// NumPy .npy (format 1.0/2.0, C order) for the x.npy / y.npy data sets (docs/architecture.md, "Data sets").
import { QuantizeError } from "../errors.ts";

export interface NpyArray {
  dtype: "float32" | "float64" | "uint8" | "int32" | "int64";
  shape: number[];
  /** values as float64-safe numbers in a typed array of the natural kind */
  data: Float32Array | Float64Array | Uint8Array | Int32Array | BigInt64Array;
}

const DESCR: Record<string, NpyArray["dtype"]> = {
  "<f4": "float32",
  "<f8": "float64",
  "|u1": "uint8",
  "<u1": "uint8",
  "<i4": "int32",
  "<i8": "int64",
};
const MAGIC = "\x93NUMPY";

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (why: string): never => {
    throw new QuantizeError("DATASET_INVALID", `${file}: ${why}`, file);
  };
  if (bytes.byteLength < 10 || Buffer.from(bytes.subarray(0, 6)).toString("latin1") !== MAGIC)
    fail("not a .npy file (bad magic)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 + headerLength : 12 + headerLength;
  if (start > bytes.byteLength) fail("header is truncated");
  const header = Buffer.from(bytes.subarray(major === 1 ? 10 : 12, start)).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) fail(`unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === "True") fail("Fortran-order arrays are not supported; save with np.ascontiguousarray");
  const dtype = DESCR[descr!] ?? fail(`dtype ${descr} is not supported (use float32 for x, integers for y)`);
  const shape = shapeText!
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = { float32: 4, float64: 8, uint8: 1, int32: 4, int64: 8 }[dtype];
  if (bytes.byteLength - start < count * itemSize)
    fail(
      `truncated: shape [${shape.join(", ")}] needs ${count * itemSize} data bytes, the file holds ${bytes.byteLength - start}`,
    );
  const body = new Uint8Array(bytes.subarray(start, start + count * itemSize)).buffer; // aligned copy
  const data =
    dtype === "float32"
      ? new Float32Array(body)
      : dtype === "float64"
        ? new Float64Array(body)
        : dtype === "uint8"
          ? new Uint8Array(body)
          : dtype === "int32"
            ? new Int32Array(body)
            : new BigInt64Array(body);
  return { dtype, shape, data };
}

export function encodeNpy(data: Float32Array | Int32Array | Uint8Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? "<f4" : data instanceof Int32Array ? "<i4" : "|u1";
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += `${" ".repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(Buffer.from(MAGIC, "latin1"), 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, "latin1"), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
