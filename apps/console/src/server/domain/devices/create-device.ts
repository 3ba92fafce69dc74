import type { Prisma, PrismaClient } from "@fleet/db";
import type { TConsoleConfig } from "../../../config.ts";
import { AppError, AppErrorCode, isUniqueViolation } from "../../errors/app-error.ts";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import { agentCommand, agentCommandContext, newDeviceSecret } from "./device-secret.ts";
import { deviceAuditSelect, ZCreateDeviceInput, type TCreateDeviceInput } from "./device.types.ts";

export interface TProvisionedDevice {
  id: string;
  name: string;
  /** Shown once, never stored in clear. */
  secret: string;
  /** writes the secret to a 0600 file, then `fleet-agent run … --secret-file …` (agent-command.ts) */
  command: string;
}

/** Provisions one device: stores the hash of a new secret and returns the secret once. */
export async function createDevice(options: {
  prisma: PrismaClient;
  actor: TActor;
  config: Pick<TConsoleConfig, "mqttUrl" | "publicUrl" | "dataDir">;
  input: TCreateDeviceInput;
}): Promise<TProvisionedDevice> {
  const input = ZCreateDeviceInput.parse(options.input);
  const { secret, credentialHash } = await newDeviceSecret();
  try {
    const device = await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const created = await tx.device.create({
        data: {
          id: input.id,
          name: input.name || input.id,
          tags: input.tags,
          deviceClass: input.deviceClass,
          credentialHash,
        },
        select: deviceAuditSelect,
      });
      await recordAudit({
        tx,
        actor: options.actor,
        action: "device.create",
        entityType: "device",
        entityId: created.id,
        after: created,
      });
      return created;
    });
    const command = agentCommand({
      ...(await agentCommandContext(options.config)),
      deviceId: device.id,
      secret,
      deviceClass: device.deviceClass,
    });
    return { id: device.id, name: device.name, secret, command };
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError(AppErrorCode.CONFLICT, `A device with id ${input.id} already exists.`);
    throw error;
  }
}
