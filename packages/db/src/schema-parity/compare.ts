import type { TDatamodel, TDmmfField, TDmmfModel } from "./load-dmmf.ts";
import type { TDbSchema } from "./introspect.ts";

// What `prisma migrate` would create for each Prisma scalar on PostgreSQL (format_type spelling).
const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Decimal: "numeric(65,30)",
  Bytes: "bytea",
};

function nativeType([name, args]: [string, string[]]): string {
  const arg = args.length > 0 ? `(${args.join(",")})` : "";
  switch (name) {
    case "Timestamptz":
      return `timestamp${arg} with time zone`;
    case "Timestamp":
      return `timestamp${arg} without time zone`;
    case "VarChar":
      return `character varying${arg}`;
    case "Char":
      return `character${arg}`;
    case "Text":
      return "text";
    case "Uuid":
      return "uuid";
    case "SmallInt":
      return "smallint";
    case "Integer":
      return "integer";
    case "BigInt":
      return "bigint";
    case "DoublePrecision":
      return "double precision";
    case "Real":
      return "real";
    case "Decimal":
      return `numeric${arg}`;
    case "JsonB":
      return "jsonb";
    case "Json":
      return "json";
    default:
      return `<native type @db.${name} not known to the parity check>`;
  }
}

const quoteIdent = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`);
const columnName = (field: TDmmfField) => field.dbName ?? field.name;
const tableName = (model: TDmmfModel) => model.dbName ?? model.name;

function expectedType(field: TDmmfField, enumDbNames: Map<string, string>): string {
  const base =
    field.kind === "enum"
      ? quoteIdent(enumDbNames.get(field.type) ?? field.type)
      : field.nativeType
        ? nativeType(field.nativeType)
        : (SCALAR_TYPES[field.type] ?? `<unknown scalar ${field.type}>`);
  return field.isList ? `${base}[]` : base;
}

/** Checks a DB default expression against a DMMF default; null means it matches. */
function defaultMismatch(field: TDmmfField, actual: string | null): string | null {
  const value = field.default;
  if (
    !field.hasDefaultValue ||
    (typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      "name" in value &&
      ["cuid", "uuid", "nanoid", "ulid"].includes(String((value as { name: string }).name)))
  ) {
    return actual === null ? null : `has a database default ${actual} the schema does not declare`;
  }
  if (actual === null) return `lacks the default ${JSON.stringify(value)}`;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "name" in value) {
    const fn = (value as { name: string }).name;
    if (fn === "autoincrement") return actual.startsWith("nextval(") ? null : `default ${actual} is not a sequence`;
    if (fn === "now") return actual === "CURRENT_TIMESTAMP" ? null : `default ${actual} is not CURRENT_TIMESTAMP`;
    return null; // dbgenerated(...): any expression the migration chose
  }
  const literals = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0)
    return /^ARRAY\[\]/.test(actual) ? null : `default ${actual} is not an empty array`;
  for (const literal of literals) {
    const needle = typeof literal === "string" ? `'${literal.replace(/'/g, "''")}'` : String(literal);
    if (!actual.includes(needle)) return `default ${actual} does not match ${JSON.stringify(value)}`;
  }
  return null;
}

/** Every difference between the Prisma datamodel and the migrated database; empty means they match. */
export function compareSchema(datamodel: TDatamodel, db: TDbSchema): string[] {
  const problems: string[] = [];
  const enumDbNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const modelsByName = new Map(datamodel.models.map((m) => [m.name, m]));

  for (const e of datamodel.enums) {
    const labels = db.enums.get(e.dbName ?? e.name);
    const expected = e.values.map((v) => v.dbName ?? v.name);
    if (!labels) problems.push(`enum ${e.name}: missing`);
    else if (labels.join(",") !== expected.join(","))
      problems.push(`enum ${e.name}: values ${labels.join(",")} != ${expected.join(",")}`);
  }
  for (const name of db.enums.keys()) {
    if (![...enumDbNames.values()].includes(name))
      problems.push(`enum ${name}: in the database but not in schema.prisma`);
  }

  const expectedIndexNames = new Set<string>();
  const expectedFkNames = new Set<string>();
  for (const model of datamodel.models) {
    const table = tableName(model);
    const columns = db.tables.get(table);
    if (!columns) {
      problems.push(`table ${table}: missing`);
      continue;
    }
    const fieldsByName = new Map(model.fields.map((f) => [f.name, f]));
    const scalarFields = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    for (const field of scalarFields) {
      const where = `${table}.${columnName(field)}`;
      const column = columns.get(columnName(field));
      if (!column) {
        problems.push(`${where}: missing column`);
        continue;
      }
      const type = expectedType(field, enumDbNames);
      if (column.type !== type) problems.push(`${where}: type ${column.type} != ${type}`);
      // Prisma leaves scalar-list columns nullable; other required fields are NOT NULL.
      const nullable = field.isList || !field.isRequired;
      if (column.nullable !== nullable)
        problems.push(
          `${where}: ${column.nullable ? "nullable" : "NOT NULL"}, schema says ${nullable ? "optional" : "required"}`,
        );
      const mismatch = defaultMismatch(field, column.default);
      if (mismatch) problems.push(`${where}: ${mismatch}`);
    }
    const declared = new Set(scalarFields.map(columnName));
    for (const name of columns.keys()) {
      if (!declared.has(name)) problems.push(`${table}.${name}: column in the database but not in schema.prisma`);
    }

    for (const field of model.fields) {
      if (field.kind !== "object" || !field.relationFromFields?.length) continue;
      const target = modelsByName.get(field.type);
      if (!target) continue;
      const from = field.relationFromFields.map((n) => columnName(fieldsByName.get(n) ?? ({ name: n } as TDmmfField)));
      const to = (field.relationToFields ?? []).map((n) =>
        columnName(target.fields.find((f) => f.name === n) ?? ({ name: n } as TDmmfField)),
      );
      const name = `${table}_${from.join("_")}_fkey`;
      expectedFkNames.add(name);
      const fk = db.foreignKeys.find((k) => k.name === name);
      const where = `relation ${model.name}.${field.name}`;
      if (!fk) {
        problems.push(`${where}: foreign key ${name} missing`);
        continue;
      }
      const required = from.every((c) => columns.get(c)?.nullable === false);
      const onDelete = field.relationOnDelete ?? (required ? "Restrict" : "SetNull");
      const onUpdate = field.relationOnUpdate ?? "Cascade";
      if (
        fk.table !== table ||
        fk.columns.join() !== from.join() ||
        fk.refTable !== tableName(target) ||
        fk.refColumns.join() !== to.join()
      ) {
        problems.push(
          `${where}: ${fk.table}(${fk.columns.join()}) -> ${fk.refTable}(${fk.refColumns.join()}) != ${table}(${from.join()}) -> ${tableName(target)}(${to.join()})`,
        );
      }
      if (fk.onDelete !== onDelete) problems.push(`${where}: ON DELETE ${fk.onDelete} != ${onDelete}`);
      if (fk.onUpdate !== onUpdate) problems.push(`${where}: ON UPDATE ${fk.onUpdate} != ${onUpdate}`);
    }
  }

  for (const index of datamodel.indexes) {
    const model = modelsByName.get(index.model);
    if (!model || index.type === "fulltext") continue;
    const table = tableName(model);
    const cols = index.fields.map((f) =>
      columnName(model.fields.find((m) => m.name === f.name) ?? ({ name: f.name } as TDmmfField)),
    );
    const suffix = index.type === "id" ? "pkey" : index.type === "unique" ? "key" : "idx";
    const name = index.dbName ?? (index.type === "id" ? `${table}_pkey` : `${table}_${cols.join("_")}_${suffix}`);
    expectedIndexNames.add(name);
    const found = db.indexes.find((i) => i.name === name);
    const where = `index ${name}`;
    if (!found) {
      problems.push(`${where}: missing (${index.type} on ${table}(${cols.join(", ")}))`);
      continue;
    }
    if (found.table !== table || found.columns.join() !== cols.join())
      problems.push(`${where}: on ${found.table}(${found.columns.join(", ")}) != ${table}(${cols.join(", ")})`);
    if (found.primary !== (index.type === "id")) problems.push(`${where}: primary key mismatch`);
    if (found.unique !== (index.type !== "normal")) problems.push(`${where}: uniqueness mismatch`);
    const method = (index.algorithm ?? "BTree").toLowerCase();
    if (found.method !== method) problems.push(`${where}: method ${found.method} != ${method}`);
  }

  const ours = new Set(datamodel.models.map(tableName));
  for (const index of db.indexes) {
    if (ours.has(index.table) && !expectedIndexNames.has(index.name))
      problems.push(`index ${index.name}: in the database but not in schema.prisma`);
  }
  for (const fk of db.foreignKeys) {
    if (ours.has(fk.table) && !expectedFkNames.has(fk.name))
      problems.push(`foreign key ${fk.name}: in the database but not in schema.prisma`);
  }
  for (const table of db.tables.keys()) {
    if (table !== "_prisma_migrations" && !ours.has(table))
      problems.push(`table ${table}: in the database but not in schema.prisma`);
  }
  return problems;
}
