// Read side of rollouts: the history list, one rollout's live progress (per wave and state, the gates
// as the driver would judge them now, a bucketed progress series for the chart) and its devices.
import { Prisma, RolloutDeviceState, type PrismaClient } from "@fleet/db";
import { z } from "zod";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { EMPTY_COUNTS, judgeGates, loadGateMetrics, type TGateVerdict, type TStateCounts } from "./evaluate-gates.ts";
import { parseRolloutSettings, type TRolloutSettings } from "./rollout.types.ts";

const rolloutListSelect = {
  id: true,
  name: true,
  status: true,
  currentWave: true,
  autoRollback: true,
  reason: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  model: { select: { id: true, name: true } },
  createdBy: { select: { email: true } },
} satisfies Prisma.RolloutSelect;

export const ZListRolloutsInput = z.object({ limit: z.int().min(1).max(200).default(50) }).default({ limit: 50 });

/** Newest first, with device counts per state. */
export async function listRollouts(options: { prisma: PrismaClient; input?: z.input<typeof ZListRolloutsInput> }) {
  const { limit } = ZListRolloutsInput.parse(options.input);
  const rollouts = await options.prisma.rollout.findMany({
    select: rolloutListSelect,
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  const grouped = await options.prisma.rolloutDevice.groupBy({
    by: ["rolloutId", "state"],
    where: { rolloutId: { in: rollouts.map((r) => r.id) } },
    _count: { _all: true },
  });
  const counts = new Map<string, TStateCounts>();
  for (const row of grouped) {
    const entry = counts.get(row.rolloutId) ?? { ...EMPTY_COUNTS };
    entry[row.state] = row._count._all;
    counts.set(row.rolloutId, entry);
  }
  return rollouts.map((rollout) => ({ ...rollout, counts: counts.get(rollout.id) ?? { ...EMPTY_COUNTS } }));
}

export interface TRolloutWave {
  wave: number;
  counts: TStateCounts;
  byVariant: Array<{ variantId: string | null; variantName: string | null; devices: number }>;
}

export interface TProgressPoint {
  /** Bucket start, epoch ms. */
  t: number;
  sent: number;
  active: number;
  failed: number;
}

export async function getRollout(options: { prisma: PrismaClient; id: string; now?: Date }) {
  const { prisma, id } = options;
  const now = options.now ?? new Date();
  const rollout = await prisma.rollout.findUnique({
    where: { id },
    select: {
      ...rolloutListSelect,
      target: true,
      strategy: true,
      gates: true,
      waveStartedAt: true,
      leaseOwner: true,
      leaseUntil: true,
    },
  });
  if (!rollout) throw new AppError(AppErrorCode.NOT_FOUND, `No rollout with id ${id}.`);
  const settings: TRolloutSettings = parseRolloutSettings(rollout);

  const grouped = await prisma.rolloutDevice.groupBy({
    by: ["wave", "state", "variantId"],
    where: { rolloutId: id },
    _count: { _all: true },
  });
  const variantIds = [...new Set(grouped.map((g) => g.variantId).filter((v): v is string => v !== null))];
  const variants = await prisma.modelVariant.findMany({
    where: { id: { in: variantIds } },
    select: { id: true, name: true },
  });
  const variantName = new Map(variants.map((v) => [v.id, v.name]));
  const waves = new Map<number, TRolloutWave>();
  for (const row of grouped) {
    const wave = waves.get(row.wave) ?? { wave: row.wave, counts: { ...EMPTY_COUNTS }, byVariant: [] };
    wave.counts[row.state] += row._count._all;
    const slot = wave.byVariant.find((v) => v.variantId === row.variantId);
    if (slot) slot.devices += row._count._all;
    else
      wave.byVariant.push({
        variantId: row.variantId,
        variantName: row.variantId ? (variantName.get(row.variantId) ?? null) : null,
        devices: row._count._all,
      });
    waves.set(row.wave, wave);
  }

  let gates: TGateVerdict | null = null;
  if (rollout.status === "RUNNING" || rollout.status === "PAUSED") {
    const metrics = await loadGateMetrics({
      prisma,
      rolloutId: id,
      maxWave: rollout.currentWave,
      startedAt: rollout.startedAt,
    });
    gates = judgeGates({
      metrics,
      gates: settings.gates,
      strategy: settings.strategy,
      waveStartedAt: rollout.waveStartedAt ?? now,
      now,
    });
  }

  return {
    ...rollout,
    ...settings,
    waves: [...waves.values()].sort((a, b) => a.wave - b.wave),
    gateVerdict: gates,
    progress: await progressSeries(prisma, id, rollout.startedAt, rollout.finishedAt ?? now),
  };
}

/** Cumulative sent / active / failed over time, ≤ ~120 buckets between start and end. */
async function progressSeries(
  prisma: PrismaClient,
  rolloutId: string,
  from: Date | null,
  to: Date,
): Promise<TProgressPoint[]> {
  if (!from) return [];
  const spanS = Math.max(1, (to.getTime() - from.getTime()) / 1000);
  const bucketS = Math.max(1, Math.ceil(spanS / 120));
  const width = Prisma.raw(`interval '${bucketS} seconds'`);
  const rows = await prisma.$queryRaw<Array<{ bucket: Date; sent: bigint; active: bigint; failed: bigint }>>`
    WITH events AS (
      SELECT "sentAt" AS at, 1 AS sent, 0 AS active, 0 AS failed FROM "RolloutDevice" WHERE "rolloutId" = ${rolloutId} AND "sentAt" IS NOT NULL
      UNION ALL
      SELECT "activatedAt", 0, 1, 0 FROM "RolloutDevice" WHERE "rolloutId" = ${rolloutId} AND state = 'ACTIVE' AND "activatedAt" IS NOT NULL
      UNION ALL
      SELECT "updatedAt", 0, 0, 1 FROM "RolloutDevice" WHERE "rolloutId" = ${rolloutId} AND state IN ('FAILED', 'ROLLED_BACK')
    )
    SELECT date_bin(${width}, at, ${from}) AS bucket, sum(sent)::int8 AS sent, sum(active)::int8 AS active, sum(failed)::int8 AS failed
      FROM events GROUP BY 1 ORDER BY 1`;
  let sent = 0;
  let active = 0;
  let failed = 0;
  return rows.map((row) => {
    sent += Number(row.sent);
    active += Number(row.active);
    failed += Number(row.failed);
    return { t: row.bucket.getTime(), sent, active, failed };
  });
}

export const ZListRolloutDevicesInput = z.object({
  id: z.string().min(1).max(128),
  state: z.enum(RolloutDeviceState).optional(),
  wave: z.int().min(0).max(100).optional(),
  /** Keyset: the last device id of the previous page. */
  after: z.string().max(64).optional(),
  limit: z.int().min(1).max(500).default(100),
});

/** The rollout's devices: wave, state, chosen variant and why, revision, error. */
export async function listRolloutDevices(options: {
  prisma: PrismaClient;
  input: z.input<typeof ZListRolloutDevicesInput>;
}) {
  const input = ZListRolloutDevicesInput.parse(options.input);
  const rows = await options.prisma.rolloutDevice.findMany({
    where: {
      rolloutId: input.id,
      ...(input.state ? { state: input.state } : {}),
      ...(input.wave !== undefined ? { wave: input.wave } : {}),
      ...(input.after ? { deviceId: { gt: input.after } } : {}),
    },
    select: {
      deviceId: true,
      wave: true,
      state: true,
      reason: true,
      error: true,
      desiredRev: true,
      sentAt: true,
      activatedAt: true,
      updatedAt: true,
      variant: { select: { id: true, name: true, precision: true } },
      previousVariant: { select: { id: true, name: true } },
      device: { select: { name: true, status: true, profile: { select: { name: true } } } },
    },
    orderBy: { deviceId: "asc" },
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  return { devices: page, next: rows.length > input.limit ? (page.at(-1)?.deviceId ?? null) : null };
}
