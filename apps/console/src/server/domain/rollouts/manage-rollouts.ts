// Operator actions on rollouts: preview, create (DRAFT), start, pause, resume, abort, roll back.
// Each is one transaction that changes the Rollout row first (its row lock serializes everything that
// changes one rollout, including the driver), issues revisions where needed, and writes the audit
// event. Sending the messages is the driver's job (rollout-driver.ts), on its next tick.
import type { Prisma, PrismaClient, RolloutStatus } from "@fleet/db";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import { issueRollbackRevisions, issueWaveRevisions } from "./issue-revisions.ts";
import { loadModelVariants, resolveTarget } from "./load-plan-inputs.ts";
import { planRollout, type TRolloutPlan } from "./plan-rollout.ts";
import type { TChooseVariant } from "./rollout-deps.ts";
import {
  ACTIVE_ROLLOUT_STATUSES,
  parseRolloutSettings,
  ZCreateRolloutInput,
  ZRolloutPlanInput,
  type TCreateRolloutInput,
  type TRolloutPlanInput,
} from "./rollout.types.ts";

type TTx = Prisma.TransactionClient;

export interface TRolloutPreview {
  model: { id: string; name: string };
  targeted: number;
  compatible: number;
  byVariant: TRolloutPlan["byVariant"];
  waves: TRolloutPlan["waves"];
  /** At most 200 of them; `incompatibleCount` is the total. */
  incompatible: TRolloutPlan["incompatible"];
  incompatibleCount: number;
}

const PREVIEW_INCOMPATIBLE_LIMIT = 200;

async function plan(
  db: PrismaClient | TTx,
  chooseVariant: TChooseVariant,
  input: ReturnType<typeof ZRolloutPlanInput.parse>,
) {
  const { model, variants } = await loadModelVariants(db, input.modelId);
  const devices = await resolveTarget(db, input.target);
  // The model id seeds the wave order: preview, create and the re-plan at start agree.
  const result = planRollout({ devices, variants, chooseVariant, strategy: input.strategy, seed: input.modelId });
  return { model, result };
}

function toPreview(model: { id: string; name: string }, result: TRolloutPlan): TRolloutPreview {
  return {
    model,
    targeted: result.devices.length,
    compatible: result.compatibleCount,
    byVariant: result.byVariant,
    waves: result.waves,
    incompatible: result.incompatible.slice(0, PREVIEW_INCOMPATIBLE_LIMIT),
    incompatibleCount: result.incompatible.length,
  };
}

/** What a rollout would do now: devices per variant, waves, incompatible devices and why. */
export async function previewRollout(options: {
  prisma: PrismaClient;
  chooseVariant: TChooseVariant;
  input: TRolloutPlanInput;
}): Promise<TRolloutPreview> {
  const input = ZRolloutPlanInput.parse(options.input);
  const { model, result } = await plan(options.prisma, options.chooseVariant, input);
  return toPreview(model, result);
}

async function writePlan(tx: TTx, rolloutId: string, result: TRolloutPlan): Promise<void> {
  await tx.rolloutDevice.deleteMany({ where: { rolloutId } });
  const rows = result.devices.map((device) => ({
    rolloutId,
    deviceId: device.deviceId,
    wave: device.wave,
    state: device.state,
    variantId: device.variantId,
    reason: device.reason,
  }));
  for (let i = 0; i < rows.length; i += 5_000) await tx.rolloutDevice.createMany({ data: rows.slice(i, i + 5_000) });
}

/** A DRAFT rollout with its per-device plan (re-planned when it starts). */
export async function createRollout(options: {
  prisma: PrismaClient;
  actor: TActor;
  chooseVariant: TChooseVariant;
  input: TCreateRolloutInput;
}): Promise<{ id: string; preview: TRolloutPreview }> {
  const input = ZCreateRolloutInput.parse(options.input);
  return options.prisma.$transaction(
    async (tx) => {
      const { model, result } = await plan(tx, options.chooseVariant, input);
      if (result.compatibleCount === 0) {
        const why =
          result.devices.length === 0
            ? "the target names no enabled device"
            : "no targeted device can run any variant of this model";
        throw new AppError(AppErrorCode.INVALID_INPUT, `Nothing to roll out: ${why}.`);
      }
      const rollout = await tx.rollout.create({
        data: {
          name: input.name,
          modelId: input.modelId,
          target: input.target,
          strategy: input.strategy,
          gates: input.gates,
          autoRollback: input.autoRollback,
          createdById: options.actor.id,
        },
        select: { id: true },
      });
      await writePlan(tx, rollout.id, result);
      const preview = toPreview(model, result);
      await recordAudit({
        tx,
        actor: options.actor,
        action: "rollout.create",
        entityType: "rollout",
        entityId: rollout.id,
        after: {
          name: input.name,
          modelId: input.modelId,
          target: input.target,
          strategy: input.strategy,
          gates: input.gates,
          autoRollback: input.autoRollback,
          compatible: preview.compatible,
          incompatible: preview.incompatibleCount,
        },
      });
      return { id: rollout.id, preview };
    },
    { timeout: 60_000 },
  );
}

function notFound(id: string): AppError {
  return new AppError(AppErrorCode.NOT_FOUND, `No rollout with id ${id}.`);
}

/**
 * Moves the rollout from one of `from` to `to` (conditional UPDATE: the row lock of the transaction),
 * or explains why it cannot. Returns the row as it was.
 */
async function transition(
  tx: TTx,
  id: string,
  from: readonly RolloutStatus[],
  data: Prisma.RolloutUpdateManyMutationInput & { status: RolloutStatus },
  verb: string,
) {
  // Lock first, so `before` is what the conditional update below changes.
  await tx.$queryRaw`SELECT 1 FROM "Rollout" WHERE id = ${id} FOR UPDATE`;
  const before = await tx.rollout.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      status: true,
      currentWave: true,
      modelId: true,
      target: true,
      strategy: true,
      gates: true,
      reason: true,
    },
  });
  if (!before) throw notFound(id);
  const changed = await tx.rollout.updateMany({ where: { id, status: { in: [...from] } }, data });
  if (changed.count === 0) {
    const now = await tx.rollout.findUnique({ where: { id }, select: { status: true } });
    throw new AppError(
      AppErrorCode.CONFLICT,
      `Cannot ${verb} a rollout that is ${(now?.status ?? before.status).toLowerCase().replace("_", " ")}.`,
    );
  }
  return before;
}

/**
 * Starts take turns (a transaction-scoped advisory lock): otherwise two starts whose targets overlap
 * could each check "no device is in another active rollout" before the other committed, and both run.
 */
const ROLLOUT_START_LOCK = 4_261_702;

/** DRAFT → RUNNING: re-plans against the fleet as it is now and issues wave 1. */
export async function startRollout(options: {
  prisma: PrismaClient;
  actor: TActor;
  chooseVariant: TChooseVariant;
  id: string;
  now?: Date;
}) {
  const now = options.now ?? new Date();
  return options.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ROLLOUT_START_LOCK})`);
      const before = await transition(
        tx,
        options.id,
        ["DRAFT"],
        { status: "RUNNING", currentWave: 1, waveStartedAt: now, startedAt: now, reason: null },
        "start",
      );
      const settings = parseRolloutSettings(before);
      const { result } = await plan(tx, options.chooseVariant, {
        modelId: before.modelId,
        target: settings.target,
        strategy: settings.strategy,
      });
      if (result.compatibleCount === 0)
        throw new AppError(AppErrorCode.CONFLICT, "No targeted device can run this model any more; nothing to start.");
      await writePlan(tx, options.id, result);
      const busy = await tx.rolloutDevice.findMany({
        where: {
          rolloutId: { not: options.id },
          state: { not: "INCOMPATIBLE" },
          rollout: { status: { in: [...ACTIVE_ROLLOUT_STATUSES] } },
          device: { rolloutTargets: { some: { rolloutId: options.id, state: "PENDING" } } },
        },
        select: { deviceId: true, rollout: { select: { name: true } } },
        take: 3,
      });
      if (busy.length > 0) {
        const names = busy.map((row) => `${row.deviceId} (in "${row.rollout.name}")`).join(", ");
        throw new AppError(
          AppErrorCode.CONFLICT,
          `Devices are in another active rollout: ${names}. Finish or abort it first.`,
        );
      }
      const sent = await issueWaveRevisions(tx, options.id, 1);
      await recordAudit({
        tx,
        actor: options.actor,
        action: "rollout.start",
        entityType: "rollout",
        entityId: options.id,
        before: { status: before.status },
        after: {
          status: "RUNNING",
          wave: 1,
          devicesSent: sent,
          compatible: result.compatibleCount,
          waves: result.waves.length,
        },
      });
      return { id: options.id, status: "RUNNING" as const, wave: 1, devicesSent: sent };
    },
    { timeout: 60_000 },
  );
}

/** RUNNING → PAUSED: no further wave; devices already sent continue and are counted. */
export async function pauseRollout(options: {
  prisma: PrismaClient;
  actor: TActor;
  id: string;
  reason?: string | undefined;
}) {
  return options.prisma.$transaction(async (tx) => {
    const reason = options.reason?.trim() || "Paused by an operator.";
    const before = await transition(tx, options.id, ["RUNNING"], { status: "PAUSED", reason }, "pause");
    await recordAudit({
      tx,
      actor: options.actor,
      action: "rollout.pause",
      entityType: "rollout",
      entityId: options.id,
      before: { status: before.status },
      after: { status: "PAUSED", reason },
    });
    return { id: options.id, status: "PAUSED" as const };
  });
}

/**
 * PAUSED → RUNNING. By default the current wave soaks again and its gates are re-checked; with
 * `skipGate` the operator accepts the current wave and the next one is issued at once.
 */
export async function resumeRollout(options: {
  prisma: PrismaClient;
  actor: TActor;
  id: string;
  skipGate?: boolean;
  now?: Date;
}) {
  const now = options.now ?? new Date();
  return options.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "Rollout" WHERE id = ${options.id} FOR UPDATE`;
    const current = await tx.rollout.findUnique({ where: { id: options.id }, select: { currentWave: true } });
    if (!current) throw notFound(options.id);
    const lastWave =
      (await tx.rolloutDevice.aggregate({ where: { rolloutId: options.id }, _max: { wave: true } }))._max.wave ?? 1;
    const advance = options.skipGate === true;
    const done = advance && current.currentWave >= lastWave;
    const before = await transition(
      tx,
      options.id,
      ["PAUSED"],
      done
        ? { status: "COMPLETED", finishedAt: now, reason: "Completed: an operator accepted the last wave." }
        : {
            status: "RUNNING",
            reason: null,
            waveStartedAt: now,
            ...(advance ? { currentWave: current.currentWave + 1 } : {}),
          },
      "resume",
    );
    const wave = advance && !done ? before.currentWave + 1 : before.currentWave;
    const sent = done ? 0 : await issueWaveRevisions(tx, options.id, wave);
    const status = done ? ("COMPLETED" as const) : ("RUNNING" as const);
    await recordAudit({
      tx,
      actor: options.actor,
      action: "rollout.resume",
      entityType: "rollout",
      entityId: options.id,
      before: { status: before.status, wave: before.currentWave, reason: before.reason },
      after: { status, wave, skipGate: advance, devicesSent: sent },
    });
    return { id: options.id, status, wave };
  });
}

/** Stops the rollout for good: no further wave, nothing rolled back; issued revisions still go out. */
export async function abortRollout(options: {
  prisma: PrismaClient;
  actor: TActor;
  id: string;
  reason?: string | undefined;
  now?: Date;
}) {
  const now = options.now ?? new Date();
  return options.prisma.$transaction(async (tx) => {
    const reason = options.reason?.trim() || "Aborted by an operator.";
    const before = await transition(
      tx,
      options.id,
      ["DRAFT", "RUNNING", "PAUSED"],
      { status: "ABORTED", reason, finishedAt: now },
      "abort",
    );
    await recordAudit({
      tx,
      actor: options.actor,
      action: "rollout.abort",
      entityType: "rollout",
      entityId: options.id,
      before: { status: before.status },
      after: { status: "ABORTED", reason },
    });
    return { id: options.id, status: "ABORTED" as const };
  });
}

/**
 * Every device that got a revision of this rollout gets its previous variant as a new revision.
 * Allowed while running or paused, and after completion (a bad variant noticed late).
 */
export async function rollbackRollout(options: {
  prisma: PrismaClient;
  actor: TActor;
  id: string;
  reason?: string | undefined;
  now?: Date;
}) {
  const now = options.now ?? new Date();
  return options.prisma.$transaction(
    async (tx) => {
      const reason = options.reason?.trim() || "Rolled back by an operator.";
      const before = await transition(
        tx,
        options.id,
        ["RUNNING", "PAUSED", "COMPLETED"],
        { status: "ROLLING_BACK", reason, waveStartedAt: now, finishedAt: null },
        "roll back",
      );
      const sent = await issueRollbackRevisions(tx, options.id);
      await recordAudit({
        tx,
        actor: options.actor,
        action: "rollout.rollback",
        entityType: "rollout",
        entityId: options.id,
        before: { status: before.status, wave: before.currentWave },
        after: { status: "ROLLING_BACK", reason, devicesSent: sent },
      });
      return { id: options.id, status: "ROLLING_BACK" as const, devicesSent: sent };
    },
    { timeout: 60_000 },
  );
}
