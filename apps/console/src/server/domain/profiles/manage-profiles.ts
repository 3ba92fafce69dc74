import type { Prisma, PrismaClient } from "@fleet/db";
import { AppError, AppErrorCode, isUniqueViolation } from "../../errors/app-error.ts";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import { profileSelect, ZProfileInput, type TProfileInput, type TProfileRow } from "./profile.types.ts";
import { rematchDevices } from "./rematch-devices.ts";

function toData(input: TProfileInput) {
  const parsed = ZProfileInput.parse(input);
  return { ...parsed, rules: parsed.rules as Prisma.InputJsonValue };
}

export async function listProfiles(prisma: PrismaClient): Promise<Array<TProfileRow & { deviceCount: number }>> {
  const [profiles, counts] = await Promise.all([
    prisma.hardwareProfile.findMany({ orderBy: [{ priority: "asc" }, { name: "asc" }], select: profileSelect }),
    prisma.device.groupBy({ by: ["profileId"], _count: { _all: true } }),
  ]);
  const byProfile = new Map(counts.map((row) => [row.profileId, row._count._all]));
  return profiles.map((profile) => ({ ...profile, deviceCount: byProfile.get(profile.id) ?? 0 }));
}

export async function getProfile(prisma: PrismaClient, id: string): Promise<TProfileRow> {
  const profile = await prisma.hardwareProfile.findUnique({ where: { id }, select: profileSelect });
  if (!profile) throw new AppError(AppErrorCode.NOT_FOUND, "No such hardware profile.");
  return profile;
}

/** Runs a profile change and the re-match of every device in one transaction, then audits. */
async function changeProfiles<T>(
  prisma: PrismaClient,
  name: string,
  change: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T & { rematched: number }> {
  try {
    return await prisma.$transaction(
      async (tx: Prisma.TransactionClient) => {
        const result = await change(tx);
        return { ...result, rematched: await rematchDevices({ prisma: tx }) };
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError(AppErrorCode.CONFLICT, `A profile named "${name}" already exists.`);
    throw error;
  }
}

export async function createProfile(options: { prisma: PrismaClient; actor: TActor; input: TProfileInput }) {
  const data = toData(options.input);
  return changeProfiles(options.prisma, data.name, async (tx) => {
    const profile = await tx.hardwareProfile.create({ data, select: profileSelect });
    await recordAudit({
      tx,
      actor: options.actor,
      action: "profile.create",
      entityType: "profile",
      entityId: profile.id,
      after: profile,
    });
    return { profile };
  });
}

export async function updateProfile(options: {
  prisma: PrismaClient;
  actor: TActor;
  id: string;
  input: TProfileInput;
}) {
  const data = toData(options.input);
  return changeProfiles(options.prisma, data.name, async (tx) => {
    const before = await tx.hardwareProfile.findUnique({ where: { id: options.id }, select: profileSelect });
    if (!before) throw new AppError(AppErrorCode.NOT_FOUND, "No such hardware profile.");
    const profile = await tx.hardwareProfile.update({ where: { id: options.id }, data, select: profileSelect });
    await recordAudit({
      tx,
      actor: options.actor,
      action: "profile.update",
      entityType: "profile",
      entityId: profile.id,
      before,
      after: profile,
    });
    return { profile };
  });
}

export async function deleteProfile(options: { prisma: PrismaClient; actor: TActor; id: string }) {
  return changeProfiles(options.prisma, "", async (tx) => {
    const before = await tx.hardwareProfile.findUnique({ where: { id: options.id }, select: profileSelect });
    if (!before) throw new AppError(AppErrorCode.NOT_FOUND, "No such hardware profile.");
    await tx.hardwareProfile.delete({ where: { id: options.id }, select: { id: true } });
    await recordAudit({
      tx,
      actor: options.actor,
      action: "profile.delete",
      entityType: "profile",
      entityId: options.id,
      before,
    });
    return { id: options.id };
  });
}
