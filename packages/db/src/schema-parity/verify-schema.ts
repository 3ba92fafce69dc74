import { compareSchema } from "./compare.ts";
import { introspect } from "./introspect.ts";
import { loadDatamodel } from "./load-dmmf.ts";

/** Differences between prisma/schema.prisma and the database at `url` (empty = in parity). */
export async function verifySchema(url: string, schemaPath?: string): Promise<string[]> {
  const [datamodel, db] = await Promise.all([loadDatamodel(schemaPath), introspect(url)]);
  return compareSchema(datamodel, db);
}
