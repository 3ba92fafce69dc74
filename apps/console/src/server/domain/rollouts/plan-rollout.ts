// Pure rollout planning: per device the variant its profile allows (or why none), then waves.
// No database and no clock, so the preview, the created rollout and the re-plan at start agree.
import { createHash } from "node:crypto";
import { deviceEngineProblem } from "../models/choose-variant.ts";
import type { TChooseVariant, TRolloutDeviceEngines, TRolloutProfile, TRolloutVariant } from "./rollout-deps.ts";
import type { TRolloutStrategy } from "./rollout.types.ts";

export interface TPlanDevice {
  id: string;
  name: string;
  /** The matched hardware profile, or null (then profileReason says why). */
  profile: TRolloutProfile | null;
  profileReason: string | null;
  /**
   * Engines the device's last birth reported as loading (`hardware.engines`), or null when it has not
   * reported its hardware (then only tfjs is assumed). A variant of another engine is never planned for it.
   */
  reportedEngines: readonly string[] | null;
}

export interface TPlannedDevice {
  deviceId: string;
  /** 1-based wave; 0 for incompatible devices, which are never sent anything. */
  wave: number;
  variantId: string | null;
  state: "PENDING" | "INCOMPATIBLE";
  reason: string;
}

export interface TPlanVariantCount {
  variantId: string;
  name: string;
  precision: string;
  engine: string;
  bytes: number;
  devices: number;
  /** Profiles whose devices get this variant. */
  profiles: string[];
}

export interface TPlannedWave {
  wave: number;
  /** Cumulative share of the compatible devices reached after this wave, as configured. */
  percent: number;
  devices: number;
  byVariant: Record<string, number>;
}

export interface TRolloutPlan {
  devices: TPlannedDevice[];
  waves: TPlannedWave[];
  byVariant: TPlanVariantCount[];
  incompatible: Array<{ deviceId: string; name: string; reason: string }>;
  compatibleCount: number;
}

/**
 * Chooses per profile and set of reported engines (once each), then assigns waves per variant group
 * so every variant is in the first wave (a canary per variant): within a group of n devices ordered by a stable hash of seed + id, the
 * device at index i goes to the first wave whose ceil(percent × n) exceeds i. Waves left empty
 * (small fleets) are dropped and the rest renumbered, so wave 1 always has at least one device.
 */
export function planRollout(options: {
  devices: readonly TPlanDevice[];
  variants: readonly TRolloutVariant[];
  chooseVariant: TChooseVariant;
  strategy: Pick<TRolloutStrategy, "wavePercents">;
  /** Salt of the wave order: the same seed gives the same waves. */
  seed: string;
}): TRolloutPlan {
  const variantsById = new Map(options.variants.map((variant) => [variant.id, variant]));
  const choiceByProfile = new Map<string, { variantId: string | null; reason: string }>();
  const chosen: Array<{ device: TPlanDevice; variantId: string | null; reason: string }> = [];

  for (const device of options.devices) {
    if (!device.profile) {
      const why = device.profileReason ?? "No hardware profile matched the device.";
      chosen.push({ device, variantId: null, reason: `No hardware profile: ${why}` });
      continue;
    }
    const engines = normalizeEngines(device.reportedEngines);
    const key = `${device.profile.id}\0${engines === null ? "?" : engines.join(",")}`;
    let choice = choiceByProfile.get(key);
    if (!choice) {
      choice = safeChoice(options.chooseVariant, device.profile, options.variants, variantsById, {
        reportedEngines: engines,
      });
      choiceByProfile.set(key, choice);
    }
    chosen.push({ device, ...choice });
  }

  const groups = new Map<string, Array<{ device: TPlanDevice; reason: string; key: string }>>();
  const incompatible: TRolloutPlan["incompatible"] = [];
  const planned: TPlannedDevice[] = [];
  for (const entry of chosen) {
    if (entry.variantId === null) {
      incompatible.push({ deviceId: entry.device.id, name: entry.device.name, reason: entry.reason });
      planned.push({
        deviceId: entry.device.id,
        wave: 0,
        variantId: null,
        state: "INCOMPATIBLE",
        reason: entry.reason,
      });
      continue;
    }
    const group = groups.get(entry.variantId) ?? [];
    group.push({ device: entry.device, reason: entry.reason, key: orderKey(options.seed, entry.device.id) });
    groups.set(entry.variantId, group);
  }

  const percents = options.strategy.wavePercents;
  const rawWaveOf = new Map<string, number>();
  for (const group of groups.values()) {
    group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    group.forEach((entry, index) => rawWaveOf.set(entry.device.id, waveIndexFor(index, group.length, percents)));
  }
  // Drop empty waves, renumber from 1.
  const used = [...new Set(rawWaveOf.values())].sort((a, b) => a - b);
  const renumber = new Map(used.map((raw, i) => [raw, i + 1]));
  const waves: TPlannedWave[] = used.map((raw, i) => ({
    wave: i + 1,
    percent: percents[raw] ?? 100,
    devices: 0,
    byVariant: {},
  }));

  const counts = new Map<string, TPlanVariantCount>();
  for (const [variantId, group] of groups) {
    const variant = variantsById.get(variantId)!;
    const count: TPlanVariantCount = {
      variantId,
      name: variant.name,
      precision: variant.precision,
      engine: variant.engine,
      bytes: variant.bytes,
      devices: group.length,
      profiles: [...new Set(group.map((entry) => entry.device.profile?.name ?? ""))].sort(),
    };
    counts.set(variantId, count);
    for (const entry of group) {
      const wave = renumber.get(rawWaveOf.get(entry.device.id)!)!;
      const plannedWave = waves[wave - 1]!;
      plannedWave.devices += 1;
      plannedWave.byVariant[variantId] = (plannedWave.byVariant[variantId] ?? 0) + 1;
      planned.push({ deviceId: entry.device.id, wave, variantId, state: "PENDING", reason: entry.reason });
    }
  }

  planned.sort((a, b) => a.wave - b.wave || a.deviceId.localeCompare(b.deviceId));
  return {
    devices: planned,
    waves,
    byVariant: [...counts.values()].sort((a, b) => b.devices - a.devices || a.name.localeCompare(b.name)),
    incompatible: incompatible.sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
    compatibleCount: planned.length - incompatible.length,
  };
}

/** Lower case, sorted, once each: devices reporting the same engines (in any order) share one choice. */
function normalizeEngines(engines: readonly string[] | null): string[] | null {
  return engines === null ? null : [...new Set(engines.map((name) => name.toLowerCase()))].sort();
}

/**
 * The chooser must answer with one of the given variants, of an engine the device runs; anything else
 * counts as "none fits" (a guard, so no chooser can make a device receive a variant it would refuse).
 */
function safeChoice(
  chooseVariant: TChooseVariant,
  profile: TRolloutProfile,
  variants: readonly TRolloutVariant[],
  variantsById: ReadonlyMap<string, TRolloutVariant>,
  device: TRolloutDeviceEngines,
): { variantId: string | null; reason: string } {
  if (variants.length === 0) return { variantId: null, reason: "The model has no variants." };
  const choice = chooseVariant(profile, variants, device);
  if (choice.variantId === null) return choice;
  const chosen = variantsById.get(choice.variantId);
  if (!chosen)
    return { variantId: null, reason: `The chooser named an unknown variant (${choice.variantId}); nothing is sent.` };
  const problem = deviceEngineProblem(device, chosen.engine);
  if (problem) return { variantId: null, reason: `The chooser named ${chosen.name}, but ${problem}; nothing is sent.` };
  return choice;
}

/** 0-based index into percents of the wave that takes the device at `index` of a group of `size`. */
export function waveIndexFor(index: number, size: number, percents: readonly number[]): number {
  for (let w = 0; w < percents.length; w++) {
    // Round before ceil so 10 % of 30 is 3, not 4 through floating point.
    const reach = Math.ceil(Math.round(((percents[w]! * size) / 100) * 1e6) / 1e6);
    if (index < reach) return w;
  }
  return percents.length - 1;
}

function orderKey(seed: string, deviceId: string): string {
  return createHash("sha256").update(seed).update("\0").update(deviceId).digest("hex");
}
