import type { Prisma } from "@fleet/db";
import { z } from "zod";
import { ZUploadId } from "../../models/upload-staging.ts";

export const ZModelId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "invalid id");
export const ZModelRef = z.object({ id: ZModelId });

export const ZCreateModelInput = z.object({
  uploadId: ZUploadId,
  name: z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters."),
  description: z.string().trim().max(500, "Use at most 500 characters.").default(""),
});
export type TCreateModelInput = z.input<typeof ZCreateModelInput>;

export const modelSelect = {
  id: true,
  name: true,
  description: true,
  format: true,
  inputShape: true,
  sourceSha256: true,
  sourceBytes: true,
  status: true,
  progress: true,
  error: true,
  createdAt: true,
  updatedAt: true,
  createdBy: { select: { email: true } },
  _count: { select: { variants: true } },
} satisfies Prisma.ModelSelect;

export const variantSelect = {
  id: true,
  name: true,
  precision: true,
  engine: true,
  bytes: true,
  sha256: true,
  signature: true,
  metrics: true,
  layerPrecision: true,
  createdAt: true,
} satisfies Prisma.ModelVariantSelect;
