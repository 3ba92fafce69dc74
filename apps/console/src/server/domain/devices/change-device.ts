import type { Prisma, PrismaClient } from "@fleet/db";
import type { TConsoleConfig } from "../../../config.ts";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import { agentCommand, agentCommandContext, newDeviceSecret } from "./device-secret.ts";
import { deviceAuditSelect } from "./device.types.ts";
import type { TProvisionedDevice } from "./create-device.ts";

interface TChangeOptions {
  prisma: PrismaClient;
  actor: TActor;
  id: string;
}

function notFound(id: string): AppError {
  return new AppError(AppErrorCode.NOT_FOUND, `No device with id ${id}.`);
}

/** A new secret; the old one stops working at once (the broker re-checks the hash). */
export async function rotateDeviceSecret(
  options: TChangeOptions & { config: Pick<TConsoleConfig, "mqttUrl" | "publicUrl" | "dataDir"> },
): Promise<TProvisionedDevice> {
  const { secret, credentialHash } = await newDeviceSecret();
  const device = await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    const before = await tx.device.findUnique({ where: { id: options.id }, select: deviceAuditSelect });
    if (!before) throw notFound(options.id);
    await tx.device.update({ where: { id: options.id }, data: { credentialHash }, select: { id: true } });
    await recordAudit({
      tx,
      actor: options.actor,
      action: "device.rotate_secret",
      entityType: "device",
      entityId: options.id,
      before: { secret: "(previous)" },
      after: { secret: "(rotated)" },
    });
    return before;
  });
  const command = agentCommand({
    ...(await agentCommandContext(options.config)),
    deviceId: device.id,
    secret,
    deviceClass: device.deviceClass,
  });
  return { id: device.id, name: device.name, secret, command };
}

/** Enable or disable: a disabled device is refused by the broker. */
export async function setDeviceEnabled(
  options: TChangeOptions & { enabled: boolean },
): Promise<{ id: string; enabled: boolean }> {
  return options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    const before = await tx.device.findUnique({ where: { id: options.id }, select: deviceAuditSelect });
    if (!before) throw notFound(options.id);
    const after = await tx.device.update({
      where: { id: options.id },
      data: { enabled: options.enabled },
      select: deviceAuditSelect,
    });
    await recordAudit({
      tx,
      actor: options.actor,
      action: options.enabled ? "device.enable" : "device.disable",
      entityType: "device",
      entityId: options.id,
      before,
      after,
    });
    return { id: after.id, enabled: after.enabled };
  });
}

/** Deletes the device and its telemetry, events and reports. */
export async function deleteDevice(options: TChangeOptions): Promise<{ id: string }> {
  return options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    const before = await tx.device.findUnique({ where: { id: options.id }, select: deviceAuditSelect });
    if (!before) throw notFound(options.id);
    await tx.device.delete({ where: { id: options.id }, select: { id: true } });
    await recordAudit({
      tx,
      actor: options.actor,
      action: "device.delete",
      entityType: "device",
      entityId: options.id,
      before,
    });
    return { id: options.id };
  });
}
