// Which variant of a model a hardware profile gets, and why: the most accurate variant that satisfies
// every constraint of the profile; ties go to the smaller, then to the preferred engine. Pure, so the
// model page, the API and rollouts explain the choice the same way.
import type { Engine, Precision } from "@fleet/db";
import { z } from "zod";
import { formatBytes } from "./format-bytes.ts";

export interface TChoosableVariant {
  id: string;
  name: string;
  precision: Precision;
  engine: Engine;
  /** Bytes a device downloads (the files the manifest lists). */
  bytes: number;
  /** The quantize report of this variant (accuracy, agreement, runtime…); unreadable parts are ignored. */
  metrics: unknown;
}

export interface TChoosableProfile {
  name: string;
  maxModelBytes: number | null;
  ramBudgetMb: number | null;
  allowedPrecisions: readonly Precision[];
  allowedEngines: readonly Engine[];
  preferredEngine: Engine | null;
  latencyBudgetMs: number | null;
}

export interface TVariantChoice {
  variant: { id: string; name: string } | null;
  /** One or two sentences for operators. */
  reason: string;
  /** Every variant that did not fit, with why. */
  excluded: Array<{ id: string; name: string; why: string }>;
}

// Only what the choice needs; the rest of the report may change without breaking it.
const ZChoiceMetrics = z.looseObject({
  accuracy: z.number().optional(),
  agreement: z.number().optional(),
  runtime: z
    .looseObject({
      latency: z.looseObject({ medianMs: z.number(), p95Ms: z.number() }),
      modelMB: z.number(),
    })
    .optional(),
});
type TChoiceMetrics = z.infer<typeof ZChoiceMetrics>;

/** Without measured accuracy, more bits are assumed to keep more. */
const PRECISION_RANK: Record<Precision, number> = { FP32: 6, FP16: 5, MIXED: 4, INT8: 3, UINT8: 3, INT4: 1 };

function metricsOf(variant: TChoosableVariant): TChoiceMetrics {
  const parsed = ZChoiceMetrics.safeParse(variant.metrics);
  return parsed.success ? parsed.data : {};
}

/** Why `variant` breaks a constraint of `profile`, or null; `notes` collects constraints that could not be checked. */
function violation(variant: TChoosableVariant, metrics: TChoiceMetrics, profile: TChoosableProfile, notes: Set<string>): string | null {
  if (!profile.allowedPrecisions.includes(variant.precision)) return `precision ${variant.precision} not allowed`;
  if (!profile.allowedEngines.includes(variant.engine)) return `engine ${variant.engine} not allowed`;
  if (profile.maxModelBytes !== null && variant.bytes > profile.maxModelBytes) {
    return `${formatBytes(variant.bytes)} > max ${formatBytes(profile.maxModelBytes)}`;
  }
  if (profile.ramBudgetMb !== null) {
    if (metrics.runtime) {
      if (metrics.runtime.modelMB > profile.ramBudgetMb) return `needs ${metrics.runtime.modelMB.toFixed(1)} MB of RAM > budget ${profile.ramBudgetMb} MB`;
    } else notes.add("RAM not measured");
  }
  if (profile.latencyBudgetMs !== null) {
    if (metrics.runtime) {
      const p95 = metrics.runtime.latency.p95Ms;
      if (p95 > profile.latencyBudgetMs) return `p95 latency ${p95.toFixed(2)} ms > budget ${profile.latencyBudgetMs} ms`;
    } else notes.add("latency not measured");
  }
  return null;
}

/** Accuracy if measured, else agreement with fp32, else null. */
function quality(metrics: TChoiceMetrics): { value: number; label: string } | null {
  if (metrics.accuracy !== undefined) return { value: metrics.accuracy, label: `accuracy ${metrics.accuracy.toFixed(2)} %` };
  if (metrics.agreement !== undefined) return { value: metrics.agreement, label: `agreement ${metrics.agreement.toFixed(2)} %` };
  return null;
}

export function chooseVariant(profile: TChoosableProfile, variants: readonly TChoosableVariant[]): TVariantChoice {
  if (variants.length === 0) return { variant: null, reason: "The model has no variants yet.", excluded: [] };
  const notes = new Set<string>();
  const excluded: TVariantChoice["excluded"] = [];
  const fitting: Array<{ variant: TChoosableVariant; metrics: TChoiceMetrics }> = [];
  for (const variant of variants) {
    const metrics = metricsOf(variant);
    const why = violation(variant, metrics, profile, notes);
    if (why) excluded.push({ id: variant.id, name: variant.name, why });
    else fitting.push({ variant, metrics });
  }
  const excludedText = excluded.length ? ` Excluded: ${excluded.map((e) => `${e.name} (${e.why})`).join("; ")}.` : "";
  if (fitting.length === 0) return { variant: null, reason: `No variant fits "${profile.name}":${excludedText.replace(/^ Excluded:/, "")}`, excluded };

  const compare = (a: (typeof fitting)[number], b: (typeof fitting)[number]) => {
    const qa = quality(a.metrics);
    const qb = quality(b.metrics);
    if (qa && qb && qa.value !== qb.value) return qb.value - qa.value;
    if (qa && !qb) return -1;
    if (!qa && qb) return 1;
    if (!qa && !qb && PRECISION_RANK[a.variant.precision] !== PRECISION_RANK[b.variant.precision]) {
      return PRECISION_RANK[b.variant.precision] - PRECISION_RANK[a.variant.precision];
    }
    if (a.variant.bytes !== b.variant.bytes) return a.variant.bytes - b.variant.bytes;
    const preferred = (v: TChoosableVariant) => (profile.preferredEngine !== null && v.engine === profile.preferredEngine ? 0 : 1);
    return preferred(a.variant) - preferred(b.variant) || a.variant.name.localeCompare(b.variant.name);
  };
  const ranked = [...fitting].sort(compare);
  const best = ranked[0]!;
  const bestQuality = quality(best.metrics);
  const tied = ranked.filter((c) => c !== best && (quality(c.metrics)?.value ?? null) === (bestQuality?.value ?? null) && (bestQuality || c.variant.precision === best.variant.precision));
  const basis = bestQuality ? bestQuality.label : `no measured accuracy, ${best.variant.precision} ranks highest`;
  const ties = tied.length ? `; ties with ${tied.map((c) => c.variant.name).join(", ")} go to the smaller` : "";
  const unchecked = notes.size ? ` (${[...notes].join(", ")}: not checked)` : "";
  return {
    variant: { id: best.variant.id, name: best.variant.name },
    reason:
      `Chose ${best.variant.name} (${best.variant.precision}, ${formatBytes(best.variant.bytes)}, ${basis}): ` +
      `the most accurate of ${fitting.length} variant${fitting.length === 1 ? "" : "s"} that fit "${profile.name}"${ties}${unchecked}.${excludedText}`,
    excluded,
  };
}
