// getStackStatus: the whole status on a migrated PGlite and PostgreSQL, and a degraded stack.
import { readMigrations } from "@fleet/db/migrator";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../../testing/closed-port.ts";
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

describe("getStackStatus with a broker that does not answer", () => {
  it("reports the stack as degraded", async () => {
    const port = await closedPort();
    const stack = await getStackStatus({
      database: { prisma: null, embedded: true },
      mqttUrl: `mqtt://127.0.0.1:${port}`,
      publicUrl: null,
    });
    expect(stack.broker).toMatchObject({ configured: true, reachable: false });
    expect(stack.status).toBe("degraded");
  });
});
