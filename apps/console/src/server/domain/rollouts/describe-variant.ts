// Builds the `variant` of a desired payload from a ModelVariant row: a fresh short-lived signed URL of
// its manifest (domain/artifacts' signedVariantUrl), the manifest's sha256, size and signature.
import type { Engine, Precision } from "@fleet/db";
import type { TDesiredVariant } from "@fleet/protocol";
import type { TDescribeVariant, TRolloutVariant } from "./rollout-deps.ts";

/** The wire names (lower case) of the database's enums: exhaustive, so a new engine cannot go out unnamed. */
export const ENGINE_ON_WIRE: Record<Engine, TDesiredVariant["engine"]> = { TFJS: "tfjs", ONNX: "onnx" };
export const PRECISION_ON_WIRE: Record<Precision, TDesiredVariant["precision"]> = {
  FP32: "fp32",
  FP16: "fp16",
  UINT8: "uint8",
  INT8: "int8",
  INT4: "int4",
  MIXED: "mixed",
};

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
    precision: PRECISION_ON_WIRE[variant.precision],
    // The agent loads the variant on this engine, and refuses it when the engine does not load there.
    engine: ENGINE_ON_WIRE[variant.engine],
  });
}
