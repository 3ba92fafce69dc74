// The database side of planning: target → devices (with their profiles), and the model's variants.
import type { Prisma, PrismaClient } from "@fleet/db";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { reportedEnginesOf } from "../models/choose-variant.ts";
import type { TPlanDevice } from "./plan-rollout.ts";
import type { TRolloutProfile, TRolloutVariant } from "./rollout-deps.ts";
import type { TRolloutTarget } from "./rollout.types.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

const profileSelect = {
  id: true,
  name: true,
  maxModelBytes: true,
  ramBudgetMb: true,
  allowedPrecisions: true,
  allowedEngines: true,
  preferredEngine: true,
  latencyBudgetMs: true,
} satisfies Prisma.HardwareProfileSelect;

export const rolloutVariantSelect = {
  id: true,
  modelId: true,
  name: true,
  precision: true,
  engine: true,
  bytes: true,
  sha256: true,
  signature: true,
  artifactKey: true,
  metrics: true,
} satisfies Prisma.ModelVariantSelect;

export function targetWhere(target: TRolloutTarget): Prisma.DeviceWhereInput {
  switch (target.kind) {
    case "all":
      return { enabled: true };
    case "tags":
      return { enabled: true, tags: { hasSome: target.tags } };
    case "profiles":
      return { enabled: true, profileId: { in: target.profileIds } };
    case "devices":
      return { enabled: true, id: { in: target.deviceIds } };
  }
}

/**
 * The enabled devices the target names, each with its matched profile and the engines its last birth
 * reported (null without readable hardware: only tfjs is assumed). Unknown listed ids are refused.
 */
export async function resolveTarget(db: TDb, target: TRolloutTarget): Promise<TPlanDevice[]> {
  const rows = await db.device.findMany({
    where: targetWhere(target),
    select: { id: true, name: true, profileReason: true, hardware: true, profile: { select: profileSelect } },
    orderBy: { id: "asc" },
  });
  if (target.kind === "devices") {
    const found = new Set(rows.map((row) => row.id));
    const missing = [...new Set(target.deviceIds)].filter((id) => !found.has(id));
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? ` and ${missing.length - 5} more` : "");
      throw new AppError(AppErrorCode.INVALID_INPUT, `Unknown or disabled devices: ${shown}.`);
    }
  }
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    profile: row.profile satisfies TRolloutProfile | null,
    profileReason: row.profileReason,
    reportedEngines: reportedEnginesOf(row.hardware),
  }));
}

/** The model's variants; the model must exist and be READY. */
export async function loadModelVariants(
  db: TDb,
  modelId: string,
): Promise<{ model: { id: string; name: string }; variants: TRolloutVariant[] }> {
  const model = await db.model.findUnique({ where: { id: modelId }, select: { id: true, name: true, status: true } });
  if (!model) throw new AppError(AppErrorCode.NOT_FOUND, `No model with id ${modelId}.`);
  if (model.status !== "READY") {
    throw new AppError(
      AppErrorCode.CONFLICT,
      `Model "${model.name}" is ${model.status.toLowerCase()}; only a ready model can be rolled out.`,
    );
  }
  const variants = await db.modelVariant.findMany({
    where: { modelId },
    select: rolloutVariantSelect,
    orderBy: { name: "asc" },
  });
  return { model: { id: model.id, name: model.name }, variants };
}
