import type { Prisma, PrismaClient } from "@fleet/db";
import { z } from "zod";
import type { TConsoleConfig } from "../../../config.ts";
import { isUniqueViolation } from "../../errors/app-error.ts";
import type { TActor } from "../audit/record-audit.ts";
import type { TProvisionedDevice } from "./create-device.ts";
import { agentCommand, agentCommandContext, newDeviceSecret } from "./device-secret.ts";
import { ZCreateDeviceInput, type TCreateDeviceInput } from "./device.types.ts";
import { parseCsv } from "./parse-csv.ts";

/** Secrets are hashed with scrypt (~50 ms each): bound one upload. */
export const MAX_CSV_DEVICES = 500;
export const MAX_CSV_CHARS = 200_000;

export const ZCreateDevicesFromCsvInput = z.object({
  csv: z
    .string()
    .min(1, "Paste or choose a CSV file.")
    .max(MAX_CSV_CHARS, `The CSV may hold at most ${MAX_CSV_CHARS} characters.`),
});

export interface TCsvLineError {
  line: number;
  message: string;
}

export type TCreateDevicesFromCsvResult =
  | { ok: true; devices: TProvisionedDevice[] }
  | { ok: false; errors: TCsvLineError[] };

const COLUMNS = ["id", "name", "tags", "class"] as const;

/**
 * Columns `id,name,tags,class` (header optional; tags separated by `;` or spaces; class gateway or
 * wearable). All or nothing: any bad line, duplicate or existing id creates no device.
 */
export function parseDeviceCsv(csv: string): {
  inputs: Array<TCreateDeviceInput & { line: number }>;
  errors: TCsvLineError[];
} {
  const rows = parseCsv(csv);
  const errors: TCsvLineError[] = [];
  const inputs: Array<TCreateDeviceInput & { line: number }> = [];
  const first = rows[0]?.cells.map((cell) => cell.trim().toLowerCase());
  const body = first?.[0] === "id" ? rows.slice(1) : rows;
  if (body.length === 0) errors.push({ line: 1, message: "The CSV holds no device." });
  if (body.length > MAX_CSV_DEVICES) {
    errors.push({ line: body[MAX_CSV_DEVICES]?.line ?? 1, message: `At most ${MAX_CSV_DEVICES} devices per CSV.` });
    return { inputs, errors };
  }
  const seen = new Map<string, number>();
  for (const { line, cells } of body) {
    if (cells.length > COLUMNS.length) {
      errors.push({
        line,
        message: `Expected at most ${COLUMNS.length} columns (id,name,tags,class), got ${cells.length}.`,
      });
      continue;
    }
    const [id = "", name = "", tags = "", deviceClass = ""] = cells.map((cell) => cell.trim());
    const parsed = ZCreateDeviceInput.safeParse({
      id,
      name,
      tags: tags === "" ? [] : tags.split(/[;\s]+/).filter(Boolean),
      deviceClass: deviceClass === "" ? undefined : deviceClass.toUpperCase(),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const column = issue?.path[0] === "deviceClass" ? "class" : String(issue?.path[0] ?? "row");
      const message =
        issue?.path[0] === "deviceClass" ? "must be gateway or wearable" : (issue?.message ?? "is invalid");
      errors.push({ line, message: `${column}: ${message}` });
      continue;
    }
    const previous = seen.get(parsed.data.id);
    if (previous !== undefined) {
      errors.push({ line, message: `id ${parsed.data.id} already appears on line ${previous}.` });
      continue;
    }
    seen.set(parsed.data.id, line);
    inputs.push({ ...parsed.data, line });
  }
  return { inputs, errors };
}

/** Hashes with bounded concurrency (scrypt runs on libuv's thread pool). */
async function mapLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index] as T);
      }
    }),
  );
  return results;
}

export async function createDevicesFromCsv(options: {
  prisma: PrismaClient;
  actor: TActor;
  config: Pick<TConsoleConfig, "mqttUrl" | "publicUrl" | "dataDir">;
  csv: string;
}): Promise<TCreateDevicesFromCsvResult> {
  const { inputs, errors } = parseDeviceCsv(options.csv);
  if (errors.length > 0) return { ok: false, errors };
  const existing = await options.prisma.device.findMany({
    where: { id: { in: inputs.map((i) => i.id) } },
    select: { id: true },
  });
  if (existing.length > 0) {
    const taken = new Set(existing.map((device) => device.id));
    return {
      ok: false,
      errors: inputs
        .filter((i) => taken.has(i.id))
        .map((i) => ({ line: i.line, message: `A device with id ${i.id} already exists.` })),
    };
  }
  const secrets = await mapLimited(inputs, 4, () => newDeviceSecret());
  const rows = inputs.map((input, index) => ({
    id: input.id,
    name: input.name || input.id,
    tags: input.tags ?? [],
    deviceClass: input.deviceClass ?? "GATEWAY",
    credentialHash: (secrets[index] as { credentialHash: string }).credentialHash,
  }));
  try {
    await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      await tx.device.createMany({ data: rows });
      // One audit event per device, written in one statement.
      await tx.auditEvent.createMany({
        data: rows.map(({ credentialHash: _hash, ...after }) => ({
          actorId: options.actor.id,
          actorLabel: options.actor.label,
          action: "device.create",
          entityType: "device",
          entityId: after.id,
          after: { ...after, enabled: true, via: "csv" },
        })),
      });
    });
  } catch (error) {
    // Someone created one of these ids in between: nothing was created.
    if (isUniqueViolation(error))
      return {
        ok: false,
        errors: [{ line: 1, message: "Some of these ids were created meanwhile; nothing was created, try again." }],
      };
    throw error;
  }
  const commandContext = await agentCommandContext(options.config);
  return {
    ok: true,
    devices: rows.map((row, index) => {
      const secret = (secrets[index] as { secret: string }).secret;
      return {
        id: row.id,
        name: row.name,
        secret,
        command: agentCommand({ ...commandContext, deviceId: row.id, secret, deviceClass: row.deviceClass }),
      };
    }),
  };
}
