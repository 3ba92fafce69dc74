import type { Prisma, PrismaClient } from "@fleet/db";
import { z } from "zod";

export const ZListAuditEventsInput = z.object({
  entityType: z.string().trim().max(64).optional(),
  entityId: z.string().trim().max(128).optional(),
  action: z.string().trim().max(64).optional(),
  /** Keyset cursor: the id of the last event of the previous page (as a decimal string). */
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, "invalid cursor")
    .optional(),
  limit: z.int().min(1).max(200).default(50),
});
export type TListAuditEventsInput = z.input<typeof ZListAuditEventsInput>;

const auditSelect = {
  id: true,
  ts: true,
  actorId: true,
  actorLabel: true,
  action: true,
  entityType: true,
  entityId: true,
  before: true,
  after: true,
} satisfies Prisma.AuditEventSelect;

export interface TAuditEventRow {
  id: string;
  ts: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** Newest first, keyset-paginated on the primary key. */
export async function listAuditEvents(options: {
  prisma: Pick<PrismaClient, "auditEvent">;
  input: TListAuditEventsInput;
}): Promise<{ events: TAuditEventRow[]; nextCursor: string | null }> {
  const input = ZListAuditEventsInput.parse(options.input);
  const where: Prisma.AuditEventWhereInput = {
    ...(input.entityType ? { entityType: input.entityType } : {}),
    ...(input.entityId ? { entityId: input.entityId } : {}),
    ...(input.action ? { action: { startsWith: input.action } } : {}),
    ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}),
  };
  const rows = await options.prisma.auditEvent.findMany({
    where,
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: auditSelect,
  });
  const page = rows.slice(0, input.limit);
  const events = page.map((row) => ({ ...row, id: row.id.toString() }));
  const last = events.at(-1);
  return { events, nextCursor: rows.length > input.limit && last ? last.id : null };
}
