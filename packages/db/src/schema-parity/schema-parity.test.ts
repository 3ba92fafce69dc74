import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkService, createTestDatabase, type TTestDatabase } from "../testing/index.ts";
import { loadDatamodel } from "./load-dmmf.ts";
import { verifySchema } from "./verify-schema.ts";

const postgres = await checkService("postgres");

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// The migrated database must match schema.prisma in every model, column, type, nullability,
// default, index and relation: this is what lets hand-written SQL stand in for `prisma migrate`.
for (const kind of ["pglite", "postgres"] as const) {
  describe.skipIf(kind === "postgres" && !postgres.available)(`migrations vs schema.prisma on ${kind}`, () => {
    let db: TTestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ kind });
    });
    afterAll(async () => {
      await db?.close();
    });

    it("an empty database migrated from scratch matches schema.prisma exactly", async () => {
      expect(await verifySchema(db.url)).toEqual([]);
    });

    it("checks every model of the schema (the comparison is not vacuous)", async () => {
      const datamodel = await loadDatamodel();
      const names = datamodel.models.map((m) => m.name);
      for (const required of [
        "Device",
        "HardwareProfile",
        "Model",
        "ModelVariant",
        "Rollout",
        "RolloutDevice",
        "TelemetrySample",
        "AuditEvent",
        "User",
      ]) {
        expect(names).toContain(required);
      }
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      );
      await client.end();
      expect(rows[0]?.n).toBe(names.length);
    });

    it("the Prisma client reads and writes through the migrated tables", async () => {
      const device = await db.prisma.device.create({
        data: { id: "gw-0001", name: "Gateway 1", credentialHash: "scrypt$x", tags: ["lab", "eu"] },
      });
      expect(device.status).toBe("PROVISIONED");
      await db.prisma.telemetrySample.create({
        data: {
          deviceId: device.id,
          ts: new Date(),
          inferences: 5,
          latencyP50: 1,
          latencyP95: 2,
          latencyP99: 3,
          cpuPct: 4,
          rssMb: 50,
          errors: 0,
        },
      });
      const found = await db.prisma.device.findMany({ where: { tags: { has: "eu" } }, include: { telemetry: true } });
      expect(found.map((d) => d.telemetry.length)).toEqual([1]);
    });
  });
}

// Each drift the comparison must notice, applied to a fresh copy of the migrated schema.
describe("the comparison reports drift", () => {
  const drifts: [string, string, RegExp][] = [
    [
      "a dropped index",
      `DROP INDEX "TelemetrySample_deviceId_ts_idx"`,
      /index TelemetrySample_deviceId_ts_idx: missing/,
    ],
    ["a nullable required column", `ALTER TABLE "Device" ALTER COLUMN "name" DROP NOT NULL`, /Device\.name: nullable/],
    ["an extra column", `ALTER TABLE "User" ADD COLUMN "nickname" TEXT`, /User\.nickname: column in the database/],
    [
      "a wrong column type",
      `ALTER TABLE "Model" ALTER COLUMN "sourceBytes" TYPE BIGINT`,
      /Model\.sourceBytes: type bigint != integer/,
    ],
    [
      "a wrong ON DELETE",
      `ALTER TABLE "Session" DROP CONSTRAINT "Session_userId_fkey", ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE`,
      /ON DELETE Restrict != Cascade/,
    ],
    [
      "a missing foreign key",
      `ALTER TABLE "DeviceEvent" DROP CONSTRAINT "DeviceEvent_deviceId_fkey"`,
      /DeviceEvent_deviceId_fkey missing/,
    ],
    [
      "a lost default",
      `ALTER TABLE "Device" ALTER COLUMN "enabled" DROP DEFAULT`,
      /Device\.enabled: lacks the default/,
    ],
    [
      "a non-unique unique index",
      `DROP INDEX "User_email_key"; CREATE INDEX "User_email_key" ON "User"("email")`,
      /User_email_key: uniqueness mismatch/,
    ],
    [
      "a btree where GIN is declared",
      `DROP INDEX "Device_tags_idx"; CREATE INDEX "Device_tags_idx" ON "Device"("tags")`,
      /method btree != gin/,
    ],
    ["an extra table", `CREATE TABLE "Stray" (id int)`, /table Stray: in the database/],
    ["an enum missing a value", `ALTER TYPE "UserRole" RENAME VALUE 'VIEWER' TO 'READER'`, /enum UserRole: values/],
  ];
  for (const [what, statement, expected] of drifts) {
    it(`notices ${what}`, async () => {
      const db = await createTestDatabase({ kind: "pglite" });
      try {
        await sql(db.url, statement);
        const problems = await verifySchema(db.url);
        expect(problems.join("\n")).toMatch(expected);
      } finally {
        await db.close();
      }
    });
  }
});
