// fleet/v1/{id}/reported — device → console, QoS 1, retained. Progress towards the desired state.
import { z } from "zod";
import { ZReportedError } from "./agent-error-codes.ts";
import { ZEntityId, ZSchemaVersion, ZTimestampMs } from "./common.ts";

export const REPORTED_STATES = ["downloading", "verifying", "activating", "active", "failed", "rolled_back"] as const;
export const ZReportedState = z.enum(REPORTED_STATES);

/** States that must say why in `error`. */
export const REPORTED_STATES_WITH_ERROR = ["failed", "rolled_back"] as const satisfies readonly TReportedState[];

// Not strict: a newer agent may report more progress detail; the console keeps what it knows.
export const ZReportedPayload = z
  .object({
    v: ZSchemaVersion,
    ts: ZTimestampMs,
    /** The desired `rev` this report is about. */
    rev: z.int().min(0),
    state: ZReportedState,
    /** The variant running now (after a rollback: the previous one), null when none. */
    activeVariantId: ZEntityId.nullable(),
    /** The variant being installed (downloading … activating, failed); null when the target is "none". */
    targetVariantId: ZEntityId.nullable().optional(),
    /** Download / verification progress 0..1. */
    progress: z.number().min(0).max(1).optional(),
    error: ZReportedError.optional(),
  })
  .refine(
    (report) => report.error !== undefined || !(REPORTED_STATES_WITH_ERROR as readonly string[]).includes(report.state),
    { path: ["error"], message: "state failed or rolled_back needs an error" },
  );

export type TReportedState = z.infer<typeof ZReportedState>;
export type TReportedPayload = z.infer<typeof ZReportedPayload>;
