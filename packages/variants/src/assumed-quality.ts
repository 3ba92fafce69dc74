// The one rule that ranks variants when no measured accuracy decides between them: more bits are
// assumed to keep more of the model. fp32 > fp16 > mixed > int8 = uint8 > int4.
import type { TPrecision } from "./precisions.ts";
import { VARIANT_KINDS, type TVariantKind } from "./variant-kinds.ts";

/** Tiers of precision, best first; the precisions of one tier rank equal. */
export const ASSUMED_QUALITY_TIERS: readonly (readonly TPrecision[])[] = [
  ["fp32"],
  ["fp16"],
  ["mixed"],
  ["int8", "uint8"],
  ["int4"],
];

/** 0 for the best tier, then 1, 2…; equal ranks tie. */
export function assumedQualityRank(precision: TPrecision): number {
  const tier = ASSUMED_QUALITY_TIERS.findIndex((precisions) => precisions.includes(precision));
  if (tier === -1) throw new Error(`internal: precision ${precision} has no assumed-quality tier`);
  return tier;
}

/**
 * Sort comparator, best first: negative when `a` is assumed to keep more than `b`, 0 when they
 * tie. Takes precisions (what a stored variant row has) or kinds.
 */
export function compareAssumedQuality(a: TPrecision, b: TPrecision): number {
  return assumedQualityRank(a) - assumedQualityRank(b);
}

/** compareAssumedQuality for kinds: by the precision of each kind's row. */
export function compareKindsByAssumedQuality(a: TVariantKind, b: TVariantKind): number {
  return compareAssumedQuality(VARIANT_KINDS[a].precision, VARIANT_KINDS[b].precision);
}
