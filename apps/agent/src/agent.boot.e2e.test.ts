// Boot verification end to end: a device installs v1 then v2 through a real broker and artifact
// server, is stopped, its files are changed on disk, and it boots again. Nothing stored runs
// unverified: the previous variant runs if it verifies, else none; the refusal is logged and reported,
// and the console's retained desired state installs a verified copy again once the device is connected.
import { createHash } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  desiredTopic,
  reportedTopic,
  type TDesiredVariant,
  type TDeviceId,
  type TReportedPayload,
} from "@fleet/protocol";
import { captureLogger } from "@fleet/log/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "./agent.ts";
import { startTestAgent, tempDir, uniqueDeviceId } from "./testing/agent-harness.ts";
import { startArtifactServer, type TArtifactServer } from "./testing/artifact-server.ts";
import { recorder, startTestBroker, type TRecorder, type TTestBroker } from "./testing/test-broker.ts";
import { desiredVariant, signingKeys, writeTinyVariant, type TTinyVariant } from "./testing/tiny-variant.ts";
import { waitFor } from "./testing/wait.ts";
import { variantDirName } from "./update/variant-cache.ts";

const keys = signingKeys();
let broker: TTestBroker;
let server: TArtifactServer;
let observer: TRecorder;
const variants: Record<string, TTinyVariant> = {};
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function variant(name: string): TDesiredVariant {
  return desiredVariant(name, variants[name]!.manifestBytes, `${server.url}/${name}/manifest.json`, keys);
}

function reports(deviceId: string): TReportedPayload[] {
  return observer.on<TReportedPayload>(reportedTopic(deviceId as never));
}

function waitReport(deviceId: string, match: (r: TReportedPayload) => boolean, what: string) {
  return waitFor(() => reports(deviceId).find(match), what);
}

/** A device that ran v1 (rev 1) and then v2 (rev 2), stopped; returns its data directory. */
async function deviceWithTwoVariants(deviceId: TDeviceId): Promise<string> {
  const dataDir = await tempDir();
  const agent = await startTestAgent({ brokerUrl: broker.url, deviceId, dataDir, publicKeyPem: keys.publicKeyPem });
  try {
    for (const [rev, name] of [
      [1, "v1"],
      [2, "v2"],
    ] as const) {
      await observer.client.publishAsync(
        desiredTopic(deviceId),
        JSON.stringify({ v: 1, ts: Date.now(), rev, variant: variant(name) }),
        { qos: 1, retain: true },
      );
      await waitReport(deviceId, (r) => r.rev === rev && r.state === "active", `rev ${rev} active`);
    }
  } finally {
    await agent.stop();
  }
  return dataDir;
}

const dirOf = (dataDir: string, name: string) => path.join(dataDir, "variants", variantDirName(variant(name)));

/** Changes weights.bin and rewrites manifest.json to match it: what the runtime alone would accept. */
async function tamperConsistently(variantDir: string): Promise<string> {
  const weights = await readFile(path.join(variantDir, "weights.bin"));
  weights[0] = weights[0]! ^ 0x01;
  await writeFile(path.join(variantDir, "weights.bin"), weights);
  const manifest = JSON.parse(await readFile(path.join(variantDir, "manifest.json"), "utf8"));
  const entry = manifest.files.find((f: { path: string }) => f.path === "weights.bin");
  entry.sha256 = sha256(weights);
  // the golden output would change too; an attacker rewrites it, here the tolerance is widened
  manifest.selfTest.tolerance = { absolute: 1e3, relative: 1e3 };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  await writeFile(path.join(variantDir, "manifest.json"), bytes);
  return sha256(bytes);
}

/** Boots with no reachable broker: what runs is decided by the disk alone. */
async function bootOffline(deviceId: TDeviceId, dataDir: string): Promise<Agent> {
  return startTestAgent({ brokerUrl: "mqtt://127.0.0.1:9", deviceId, dataDir, publicKeyPem: keys.publicKeyPem });
}

beforeAll(async () => {
  const root = await tempDir("fleet-artifacts-");
  variants["v1"] = await writeTinyVariant(path.join(root, "v1"), { scale: 1 });
  variants["v2"] = await writeTinyVariant(path.join(root, "v2"), { scale: 2 });
  server = await startArtifactServer(root);
  broker = await startTestBroker();
  observer = await recorder(broker.url, "fleet/v1/#");
});

afterAll(async () => {
  await observer?.close();
  await broker?.stop();
  await server?.close();
});

describe("boot verification of stored variants", () => {
  it("a model file changed on disk: the previous variant runs, the changed copy is deleted", async () => {
    const deviceId = uniqueDeviceId("boot-file");
    const dataDir = await deviceWithTwoVariants(deviceId);
    const weights = path.join(dirOf(dataDir, "v2"), "weights.bin");
    const bytes = await readFile(weights);
    bytes[0] = bytes[0]! ^ 0x01;
    await writeFile(weights, bytes);

    const agent = await bootOffline(deviceId, dataDir);
    try {
      expect(agent.slot.active?.variant.id).toBe("v1");
      await expect(stat(dirOf(dataDir, "v2"))).rejects.toMatchObject({ code: "ENOENT" });
      const state = JSON.parse(await readFile(path.join(dataDir, "state.json"), "utf8"));
      expect(state).toMatchObject({ lastRev: 1, active: { id: "v1" }, previous: null });
    } finally {
      await agent.stop();
    }
  });

  it("a manifest rewritten to match a changed file: refused (not the installed manifest), reported once connected, then installed again", async () => {
    const deviceId = uniqueDeviceId("boot-manifest");
    const dataDir = await deviceWithTwoVariants(deviceId);
    await tamperConsistently(dirOf(dataDir, "v2"));
    const mark = server.requests.length;

    const agent = await startTestAgent({ brokerUrl: broker.url, deviceId, dataDir, publicKeyPem: keys.publicKeyPem });
    try {
      const refused = await waitReport(deviceId, (r) => r.state === "rolled_back", "boot refusal reported");
      expect(refused).toMatchObject({
        rev: 2,
        activeVariantId: "v1",
        targetVariantId: "v2",
        error: { code: "hash_mismatch" },
      });
      expect(refused.error?.message).toMatch(/manifest\.json.*changed on disk/);
      // the retained desired (rev 2) is applied again: v2 downloaded afresh and verified
      const healed = await waitFor(
        () => reports(deviceId).findLast((r) => r.rev === 2 && r.state === "active" && r.ts >= refused.ts),
        "v2 installed again",
      );
      expect(healed.activeVariantId).toBe("v2");
      expect(server.requests.slice(mark).map((r) => r.path)).toContain("/v2/weights.bin");
    } finally {
      await agent.stop();
    }
  });

  it("a manifest and state.json both rewritten: the signature does not verify; with the previous one changed too, none runs", async () => {
    const deviceId = uniqueDeviceId("boot-sig");
    const dataDir = await deviceWithTwoVariants(deviceId);
    const stateFile = path.join(dataDir, "state.json");
    const state = JSON.parse(await readFile(stateFile, "utf8"));
    state.active.manifestSha256 = await tamperConsistently(dirOf(dataDir, "v2"));
    state.previous.manifestSha256 = await tamperConsistently(dirOf(dataDir, "v1"));
    await writeFile(stateFile, JSON.stringify(state));

    const log = captureLogger();
    const agent = await startTestAgent({
      brokerUrl: "mqtt://127.0.0.1:9",
      deviceId,
      dataDir,
      publicKeyPem: keys.publicKeyPem,
      logger: log.logger,
    });
    try {
      expect(agent.slot.active).toBeUndefined();
      expect(log.find("stored variant refused at boot").map((e) => [e["variantId"], e["code"]])).toEqual([
        ["v2", "bad_signature"],
        ["v1", "bad_signature"],
      ]);
      expect(JSON.parse(await readFile(stateFile, "utf8"))).toMatchObject({ lastRev: 1, active: null, previous: null });
      await expect(stat(dirOf(dataDir, "v1"))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await agent.stop();
    }
  });

  it("a state.json from an agent that kept no signature: nothing runs until the console's desired state vouches for it, without a download", async () => {
    const deviceId = uniqueDeviceId("boot-legacy");
    const dataDir = await deviceWithTwoVariants(deviceId);
    const stateFile = path.join(dataDir, "state.json");
    const state = JSON.parse(await readFile(stateFile, "utf8"));
    delete state.active.signature;
    delete state.previous.signature;
    await writeFile(stateFile, JSON.stringify(state));
    const mark = server.requests.length;

    const agent = await startTestAgent({ brokerUrl: broker.url, deviceId, dataDir, publicKeyPem: keys.publicKeyPem });
    try {
      const refused = await waitReport(deviceId, (r) => r.state === "failed", "boot refusal reported");
      expect(refused).toMatchObject({ rev: 2, activeVariantId: null, error: { code: "bad_signature" } });
      expect(refused.error?.message).toMatch(/no manifest signature recorded/);
      await waitFor(
        () => reports(deviceId).findLast((r) => r.rev === 2 && r.state === "active" && r.ts >= refused.ts),
        "v2 verified against the desired state's signature",
      );
      expect(agent.slot.active?.variant).toMatchObject({ id: "v2", signature: variant("v2").signature });
      expect(server.requests.slice(mark)).toEqual([]); // the stored copy was kept and verified
    } finally {
      await agent.stop();
    }
    await rm(dataDir, { recursive: true, force: true });
  });
});
