// The rollout driver: `tick()` (called every second by a timer in main.ts) moves every rollout one
// step. (A driver, not an engine: in Fleet an engine is the runtime a variant executes on, tfjs|onnx.) All state lives in the database, so any console process can run it and a restarted one
// resumes where the last left off:
//   1. agent reports (DeviceReport rows written by the broker) → RolloutDevice states (sync-reports.ts);
//   2. per rollout with work, under a lease (leaseOwner/leaseUntil, taken by a conditional UPDATE, so
//      two processes never work on one rollout at once):
//      - RUNNING: judge the gates of waves 1..current; pass → next wave (its revisions issued in the
//        same transaction) or COMPLETED; fail → PAUSED, or ROLLING_BACK with rollback revisions;
//      - ROLLING_BACK: ROLLED_BACK once every device reported (or the report timeout passed);
//      - revisions not yet published (sentAt NULL) are published retained, then marked sent;
//        revisions still unanswered after `refreshAfterMs` are published again with a fresh URL, so a
//        device that returns after days finds a retained message whose download link still works.
// Every transition goes through transitionRollout (transition-rollout.ts): a conditional UPDATE on
// (status, currentWave) as well, so even a lease that expired mid-step cannot advance a rollout twice.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { SCHEMA_VERSION, type TDesiredPayload, type TDesiredVariant } from "@fleet/protocol";
import type { PrismaClient, RolloutStatus } from "@fleet/db";
import type { TActor } from "../audit/record-audit.ts";
import { judgeGates, loadGateMetrics, type TGateVerdict } from "./evaluate-gates.ts";
import { issueRollbackRevisions, issueWaveRevisions } from "./issue-revisions.ts";
import { rolloutVariantSelect } from "./load-plan-inputs.ts";
import type { TDescribeVariant, TDesiredPublisher, TRolloutLogger, TRolloutVariant } from "./rollout-deps.ts";
import { parseRolloutSettings } from "./rollout.types.ts";
import { syncReports } from "./sync-reports.ts";
import { transitionRollout, type TTransitionOptions } from "./transition-rollout.ts";

/**
 * Who the driver's transitions are audited as. The label keeps its old value ("rollout-engine", from
 * before the rename): stored audit rows carry it, and one actor should not appear under two names.
 */
export const DRIVER_ACTOR: TActor = { id: null, label: "rollout-engine" };

export interface TRolloutDriverOptions {
  prisma: PrismaClient;
  publisher: TDesiredPublisher;
  describeVariant: TDescribeVariant;
  /** Lease owner id; default host:pid:random. */
  owner?: string;
  /** How long a lease holds without renewal (default 15 s). */
  leaseMs?: number;
  /** Republish a revision nobody answered after this long (default 6 h; keep it below the URL TTL). */
  refreshAfterMs?: number;
  /** Publishes in flight at once (default 200). */
  publishConcurrency?: number;
  now?: () => Date;
  log?: TRolloutLogger;
}

export interface TRolloutStep {
  rolloutId: string;
  /** false: another process holds the lease. */
  leased: boolean;
  published: number;
  /** The status change made in this step, e.g. "RUNNING→ROLLING_BACK", or "wave 2". */
  transition?: string;
  verdict?: TGateVerdict;
  error?: string;
}

export interface TTickResult {
  synced: number;
  steps: TRolloutStep[];
}

interface TRolloutRow {
  id: string;
  name: string;
  status: RolloutStatus;
  currentWave: number;
  waveStartedAt: Date | null;
  startedAt: Date | null;
  autoRollback: boolean;
  target: unknown;
  strategy: unknown;
  gates: unknown;
}

const ROLLBACK_STATUSES: readonly RolloutStatus[] = ["ROLLING_BACK", "ROLLED_BACK"];
const SILENT_LOG: TRolloutLogger = { info: () => {}, warn: () => {} };

export class RolloutDriver {
  readonly owner: string;
  private readonly prisma: PrismaClient;
  private readonly publisher: TDesiredPublisher;
  private readonly describeVariant: TDescribeVariant;
  private readonly leaseMs: number;
  private readonly refreshAfterMs: number;
  private readonly concurrency: number;
  private readonly now: () => Date;
  private readonly log: TRolloutLogger;
  private running: Promise<TTickResult> | null = null;

  constructor(options: TRolloutDriverOptions) {
    this.prisma = options.prisma;
    this.publisher = options.publisher;
    this.describeVariant = options.describeVariant;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.refreshAfterMs = options.refreshAfterMs ?? 6 * 3_600_000;
    this.concurrency = Math.max(1, options.publishConcurrency ?? 200);
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? SILENT_LOG;
  }

  /**
   * One pass over every rollout with work. Never throws for one rollout's failure (it is in its step).
   * Not re-entrant: a call while a pass runs gets that pass (a lease is per process, not per call).
   */
  tick(): Promise<TTickResult> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<TTickResult> {
    const synced = await syncReports(this.prisma);
    const refreshBefore = new Date(this.now().getTime() - this.refreshAfterMs);
    const candidates = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT r.id FROM "Rollout" r
       WHERE r.status IN ('RUNNING', 'ROLLING_BACK')
          OR EXISTS (SELECT 1 FROM "RolloutDevice" rd
                      WHERE rd."rolloutId" = r.id AND rd."desiredRev" IS NOT NULL
                        AND (rd."sentAt" IS NULL OR (rd.state = 'SENT' AND rd."sentAt" < ${refreshBefore})))
       ORDER BY r."createdAt"`;
    const steps: TRolloutStep[] = [];
    for (const { id } of candidates) steps.push(await this.step(id));
    return { synced, steps };
  }

  /** Takes or renews the lease on one rollout: a conditional UPDATE, so exactly one process wins. */
  async acquireLease(rolloutId: string): Promise<boolean> {
    const now = this.now();
    const until = new Date(now.getTime() + this.leaseMs);
    const count = await this.prisma.$executeRaw`
      UPDATE "Rollout" SET "leaseOwner" = ${this.owner}, "leaseUntil" = ${until}
       WHERE id = ${rolloutId}
         AND ("leaseOwner" IS NULL OR "leaseOwner" = ${this.owner} OR "leaseUntil" IS NULL OR "leaseUntil" < ${now})`;
    return count === 1;
  }

  /** Gives the lease up (clean shutdown), so another process takes over without waiting. */
  async releaseLeases(): Promise<void> {
    await this.prisma
      .$executeRaw`UPDATE "Rollout" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "leaseOwner" = ${this.owner}`;
  }

  private async step(rolloutId: string): Promise<TRolloutStep> {
    const step: TRolloutStep = { rolloutId, leased: false, published: 0 };
    try {
      if (!(await this.acquireLease(rolloutId))) return step;
      step.leased = true;
      const transition = await this.advance(rolloutId, step);
      if (transition !== null) step.transition = transition;
      await this.markStaleForRefresh(rolloutId);
      step.published = await this.publishPending(rolloutId);
    } catch (error) {
      step.error = error instanceof Error ? (error.message.split("\n").find(Boolean) ?? error.name) : String(error);
      this.log.warn("rollout step failed", { rolloutId, error: step.error });
    }
    return step;
  }

  private async loadRollout(rolloutId: string): Promise<TRolloutRow | null> {
    return this.prisma.rollout.findUnique({
      where: { id: rolloutId },
      select: {
        id: true,
        name: true,
        status: true,
        currentWave: true,
        waveStartedAt: true,
        startedAt: true,
        autoRollback: true,
        target: true,
        strategy: true,
        gates: true,
      },
    });
  }

  /** Moves the rollout on if its state calls for it; returns the transition made, if any. */
  private async advance(rolloutId: string, step: TRolloutStep): Promise<string | null> {
    const rollout = await this.loadRollout(rolloutId);
    if (!rollout) return null;
    if (rollout.status === "RUNNING") return this.advanceRunning(rollout, step);
    if (rollout.status === "ROLLING_BACK") return this.finishRollback(rollout);
    return null;
  }

  /** Every change of status or wave goes through transitionRollout, as this driver. */
  private transition<TEffect = undefined>(
    options: Omit<TTransitionOptions<TEffect>, "prisma" | "actor" | "log">,
  ): Promise<string | null> {
    return transitionRollout<TEffect>({ prisma: this.prisma, actor: DRIVER_ACTOR, log: this.log, ...options });
  }

  private async advanceRunning(rollout: TRolloutRow, step: TRolloutStep): Promise<string | null> {
    const settings = parseRolloutSettings(rollout);
    const now = this.now();
    const wave = Math.max(1, rollout.currentWave);
    const metrics = await loadGateMetrics({
      prisma: this.prisma,
      rolloutId: rollout.id,
      maxWave: wave,
      startedAt: rollout.startedAt,
    });
    const verdict = judgeGates({
      metrics,
      gates: settings.gates,
      strategy: settings.strategy,
      waveStartedAt: rollout.waveStartedAt ?? now,
      now,
    });
    step.verdict = verdict;
    if (verdict.verdict === "wait") return null;

    const rolloutId = rollout.id;
    const from = { status: "RUNNING" as const, currentWave: rollout.currentWave };
    if (verdict.verdict === "pass") {
      const lastWave =
        (await this.prisma.rolloutDevice.aggregate({ where: { rolloutId }, _max: { wave: true } }))._max.wave ?? wave;
      if (wave >= lastWave)
        return this.transition({
          rolloutId,
          name: "RUNNING→COMPLETED",
          from,
          set: { status: "COMPLETED", finishedAt: now, reason: null },
          audit: () => ({
            action: "rollout.complete",
            before: { status: "RUNNING", wave },
            after: { status: "COMPLETED", gates: verdict.checks },
          }),
          logLine: () => ({ level: "info", message: "rollout completed", fields: { rolloutId } }),
        });
      const next = wave + 1;
      return this.transition({
        rolloutId,
        name: `wave ${next}`,
        from,
        set: { currentWave: next, waveStartedAt: now },
        effect: (tx) => issueWaveRevisions(tx, rolloutId, next),
        audit: (issued) => ({
          action: "rollout.wave",
          before: { wave },
          after: { wave: next, devicesSent: issued, gates: verdict.checks },
        }),
        logLine: (issued) => ({
          level: "info",
          message: "rollout wave started",
          fields: { rolloutId, wave: next, devices: issued },
        }),
        timeoutMs: 60_000,
      });
    }

    // A gate failed.
    const rollback = rollout.autoRollback;
    const status: RolloutStatus = rollback ? "ROLLING_BACK" : "PAUSED";
    const reason = `Wave ${wave}: ${verdict.summary}${rollback ? " Rolling back." : " Paused."}`;
    return this.transition({
      rolloutId,
      name: `RUNNING→${status}`,
      from,
      set: { status, reason, ...(rollback ? { waveStartedAt: now } : {}) },
      effect: async (tx) => (rollback ? await issueRollbackRevisions(tx, rolloutId) : 0),
      audit: (issued) => ({
        action: "rollout.gate_failed",
        before: { status: "RUNNING", wave },
        after: { status, reason, gates: verdict.checks, ...(rollback ? { devicesSent: issued } : {}) },
      }),
      logLine: () => ({ level: "warn", message: "rollout gate failed", fields: { rolloutId, wave, status, reason } }),
      timeoutMs: 60_000,
    });
  }

  private async finishRollback(rollout: TRolloutRow): Promise<string | null> {
    const settings = parseRolloutSettings(rollout);
    const now = this.now();
    const rolloutId = rollout.id;
    const inFlight = await this.prisma.rolloutDevice.count({
      where: { rolloutId, state: { in: ["SENT", "DOWNLOADING", "VERIFYING", "ACTIVATING"] } },
    });
    const since = rollout.waveStartedAt ?? now;
    const timedOut = now.getTime() - since.getTime() >= settings.gates.reportTimeoutSeconds * 1000;
    if (inFlight > 0 && !timedOut) return null;
    // Any wave: a rollback is not wave by wave.
    return this.transition({
      rolloutId,
      name: "ROLLING_BACK→ROLLED_BACK",
      from: { status: "ROLLING_BACK" },
      set: { status: "ROLLED_BACK", finishedAt: now },
      audit: () => ({
        action: "rollout.rolled_back",
        before: { status: "ROLLING_BACK" },
        after: { status: "ROLLED_BACK", unconfirmedDevices: inFlight },
      }),
      logLine: () => ({
        level: "info",
        message: "rollout rolled back",
        fields: { rolloutId, unconfirmedDevices: inFlight },
      }),
    });
  }

  /** Revisions still unanswered after refreshAfterMs go out again (same rev, fresh download URL). */
  private async markStaleForRefresh(rolloutId: string): Promise<void> {
    const before = new Date(this.now().getTime() - this.refreshAfterMs);
    await this.prisma.rolloutDevice.updateMany({
      where: { rolloutId, state: "SENT", desiredRev: { not: null }, sentAt: { lt: before } },
      data: { sentAt: null },
    });
  }

  /**
   * Publishes every issued but unpublished revision of the rollout, retained, and marks it sent.
   * Rows and the rollout's status are read in one statement, so a rollback committed meanwhile can
   * never make a rollback revision go out with the forward variant.
   */
  private async publishPending(rolloutId: string): Promise<number> {
    let published = 0;
    const describe = new Map<string, Promise<TDesiredVariant>>();
    for (;;) {
      const rows = await this.prisma.$queryRaw<
        Array<{
          deviceId: string;
          rev: number;
          variantId: string | null;
          previousVariantId: string | null;
          status: RolloutStatus;
        }>
      >`
        SELECT rd."deviceId", rd."desiredRev" AS rev, rd."variantId", rd."previousVariantId", ro.status
          FROM "RolloutDevice" rd JOIN "Rollout" ro ON ro.id = rd."rolloutId"
         WHERE rd."rolloutId" = ${rolloutId} AND rd."desiredRev" IS NOT NULL AND rd."sentAt" IS NULL
         ORDER BY rd.wave, rd."deviceId"
         LIMIT ${this.concurrency}`;
      if (rows.length === 0) return published;
      // Renew before every batch: a process that stalled past its lease stops here.
      if (!(await this.acquireLease(rolloutId))) return published;

      const variantIds = [
        ...new Set(
          rows
            .map((row) => (ROLLBACK_STATUSES.includes(row.status) ? row.previousVariantId : row.variantId))
            .filter((id): id is string => id !== null),
        ),
      ];
      const missing = variantIds.filter((id) => !describe.has(id));
      if (missing.length > 0) {
        const variants = await this.prisma.modelVariant.findMany({
          where: { id: { in: missing } },
          select: rolloutVariantSelect,
        });
        for (const variant of variants)
          describe.set(variant.id, this.describeVariant(variant satisfies TRolloutVariant));
      }
      const ts = this.now().getTime();
      const results = await Promise.allSettled(
        rows.map(async (row) => {
          const rollingBack = ROLLBACK_STATUSES.includes(row.status);
          const variantId = rollingBack ? row.previousVariantId : row.variantId;
          // Forward revisions always name a variant; a rollback to "nothing" is legitimate (null).
          if (variantId === null && !rollingBack) throw new Error(`the variant for ${row.deviceId} was deleted`);
          const variant = variantId === null ? null : await describe.get(variantId);
          if (variant === undefined) throw new Error(`variant ${variantId} no longer exists`);
          const payload: TDesiredPayload = { v: SCHEMA_VERSION, ts, rev: row.rev, variant, rolloutId };
          await this.publisher.publish(row.deviceId, payload);
          return row;
        }),
      );
      const sent = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      if (sent.length > 0) {
        // When the message went out: the payload's ts, so the retained message and the row agree.
        const sentAt = new Date(ts);
        await this.prisma.$executeRaw`
          UPDATE "RolloutDevice" rd SET "sentAt" = ${sentAt}, "updatedAt" = now()
            FROM unnest(${sent.map((row) => row.deviceId)}::text[], ${sent.map((row) => row.rev)}::int4[]) AS s("deviceId", rev)
           WHERE rd."rolloutId" = ${rolloutId} AND rd."deviceId" = s."deviceId" AND rd."desiredRev" = s.rev`;
      }
      published += sent.length;
      const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failure) {
        // Broker down or a variant gone: the rest stays unpublished and is retried next tick.
        throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
      }
    }
  }
}
