// Builds the `variant` of a desired payload from a ModelVariant row: a fresh short-lived signed URL of
// its manifest (domain/artifacts' signedVariantUrl), the manifest's sha256, size and signature.
import type { TDesiredVariant } from "@fleet/protocol";
import type { TDescribeVariant, TRolloutVariant } from "./rollout-deps.ts";

export interface TDescribeVariantOptions {
  /** Short-lived signed URL of the variant's manifest.json. */
  signedVariantUrl: (variantId: string, ttlSeconds: number) => string | Promise<string>;
  /** Size of the manifest bytes served at that URL (e.g. the artifact store's stat of artifactKey). */
  manifestBytes: (variant: TRolloutVariant) => number | Promise<number>;
  /**
   * Lifetime of the URL. Retained messages are republished with a fresh URL after the driver's
   * refreshAfterMs (6 h by default), so this must be longer than that (default 24 h).
   */
  ttlSeconds?: number;
}

export function createDescribeVariant(options: TDescribeVariantOptions): TDescribeVariant {
  const ttl = options.ttlSeconds ?? 24 * 3600;
  return async (variant): Promise<TDesiredVariant> => ({
    id: variant.id,
    modelId: variant.modelId,
    url: await options.signedVariantUrl(variant.id, ttl),
    sha256: variant.sha256,
    bytes: await options.manifestBytes(variant),
    signature: variant.signature,
    // The database and the wire spell the vocabulary of @fleet/variants alike: no translation.
    precision: variant.precision,
    // The agent loads the variant on this engine, and refuses it when the engine does not load there.
    engine: variant.engine,
  });
}
