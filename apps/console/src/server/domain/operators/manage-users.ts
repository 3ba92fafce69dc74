import { hashSecret, type Prisma, type PrismaClient } from "@fleet/db";
import { z } from "zod";
import { AppError, AppErrorCode, isUniqueViolation } from "../../errors/app-error.ts";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import {
  publicUserSelect,
  ZCreateUserInput,
  ZOperatorName,
  ZPassword,
  ZUserRole,
  type TCreateUserInput,
  type TPublicUser,
} from "./operator.types.ts";

export async function listUsers(prisma: Pick<PrismaClient, "user">): Promise<TPublicUser[]> {
  return prisma.user.findMany({ orderBy: { email: "asc" }, select: publicUserSelect });
}

export async function createUser(options: {
  prisma: PrismaClient;
  actor: TActor;
  input: TCreateUserInput;
}): Promise<TPublicUser> {
  const input = ZCreateUserInput.parse(options.input);
  const passwordHash = await hashSecret(input.password);
  try {
    return await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash },
        select: publicUserSelect,
      });
      await recordAudit({
        tx,
        actor: options.actor,
        action: "user.create",
        entityType: "user",
        entityId: user.id,
        after: user,
      });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError(AppErrorCode.CONFLICT, `A user with email ${input.email} already exists.`);
    throw error;
  }
}

export const ZUpdateUserInput = z.object({
  id: z.string().min(1).max(64),
  name: ZOperatorName.optional(),
  role: ZUserRole.optional(),
  disabled: z.boolean().optional(),
  /** A new password; all of the user's sessions end. */
  password: ZPassword.optional(),
});
export type TUpdateUserInput = z.infer<typeof ZUpdateUserInput>;

/** Changes a user. An admin cannot demote or disable themselves (the fleet would lose its last admin). */
export async function updateUser(options: {
  prisma: PrismaClient;
  actor: TActor;
  input: TUpdateUserInput;
}): Promise<TPublicUser> {
  const input = ZUpdateUserInput.parse(options.input);
  if (input.id === options.actor.id && ((input.role && input.role !== "ADMIN") || input.disabled === true)) {
    throw new AppError(AppErrorCode.INVALID_INPUT, "You cannot demote or disable yourself; ask another admin.");
  }
  const passwordHash = input.password ? await hashSecret(input.password) : undefined;
  return options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    const before = await tx.user.findUnique({ where: { id: input.id }, select: publicUserSelect });
    if (!before) throw new AppError(AppErrorCode.NOT_FOUND, "No such user.");
    const after = await tx.user.update({
      where: { id: input.id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
        ...(passwordHash ? { passwordHash } : {}),
      },
      select: publicUserSelect,
    });
    // Disabling or a new password signs the user out everywhere.
    if (input.disabled === true || passwordHash) await tx.session.deleteMany({ where: { userId: input.id } });
    await recordAudit({
      tx,
      actor: options.actor,
      action: passwordHash ? "user.update_password" : "user.update",
      entityType: "user",
      entityId: input.id,
      before,
      after,
    });
    return after;
  });
}
