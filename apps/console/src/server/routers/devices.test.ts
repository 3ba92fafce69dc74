import { verifySecret } from "@fleet/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallerHarness, trpcCode, trpcError, type TCallerHarness } from "../../testing/callers.ts";

let h: TCallerHarness;
let operator: Awaited<ReturnType<TCallerHarness["callerAs"]>>;
let viewer: Awaited<ReturnType<TCallerHarness["callerAs"]>>;

beforeAll(async () => {
  h = await createCallerHarness();
  operator = await h.callerAs("OPERATOR");
  viewer = await h.callerAs("VIEWER");
});
afterAll(async () => {
  await h?.close();
});

describe("provisioning", () => {
  it("creates a device: the secret is shown once with the exact agent command, stored only as a scrypt hash", async () => {
    const created = await operator.caller.devices.create({ id: "gw-001", name: "Hall gateway", tags: ["Hall", "eu"] });
    // The console's public key rides along, so the agent can verify the models it will be sent.
    const key = (await viewer.caller.keys.publicKey()).base64;
    const publicKeyWord = /^[A-Za-z0-9_./:=@-]+$/.test(key) ? key : `'${key}'`;
    // The secret goes to a 0600 file (shell builtin printf), never on the agent's command line.
    expect(created.command).toBe(
      `install -m 600 /dev/null fleet-agent.secret && printf '%s\\n' ${created.secret} > fleet-agent.secret && fleet-agent run --broker mqtt://broker.test:1883 --device-id gw-001 --secret-file fleet-agent.secret --public-key ${publicKeyWord}`,
    );
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const row = await h.db.prisma.device.findUniqueOrThrow({ where: { id: "gw-001" } });
    expect(row.tags).toEqual(["hall", "eu"]);
    expect(row.credentialHash).not.toContain(created.secret);
    expect(await verifySecret(created.secret, row.credentialHash)).toBe(true);

    const listed = await viewer.caller.devices.get({ id: "gw-001" });
    expect(listed).not.toHaveProperty("credentialHash");
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "device.create", entityId: "gw-001" },
    });
    expect(audit.actorId).toBe(operator.user.id);
    expect(JSON.stringify(audit.after)).not.toContain("scrypt");
  });

  it("a wearable's command says so; a duplicate id is a CONFLICT", async () => {
    const created = await operator.caller.devices.create({ id: "wr-1", deviceClass: "WEARABLE" });
    expect(created.command).toContain("--class wearable");
    expect(created.name).toBe("wr-1");
    expect(await trpcCode(operator.caller.devices.create({ id: "wr-1" }))).toBe("CONFLICT");
  });

  it("refuses hostile ids with a readable field error", async () => {
    for (const id of ["GW-1", "gw/1", "+", "#", "a".repeat(65), "-x", "../etc", "gw 1"]) {
      const error = await trpcError(operator.caller.devices.create({ id }));
      expect(error.code, id).toBe("BAD_REQUEST");
    }
    expect(await trpcCode(viewer.caller.devices.get({ id: "../../etc/passwd" }))).toBe("BAD_REQUEST");
    expect(await trpcCode(viewer.caller.devices.get({ id: "nope" }))).toBe("NOT_FOUND");
  });

  it("rotates a secret: the old one stops verifying, the new one verifies", async () => {
    const created = await operator.caller.devices.create({ id: "gw-rot" });
    const rotated = await operator.caller.devices.rotateSecret({ id: "gw-rot" });
    const row = await h.db.prisma.device.findUniqueOrThrow({ where: { id: "gw-rot" } });
    expect(await verifySecret(created.secret, row.credentialHash)).toBe(false);
    expect(await verifySecret(rotated.secret, row.credentialHash)).toBe(true);
    expect(rotated.command).toContain(rotated.secret);
  });

  it("disables, enables and deletes with before/after in the audit log", async () => {
    await operator.caller.devices.create({ id: "gw-del" });
    await operator.caller.devices.setEnabled({ id: "gw-del", enabled: false });
    const disabled = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "device.disable", entityId: "gw-del" },
    });
    expect(disabled).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    await operator.caller.devices.delete({ id: "gw-del" });
    expect(await h.db.prisma.device.count({ where: { id: "gw-del" } })).toBe(0);
    const deleted = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "device.delete", entityId: "gw-del" },
    });
    expect(deleted.before).toMatchObject({ id: "gw-del", enabled: false });
    expect(await trpcCode(operator.caller.devices.delete({ id: "gw-del" }))).toBe("NOT_FOUND");
  });

  it("a viewer cannot create, rotate, disable or delete (FORBIDDEN, nothing changes)", async () => {
    const before = await h.db.prisma.device.count();
    const auditBefore = await h.db.prisma.auditEvent.count();
    expect(await trpcCode(viewer.caller.devices.create({ id: "gw-viewer" }))).toBe("FORBIDDEN");
    expect(await trpcCode(viewer.caller.devices.createFromCsv({ csv: "gw-v1\n" }))).toBe("FORBIDDEN");
    expect(await trpcCode(viewer.caller.devices.rotateSecret({ id: "gw-001" }))).toBe("FORBIDDEN");
    expect(await trpcCode(viewer.caller.devices.setEnabled({ id: "gw-001", enabled: false }))).toBe("FORBIDDEN");
    expect(await trpcCode(viewer.caller.devices.delete({ id: "gw-001" }))).toBe("FORBIDDEN");
    expect(await h.db.prisma.device.count()).toBe(before);
    expect(await h.db.prisma.auditEvent.count()).toBe(auditBefore);
    expect(await trpcCode((await h.caller(null)).devices.list({}))).toBe("UNAUTHORIZED");
  });
});

describe("CSV bulk provisioning", () => {
  it("creates every device of a valid CSV, with a secret and command each", async () => {
    const result = await operator.caller.devices.createFromCsv({
      csv: 'id,name,tags,class\ncsv-1,"Dock, north",dock;eu,gateway\ncsv-2,,,wearable\n',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.devices.map((d) => d.id)).toEqual(["csv-1", "csv-2"]);
    const rows = await h.db.prisma.device.findMany({ where: { id: { startsWith: "csv-" } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.name, r.tags, r.deviceClass])).toEqual([
      ["Dock, north", ["dock", "eu"], "GATEWAY"],
      ["csv-2", [], "WEARABLE"],
    ]);
    expect(await verifySecret(result.devices[1]?.secret ?? "", rows[1]?.credentialHash ?? "")).toBe(true);
  });

  it("a bad line, a duplicate or an existing id: errors per line, nothing created", async () => {
    const before = await h.db.prisma.device.count();
    const result = await operator.caller.devices.createFromCsv({ csv: "ok-1\nBAD ID\nok-1\nok-2,,,toaster\n" });
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 2, message: expect.stringContaining("id:") },
        { line: 3, message: "id ok-1 already appears on line 1." },
        { line: 4, message: "class: must be gateway or wearable" },
      ],
    });
    const existing = await operator.caller.devices.createFromCsv({ csv: "new-9\ncsv-1\n" });
    expect(existing).toEqual({ ok: false, errors: [{ line: 2, message: "A device with id csv-1 already exists." }] });
    expect(await h.db.prisma.device.count()).toBe(before);
  });
});

describe("devices table at 10,000 devices", () => {
  beforeAll(async () => {
    const statuses = ["PROVISIONED", "ONLINE", "OFFLINE"] as const;
    const base = Date.UTC(2026, 0, 1);
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      id: `load-${String(i).padStart(5, "0")}`,
      name: `Load device ${i % 97}`,
      tags: i % 10 === 0 ? ["tenth", "load"] : ["load"],
      deviceClass: i % 4 === 0 ? ("WEARABLE" as const) : ("GATEWAY" as const),
      status: statuses[i % 3] ?? "PROVISIONED",
      lastSeenAt: i % 5 === 0 ? null : new Date(base + (i % 1000) * 60_000),
      credentialHash: "scrypt$seeded",
    }));
    for (let i = 0; i < rows.length; i += 2_500)
      await h.db.prisma.device.createMany({ data: rows.slice(i, i + 2_500) });
  }, 120_000);

  /** Walks every page with the cursor and returns the ids in order. */
  async function walk(input: Parameters<typeof viewer.caller.devices.list>[0]) {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await viewer.caller.devices.list({ ...input, ...(cursor ? { cursor } : {}) });
      expect(page.devices.length).toBeLessThanOrEqual(input.limit ?? 25);
      ids.push(...page.devices.map((d) => d.id));
      pages += 1;
      if (!page.nextCursor) return { ids, pages, total: page.total };
      cursor = page.nextCursor;
    }
  }

  it("filters by tag, class and status with an exact total", async () => {
    const tenth = await viewer.caller.devices.list({ tag: "tenth", limit: 100 });
    expect(tenth.total).toBe(1_000);
    expect(tenth.devices).toHaveLength(100);
    const wearableOnline = await viewer.caller.devices.list({ tag: "load", deviceClass: "WEARABLE", status: "ONLINE" });
    // i % 4 === 0 and i % 3 === 1: i ≡ 4 (mod 12)
    expect(wearableOnline.total).toBe(Math.ceil((10_000 - 4) / 12));
    const search = await viewer.caller.devices.list({ search: "LOAD DEVICE 96", limit: 100 });
    expect(search.devices.every((d) => d.name === "Load device 96")).toBe(true);
  });

  it("keyset pages through a filtered set in order, no duplicates, no gaps (sort by lastSeenAt desc, nulls last)", async () => {
    const result = await walk({ tag: "tenth", sort: "lastSeenAt", dir: "desc", limit: 100 });
    expect(result.ids).toHaveLength(1_000);
    expect(new Set(result.ids).size).toBe(1_000);
    expect(result.pages).toBe(10);
    const rows = await h.db.prisma.device.findMany({
      where: { tags: { has: "tenth" } },
      orderBy: [{ lastSeenAt: { sort: "desc", nulls: "last" } }, { id: "desc" }],
      select: { id: true },
    });
    expect(result.ids).toEqual(rows.map((r) => r.id));
  });

  it("keyset pages by status and by name in both directions", async () => {
    for (const sort of ["status", "name"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        const result = await walk({ search: "load-000", sort, dir, limit: 7 });
        expect(result.ids, `${sort} ${dir}`).toHaveLength(100);
        expect(new Set(result.ids).size).toBe(100);
      }
    }
  });

  it("a deep page costs one bounded query: LIMIT ≤ 101, no OFFSET, and the planner can use an index", async () => {
    const plan = await h.db.prisma.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(
      `EXPLAIN SELECT id FROM "Device" WHERE "status" = 'ONLINE' AND id > 'load-09000' ORDER BY id LIMIT 26`,
    );
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/Index/);
    expect(text).toMatch(/Limit/);
    expect(await trpcCode(viewer.caller.devices.list({ limit: 1_000 }))).toBe("BAD_REQUEST");
    expect(await trpcCode(viewer.caller.devices.list({ cursor: "garbage" }))).toBe("BAD_REQUEST");
  });

  it("the overview counts devices by status, class, profile and variant", async () => {
    const overview = await viewer.caller.devices.overview();
    expect(overview.total).toBe(await h.db.prisma.device.count());
    expect(overview.byStatus.reduce((sum, row) => sum + row.count, 0)).toBe(overview.total);
    expect(overview.byClass.find((row) => row.key === "WEARABLE")?.count).toBeGreaterThanOrEqual(2_500);
    expect(overview.byProfile).toEqual([{ key: "none", label: "no profile matched", count: overview.total }]);
    expect(overview.byVariant[0]).toMatchObject({ key: "none", label: "no variant" });
    const tags = await viewer.caller.devices.tags();
    expect(tags[0]).toEqual({ tag: "load", count: 10_000 });
  });
});
