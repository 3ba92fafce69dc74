import type { PrismaClient } from "@fleet/db";

/** Distinct tags in use (for the filter), most used first, at most 200. */
export async function listDeviceTags(options: {
  prisma: PrismaClient;
}): Promise<Array<{ tag: string; count: number }>> {
  const rows = await options.prisma.$queryRaw<Array<{ tag: string; count: bigint }>>`
    SELECT tag, count(*) AS count FROM "Device", unnest(tags) AS tag GROUP BY tag ORDER BY count DESC, tag LIMIT 200`;
  return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
}
