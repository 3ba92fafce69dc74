// The one way the rollout driver changes a rollout's status or wave. One transaction: a conditional
// UPDATE guarded on where the driver saw the rollout (status and, where given, currentWave — so even a
// lease that expired mid-step cannot advance a rollout twice), the work that belongs to the change
// (issuing revisions), and its audit event; after the commit, one log line. When the guard misses
// (another step moved the rollout first) nothing is written and nothing is logged.
import type { Prisma, PrismaClient, RolloutStatus } from "@fleet/db";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import type { TRolloutLogger } from "./rollout-deps.ts";

export interface TTransitionOptions<TEffect> {
  prisma: PrismaClient;
  actor: TActor;
  log: TRolloutLogger;
  rolloutId: string;
  /** The transition's name, e.g. "RUNNING→COMPLETED" or "wave 2": returned when it happened. */
  name: string;
  /** Where the driver saw the rollout; the change applies only while it is still there. */
  from: { status: RolloutStatus; currentWave?: number };
  /** The columns the change sets. */
  set: Prisma.RolloutUpdateManyMutationInput;
  /** Work in the same transaction, after the guard held (issuing revisions); its result feeds audit and log. */
  effect?: (tx: Prisma.TransactionClient) => Promise<TEffect>;
  /** The audit event of the change (entity: this rollout). */
  audit: (effect: TEffect) => { action: string; before: unknown; after: unknown };
  /** The log line once committed. */
  logLine: (effect: TEffect) => { level: keyof TRolloutLogger; message: string; fields: Record<string, unknown> };
  /** Transaction timeout for changes that issue revisions to many devices (Prisma's default otherwise). */
  timeoutMs?: number;
}

/** Applies the transition; returns its name, or null when the rollout had moved on (nothing changed). */
export async function transitionRollout<TEffect = undefined>(
  options: TTransitionOptions<TEffect>,
): Promise<string | null> {
  const { prisma, rolloutId, from } = options;
  const where = {
    id: rolloutId,
    status: from.status,
    ...(from.currentWave === undefined ? {} : { currentWave: from.currentWave }),
  };
  const outcome = await prisma.$transaction(
    async (tx) => {
      const changed = await tx.rollout.updateMany({ where, data: options.set });
      if (changed.count === 0) return null;
      // Without an effect TEffect is undefined (its default), so this is what the callbacks expect.
      const effect = options.effect ? await options.effect(tx) : (undefined as TEffect);
      const { action, before, after } = options.audit(effect);
      await recordAudit({
        tx,
        actor: options.actor,
        action,
        entityType: "rollout",
        entityId: rolloutId,
        before,
        after,
      });
      return { effect };
    },
    options.timeoutMs === undefined ? undefined : { timeout: options.timeoutMs },
  );
  if (outcome === null) return null;
  const line = options.logLine(outcome.effect);
  options.log[line.level](line.message, line.fields);
  return options.name;
}
