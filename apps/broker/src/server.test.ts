import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect as connectTcp, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ListenError } from "./errors.ts";
import type { RunningBroker } from "./server.ts";
import {
  collectMessages,
  connectClient,
  endAll,
  mqttUrl,
  startTestBroker,
  subscribeGranted,
} from "./testing/broker-harness.ts";

let broker: RunningBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

function occupyPort(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function portOf(server: Server): number {
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("not listening");
  return address.port;
}

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("startBroker", () => {
  it("listens on ephemeral ports and accepts MQTT over TCP and over WebSocket", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    expect(broker.ports.mqtt).toBeGreaterThan(0);
    expect(broker.ports.ws).toBeGreaterThan(0);
    expect(broker.ports.metrics).toBeGreaterThan(0);
    expect(broker.ports.tls).toBeNull();
    expect(broker.urls.ws).toBe(`ws://127.0.0.1:${broker.ports.ws}/mqtt`);

    const overTcp = await connectClient(mqttUrl(broker), { clientId: "tcp-client" });
    const overWs = await connectClient(`ws://127.0.0.1:${broker.ports.ws}/mqtt`, { clientId: "ws-client" });
    // A message crosses transports: published over TCP, delivered over WebSocket.
    const inbox = collectMessages(overWs);
    expect(await subscribeGranted(overWs, "lab/temp", 1)).toEqual([1]);
    await overTcp.publishAsync("lab/temp", "21.5", { qos: 1 });
    await inbox.waitFor("lab/temp");
    expect(inbox.received).toEqual([{ topic: "lab/temp", payload: "21.5" }]);
    await endAll(overTcp, overWs);
  });

  it("serves MQTT over TLS and WSS when a certificate and key are configured", async (context) => {
    if (!hasOpenssl()) context.skip("openssl is not installed, cannot make a test certificate");
    const dir = mkdtempSync(join(tmpdir(), "fleet-broker-tls-"));
    try {
      const cert = join(dir, "cert.pem");
      const key = join(dir, "key.pem");
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          key,
          "-out",
          cert,
          "-days",
          "1",
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=IP:127.0.0.1",
        ],
        { stdio: "ignore" },
      );
      broker = await startTestBroker({
        MQTT_ALLOW_ANONYMOUS: "true",
        MQTT_TLS_CERT: cert,
        MQTT_TLS_KEY: key,
        MQTT_TLS_PORT: "0",
        MQTT_WSS_PORT: "0",
      });
      const ca = readFileSync(cert);
      const overTls = await connectClient(`mqtts://127.0.0.1:${broker.ports.tls}`, { clientId: "tls-client", ca });
      const overWss = await connectClient(`wss://127.0.0.1:${broker.ports.wss}/mqtt`, { clientId: "wss-client", ca });
      expect(overTls.connected && overWss.connected).toBe(true);
      await endAll(overTls, overWss);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start when the TLS files are unreadable, naming the setting", async () => {
    await expect(
      startTestBroker({ MQTT_TLS_CERT: "/nonexistent/cert.pem", MQTT_TLS_KEY: "/nonexistent/key.pem" }),
    ).rejects.toMatchObject({
      name: "ConfigError",
      setting: "MQTT_TLS_CERT",
      message: "MQTT_TLS_CERT /nonexistent/cert.pem cannot be read (ENOENT)",
    });
  });

  it("fails with a typed error naming MQTT_PORT when the port is taken", async () => {
    const squatter = await occupyPort();
    try {
      const port = portOf(squatter);
      const error = await startTestBroker({ MQTT_PORT: String(port) }).then(
        () => expect.unreachable("the broker started on a taken port"),
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ListenError);
      expect(error).toMatchObject({ code: "port_in_use", setting: "MQTT_PORT", port });
      expect((error as Error).message).toBe(
        `MQTT_PORT ${port} is already in use; set MQTT_PORT (or --mqtt-port) to a free port`,
      );
    } finally {
      squatter.close();
    }
  });

  it("names MQTT_WS_PORT when the WebSocket port is the one taken", async () => {
    const squatter = await occupyPort();
    try {
      await expect(startTestBroker({ MQTT_WS_PORT: String(portOf(squatter)) })).rejects.toMatchObject({
        code: "port_in_use",
        setting: "MQTT_WS_PORT",
      });
    } finally {
      squatter.close();
    }
  });

  it("releases its ports on close, even with a client that never sent CONNECT", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    const { mqtt, ws } = broker.ports;
    const client = await connectClient(mqttUrl(broker), { clientId: "lingering" });
    const mute = await new Promise<Socket>((resolve) => {
      const socket: Socket = connectTcp(mqtt, "127.0.0.1", () => resolve(socket));
    });
    const clientClosed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    await broker.close();
    await broker.close(); // idempotent
    broker = undefined;
    await clientClosed;
    mute.destroy();
    // The same fixed ports can be bound again right away.
    broker = await startTestBroker({ MQTT_PORT: String(mqtt), MQTT_WS_PORT: String(ws) });
    expect(broker.ports.mqtt).toBe(mqtt);
  });
});
