// A slow (or stalled) artifact server holds a device's download open; the console then sends a newer
// revision. The agent must not stay stuck behind the download it no longer needs: the request is cut,
// the newer revision installed, the older one reported as superseded.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { uniqueDeviceId, waitFor } from "@fleet/agent/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentFleet, type TAgentFleet } from "./testing/agent-fleet.ts";
import { startAgentProcess, type TAgentProcess } from "./testing/agent-process.ts";

let fleet: TAgentFleet;
let dataDir: string;
let agent: TAgentProcess | undefined;

beforeAll(async () => {
  fleet = await startAgentFleet(["slow", "next"]);
  dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-security-cancel-"));
});

afterAll(async () => {
  await agent?.stop();
  await fleet?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("fleet-agent with a download held open", () => {
  it("cancels it when a newer revision arrives, and installs that one", { timeout: 120_000 }, async () => {
    const deviceId = uniqueDeviceId("sec-cancel");
    agent = await startAgentProcess(
      ["run", "--broker", fleet.broker.url, "--device-id", deviceId, "--data-dir", dataDir].concat([
        "--public-key",
        fleet.publicKeyFile,
        "--inputs",
        "http",
        "--http-port",
        "0",
      ]),
      { env: { FLEET_AGENT_SECRET: "security-test-secret-0123" } },
    );
    const held = fleet.server.holdOnce("/slow/weights.bin", 10);
    await fleet.publishDesired(deviceId, 1, "slow");
    await held.sending;
    await fleet.publishDesired(deviceId, 2, "next");
    await held.closedByClient;
    const next = await waitFor(
      () => fleet.reports(deviceId).find((r) => r.rev === 2 && r.state === "active"),
      "rev 2 active",
      60_000,
    );
    expect(next.activeVariantId).toBe("next");
    const rev1 = fleet.reports(deviceId).filter((r) => r.rev === 1);
    expect(rev1.at(-1)).toMatchObject({ state: "failed", targetVariantId: "slow", error: { code: "superseded" } });
    expect(rev1.map((r) => r.state)).not.toContain("active");
    expect(await readdir(path.join(dataDir, "staging"))).toEqual([]);
    held.release();
  });
});
