import { createPrismaClient } from "@fleet/db";
import { readMigrations } from "@fleet/db/migrator";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, listeningPort } from "../../../testing/closed-port.ts";
import { checkBroker } from "./check-broker.ts";
import { checkDatabase } from "./check-database.ts";
import { getStackStatus } from "./get-stack-status.ts";
import { ZStackStatus } from "./stack-status.types.ts";

const postgres = await checkService("postgres");

describe.each([
  { kind: "pglite" as const, skip: false },
  { kind: "postgres" as const, skip: !postgres.available },
])("getStackStatus on a migrated $kind database", ({ kind, skip }) => {
  let db: TTestDatabase;
  beforeAll(async () => {
    if (!skip) db = await createTestDatabase({ kind });
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(skip)("reports the database reachable with every migration applied", async () => {
    const migrations = await readMigrations();
    const status = await getStackStatus({
      database: { prisma: db.prisma, embedded: kind === "pglite" },
      mqttUrl: null,
      publicUrl: "https://console.example.com",
    });
    expect(ZStackStatus.parse(status)).toEqual(status);
    expect(status.status).toBe("ok");
    expect(status.database).toMatchObject({
      kind: kind === "pglite" ? "embedded" : "external",
      reachable: true,
      migrationsApplied: migrations.length,
      latestMigration: migrations.at(-1)?.name,
      problem: null,
    });
    expect(status.database.serverVersion).toMatch(/^\d+/);
    expect(status.console.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(status.console.publicUrl).toBe("https://console.example.com");
    expect(status.broker).toEqual({ configured: false, url: null, reachable: null, problem: null });
  });
});

describe("checkDatabase", () => {
  it("says no migrations are applied on an empty database", async () => {
    const empty = await createTestDatabase({ kind: "pglite", migrate: false });
    try {
      const status = await checkDatabase({ prisma: empty.prisma, embedded: true });
      expect(status).toMatchObject({ reachable: true, migrationsApplied: 0, latestMigration: null });
      expect(status.problem).toContain("no migrations");
    } finally {
      await empty.close();
    }
  });

  it("reports an unreachable database without throwing or leaking the driver message", async () => {
    const prisma = createPrismaClient(`postgresql://postgres@127.0.0.1:${await closedPort()}/fleet`);
    try {
      const status = await checkDatabase({ prisma, embedded: false, timeoutMs: 15_000 });
      expect(status).toMatchObject({
        kind: "external",
        engine: "PostgreSQL",
        reachable: false,
        migrationsApplied: null,
      });
      expect(status.problem).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("gives up on a database that never answers", async () => {
    const hanging = { $queryRaw: () => new Promise<never>(() => {}) } as unknown as Parameters<
      typeof checkDatabase
    >[0]["prisma"];
    const status = await checkDatabase({ prisma: hanging, embedded: true, timeoutMs: 20 });
    expect(status).toMatchObject({ reachable: false, problem: "the database did not answer within 20 ms" });
  });

  it("reports a database that could not be opened", async () => {
    const status = await checkDatabase({ prisma: null, embedded: true, openError: "data dir locked" });
    expect(status).toMatchObject({ kind: "embedded", engine: "PGlite", reachable: false });
    expect(status.problem).not.toContain("data dir locked");
  });
});

describe("checkBroker", () => {
  it("reaches a listening broker and hides its credentials", async () => {
    const broker = await listeningPort();
    try {
      const status = await checkBroker({ mqttUrl: `mqtt://console:s3cret@127.0.0.1:${broker.port}` });
      expect(status).toEqual({
        configured: true,
        url: `mqtt://127.0.0.1:${broker.port}`,
        reachable: true,
        problem: null,
      });
    } finally {
      await broker.close();
    }
  });

  it("reports a broker that does not answer, and the stack as degraded", async () => {
    const port = await closedPort();
    const broker = await checkBroker({ mqttUrl: `mqtt://127.0.0.1:${port}` });
    expect(broker).toMatchObject({ configured: true, reachable: false, problem: `no answer on 127.0.0.1:${port}` });
    const stack = await getStackStatus({
      database: { prisma: null, embedded: true },
      mqttUrl: `mqtt://127.0.0.1:${port}`,
      publicUrl: null,
    });
    expect(stack.status).toBe("degraded");
  });
});
