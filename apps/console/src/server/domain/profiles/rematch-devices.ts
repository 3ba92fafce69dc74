import { Prisma, type PrismaClient } from "@fleet/db";
import { matchProfile } from "./match-profile.ts";

const CHUNK = 500;

/**
 * Recomputes Device.profileId/profileReason for every device that reported hardware, writing only
 * the rows whose match changed (one UPDATE … FROM (VALUES …) per 500 rows). Returns how many changed.
 */
export async function rematchDevices(options: {
  prisma: PrismaClient | Prisma.TransactionClient;
  deviceIds?: string[];
}): Promise<number> {
  const { prisma } = options;
  const profiles = await prisma.hardwareProfile.findMany({
    select: { id: true, name: true, priority: true, rules: true },
  });
  const devices = await prisma.device.findMany({
    where: { ...(options.deviceIds ? { id: { in: options.deviceIds } } : {}) },
    select: { id: true, hardware: true, profileId: true, profileReason: true },
  });
  const changed: Array<{ id: string; profileId: string | null; reason: string }> = [];
  for (const device of devices) {
    const match = matchProfile(device.hardware, profiles);
    const profileId = match.profile?.id ?? null;
    if (profileId !== device.profileId || match.reason !== device.profileReason) {
      changed.push({ id: device.id, profileId, reason: match.reason });
    }
  }
  for (let i = 0; i < changed.length; i += CHUNK) {
    const values = changed
      .slice(i, i + CHUNK)
      .map((row) => Prisma.sql`(${row.id}, ${row.profileId}::text, ${row.reason})`);
    await prisma.$executeRaw`
      UPDATE "Device" AS d SET "profileId" = v.profile_id, "profileReason" = v.reason
      FROM (VALUES ${Prisma.join(values)}) AS v(id, profile_id, reason)
      WHERE d.id = v.id`;
  }
  return changed.length;
}
