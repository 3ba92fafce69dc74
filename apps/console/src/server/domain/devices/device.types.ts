import { DeviceClass, DeviceStatus, type Prisma } from "@fleet/db";
import { DEVICE_ID_PATTERN } from "@fleet/protocol";
import { z } from "zod";

export const ZDeviceIdInput = z
  .string()
  .trim()
  .min(1, "Enter a device id.")
  .max(64, "Use at most 64 characters.")
  .regex(DEVICE_ID_PATTERN, "Use lower-case letters, digits and '-', starting with a letter or digit.");

export const ZTag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._:-]{0,31}$/, "Tags are 1–32 of a-z 0-9 . _ : - (starting with a letter or digit).");
export const ZTags = z
  .array(ZTag)
  .max(16, "At most 16 tags.")
  .transform((tags) => [...new Set(tags)]);

export const ZDeviceName = z.string().trim().max(100, "Use at most 100 characters.");

export const ZCreateDeviceInput = z.object({
  id: ZDeviceIdInput,
  /** Defaults to the id. */
  name: ZDeviceName.optional(),
  tags: ZTags.default([]),
  deviceClass: z.enum(DeviceClass).default("GATEWAY"),
});
export type TCreateDeviceInput = z.input<typeof ZCreateDeviceInput>;

export const ZDeviceRef = z.object({ id: ZDeviceIdInput });

/** What anyone signed in may see of a device: never credentialHash. */
export const deviceListSelect = {
  id: true,
  name: true,
  tags: true,
  deviceClass: true,
  status: true,
  enabled: true,
  agentVersion: true,
  lastSeenAt: true,
  createdAt: true,
  profile: { select: { id: true, name: true } },
  activeVariant: {
    select: { id: true, name: true, precision: true, engine: true, model: { select: { id: true, name: true } } },
  },
} satisfies Prisma.DeviceSelect;

export const deviceDetailSelect = {
  ...deviceListSelect,
  hardware: true,
  profileId: true,
  profileReason: true,
  desiredRev: true,
  reportedRev: true,
  updatedAt: true,
  prevVariant: {
    select: { id: true, name: true, precision: true, engine: true, model: { select: { id: true, name: true } } },
  },
} satisfies Prisma.DeviceSelect;

export type TDeviceListRow = Prisma.DeviceGetPayload<{ select: typeof deviceListSelect }>;
export type TDeviceDetail = Prisma.DeviceGetPayload<{ select: typeof deviceDetailSelect }>;

/** The non-secret columns recorded in the audit log for a device. */
export const deviceAuditSelect = {
  id: true,
  name: true,
  tags: true,
  deviceClass: true,
  enabled: true,
  status: true,
  profileId: true,
  activeVariantId: true,
} satisfies Prisma.DeviceSelect;

export const DEVICE_STATUSES = Object.values(DeviceStatus);
