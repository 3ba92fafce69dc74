// A model changed on the device's disk while the agent was stopped, as someone with write access to
// its data directory would change it: new weights, and manifest.json rewritten to match them (so the
// files still hash as the manifest says; only the console's signature tells). At boot the agent must
// not run it: the previous variant runs, and the refusal is reported to the console.
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { uniqueDeviceId, waitFor } from "@fleet/agent/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentFleet, type TAgentFleet } from "./testing/agent-fleet.ts";
import { startAgentProcess, type TAgentProcess } from "./testing/agent-process.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
let fleet: TAgentFleet;
let dataDir: string;
let agent: TAgentProcess | undefined;

beforeAll(async () => {
  fleet = await startAgentFleet(["v1", "v2"]);
  dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-security-boot-"));
});

afterAll(async () => {
  await agent?.stop();
  await fleet?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Rewrites weights.bin, and manifest.json to match it (and to accept any self-test output). */
async function tamper(variantDir: string): Promise<void> {
  const weights = await readFile(path.join(variantDir, "weights.bin"));
  weights.fill(0x41, 0, 4);
  await writeFile(path.join(variantDir, "weights.bin"), weights);
  const manifest = JSON.parse(await readFile(path.join(variantDir, "manifest.json"), "utf8"));
  for (const file of manifest.files) if (file.path === "weights.bin") file.sha256 = sha256(weights);
  manifest.selfTest.tolerance = { absolute: 1e6, relative: 1e6 };
  await writeFile(path.join(variantDir, "manifest.json"), JSON.stringify(manifest));
}

describe("fleet-agent boot with a model changed on disk", () => {
  it("runs the previous variant instead and reports the refusal", async () => {
    const deviceId = uniqueDeviceId("sec-boot");
    const args = ["run", "--broker", fleet.broker.url, "--device-id", deviceId, "--data-dir", dataDir].concat([
      "--public-key",
      fleet.publicKeyFile,
      "--inputs",
      "http",
      "--http-port",
      "0",
    ]);
    const env = { FLEET_AGENT_SECRET: "security-test-secret-0123" };
    agent = await startAgentProcess(args, { env });
    await fleet.publishDesired(deviceId, 1, "v1");
    await waitFor(() => fleet.reports(deviceId).find((r) => r.rev === 1 && r.state === "active"), "v1 active");
    await fleet.publishDesired(deviceId, 2, "v2");
    await waitFor(() => fleet.reports(deviceId).find((r) => r.rev === 2 && r.state === "active"), "v2 active");
    await agent.stop();

    const [v2dir] = (await readdir(path.join(dataDir, "variants"))).filter((name) => name.startsWith("v2-"));
    await tamper(path.join(dataDir, "variants", v2dir!));
    const births = fleet.statuses(deviceId).length;
    const reportsBefore = fleet.reports(deviceId).length;

    agent = await startAgentProcess(args, { env });
    const birth = await waitFor(
      () =>
        fleet
          .statuses(deviceId)
          .slice(births)
          .find((s) => s.state === "online"),
      "birth after the restart",
    );
    // what it runs right after boot, before the console could send it anything
    expect(birth.state === "online" && birth.activeVariant?.id).toBe("v1");
    const refused = await waitFor(
      () =>
        fleet
          .reports(deviceId)
          .slice(reportsBefore)
          .find((r) => r.state === "rolled_back"),
      "the refusal reported",
    );
    expect(refused).toMatchObject({ rev: 2, activeVariantId: "v1", targetVariantId: "v2" });
    expect(["hash_mismatch", "bad_signature"]).toContain(refused.error?.code);
    expect(agent.output()).toMatch(/stored variant refused at boot/);
  });
});
