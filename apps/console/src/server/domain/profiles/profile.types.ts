import type { Prisma } from "@fleet/db";
import { ENGINES, PRECISIONS, ZEngine, ZPrecision } from "@fleet/variants";
import { z } from "zod";

const ZName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "Use letters, digits and ._+-")
  .max(64);
const ZNameList = z
  .array(ZName)
  .max(16, "At most 16 entries.")
  .transform((list) => [...new Set(list)]);

/** Matching rules on the hardware a device reports. Every rule given must hold; none means "any device". */
export const ZProfileRules = z
  .object({
    /** `process.arch` is one of these (x64, arm64, arm, …). */
    arch: ZNameList.optional(),
    /** The reported class is one of these. */
    classes: z
      .array(z.enum(["gateway", "wearable"]))
      .max(2)
      .optional(),
    ramMinMb: z.number().min(0, "RAM must be ≥ 0.").max(1e9).optional(),
    ramMaxMb: z.number().min(0, "RAM must be ≥ 0.").max(1e9).optional(),
    coresMin: z.int().min(1).max(4096).optional(),
    /** WebAssembly SIMD support must be exactly this. */
    wasmSimd: z.boolean().optional(),
    /** Every one of these backends must load (wasm, cpu, tensorflow, …). */
    backends: ZNameList.optional(),
    /** Every one of these engines must load (tfjs, onnx). */
    engines: ZNameList.optional(),
  })
  .strict()
  .refine((rules) => rules.ramMinMb === undefined || rules.ramMaxMb === undefined || rules.ramMinMb <= rules.ramMaxMb, {
    message: "Minimum RAM must not exceed maximum RAM.",
    path: ["ramMaxMb"],
  });
export type TProfileRules = z.infer<typeof ZProfileRules>;

export const ZProfileInput = z
  .object({
    name: z.string().trim().min(1, "Enter a name.").max(80, "Use at most 80 characters."),
    description: z.string().trim().max(500).default(""),
    priority: z.int("Priority is a whole number.").min(0).max(10_000).default(100),
    rules: ZProfileRules.default({}),
    maxModelBytes: z
      .int()
      .min(1, "Must be at least 1 byte.")
      .max(2 ** 31 - 1)
      .nullable()
      .default(null),
    ramBudgetMb: z.int().min(1).max(1_000_000).nullable().default(null),
    allowedPrecisions: z
      .array(ZPrecision)
      .min(1, "Allow at least one precision.")
      .default([...PRECISIONS]),
    /** Engines not listed are forbidden for the profile's devices. */
    allowedEngines: z
      .array(ZEngine)
      .min(1, "Allow at least one engine: a profile that forbids every engine can never be sent a variant.")
      .transform((list) => [...new Set(list)])
      .default([...ENGINES]),
    /** Its variants are chosen first whenever one fits (domain/models/choose-variant.ts). */
    preferredEngine: ZEngine.nullable().default(null),
    latencyBudgetMs: z.number().positive("Must be above 0.").max(600_000).nullable().default(null),
  })
  .refine((p) => p.preferredEngine === null || p.allowedEngines.includes(p.preferredEngine), {
    message: "The preferred engine must be one of the allowed engines.",
    path: ["preferredEngine"],
  });
export type TProfileInput = z.input<typeof ZProfileInput>;

export const ZProfileId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "invalid id");

export const profileSelect = {
  id: true,
  name: true,
  description: true,
  priority: true,
  rules: true,
  maxModelBytes: true,
  ramBudgetMb: true,
  allowedPrecisions: true,
  allowedEngines: true,
  preferredEngine: true,
  latencyBudgetMs: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.HardwareProfileSelect;
export type TProfileRow = Prisma.HardwareProfileGetPayload<{ select: typeof profileSelect }>;
