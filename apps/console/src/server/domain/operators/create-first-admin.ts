import { hashSecret, type Prisma, type PrismaClient } from "@fleet/db";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import { publicUserSelect, ZFirstAdminInput, type TFirstAdminInput, type TPublicUser } from "./operator.types.ts";

// Serializes concurrent first-admin attempts (two browsers on the setup page, or the CLI and one).
const FIRST_ADMIN_LOCK = 4_261_701;

export async function countUsers(prisma: Pick<PrismaClient, "user">): Promise<number> {
  return prisma.user.count();
}

/**
 * Creates the first admin, only while no user exists. A second attempt, even a concurrent one,
 * fails with CONFLICT and changes nothing.
 */
export async function createFirstAdmin(options: {
  prisma: PrismaClient;
  input: TFirstAdminInput;
  /** "setup page" or "cli": who is credited in the audit log. */
  via: string;
}): Promise<TPublicUser> {
  const input = ZFirstAdminInput.parse(options.input);
  const passwordHash = await hashSecret(input.password);
  return options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`);
    if ((await tx.user.count()) > 0) {
      throw new AppError(AppErrorCode.CONFLICT, "An admin already exists; sign in instead.");
    }
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "ADMIN" },
      select: publicUserSelect,
    });
    const actor: TActor = { id: user.id, label: `${user.email} (${options.via})` };
    await recordAudit({
      tx,
      actor,
      action: "user.create_first_admin",
      entityType: "user",
      entityId: user.id,
      after: user,
    });
    return user;
  });
}
