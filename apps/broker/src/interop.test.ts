// Interop with an independent MQTT implementation: Debian's mosquitto_pub / mosquitto_sub against our
// broker, through a service account from a real accounts file. Skipped with a reason outside CI when
// the binaries are missing; under CI=true their absence is a failure.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "@fleet/db";
import type { RunningBroker } from "./server.ts";
import {
  collectMessages,
  connectClient,
  mqttUrl,
  startTestBroker,
  subscribeGranted,
} from "./testing/broker-harness.ts";

const run = promisify(execFile);
const haveClients = await run("mosquitto_pub", ["--help"]).then(
  () => true,
  (error: { code?: unknown }) => error.code !== "ENOENT", // --help exits non-zero but the binary exists
);
if (!haveClients) {
  const reason = "mosquitto_pub/mosquitto_sub not installed (apt-get install mosquitto-clients)";
  if (process.env.CI === "true") throw new Error(`CI=true but ${reason}`);
  console.warn(`[skip] ${reason}`);
}

describe.skipIf(!haveClients)("interop with mosquitto-clients", () => {
  let broker: RunningBroker;
  const dir = mkdtempSync(join(tmpdir(), "fleet-interop-"));
  const auth = ["-u", "tool", "-P", "tool-secret", "-V", "mqttv311"];

  beforeAll(async () => {
    const file = join(dir, "accounts.json");
    const account = {
      username: "tool",
      secretHash: await hashSecret("tool-secret", { N: 1024, r: 8, p: 1 }),
      publish: ["lab/#"],
      subscribe: ["lab/#"],
    };
    writeFileSync(file, JSON.stringify({ accounts: [account] }));
    broker = await startTestBroker({ MQTT_SERVICE_ACCOUNTS: file });
  });
  afterAll(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const port = () => String(broker.ports.mqtt);

  it("mosquitto_pub (QoS 1 and 2) reaches an MQTT.js subscriber", async () => {
    const sub = await connectClient(mqttUrl(broker), { clientId: "js-sub", username: "tool", password: "tool-secret" });
    const inbox = collectMessages(sub);
    await subscribeGranted(sub, "lab/interop/#", 2);
    await run("mosquitto_pub", [
      "-h",
      "127.0.0.1",
      "-p",
      port(),
      ...auth,
      "-i",
      "mq-pub-1",
      "-t",
      "lab/interop/a",
      "-m",
      "from mosquitto",
      "-q",
      "1",
    ]);
    await run("mosquitto_pub", [
      "-h",
      "127.0.0.1",
      "-p",
      port(),
      ...auth,
      "-i",
      "mq-pub-2",
      "-t",
      "lab/interop/b",
      "-m",
      "qos two",
      "-q",
      "2",
    ]);
    await inbox.waitFor("lab/interop/b");
    expect(inbox.received).toEqual([
      { topic: "lab/interop/a", payload: "from mosquitto" },
      { topic: "lab/interop/b", payload: "qos two" },
    ]);
    await sub.endAsync();
  });

  it("mosquitto_sub receives a retained message and a live one from MQTT.js", async () => {
    const pub = await connectClient(mqttUrl(broker), { clientId: "js-pub", username: "tool", password: "tool-secret" });
    await pub.publishAsync("lab/interop/ret", "kept", { qos: 1, retain: true });
    const child = spawn("mosquitto_sub", [
      "-h",
      "127.0.0.1",
      "-p",
      port(),
      ...auth,
      "-i",
      "mq-sub",
      "-t",
      "lab/interop/ret",
      "-t",
      "lab/interop/live",
      "-q",
      "1",
      "-C",
      "2",
      "-v",
    ]);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    // Once the retained message is out, mosquitto_sub is subscribed: then publish the live one.
    await new Promise<void>((resolve) => child.stdout.on("data", () => out.includes("kept") && resolve()));
    await pub.publishAsync("lab/interop/live", "now", { qos: 1 });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(out).toBe("lab/interop/ret kept\nlab/interop/live now\n");
    await pub.endAsync();
  });

  it("mosquitto_pub with a wrong password is refused (not authorised)", async () => {
    const result = await run("mosquitto_pub", [
      "-h",
      "127.0.0.1",
      "-p",
      port(),
      "-u",
      "tool",
      "-P",
      "wrong",
      "-V",
      "mqttv311",
      "-i",
      "mq-bad",
      "-t",
      "lab/x",
      "-m",
      "x",
    ]).then(
      () => "accepted",
      (error: { stderr?: string }) => error.stderr ?? "refused",
    );
    expect(result).not.toBe("accepted");
  });
});
