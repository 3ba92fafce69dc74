import { DeviceClass, DeviceStatus, type Prisma, type PrismaClient } from "@fleet/db";
import { z } from "zod";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { deviceListSelect, ZTag, type TDeviceListRow } from "./device.types.ts";

export const DEVICE_SORT_KEYS = ["id", "name", "status", "lastSeenAt", "createdAt"] as const;
type TSortKey = (typeof DEVICE_SORT_KEYS)[number];

const ZIdFilter = z
  .string()
  .trim()
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, "invalid id");

export const ZListDevicesInput = z.object({
  /** Part of the id or the name, case-insensitive. */
  search: z.string().trim().max(100).optional(),
  tag: ZTag.optional(),
  status: z.enum(DeviceStatus).optional(),
  deviceClass: z.enum(DeviceClass).optional(),
  /** A profile id, or "none" for devices no profile matched. */
  profileId: ZIdFilter.optional(),
  /** A variant id, or "none" for devices running no variant. */
  variantId: ZIdFilter.optional(),
  enabled: z.boolean().optional(),
  sort: z.enum(DEVICE_SORT_KEYS).default("id"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  /** Opaque keyset cursor from the previous page's nextCursor. */
  cursor: z.string().max(400).optional(),
  limit: z.int().min(1).max(100).default(25),
});
export type TListDevicesInput = z.input<typeof ZListDevicesInput>;

// Postgres orders enums by declaration order; Prisma has no gt/lt on enums, so "after X" is an `in`.
const STATUS_ORDER: DeviceStatus[] = ["PROVISIONED", "ONLINE", "OFFLINE"];

type TCursor = [value: string | null, id: string];

function encodeCursor(value: string | null, id: string): string {
  return Buffer.from(JSON.stringify([value, id] satisfies TCursor)).toString("base64url");
}

function decodeCursor(cursor: string): TCursor {
  try {
    const parsed = z
      .tuple([z.string().max(200).nullable(), z.string().max(64)])
      .parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed;
  } catch {
    throw new AppError(AppErrorCode.INVALID_INPUT, "Invalid page cursor; start from the first page.");
  }
}

function sortValue(row: TDeviceListRow, key: TSortKey): string | null {
  const value = row[key];
  return value instanceof Date ? value.toISOString() : value;
}

/** Rows strictly after the cursor in (key, id) order; NULLs (never seen) sort last in both directions. */
function afterCursor(key: TSortKey, dir: "asc" | "desc", [value, id]: TCursor): Prisma.DeviceWhereInput {
  const idAfter = dir === "asc" ? { gt: id } : { lt: id };
  if (key === "id") return { id: idAfter };
  if (key === "lastSeenAt" && value === null) return { lastSeenAt: null, id: idAfter };
  if (value === null) throw new AppError(AppErrorCode.INVALID_INPUT, "Invalid page cursor; start from the first page.");
  let beyond: Prisma.DeviceWhereInput;
  if (key === "status") {
    const index = STATUS_ORDER.indexOf(value as DeviceStatus);
    if (index === -1) throw new AppError(AppErrorCode.INVALID_INPUT, "Invalid page cursor; start from the first page.");
    beyond = { status: { in: dir === "asc" ? STATUS_ORDER.slice(index + 1) : STATUS_ORDER.slice(0, index) } };
  } else {
    const typed = key === "name" ? value : new Date(value);
    beyond = { [key]: dir === "asc" ? { gt: typed } : { lt: typed } };
  }
  const same: Prisma.DeviceWhereInput = {
    [key]: key === "name" || key === "status" ? value : new Date(value),
    id: idAfter,
  };
  const or: Prisma.DeviceWhereInput[] = [beyond, same];
  if (key === "lastSeenAt") or.push({ lastSeenAt: null });
  return { OR: or };
}

function orderBy(key: TSortKey, dir: "asc" | "desc"): Prisma.DeviceOrderByWithRelationInput[] {
  if (key === "id") return [{ id: dir }];
  if (key === "lastSeenAt") return [{ lastSeenAt: { sort: dir, nulls: "last" } }, { id: dir }];
  return [{ [key]: dir }, { id: dir }];
}

export function deviceFilters(input: z.output<typeof ZListDevicesInput>): Prisma.DeviceWhereInput {
  const where: Prisma.DeviceWhereInput = {};
  if (input.search) {
    where.OR = [
      { id: { contains: input.search.toLowerCase() } },
      { name: { contains: input.search, mode: "insensitive" } },
    ];
  }
  if (input.tag) where.tags = { has: input.tag };
  if (input.status) where.status = input.status;
  if (input.deviceClass) where.deviceClass = input.deviceClass;
  if (input.enabled !== undefined) where.enabled = input.enabled;
  if (input.profileId) where.profileId = input.profileId === "none" ? null : input.profileId;
  if (input.variantId) where.activeVariantId = input.variantId === "none" ? null : input.variantId;
  return where;
}

/**
 * One page of devices: keyset pagination on (sort key, id), so page 400 costs what page 1 costs;
 * LIMIT is at most 100. `total` counts the matching devices for the pager.
 */
export async function listDevices(options: {
  prisma: Pick<PrismaClient, "device">;
  input: TListDevicesInput;
}): Promise<{ devices: TDeviceListRow[]; nextCursor: string | null; total: number }> {
  const input = ZListDevicesInput.parse(options.input);
  const filters = deviceFilters(input);
  const where: Prisma.DeviceWhereInput = input.cursor
    ? { AND: [filters, afterCursor(input.sort, input.dir, decodeCursor(input.cursor))] }
    : filters;
  const [rows, total] = await Promise.all([
    options.prisma.device.findMany({
      where,
      orderBy: orderBy(input.sort, input.dir),
      take: input.limit + 1,
      select: deviceListSelect,
    }),
    options.prisma.device.count({ where: filters }),
  ]);
  const devices = rows.slice(0, input.limit);
  const last = devices.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor(sortValue(last, input.sort), last.id) : null;
  return { devices, nextCursor, total };
}
