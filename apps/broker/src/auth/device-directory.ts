// The broker's view of the Device table: a device's credential and whether it may be connected.
import type { PrismaClient } from "@fleet/db";

export interface DeviceCredential {
  readonly credentialHash: string;
  readonly enabled: boolean;
}

export interface DeviceDirectory {
  /** null when no such device exists (never provisioned, or deleted). */
  credentialOf(deviceId: string): Promise<DeviceCredential | null>;
  /** The ids among `deviceIds` that still exist and are enabled. */
  enabledAmong(deviceIds: readonly string[]): Promise<Set<string>>;
}

// One query per this many ids keeps the parameter list well under Postgres' limit.
const CHUNK = 5_000;

export function prismaDeviceDirectory(prisma: PrismaClient): DeviceDirectory {
  return {
    async credentialOf(deviceId) {
      return prisma.device.findUnique({ where: { id: deviceId }, select: { credentialHash: true, enabled: true } });
    },
    async enabledAmong(deviceIds) {
      const enabled = new Set<string>();
      for (let i = 0; i < deviceIds.length; i += CHUNK) {
        const rows = await prisma.device.findMany({
          where: { id: { in: deviceIds.slice(i, i + CHUNK) }, enabled: true },
          select: { id: true },
        });
        for (const row of rows) enabled.add(row.id);
      }
      return enabled;
    },
  };
}
