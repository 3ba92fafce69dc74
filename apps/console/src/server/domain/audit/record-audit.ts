import type { Prisma, PrismaClient } from "@fleet/db";

/** Who did it: a signed-in operator, or a named non-user actor (the CLI, the system). */
export interface TActor {
  id: string | null;
  label: string;
}

/** A transaction client or the client itself; audit rows are written in the caller's transaction. */
export type TTx = Prisma.TransactionClient | PrismaClient;

export interface TRecordAuditOptions {
  tx: Pick<TTx, "auditEvent">;
  actor: TActor;
  /** Verb-like, dotted: "device.create", "user.update". */
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Dates become ISO strings, undefined keys drop: what Json columns can hold. */
function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

/** Writes one audit event. Call it inside the same transaction as the change it describes. */
export async function recordAudit({
  tx,
  actor,
  action,
  entityType,
  entityId,
  before,
  after,
}: TRecordAuditOptions): Promise<void> {
  const beforeJson = toJson(before);
  const afterJson = toJson(after);
  await tx.auditEvent.create({
    data: {
      actorId: actor.id,
      actorLabel: actor.label,
      action,
      entityType,
      entityId,
      ...(beforeJson === undefined ? {} : { before: beforeJson }),
      ...(afterJson === undefined ? {} : { after: afterJson }),
    },
    select: { id: true },
  });
}

/** The actor of a signed-in session. */
export function sessionActor(user: { id: string; email: string }): TActor {
  return { id: user.id, label: user.email };
}
