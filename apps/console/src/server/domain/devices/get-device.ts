import type { PrismaClient } from "@fleet/db";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { reportedEnginesOf } from "../models/choose-variant.ts";
import { matchProfile, type TProfileMatch } from "../profiles/match-profile.ts";
import { deviceDetailSelect, type TDeviceDetail } from "./device.types.ts";

/**
 * The device, with the profile its current hardware matches and why (computed now, not stored), and
 * the engines its last birth reported as loading (null: none reported, so only tfjs variants are sent).
 */
export async function getDevice(options: {
  prisma: Pick<PrismaClient, "device" | "hardwareProfile">;
  id: string;
}): Promise<TDeviceDetail & { match: TProfileMatch; engines: string[] | null }> {
  const [device, profiles] = await Promise.all([
    options.prisma.device.findUnique({ where: { id: options.id }, select: deviceDetailSelect }),
    options.prisma.hardwareProfile.findMany({ select: { id: true, name: true, priority: true, rules: true } }),
  ]);
  if (!device) throw new AppError(AppErrorCode.NOT_FOUND, `No device with id ${options.id}.`);
  return { ...device, match: matchProfile(device.hardware, profiles), engines: reportedEnginesOf(device.hardware) };
}

/** Latest reported states and events of a device, newest first. */
export async function getDeviceHistory(options: { prisma: PrismaClient; id: string; limit?: number }) {
  const take = options.limit ?? 20;
  const [reports, events] = await Promise.all([
    options.prisma.deviceReport.findMany({
      where: { deviceId: options.id },
      orderBy: { ts: "desc" },
      take,
      select: { ts: true, rev: true, state: true, variantId: true, error: true },
    }),
    options.prisma.deviceEvent.findMany({
      where: { deviceId: options.id },
      orderBy: { ts: "desc" },
      take,
      select: { ts: true, kind: true, level: true, message: true },
    }),
  ]);
  return { reports, events };
}
