import net from "node:net";
import { describe, expect, it } from "vitest";
import { runBin } from "./testing/run-bin.ts";

// The CLI's refusals happen before any build or database, so these run in a second or two.
describe("fleet-console command line", () => {
  it("--help documents every setting", async () => {
    const result = await runBin(["--help"]);
    expect(result.code).toBe(0);
    for (const name of [
      "CONSOLE_PORT",
      "CONSOLE_HOST",
      "DATABASE_URL",
      "FLEET_DATA_DIR",
      "MQTT_URL",
      "CONSOLE_PUBLIC_URL",
    ]) {
      expect(result.stdout).toContain(name);
    }
  });

  it("a bad setting: one line on stderr naming it, exit 2, no stack trace", async () => {
    const result = await runBin(["--port", "http"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'fleet-console: --port (CONSOLE_PORT) must be an integer from 0 to 65535 (got "http")\n',
    );
  });

  it("a taken port: one line naming CONSOLE_PORT, exit 1", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const result = await runBin(["--host", "127.0.0.1", "--port", String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `fleet-console: CONSOLE_PORT ${port} is already in use; set CONSOLE_PORT (or --port) to a free port\n`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

describe("fleet-console public-key", () => {
  it("creates the signing key on first use and prints the same key as PEM and as base64", async () => {
    const { mkdtemp, rm, stat } = await import("node:fs/promises");
    const os = await import("node:os");
    const path = await import("node:path");
    const { createPublicKey } = await import("node:crypto");
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-key-"));
    try {
      const pem = await runBin(["public-key", "--data-dir", dataDir]);
      expect(pem.code).toBe(0);
      expect(pem.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
      expect((await stat(path.join(dataDir, "keys", "signing-ed25519.pem"))).mode & 0o777).toBe(0o600);
      const base64 = await runBin(["public-key", "--data-dir", dataDir, "--format", "base64"]);
      const raw = createPublicKey(pem.stdout).export({ format: "der", type: "spki" }).subarray(12);
      expect(base64.stdout).toBe(`${raw.toString("base64")}\n`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("fleet-console create-admin", () => {
  it("creates the first admin in the embedded database, then another; refuses a weak password with one line", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const os = await import("node:os");
    const path = await import("node:path");
    const { createDb } = await import("@fleet/db");
    const { migrate } = await import("@fleet/db/migrator");
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-admin-"));
    try {
      const seed = await createDb({ dataDir });
      await migrate({ url: seed.url });
      await seed.close();
      const weak = await runBin([
        "create-admin",
        "--data-dir",
        dataDir,
        "--email",
        "root@example.com",
        "--password",
        "short",
      ]);
      expect(weak.code).toBe(2);
      expect(weak.stderr).toBe("fleet-console: --password: Use at least 10 characters.\n");
      const first = await runBin(
        ["create-admin", "--data-dir", dataDir, "--email", "root@example.com", "--password", "long enough pw"],
        {
          timeoutMs: 60_000,
        },
      );
      expect(first.stdout).toBe("fleet-console: created the first admin root@example.com\n");
      expect(first.code).toBe(0);
      const second = await runBin(
        ["create-admin", "--data-dir", dataDir, "--email", "two@example.com", "--password", "long enough pw"],
        {
          timeoutMs: 60_000,
        },
      );
      expect(second.stdout).toBe("fleet-console: created admin two@example.com\n");
      const again = await runBin(
        ["create-admin", "--data-dir", dataDir, "--email", "two@example.com", "--password", "long enough pw"],
        {
          timeoutMs: 60_000,
        },
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toBe("fleet-console: A user with email two@example.com already exists.\n");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("fleet-console provision-demo", () => {
  it("(re)provisions demo-0001…N with fresh secrets and mixed classes, and writes their credentials (0600)", async () => {
    const { mkdtemp, readFile, rm, stat } = await import("node:fs/promises");
    const os = await import("node:os");
    const path = await import("node:path");
    const { createDb, verifySecret } = await import("@fleet/db");
    const { migrate } = await import("@fleet/db/migrator");
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-demo-"));
    const out = path.join(dataDir, "demo", "credentials.json");
    try {
      const seed = await createDb({ dataDir });
      await migrate({ url: seed.url });
      await seed.close();
      const missing = await runBin(["provision-demo", "--data-dir", dataDir, "--count", "3"]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe("fleet-console: --out is required by provision-demo\n");

      const first = await runBin(["provision-demo", "--data-dir", dataDir, "--count", "4", "--out", out], {
        timeoutMs: 60_000,
      });
      expect(first.stderr).toBe("");
      expect(first.stdout).toBe(`fleet-console: provisioned 4 demo devices; credentials in ${out}\n`);
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      const credentials = JSON.parse(await readFile(out, "utf8")) as Array<{ deviceId: string; secret: string }>;
      expect(credentials.map((c) => c.deviceId)).toEqual(["demo-0001", "demo-0002", "demo-0003", "demo-0004"]);

      const second = await runBin(["provision-demo", "--data-dir", dataDir, "--count", "4", "--out", out], {
        timeoutMs: 60_000,
      });
      expect(second.code).toBe(0);
      const fresh = JSON.parse(await readFile(out, "utf8")) as Array<{ deviceId: string; secret: string }>;
      expect(fresh.map((c) => c.deviceId)).toEqual(credentials.map((c) => c.deviceId));

      const db = await createDb({ dataDir });
      try {
        const rows = await db.prisma.device.findMany({ orderBy: { id: "asc" } });
        expect(rows.map((r) => [r.id, r.deviceClass, r.tags])).toEqual([
          ["demo-0001", "GATEWAY", ["demo"]],
          ["demo-0002", "GATEWAY", ["demo"]],
          ["demo-0003", "WEARABLE", ["demo"]],
          ["demo-0004", "GATEWAY", ["demo"]],
        ]);
        // Only the newest secrets verify: every run hands out fresh ones.
        for (const [i, row] of rows.entries()) {
          expect(await verifySecret(fresh[i]!.secret, row.credentialHash)).toBe(true);
          expect(await verifySecret(credentials[i]!.secret, row.credentialHash)).toBe(false);
        }
        expect(await db.prisma.auditEvent.count({ where: { action: "device.provision-demo" } })).toBe(2);
      } finally {
        await db.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
