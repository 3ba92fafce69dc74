// The part of a TF.js graph model.json the ONNX exporter reads: GraphDef nodes in the proto3 JSON
// mapping tensorflowjs_converter writes (int64 as strings, strings base64) and the signature.
import { z } from "zod";

const ZNumberish = z.union([z.number(), z.string()]);
/** proto3 JSON bytes: base64, or (older converters) a list of char codes */
const ZBytes = z.union([z.string(), z.array(z.number())]);
const ZShape = z.looseObject({
  dim: z.array(z.looseObject({ size: ZNumberish.optional() })).optional(),
  unknownRank: z.boolean().optional(),
});

const ZAttr = z.looseObject({
  s: ZBytes.optional(),
  i: ZNumberish.optional(),
  f: ZNumberish.optional(),
  b: z.boolean().optional(),
  type: ZNumberish.optional(),
  shape: ZShape.optional(),
  list: z
    .looseObject({
      s: z.array(ZBytes).optional(),
      i: z.array(ZNumberish).optional(),
      f: z.array(ZNumberish).optional(),
    })
    .optional(),
});

export const ZTfNode = z.looseObject({
  name: z.string().min(1),
  op: z.string().min(1),
  input: z.array(z.string()).optional(),
  attr: z.record(z.string(), ZAttr).optional(),
});
export type TfNode = z.infer<typeof ZTfNode>;

export const ZGraphDef = z.looseObject({ node: z.array(ZTfNode) });

const ZTensorInfo = z.looseObject({ name: z.string(), tensorShape: ZShape.optional() });
export const ZSignature = z.looseObject({
  inputs: z.record(z.string(), ZTensorInfo).optional(),
  outputs: z.record(z.string(), ZTensorInfo).optional(),
});

const text = (bytes: z.infer<typeof ZBytes>) =>
  typeof bytes === "string" ? Buffer.from(bytes, "base64").toString("utf8") : String.fromCharCode(...bytes);

export const attrString = (node: TfNode, name: string): string | undefined => {
  const s = node.attr?.[name]?.s;
  return s === undefined ? undefined : text(s);
};
export const attrStrings = (node: TfNode, name: string): string[] | undefined => node.attr?.[name]?.list?.s?.map(text);
export const attrInts = (node: TfNode, name: string): number[] | undefined => node.attr?.[name]?.list?.i?.map(Number);
export const attrBool = (node: TfNode, name: string): boolean | undefined => node.attr?.[name]?.b;
export const attrFloat = (node: TfNode, name: string): number | undefined => {
  const a = node.attr?.[name];
  const v = a?.f ?? a?.i;
  return v === undefined ? undefined : Number(v);
};
export const attrType = (node: TfNode, name: string): string | undefined => {
  const t = node.attr?.[name]?.type;
  return t === undefined ? undefined : String(t);
};

/** a Placeholder's shape without the batch dimension (-1 = unknown), from its attr or the signature */
export function placeholderShape(
  node: TfNode,
  signature: z.infer<typeof ZSignature> | undefined,
): number[] | undefined {
  const fromSignature = Object.values(signature?.inputs ?? {}).find(
    (i) => i.name === node.name || i.name === `${node.name}:0`,
  )?.tensorShape;
  const shape = node.attr?.["shape"]?.shape?.dim ? node.attr["shape"].shape : fromSignature;
  if (!shape?.dim || shape.unknownRank) return undefined;
  return shape.dim.slice(1).map((d) => Number(d.size ?? -1));
}
