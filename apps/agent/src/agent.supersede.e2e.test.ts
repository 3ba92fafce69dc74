// A download in flight is cancelled when a newer revision for another target arrives: the artifact
// server holds the first download open, the newer revision cuts it, removes its partial files,
// reports the old revision as superseded and installs the new one, without waiting for the first.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { desiredTopic, reportedTopic, type TDeviceId, type TReportedPayload } from "@fleet/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAgent, tempDir, uniqueDeviceId } from "./testing/agent-harness.ts";
import { startArtifactServer, type TArtifactServer } from "./testing/artifact-server.ts";
import { recorder, startTestBroker, type TRecorder, type TTestBroker } from "./testing/test-broker.ts";
import { desiredVariant, signingKeys, writeTinyVariant, type TTinyVariant } from "./testing/tiny-variant.ts";
import { waitFor } from "./testing/wait.ts";

const keys = signingKeys();
let broker: TTestBroker;
let server: TArtifactServer;
let observer: TRecorder;
const variants: Record<string, TTinyVariant> = {};

async function publishDesired(deviceId: TDeviceId, rev: number, name: string | null): Promise<void> {
  const variant =
    name === null
      ? null
      : desiredVariant(name, variants[name]!.manifestBytes, `${server.url}/${name}/manifest.json`, keys);
  await observer.client.publishAsync(desiredTopic(deviceId), JSON.stringify({ v: 1, ts: Date.now(), rev, variant }), {
    qos: 1,
    retain: true,
  });
}

const reports = (deviceId: TDeviceId) => observer.on<TReportedPayload>(reportedTopic(deviceId));

beforeAll(async () => {
  const root = await tempDir("fleet-artifacts-");
  for (const [name, scale] of [
    ["slow", 1],
    ["next", 2],
  ] as const)
    variants[name] = await writeTinyVariant(path.join(root, name), { scale });
  server = await startArtifactServer(root);
  broker = await startTestBroker();
  observer = await recorder(broker.url, "fleet/v1/#");
});

afterAll(async () => {
  await observer?.close();
  await broker?.stop();
  await server?.close();
});

describe("a newer revision during a download", () => {
  it("cancels the download, removes its partial files, reports it superseded and installs the newer one", async () => {
    const deviceId = uniqueDeviceId("supersede");
    const dataDir = await tempDir();
    const agent = await startTestAgent({ brokerUrl: broker.url, deviceId, dataDir, publicKeyPem: keys.publicKeyPem });
    try {
      await waitFor(() => agent.connected, "connected");
      const held = server.holdOnce("/slow/weights.bin", 10);
      await publishDesired(deviceId, 1, "slow");
      await held.sending; // rev 1 is downloading weights.bin, 10 bytes in
      const staging = await readdir(path.join(dataDir, "staging"));
      expect(staging).toHaveLength(1);

      await publishDesired(deviceId, 2, "next");
      await held.closedByClient; // the agent cut the request it no longer needs
      const superseded = await waitFor(
        () => reports(deviceId).find((r) => r.rev === 1 && r.state === "failed"),
        "rev 1 reported",
      );
      expect(superseded).toMatchObject({
        activeVariantId: null,
        targetVariantId: "slow",
        error: { code: "superseded" },
      });
      expect(superseded.error?.message).toMatch(/superseded by rev 2 \(next\).*download was cancelled/);
      await waitFor(() => reports(deviceId).find((r) => r.rev === 2 && r.state === "active"), "rev 2 active");
      expect(agent.slot.active?.variant.id).toBe("next");
      // the partial download of "slow" is gone; only "next" is installed
      expect(await readdir(path.join(dataDir, "staging"))).toEqual([]);
      expect((await readdir(path.join(dataDir, "variants"))).map((name) => name.split("-")[0])).toEqual(["next"]);
      // rev 1 ends there: "slow" was never verified nor activated
      const rev1 = reports(deviceId)
        .filter((r) => r.rev === 1)
        .map((r) => r.state);
      expect(new Set(rev1)).toEqual(new Set(["downloading", "failed"]));
      expect(rev1.at(-1)).toBe("failed");
      held.release();
    } finally {
      await agent.stop();
    }
  });
});
