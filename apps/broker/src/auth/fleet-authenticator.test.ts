// The credential check and its caches, against an in-memory Device directory.
import { describe, expect, it } from "vitest";
import { hashSecret } from "@fleet/db";
import type { DeviceCredential, DeviceDirectory } from "./device-directory.ts";
import { createFleetAuthenticator, ROW_TTL_MS } from "./fleet-authenticator.ts";

const FAST = { N: 1024, r: 8, p: 1 };

async function fixture() {
  const table = new Map<string, DeviceCredential>([
    ["gw-1", { credentialHash: await hashSecret("gw-1-secret", FAST), enabled: true }],
    ["gw-off", { credentialHash: await hashSecret("off-secret", FAST), enabled: false }],
  ]);
  let reads = 0;
  const devices: DeviceDirectory = {
    credentialOf: async (id) => {
      reads++;
      return table.get(id) ?? null;
    },
    enabledAmong: async (ids) => new Set(ids.filter((id) => table.get(id)?.enabled)),
  };
  let clock = 1_000_000;
  const services = [
    {
      username: "console",
      secretHash: await hashSecret("console-secret", FAST),
      publish: ["fleet/v1/+/desired"],
      subscribe: ["fleet/v1/+/reported"],
    },
  ] as never;
  const auth = createFleetAuthenticator({ services, devices, now: () => clock });
  return { auth, table, reads: () => reads, tick: (ms: number) => (clock += ms) };
}

const pw = (text: string) => Buffer.from(text);

describe("fleet authenticator", () => {
  it("admits a device with its secret as a device principal", async () => {
    const { auth } = await fixture();
    expect(await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"))).toEqual({ kind: "device", deviceId: "gw-1" });
  });

  it("refuses a wrong secret, an unknown device and a missing password", async () => {
    const { auth } = await fixture();
    expect(await auth.authenticate("gw-1", "gw-1", pw("nope"))).toBeNull();
    expect(await auth.authenticate("gw-9", "gw-9", pw("gw-1-secret"))).toBeNull();
    expect(await auth.authenticate("gw-1", "gw-1", undefined)).toBeNull();
    expect(await auth.authenticate("gw-1", "gw-1", pw(""))).toBeNull();
  });

  it("says 'not authorized' to a disabled device only when its secret is right", async () => {
    const { auth } = await fixture();
    expect(await auth.authenticate("gw-off", "gw-off", pw("off-secret"))).toMatchObject({ refused: "not_authorized" });
    expect(await auth.authenticate("gw-off", "gw-off", pw("guess"))).toBeNull();
  });

  it("admits a service account with its listed rights", async () => {
    const { auth } = await fixture();
    expect(await auth.authenticate("console-1", "console", pw("console-secret"))).toEqual({
      kind: "service",
      name: "console",
      publish: ["fleet/v1/+/desired"],
      subscribe: ["fleet/v1/+/reported"],
    });
    expect(await auth.authenticate("console-1", "console", pw("gw-1-secret"))).toBeNull();
  });

  it("reads the row once per TTL and sees a disable after it", async () => {
    const { auth, table, reads, tick } = await fixture();
    await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"));
    await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"));
    expect(reads()).toBe(1);
    table.set("gw-1", { ...(table.get("gw-1") as DeviceCredential), enabled: false });
    tick(ROW_TTL_MS + 1);
    expect(await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"))).toMatchObject({ refused: "not_authorized" });
    expect(reads()).toBe(2);
  });

  it("evict() forgets a row at once", async () => {
    const { auth, table } = await fixture();
    await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"));
    table.delete("gw-1");
    auth.evict("gw-1");
    expect(await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"))).toBeNull();
  });

  it("a rotated secret takes effect with the next row read", async () => {
    const { auth, table, tick } = await fixture();
    expect(await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"))).not.toBeNull();
    table.set("gw-1", { credentialHash: await hashSecret("new-secret", FAST), enabled: true });
    tick(ROW_TTL_MS + 1);
    expect(await auth.authenticate("gw-1", "gw-1", pw("gw-1-secret"))).toBeNull();
    expect(await auth.authenticate("gw-1", "gw-1", pw("new-secret"))).not.toBeNull();
  });

  it("reports a database failure as a rejection (server unavailable), and does not cache it", async () => {
    let fail = true;
    const devices: DeviceDirectory = {
      credentialOf: async () => {
        if (fail) throw new Error("database down");
        return { credentialHash: await hashSecret("s", FAST), enabled: true };
      },
      enabledAmong: async () => new Set(),
    };
    const auth = createFleetAuthenticator({ services: [], devices });
    await expect(auth.authenticate("gw-1", "gw-1", pw("s"))).rejects.toThrow("database down");
    fail = false;
    expect(await auth.authenticate("gw-1", "gw-1", pw("s"))).toEqual({ kind: "device", deviceId: "gw-1" });
  });
});
