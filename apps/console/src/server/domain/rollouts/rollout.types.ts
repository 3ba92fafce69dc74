// Rollout inputs and the zod schemas of the Json columns Rollout.target, .strategy and .gates.
// Every read of those columns goes through parseRolloutSettings, so a bad row fails loudly.
import type { RolloutDeviceState, RolloutStatus } from "@fleet/db";
import { z } from "zod";
import { ZDeviceIdInput, ZTag } from "../devices/device.types.ts";
import { ZProfileId } from "../profiles/profile.types.ts";

const ZEntityRef = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, "invalid id");

/** Who is targeted. Disabled devices are never targeted. */
export const ZRolloutTarget = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }).strict(),
  /** Devices carrying at least one of the tags. */
  z.object({ kind: z.literal("tags"), tags: z.array(ZTag).min(1, "Pick at least one tag.").max(16) }).strict(),
  /** Devices whose matched hardware profile is one of these. */
  z
    .object({
      kind: z.literal("profiles"),
      profileIds: z.array(ZProfileId).min(1, "Pick at least one profile.").max(64),
    })
    .strict(),
  /** Exactly these devices (unknown ids are refused). */
  z
    .object({
      kind: z.literal("devices"),
      deviceIds: z.array(ZDeviceIdInput).min(1, "List at least one device.").max(10_000),
    })
    .strict(),
]);
export type TRolloutTarget = z.infer<typeof ZRolloutTarget>;

export const DEFAULT_WAVE_PERCENTS = [1, 10, 50, 100] as const;

/** Waves as cumulative percentages of the compatible devices, and the minimum soak per wave. */
export const ZRolloutStrategy = z
  .object({
    wavePercents: z
      .array(z.number().gt(0, "A wave must be above 0 %.").max(100, "A wave cannot exceed 100 %."))
      .min(1, "At least one wave.")
      .max(10, "At most 10 waves.")
      .default([...DEFAULT_WAVE_PERCENTS]),
    /** Minimum time a wave runs (after it was sent) before its gates may pass. */
    soakSeconds: z
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(300),
  })
  .strict()
  .refine((s) => s.wavePercents.every((p, i) => i === 0 || p > s.wavePercents[i - 1]!), {
    message: "Wave percentages must increase.",
    path: ["wavePercents"],
  })
  .refine((s) => s.wavePercents.at(-1) === 100, { message: "The last wave must reach 100 %.", path: ["wavePercents"] });
export type TRolloutStrategy = z.infer<typeof ZRolloutStrategy>;

/** Health gates, checked over every device sent so far (waves 1..current). */
export const ZRolloutGates = z
  .object({
    /** Activated / (activated + failed + rolled back on the device), in %. */
    minActivationPct: z.number().min(0).max(100).default(95),
    /** Telemetry errors / inferences of the new variant since activation, in %. */
    maxErrorPct: z.number().min(0).max(100).default(1),
    /** p95 latency on the new variant may be at most this × the p95 before the rollout (per profile). */
    latencyFactor: z.number().min(1).max(100).default(1.5),
    /** Share of the devices sent so far that must have settled (active, failed, rolled back) to pass. */
    minReportedPct: z.number().min(0).max(100).default(90),
    /** After this long in a wave without enough reports, the gate fails. */
    reportTimeoutSeconds: z
      .int()
      .min(1)
      .max(30 * 24 * 3600)
      .default(1800),
  })
  .strict();
export type TRolloutGates = z.infer<typeof ZRolloutGates>;

export const ZRolloutName = z.string().trim().min(1, "Enter a name.").max(120, "Use at most 120 characters.");

export const ZRolloutPlanInput = z.object({
  modelId: ZEntityRef,
  target: ZRolloutTarget,
  strategy: ZRolloutStrategy.default({ wavePercents: [...DEFAULT_WAVE_PERCENTS], soakSeconds: 300 }),
});
export type TRolloutPlanInput = z.input<typeof ZRolloutPlanInput>;

export const ZCreateRolloutInput = ZRolloutPlanInput.extend({
  name: ZRolloutName,
  gates: ZRolloutGates.default(ZRolloutGates.parse({})),
  autoRollback: z.boolean().default(true),
});
export type TCreateRolloutInput = z.input<typeof ZCreateRolloutInput>;

export const ZRolloutRef = z.object({ id: ZEntityRef });
export const ZRolloutReason = z.string().trim().max(500).optional();

export interface TRolloutSettings {
  target: TRolloutTarget;
  strategy: TRolloutStrategy;
  gates: TRolloutGates;
}

/** Reads the Json columns of a Rollout row through their schemas. */
export function parseRolloutSettings(row: { target: unknown; strategy: unknown; gates: unknown }): TRolloutSettings {
  return {
    target: ZRolloutTarget.parse(row.target),
    strategy: ZRolloutStrategy.parse(row.strategy),
    gates: ZRolloutGates.parse(row.gates),
  };
}

/** Rollout states in which the engine has work to do (sending, gates, rollback). */
export const ACTIVE_ROLLOUT_STATUSES = [
  "RUNNING",
  "PAUSED",
  "ROLLING_BACK",
] as const satisfies readonly RolloutStatus[];
export const FINISHED_ROLLOUT_STATUSES = [
  "COMPLETED",
  "ABORTED",
  "ROLLED_BACK",
  "FAILED",
] as const satisfies readonly RolloutStatus[];

/** A revision was issued and the device has not reported a final outcome for it yet. */
export const IN_FLIGHT_STATES = [
  "SENT",
  "DOWNLOADING",
  "VERIFYING",
  "ACTIVATING",
] as const satisfies readonly RolloutDeviceState[];
/** The device reported a final outcome for its revision. */
export const SETTLED_STATES = ["ACTIVE", "FAILED", "ROLLED_BACK"] as const satisfies readonly RolloutDeviceState[];
