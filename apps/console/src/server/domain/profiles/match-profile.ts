// Which hardware profile a device belongs to, and why: pure, so the device page, the rematch job
// and rollouts all explain the choice the same way.
import { ZHardware, type THardware } from "@fleet/protocol";
import { ZProfileRules, type TProfileRules } from "./profile.types.ts";

export interface TMatchableProfile {
  id: string;
  name: string;
  priority: number;
  rules: unknown;
}

export interface TProfileMatch {
  profile: { id: string; name: string } | null;
  /** One sentence for operators: the rules that held, or why each profile did not fit. */
  reason: string;
}

const list = (items: readonly string[]) => items.join(", ");

/** Each rule's verdict on this hardware: [holds, explanation]. */
function checkRules(hw: THardware, rules: TProfileRules): Array<[boolean, string]> {
  const checks: Array<[boolean, string]> = [];
  if (rules.arch?.length) {
    const ok = rules.arch.includes(hw.arch);
    checks.push([ok, `arch ${hw.arch} ${ok ? "is" : "is not"} one of ${list(rules.arch)}`]);
  }
  if (rules.classes?.length) {
    const ok = rules.classes.includes(hw.class);
    checks.push([ok, `class ${hw.class} ${ok ? "is" : "is not"} ${list(rules.classes)}`]);
  }
  if (rules.ramMinMb !== undefined) {
    const ok = hw.ramTotalMb >= rules.ramMinMb;
    checks.push([ok, `RAM ${Math.round(hw.ramTotalMb)} MB ${ok ? "≥" : "<"} ${rules.ramMinMb} MB`]);
  }
  if (rules.ramMaxMb !== undefined) {
    const ok = hw.ramTotalMb <= rules.ramMaxMb;
    checks.push([ok, `RAM ${Math.round(hw.ramTotalMb)} MB ${ok ? "≤" : ">"} ${rules.ramMaxMb} MB`]);
  }
  if (rules.coresMin !== undefined) {
    const ok = hw.cores >= rules.coresMin;
    checks.push([ok, `${hw.cores} cores ${ok ? "≥" : "<"} ${rules.coresMin}`]);
  }
  if (rules.wasmSimd !== undefined) {
    const ok = hw.wasmSimd === rules.wasmSimd;
    checks.push([
      ok,
      `wasm SIMD ${hw.wasmSimd ? "available" : "unavailable"}${ok ? "" : ` (needs ${rules.wasmSimd ? "available" : "unavailable"})`}`,
    ]);
  }
  for (const [kind, required, present] of [
    ["backend", rules.backends, hw.backends],
    ["engine", rules.engines, hw.engines],
  ] as const) {
    if (!required?.length) continue;
    const missing = required.filter((name) => !present.includes(name));
    checks.push([
      missing.length === 0,
      missing.length === 0 ? `${kind}s ${list(required)} load` : `${kind} ${list(missing)} does not load`,
    ]);
  }
  return checks;
}

/**
 * The first profile (lowest priority number, then name) whose every rule holds for `hardware`.
 * Profiles with unreadable rules are skipped, and the reason says so.
 */
export function matchProfile(hardware: unknown, profiles: readonly TMatchableProfile[]): TProfileMatch {
  const hw = ZHardware.safeParse(hardware);
  if (!hw.success) {
    return {
      profile: null,
      reason:
        hardware === null || hardware === undefined
          ? "The device has not reported its hardware yet."
          : "The reported hardware is unreadable.",
    };
  }
  const ordered = [...profiles].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  const misses: string[] = [];
  for (const profile of ordered) {
    const rules = ZProfileRules.safeParse(profile.rules);
    if (!rules.success) {
      misses.push(`"${profile.name}": its rules are invalid`);
      continue;
    }
    const checks = checkRules(hw.data, rules.data);
    const failed = checks.find(([ok]) => !ok);
    if (failed) {
      misses.push(`"${profile.name}": ${failed[1]}`);
      continue;
    }
    const why =
      checks.length === 0 ? "it has no rules, so it matches every device" : checks.map(([, text]) => text).join("; ");
    const skipped = misses.length ? ` Higher-priority profiles did not fit (${misses.join("; ")}).` : "";
    return {
      profile: { id: profile.id, name: profile.name },
      reason: `Matched "${profile.name}" (priority ${profile.priority}): ${why}.${skipped}`,
    };
  }
  if (ordered.length === 0) return { profile: null, reason: "No hardware profile is defined yet." };
  return { profile: null, reason: `No profile matched: ${misses.join("; ")}.` };
}
