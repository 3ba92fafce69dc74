import type { PrismaClient } from "@fleet/db";

export interface TCount {
  key: string;
  label: string;
  count: number;
}

export interface TFleetOverview {
  total: number;
  enabled: number;
  byStatus: TCount[];
  byClass: TCount[];
  byProfile: TCount[];
  byVariant: TCount[];
  /** Devices heard from in the last 5 minutes. */
  seenRecently: number;
  checkedAt: Date;
}

const byCountDesc = (a: TCount, b: TCount) => b.count - a.count || a.label.localeCompare(b.label);

/** Devices by status, class, profile and active variant: four GROUP BYs over indexed columns. */
export async function getFleetOverview(options: { prisma: PrismaClient; now?: Date }): Promise<TFleetOverview> {
  const { prisma } = options;
  const now = options.now ?? new Date();
  const [status, deviceClass, profile, variant, total, enabled, seenRecently] = await Promise.all([
    prisma.device.groupBy({ by: ["status"], _count: { _all: true } }),
    prisma.device.groupBy({ by: ["deviceClass"], _count: { _all: true } }),
    prisma.device.groupBy({ by: ["profileId"], _count: { _all: true } }),
    prisma.device.groupBy({ by: ["activeVariantId"], _count: { _all: true } }),
    prisma.device.count(),
    prisma.device.count({ where: { enabled: true } }),
    prisma.device.count({ where: { lastSeenAt: { gte: new Date(now.getTime() - 5 * 60_000) } } }),
  ]);
  const profileIds = profile.map((row) => row.profileId).filter((id): id is string => id !== null);
  const variantIds = variant.map((row) => row.activeVariantId).filter((id): id is string => id !== null);
  const [profiles, variants] = await Promise.all([
    prisma.hardwareProfile.findMany({ where: { id: { in: profileIds } }, select: { id: true, name: true } }),
    prisma.modelVariant.findMany({
      where: { id: { in: variantIds } },
      select: { id: true, name: true, model: { select: { name: true } } },
    }),
  ]);
  const profileName = new Map(profiles.map((p) => [p.id, p.name]));
  const variantName = new Map(variants.map((v) => [v.id, `${v.model.name} · ${v.name}`]));
  return {
    total,
    enabled,
    seenRecently,
    checkedAt: now,
    byStatus: status
      .map((row) => ({ key: row.status, label: row.status.toLowerCase(), count: row._count._all }))
      .sort(byCountDesc),
    byClass: deviceClass
      .map((row) => ({ key: row.deviceClass, label: row.deviceClass.toLowerCase(), count: row._count._all }))
      .sort(byCountDesc),
    byProfile: profile
      .map((row) => ({
        key: row.profileId ?? "none",
        label: row.profileId ? (profileName.get(row.profileId) ?? row.profileId) : "no profile matched",
        count: row._count._all,
      }))
      .sort(byCountDesc),
    byVariant: variant
      .map((row) => ({
        key: row.activeVariantId ?? "none",
        label: row.activeVariantId ? (variantName.get(row.activeVariantId) ?? row.activeVariantId) : "no variant",
        count: row._count._all,
      }))
      .sort(byCountDesc),
  };
}
