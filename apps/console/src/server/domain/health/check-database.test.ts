// checkDatabase: an empty, an unreachable, a hanging and an unopened database, each reported
// without throwing and without the driver's message.
import { createPrismaClient } from "@fleet/db";
import { createTestDatabase } from "@fleet/db/testing";
import { describe, expect, it } from "vitest";
import { closedPort } from "../../../testing/closed-port.ts";
import { checkDatabase } from "./check-database.ts";

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
