// `fleet-console provision-demo`: N demo devices with fresh secrets, for `fleet-agent simulate`.
import type { Prisma, PrismaClient } from "@fleet/db";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import { newDeviceSecret } from "./device-secret.ts";

export interface TDemoCredential {
  deviceId: string;
  secret: string;
}

export const DEMO_PREFIX = "demo";
const CHUNK = 200;

/** demo-0001, demo-0002, …: the width grows with the count so ids sort in order. */
export function demoDeviceId(index: number, count: number): string {
  return `${DEMO_PREFIX}-${String(index + 1).padStart(Math.max(4, String(count).length), "0")}`;
}

/** Two gateways for every wearable, by position: the same rule `fleet-agent simulate` uses. */
export function demoDeviceClass(index: number): "GATEWAY" | "WEARABLE" {
  return index % 3 === 2 ? "WEARABLE" : "GATEWAY";
}

/** Runs `tasks` with at most `limit` in flight (scrypt runs on libuv's small thread pool). */
async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

/**
 * Idempotent: ensures demo-0001…demo-N exist, enabled, tagged `demo`, with mixed classes, and gives
 * every one of them a fresh secret (secrets are stored hashed, so old ones cannot be shown again).
 * Other devices, and demo devices beyond N, are left alone.
 */
export async function provisionDemoFleet(options: {
  prisma: PrismaClient;
  actor: TActor;
  count: number;
}): Promise<TDemoCredential[]> {
  const ids = Array.from({ length: options.count }, (_, i) => demoDeviceId(i, options.count));
  const secrets = await mapLimit(ids, 4, () => newDeviceSecret());
  let created = 0;
  for (let start = 0; start < ids.length; start += CHUNK) {
    const slice = ids.slice(start, start + CHUNK);
    await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const existing = new Set(
        (await tx.device.findMany({ where: { id: { in: slice } }, select: { id: true } })).map(
          (row: { id: string }) => row.id,
        ),
      );
      const fresh = slice.filter((id) => !existing.has(id));
      if (fresh.length > 0) {
        created += (
          await tx.device.createMany({
            data: fresh.map((id) => {
              const index = ids.indexOf(id);
              return {
                id,
                name: `Demo ${demoDeviceClass(index) === "WEARABLE" ? "wearable" : "gateway"} ${index + 1}`,
                tags: ["demo"],
                deviceClass: demoDeviceClass(index),
                credentialHash: secrets[index]!.credentialHash,
              };
            }),
            skipDuplicates: true,
          })
        ).count;
      }
      for (const id of slice.filter((candidate) => existing.has(candidate))) {
        await tx.device.update({
          where: { id },
          data: { credentialHash: secrets[ids.indexOf(id)]!.credentialHash, enabled: true },
          select: { id: true },
        });
      }
    });
  }
  await recordAudit({
    tx: options.prisma,
    actor: options.actor,
    action: "device.provision-demo",
    entityType: "device",
    entityId: `${ids[0]}…${ids[ids.length - 1]}`,
    after: { count: ids.length, created, refreshed: ids.length - created },
  });
  return ids.map((deviceId, i) => ({ deviceId, secret: secrets[i]!.secret }));
}
