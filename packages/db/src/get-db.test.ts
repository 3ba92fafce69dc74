import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DbError } from "./errors.ts";
import { createDb, type FleetDb } from "./get-db.ts";
import { migrate } from "./migrator/migrate.ts";

const dirs: string[] = [];
const dbs: FleetDb[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fleet-data-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const db of dbs.splice(0).reverse()) await db.close();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function open(options: Parameters<typeof createDb>[0]): Promise<FleetDb> {
  const db = await createDb(options);
  dbs.push(db);
  return db;
}

describe("embedded database (DATABASE_URL unset)", () => {
  it("creates <dataDir>/db on first start and keeps data across restarts", async () => {
    const dataDir = await tempDir();
    const first = await createDb({ dataDir });
    expect(first).toMatchObject({ embedded: true, ownsEmbedded: true });
    await migrate({ url: first.url });
    await first.prisma.user.create({
      data: { email: "ada@example.com", name: "Ada", passwordHash: "x", role: "ADMIN" },
    });
    await first.close();

    const second = await open({ dataDir });
    expect(await second.prisma.user.findUnique({ where: { email: "ada@example.com" } })).toMatchObject({
      role: "ADMIN",
    });
  });

  it("a second opener attaches to the owner's socket instead of opening the files twice", async () => {
    const dataDir = await tempDir();
    const owner = await open({ dataDir });
    const attached = await open({ dataDir });
    expect(attached).toMatchObject({ embedded: true, ownsEmbedded: false, url: owner.url });
    await migrate({ url: owner.url });
    expect(await attached.prisma.device.count()).toBe(0);
  });

  it("another process attaches through the lock file", async () => {
    const dataDir = await tempDir();
    const owner = await open({ dataDir });
    await migrate({ url: owner.url });
    const bin = fileURLToPath(new URL("../bin/fleet-db.mjs", import.meta.url));
    const { code, stdout } = await runProcess(process.execPath, [bin, "status", "--data-dir", dataDir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/applied\s+\d{14}_init/);
  });

  it("clears a lock left by a dead process", async () => {
    const dataDir = await tempDir();
    await writeFile(
      path.join(dataDir, "db.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: "127.0.0.1", port: 1 }),
    );
    const db = await open({ dataDir });
    expect(db.ownsEmbedded).toBe(true);
    expect(JSON.parse(await readFile(path.join(dataDir, "db.lock"), "utf8"))).toMatchObject({ pid: process.pid });
  });

  it("serialises concurrent transactions from several clients on PGlite's single connection", async () => {
    const dataDir = await tempDir();
    const owner = await open({ dataDir });
    await migrate({ url: owner.url });
    const others = [
      await createDb({ databaseUrl: owner.url, dataDir }),
      await createDb({ databaseUrl: owner.url, dataDir }),
    ];
    dbs.push(...others);
    await owner.prisma.hardwareProfile.create({ data: { id: "p", name: "p", rules: {}, priority: 0 } });
    const clients = [owner, ...others];
    // Read-modify-write in interactive transactions: lost updates would show as a lower total.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        clients[i % clients.length]!.prisma.$transaction(async (tx) => {
          const row = await tx.hardwareProfile.findUniqueOrThrow({ where: { id: "p" } });
          await tx.hardwareProfile.update({ where: { id: "p" }, data: { priority: row.priority + 1 } });
        }),
      ),
    );
    // A rolled-back transaction leaves nothing behind for the other clients.
    await expect(
      others[0]!.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: "ghost@example.com", name: "g", passwordHash: "x" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect((await owner.prisma.hardwareProfile.findUniqueOrThrow({ where: { id: "p" } })).priority).toBe(30);
    expect(await others[1]!.prisma.user.count({ where: { email: "ghost@example.com" } })).toBe(0);
  });
});

describe("bad settings give one clear line", () => {
  it("a malformed DATABASE_URL", async () => {
    const error = await createDb({ databaseUrl: "mysql://root@localhost/x", dataDir: "." }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbError);
    expect(error).toMatchObject({
      code: "BAD_DATABASE_URL",
      message: expect.stringMatching(/^DATABASE_URL must start with postgresql:\/\//),
    });
    await expect(createDb({ databaseUrl: "not a url", dataDir: "." })).rejects.toMatchObject({
      code: "BAD_DATABASE_URL",
    });
    await expect(createDb({ databaseUrl: "postgresql://localhost:5432", dataDir: "." })).rejects.toMatchObject({
      message: expect.stringMatching(/names no database/),
    });
  });

  it("an unreachable database, with the password kept out of the message", async () => {
    const error = (await createDb({ databaseUrl: "postgresql://fleet:s3cret@127.0.0.1:1/fleet", dataDir: "." }).catch(
      (e: unknown) => e,
    )) as DbError;
    expect(error.code).toBe("UNREACHABLE");
    expect(error.message).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/fleet \(.*ECONNREFUSED/);
    expect(error.message).not.toContain("s3cret");
    expect(error.message).not.toContain("\n");
  });

  it("a data directory that cannot be written", async () => {
    const file = path.join(await tempDir(), "a-file");
    await writeFile(file, "");
    await expect(createDb({ dataDir: path.join(file, "data") })).rejects.toMatchObject({
      code: "DATA_DIR_NOT_WRITABLE",
      message: expect.stringMatching(/is not writable \(ENOTDIR\); set FLEET_DATA_DIR/),
    });
  });

  it("the fleet-db command prints one line and exits non-zero", async () => {
    const bin = fileURLToPath(new URL("../bin/fleet-db.mjs", import.meta.url));
    const bad = await runProcess(process.execPath, [bin, "migrate"], { DATABASE_URL: "postgres://127.0.0.1:1/x" });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/^fleet-db: cannot reach PostgreSQL at 127\.0\.0\.1:1\/x/);
    const usage = await runProcess(process.execPath, [bin, "migrate", "--port", "http"], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^fleet-db: --port \(FLEET_DB_PORT\) /);
  });
});

function runProcess(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, DATABASE_URL: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
