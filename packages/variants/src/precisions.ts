// Precisions: how many bits, and of which kind, a variant's weights are stored in. One spelling,
// lower case, everywhere (wire, manifests, reports, database, what operators read).
import { z } from "zod";

/** A variant's precision; `mixed` means its layers have different ones (see WEIGHT_PRECISIONS). */
export const PRECISIONS = ["fp32", "fp16", "uint8", "int8", "int4", "mixed"] as const;
export const ZPrecision = z.enum(PRECISIONS);
export type TPrecision = z.infer<typeof ZPrecision>;

/** The precision of one weight tensor or layer: every precision but `mixed`. */
export const WEIGHT_PRECISIONS = ["fp32", "fp16", "uint8", "int8", "int4"] as const satisfies readonly TPrecision[];
export const ZWeightPrecision = z.enum(WEIGHT_PRECISIONS);
export type TWeightPrecision = z.infer<typeof ZWeightPrecision>;

export function isWeightPrecision(precision: TPrecision): precision is TWeightPrecision {
  return (WEIGHT_PRECISIONS as readonly string[]).includes(precision);
}
