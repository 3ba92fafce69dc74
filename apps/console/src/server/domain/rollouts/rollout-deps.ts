// What the rollout driver needs from the rest of the console, as injected functions: the variant
// chooser (domain/models), the artifact links (domain/artifacts) and the MQTT publisher. Tests and the
// benchmark pass simple implementations; main.ts passes the real ones.
import type { Engine, Precision } from "@fleet/db";
import type { TDesiredPayload, TDesiredVariant } from "@fleet/protocol";

/** The constraints of a hardware profile a variant must satisfy. */
export interface TRolloutProfile {
  id: string;
  name: string;
  maxModelBytes: number | null;
  ramBudgetMb: number | null;
  allowedPrecisions: Precision[];
  allowedEngines: Engine[];
  preferredEngine: Engine | null;
  latencyBudgetMs: number | null;
}

/** A variant of the rolled-out model, as stored in ModelVariant. */
export interface TRolloutVariant {
  id: string;
  modelId: string;
  name: string;
  precision: Precision;
  engine: Engine;
  bytes: number;
  sha256: string;
  signature: string;
  artifactKey: string;
  /** The quantize report of the variant (accuracy, latency, RSS). */
  metrics: unknown;
}

/** The chooser's answer: the variant to send (one of those given) or null, and why, for operators. */
export interface TVariantChoice {
  variantId: string | null;
  reason: string;
}

/**
 * The device a choice is for: the engines its last birth reported as loading (`hardware.engines`), or
 * null when it has not reported any (then only tfjs is assumed: domain/models' TChoosableDevice).
 */
export interface TRolloutDeviceEngines {
  reportedEngines: readonly string[] | null;
}

/**
 * Most accurate variant satisfying the profile (preferred engine first), ties to the smaller
 * (domain/models' chooseVariant). With `device`, only variants whose engine loads on it may be chosen.
 */
export type TChooseVariant = (
  profile: TRolloutProfile,
  variants: readonly TRolloutVariant[],
  device?: TRolloutDeviceEngines,
) => TVariantChoice;

/** The `variant` of a desired payload: a fresh short-lived signed URL of the variant's manifest. */
export type TDescribeVariant = (variant: TRolloutVariant) => Promise<TDesiredVariant>;

/** Publishes a device's desired state, retained, QoS 1; resolves once the broker acknowledged it. */
export interface TDesiredPublisher {
  publish(deviceId: string, payload: TDesiredPayload): Promise<void>;
}

export interface TRolloutLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}
