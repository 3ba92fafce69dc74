// Health gates of a running rollout, over every device sent so far (waves 1..current): activation
// success, telemetry error rate, and p95 latency per profile against its budget and against the same
// devices before the rollout. Loading is SQL aggregates (fine at 10k devices); judging is pure.
import type { PrismaClient, RolloutDeviceState } from "@fleet/db";
import type { TRolloutGates, TRolloutStrategy } from "./rollout.types.ts";

export type TStateCounts = Record<RolloutDeviceState, number>;

export interface TProfileLatency {
  profileId: string | null;
  profileName: string;
  latencyBudgetMs: number | null;
  /** Inference-weighted mean of the samples' p95 on the new variant since activation; null without samples. */
  p95AfterMs: number | null;
  /** The same over the hour before the rollout started (other variants); null without samples. */
  p95BeforeMs: number | null;
}

export interface TGateMetrics {
  counts: TStateCounts;
  inferences: number;
  errors: number;
  latency: TProfileLatency[];
}

export interface TGateCheck {
  gate: "reports" | "activation" | "errors" | "latency";
  /** true passed, false failed, null not decidable yet. */
  ok: boolean | null;
  text: string;
}

export interface TGateVerdict {
  verdict: "pass" | "fail" | "wait";
  checks: TGateCheck[];
  /** One line: why it failed, or what it waits for. */
  summary: string;
}

export const EMPTY_COUNTS: TStateCounts = {
  PENDING: 0,
  INCOMPATIBLE: 0,
  SENT: 0,
  DOWNLOADING: 0,
  VERIFYING: 0,
  ACTIVATING: 0,
  ACTIVE: 0,
  FAILED: 0,
  ROLLED_BACK: 0,
};

const pct = (value: number) => `${(Math.round(value * 10) / 10).toString()} %`;
const ms = (value: number) => `${(Math.round(value * 10) / 10).toString()} ms`;

/**
 * pass: soak time over, enough devices reported, every gate holds.
 * fail: a gate failed for good — activation can no longer reach its threshold even if every device
 *   still in flight succeeds (decided before the soak ends: a broken canary stops at once), or, after
 *   the soak, errors or latency are over their limits, or too few devices reported within the timeout.
 * wait: otherwise.
 */
export function judgeGates(options: {
  metrics: TGateMetrics;
  gates: TRolloutGates;
  strategy: Pick<TRolloutStrategy, "soakSeconds">;
  waveStartedAt: Date;
  now: Date;
}): TGateVerdict {
  const { metrics, gates } = options;
  const c = metrics.counts;
  const sent = c.SENT + c.DOWNLOADING + c.VERIFYING + c.ACTIVATING + c.ACTIVE + c.FAILED + c.ROLLED_BACK;
  const settled = c.ACTIVE + c.FAILED + c.ROLLED_BACK;
  const inFlight = sent - settled;
  const elapsedS = (options.now.getTime() - options.waveStartedAt.getTime()) / 1000;
  const soaked = elapsedS >= options.strategy.soakSeconds;
  const checks: TGateCheck[] = [];

  // Reports.
  const reportedPct = sent === 0 ? 100 : (settled / sent) * 100;
  const enoughReports = reportedPct >= gates.minReportedPct;
  const timedOut = elapsedS >= gates.reportTimeoutSeconds;
  checks.push({
    gate: "reports",
    ok: enoughReports ? true : timedOut ? false : null,
    text: `${settled} of ${sent} devices reported an outcome (${pct(reportedPct)}; needs ${pct(gates.minReportedPct)}${enoughReports || timedOut ? "" : `, waiting up to ${gates.reportTimeoutSeconds} s`})`,
  });

  // Activation success.
  const failedCount = c.FAILED + c.ROLLED_BACK;
  const bestPossiblePct = sent === 0 ? 100 : ((c.ACTIVE + inFlight) / sent) * 100;
  const activationPct = settled === 0 ? null : (c.ACTIVE / settled) * 100;
  const activationLost = bestPossiblePct < gates.minActivationPct;
  checks.push({
    gate: "activation",
    ok: activationLost
      ? false
      : activationPct !== null && activationPct >= gates.minActivationPct
        ? true
        : timedOut
          ? false
          : null,
    text:
      activationPct === null
        ? `no device has finished activating yet (needs ≥ ${pct(gates.minActivationPct)})`
        : `${c.ACTIVE} active, ${failedCount} failed: ${pct(activationPct)} activated (needs ≥ ${pct(gates.minActivationPct)})`,
  });

  // Error rate.
  const errorPct =
    metrics.inferences > 0 ? (metrics.errors / metrics.inferences) * 100 : metrics.errors > 0 ? 100 : null;
  checks.push({
    gate: "errors",
    ok: errorPct === null ? true : errorPct <= gates.maxErrorPct,
    text:
      errorPct === null
        ? "no inferences reported on the new variant yet"
        : `${metrics.errors} errors in ${metrics.inferences} inferences: ${pct(errorPct)} (limit ${pct(gates.maxErrorPct)})`,
  });

  // Latency per profile.
  for (const row of metrics.latency) {
    if (row.p95AfterMs === null) continue;
    const problems: string[] = [];
    if (row.latencyBudgetMs !== null && row.p95AfterMs > row.latencyBudgetMs)
      problems.push(`over the budget of ${ms(row.latencyBudgetMs)}`);
    if (row.p95BeforeMs !== null && row.p95BeforeMs > 0 && row.p95AfterMs > gates.latencyFactor * row.p95BeforeMs) {
      problems.push(`more than ${gates.latencyFactor}× the ${ms(row.p95BeforeMs)} before`);
    }
    const before = row.p95BeforeMs === null ? "" : `, before ${ms(row.p95BeforeMs)}`;
    const budget = row.latencyBudgetMs === null ? "" : `, budget ${ms(row.latencyBudgetMs)}`;
    checks.push({
      gate: "latency",
      ok: problems.length === 0,
      text: `${row.profileName}: p95 ${ms(row.p95AfterMs)}${budget}${before}${problems.length ? ` — ${problems.join(" and ")}` : ""}`,
    });
  }

  const failedEarly = checks.find((check) => check.gate === "activation" && check.ok === false);
  if (failedEarly) return { verdict: "fail", checks, summary: `Activation gate failed: ${failedEarly.text}.` };
  if (!soaked) {
    const left = Math.ceil(options.strategy.soakSeconds - elapsedS);
    return { verdict: "wait", checks, summary: `Soaking: ${left} s left.` };
  }
  const failed = checks.find((check) => check.ok === false);
  if (failed) return { verdict: "fail", checks, summary: `${capitalize(failed.gate)} gate failed: ${failed.text}.` };
  const pending = checks.find((check) => check.ok === null);
  if (pending) return { verdict: "wait", checks, summary: `Waiting: ${pending.text}.` };
  return { verdict: "pass", checks, summary: "All gates passed." };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface TLatencyRow {
  profile_id: string | null;
  profile_name: string | null;
  budget: number | null;
  after_p95: number | null;
  before_p95: number | null;
}

/** Counts, telemetry and latency of the devices of waves 1..maxWave (all waves when maxWave is null). */
export async function loadGateMetrics(options: {
  prisma: Pick<PrismaClient, "$queryRaw" | "rolloutDevice">;
  rolloutId: string;
  maxWave: number | null;
  startedAt: Date | null;
}): Promise<TGateMetrics> {
  const { prisma, rolloutId } = options;
  const maxWave = options.maxWave ?? 2_147_483_647;
  const grouped = await prisma.rolloutDevice.groupBy({
    by: ["state"],
    where: { rolloutId, wave: { gte: 1, lte: maxWave } },
    _count: { _all: true },
  });
  const counts: TStateCounts = { ...EMPTY_COUNTS };
  for (const row of grouped) counts[row.state] = row._count._all;

  const [errors] = await prisma.$queryRaw<Array<{ inferences: bigint | null; errors: bigint | null }>>`
    SELECT sum(t.inferences)::int8 AS inferences, sum(t.errors)::int8 AS errors
      FROM "RolloutDevice" rd
      JOIN "TelemetrySample" t ON t."deviceId" = rd."deviceId" AND t."variantId" = rd."variantId" AND t.ts >= rd."activatedAt"
     WHERE rd."rolloutId" = ${rolloutId} AND rd.wave BETWEEN 1 AND ${maxWave} AND rd.state = 'ACTIVE'`;

  const startedAt = options.startedAt ?? new Date(0);
  const beforeFrom = new Date(startedAt.getTime() - 3_600_000);
  const latency = await prisma.$queryRaw<TLatencyRow[]>`
    WITH active AS (
      SELECT rd."deviceId", rd."variantId", rd."activatedAt", d."profileId"
        FROM "RolloutDevice" rd JOIN "Device" d ON d.id = rd."deviceId"
       WHERE rd."rolloutId" = ${rolloutId} AND rd.wave BETWEEN 1 AND ${maxWave} AND rd.state = 'ACTIVE'
    ), after AS (
      SELECT a."profileId", sum(t."latencyP95" * t.inferences) / NULLIF(sum(t.inferences), 0) AS p95
        FROM active a JOIN "TelemetrySample" t ON t."deviceId" = a."deviceId" AND t."variantId" = a."variantId" AND t.ts >= a."activatedAt"
       GROUP BY a."profileId"
    ), before AS (
      SELECT a."profileId", sum(t."latencyP95" * t.inferences) / NULLIF(sum(t.inferences), 0) AS p95
        FROM active a JOIN "TelemetrySample" t ON t."deviceId" = a."deviceId"
         AND t.ts >= ${beforeFrom} AND t.ts < ${startedAt} AND t."variantId" IS DISTINCT FROM a."variantId"
       GROUP BY a."profileId"
    )
    SELECT af."profileId" AS profile_id, p.name AS profile_name, p."latencyBudgetMs" AS budget,
           af.p95::float8 AS after_p95, b.p95::float8 AS before_p95
      FROM after af
      LEFT JOIN before b ON b."profileId" IS NOT DISTINCT FROM af."profileId"
      LEFT JOIN "HardwareProfile" p ON p.id = af."profileId"
     ORDER BY p.name NULLS LAST`;

  return {
    counts,
    inferences: Number(errors?.inferences ?? 0),
    errors: Number(errors?.errors ?? 0),
    latency: latency.map((row) => ({
      profileId: row.profile_id,
      profileName: row.profile_name ?? "(no profile)",
      latencyBudgetMs: row.budget,
      p95AfterMs: row.after_p95,
      p95BeforeMs: row.before_p95,
    })),
  };
}
