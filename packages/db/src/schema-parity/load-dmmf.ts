import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The datamodel part of Prisma's DMMF, as prisma-schema-wasm (the engine behind `prisma generate`) emits it.
export interface TDmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface TDmmfModel {
  name: string;
  dbName: string | null;
  fields: TDmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface TDmmfIndex {
  model: string;
  type: "id" | "normal" | "unique" | "fulltext";
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string }[];
}

export interface TDatamodel {
  models: TDmmfModel[];
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: TDmmfIndex[];
}

export const defaultSchemaPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../prisma/schema.prisma",
);

export async function loadDatamodel(schemaPath: string = defaultSchemaPath): Promise<TDatamodel> {
  const schema = await readFile(schemaPath, "utf8");
  // CommonJS wasm-bindgen module; loaded lazily since only verification needs it.
  const wasm = createRequire(import.meta.url)("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as {
    datamodel: TDatamodel;
  };
  return dmmf.datamodel;
}
