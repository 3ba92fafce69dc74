import pg from "pg";

export interface TDbColumn {
  name: string;
  /** format_type(): e.g. "text", "timestamp(3) with time zone", "\"Precision\"[]". */
  type: string;
  nullable: boolean;
  default: string | null;
}

export interface TDbIndex {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  method: string;
}

export interface TDbForeignKey {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TDbSchema {
  tables: Map<string, Map<string, TDbColumn>>;
  enums: Map<string, string[]>;
  indexes: TDbIndex[];
  foreignKeys: TDbForeignKey[];
}

const ACTIONS: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };

/** Reads tables, columns, enums, indexes and foreign keys of the `public` schema from the catalog. */
export async function introspect(url: string): Promise<TDbSchema> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    const columns = await client.query<{
      table: string;
      name: string;
      type: string;
      nullable: boolean;
      default: string | null;
    }>(`
      SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
             NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`);
    const enums = await client.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
        FROM pg_type t
        JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
       GROUP BY t.typname`);
    const indexes = await client.query<{
      name: string;
      table: string;
      columns: string[];
      unique: boolean;
      primary: boolean;
      method: string;
    }>(`
      SELECT ic.relname AS name, tc.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
             am.amname AS method,
             array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                    ORDER BY k.ord) AS columns
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class tc ON tc.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = tc.relnamespace AND n.nspname = 'public'
        JOIN pg_am am ON am.oid = ic.relam`);
    const fks = await client.query<{
      name: string;
      table: string;
      columns: string[];
      ref_table: string;
      ref_columns: string[];
      del: string;
      upd: string;
    }>(`
      SELECT con.conname AS name, tc.relname AS table, rc.relname AS ref_table,
             con.confdeltype AS del, con.confupdtype AS upd,
             array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
             array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
        FROM pg_constraint con
        JOIN pg_class tc ON tc.oid = con.conrelid
        JOIN pg_class rc ON rc.oid = con.confrelid
        JOIN pg_namespace n ON n.oid = tc.relnamespace AND n.nspname = 'public'
       WHERE con.contype = 'f'`);

    const tables = new Map<string, Map<string, TDbColumn>>();
    for (const row of columns.rows) {
      const table = tables.get(row.table) ?? new Map<string, TDbColumn>();
      table.set(row.name, { name: row.name, type: row.type, nullable: row.nullable, default: row.default });
      tables.set(row.table, table);
    }
    return {
      tables,
      enums: new Map(enums.rows.map((row) => [row.name, row.labels])),
      indexes: indexes.rows,
      foreignKeys: fks.rows.map((row) => ({
        name: row.name,
        table: row.table,
        columns: row.columns,
        refTable: row.ref_table,
        refColumns: row.ref_columns,
        onDelete: ACTIONS[row.del] ?? row.del,
        onUpdate: ACTIONS[row.upd] ?? row.upd,
      })),
    };
  } finally {
    await client.end().catch(() => {});
  }
}
