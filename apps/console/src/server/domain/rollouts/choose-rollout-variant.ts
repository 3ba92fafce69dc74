// The console's variant chooser (domain/models' chooseVariant) in the shape the rollout planner takes.
import { chooseVariant } from "../models/choose-variant.ts";
import type { TChooseVariant } from "./rollout-deps.ts";

export const chooseRolloutVariant: TChooseVariant = (profile, variants, device) => {
  const choice = chooseVariant(profile, variants, device);
  return { variantId: choice.variant?.id ?? null, reason: choice.reason };
};
