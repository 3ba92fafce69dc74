// Which variant of a model a hardware profile gets, and why: among the variants that satisfy every
// constraint of the profile (and, for one device, load on its engines), those of the profile's preferred
// engine come first when any fits; the most accurate of them wins, ties go to the smaller. Pure, so the
// model page, the API and rollouts explain the choice the same way.
import { compareAssumedQuality, type TEngine, type TPrecision } from "@fleet/variants";
import { z } from "zod";
import { formatBytes } from "./format-bytes.ts";

export interface TChoosableVariant {
  id: string;
  name: string;
  precision: TPrecision;
  engine: TEngine;
  /** Bytes a device downloads (the files the manifest lists). */
  bytes: number;
  /** The quantize report of this variant (accuracy, agreement, runtime…); unreadable parts are ignored. */
  metrics: unknown;
}

export interface TChoosableProfile {
  name: string;
  maxModelBytes: number | null;
  ramBudgetMb: number | null;
  allowedPrecisions: readonly TPrecision[];
  allowedEngines: readonly TEngine[];
  preferredEngine: TEngine | null;
  latencyBudgetMs: number | null;
}

/**
 * The device a choice is made for. Without one (the model page), the choice is the profile's alone.
 * `reportedEngines`: the engines the device's last birth reported as loading (`hardware.engines`,
 * as the agent sends them; compared without case), or null when it has reported none yet (no birth, or
 * hardware the console cannot read). Unknown hardware counts as tfjs only: every agent runs tfjs,
 * while onnx needs ONNX Runtime's native binaries, which an operator cannot assume on a device that
 * never said so; sending it an onnx variant would only make the agent refuse it.
 */
export interface TChoosableDevice {
  reportedEngines: readonly string[] | null;
}

/** The engines a device is assumed to run when it has not reported any (see TChoosableDevice). */
export const ENGINES_OF_UNKNOWN_HARDWARE: readonly TEngine[] = ["tfjs"];

/** Whether `device` runs `engine` (true without a device: then only the profile decides). */
export function deviceRunsEngine(device: TChoosableDevice | undefined, engine: TEngine): boolean {
  if (!device) return true;
  if (device.reportedEngines === null) return ENGINES_OF_UNKNOWN_HARDWARE.includes(engine);
  return device.reportedEngines.some((name) => name.toLowerCase() === engine);
}

/** Why `device` cannot run `engine`, or null. */
export function deviceEngineProblem(device: TChoosableDevice | undefined, engine: TEngine): string | null {
  if (!device || deviceRunsEngine(device, engine)) return null;
  if (device.reportedEngines === null) {
    return `engine ${engine} is not known to load on this device (it has not reported its engines; only ${ENGINES_OF_UNKNOWN_HARDWARE.join(", ")} is assumed)`;
  }
  const reported = device.reportedEngines.length ? device.reportedEngines.join(", ") : "no engine";
  return `engine ${engine} does not load on this device (it reports ${reported})`;
}

const ZHardwareEngines = z.looseObject({ engines: z.array(z.string()) });

/** The engine names in a device's stored hardware (protocol's status birth), or null when absent or unreadable. */
export function reportedEnginesOf(hardware: unknown): string[] | null {
  const parsed = ZHardwareEngines.safeParse(hardware);
  return parsed.success ? parsed.data.engines : null;
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

function metricsOf(variant: TChoosableVariant): TChoiceMetrics {
  const parsed = ZChoiceMetrics.safeParse(variant.metrics);
  return parsed.success ? parsed.data : {};
}

/** Why `variant` breaks a constraint of `profile`, or null; `notes` collects constraints that could not be checked. */
function violation(
  variant: TChoosableVariant,
  metrics: TChoiceMetrics,
  profile: TChoosableProfile,
  device: TChoosableDevice | undefined,
  notes: Set<string>,
): string | null {
  if (!profile.allowedPrecisions.includes(variant.precision)) return `precision ${variant.precision} not allowed`;
  if (!profile.allowedEngines.includes(variant.engine)) return `engine ${variant.engine} not allowed`;
  const engineProblem = deviceEngineProblem(device, variant.engine);
  if (engineProblem) return engineProblem;
  if (profile.maxModelBytes !== null && variant.bytes > profile.maxModelBytes) {
    return `${formatBytes(variant.bytes)} > max ${formatBytes(profile.maxModelBytes)}`;
  }
  if (profile.ramBudgetMb !== null) {
    if (metrics.runtime) {
      if (metrics.runtime.modelMB > profile.ramBudgetMb)
        return `needs ${metrics.runtime.modelMB.toFixed(1)} MB of RAM > budget ${profile.ramBudgetMb} MB`;
    } else notes.add("RAM not measured");
  }
  if (profile.latencyBudgetMs !== null) {
    if (metrics.runtime) {
      const p95 = metrics.runtime.latency.p95Ms;
      if (p95 > profile.latencyBudgetMs)
        return `p95 latency ${p95.toFixed(2)} ms > budget ${profile.latencyBudgetMs} ms`;
    } else notes.add("latency not measured");
  }
  return null;
}

/** Accuracy if measured, else agreement with fp32, else null. */
function quality(metrics: TChoiceMetrics): { value: number; label: string } | null {
  if (metrics.accuracy !== undefined)
    return { value: metrics.accuracy, label: `accuracy ${metrics.accuracy.toFixed(2)} %` };
  if (metrics.agreement !== undefined)
    return { value: metrics.agreement, label: `agreement ${metrics.agreement.toFixed(2)} %` };
  return null;
}

export function chooseVariant(
  profile: TChoosableProfile,
  variants: readonly TChoosableVariant[],
  device?: TChoosableDevice,
): TVariantChoice {
  if (variants.length === 0) return { variant: null, reason: "The model has no variants yet.", excluded: [] };
  const notes = new Set<string>();
  const excluded: TVariantChoice["excluded"] = [];
  const fitting: Array<{ variant: TChoosableVariant; metrics: TChoiceMetrics }> = [];
  for (const variant of variants) {
    const metrics = metricsOf(variant);
    const why = violation(variant, metrics, profile, device, notes);
    if (why) excluded.push({ id: variant.id, name: variant.name, why });
    else fitting.push({ variant, metrics });
  }
  const excludedText = excluded.length ? ` Excluded: ${excluded.map((e) => `${e.name} (${e.why})`).join("; ")}.` : "";
  const target = `"${profile.name}"${device ? " on this device" : ""}`;
  if (fitting.length === 0)
    return { variant: null, reason: `No variant fits ${target}:${excludedText.replace(/^ Excluded:/, "")}`, excluded };

  // A preferred engine decides first: its variants compete among themselves whenever any of them fits;
  // the others are the fallback. Accuracy, then size, decide within that pool.
  const preferred = profile.preferredEngine;
  const ofPreferred = preferred === null ? [] : fitting.filter((c) => c.variant.engine === preferred);
  const pool = ofPreferred.length > 0 ? ofPreferred : fitting;

  const compare = (a: (typeof fitting)[number], b: (typeof fitting)[number]) => {
    const qa = quality(a.metrics);
    const qb = quality(b.metrics);
    if (qa && qb && qa.value !== qb.value) return qb.value - qa.value;
    if (qa && !qb) return -1;
    if (!qa && qb) return 1;
    // without measured accuracy, the vocabulary's one rule: more bits are assumed to keep more
    const assumed = !qa && !qb ? compareAssumedQuality(a.variant.precision, b.variant.precision) : 0;
    if (assumed !== 0) return assumed;
    if (a.variant.bytes !== b.variant.bytes) return a.variant.bytes - b.variant.bytes;
    return a.variant.name.localeCompare(b.variant.name);
  };
  const ranked = [...pool].sort(compare);
  const best = ranked[0]!;
  const bestQuality = quality(best.metrics);
  const tied = ranked.filter(
    (c) =>
      c !== best &&
      (quality(c.metrics)?.value ?? null) === (bestQuality?.value ?? null) &&
      (bestQuality || c.variant.precision === best.variant.precision),
  );
  const basis = bestQuality ? bestQuality.label : `no measured accuracy, ${best.variant.precision} ranks highest`;
  const ties = tied.length ? `; ties with ${tied.map((c) => c.variant.name).join(", ")} go to the smaller` : "";
  const unchecked = notes.size ? ` (${[...notes].join(", ")}: not checked)` : "";
  const plural = (n: number) => (n === 1 ? "" : "s");
  let among: string;
  if (preferred !== null && ofPreferred.length > 0) {
    const others = fitting.length - ofPreferred.length;
    among =
      `the most accurate of ${pool.length} ${preferred} variant${plural(pool.length)} that fit ${target}${ties}` +
      ` (${preferred} is the preferred engine${others > 0 ? `; ${others} other variant${plural(others)} would fit` : ""})`;
  } else {
    among = `the most accurate of ${pool.length} variant${plural(pool.length)} that fit ${target}${ties}`;
    if (preferred !== null) among += `; no variant of the preferred engine ${preferred} fits`;
  }
  // A profile-level choice (model page) of an engine not every agent has: rollouts choose per device.
  const perDevice =
    !device && !ENGINES_OF_UNKNOWN_HARDWARE.includes(best.variant.engine)
      ? ` Devices that do not report ${best.variant.engine} among their engines get the best variant of an engine they run.`
      : "";
  return {
    variant: { id: best.variant.id, name: best.variant.name },
    reason: `Chose ${best.variant.name} (${best.variant.precision}, ${best.variant.engine}, ${formatBytes(best.variant.bytes)}, ${basis}): ${among}${unchecked}.${excludedText}${perDevice}`,
    excluded,
  };
}
