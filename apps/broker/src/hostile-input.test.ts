// One client's garbage must not disturb another client (issue 3: "never crashes or stalls other clients").
import { connect as connectTcp, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
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

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connectTcp(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.once("close", () => resolve());
    socket.on("error", () => {}); // a reset from the broker is expected
    socket.resume(); // read (and discard) what the broker sends, or the end of the stream is never seen
  });
}

// Bytes that are not MQTT, or that are MQTT in the wrong order.
const GARBAGE: Array<[string, Buffer]> = [
  ["random bytes", Buffer.from([0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff, 0x7f])],
  ["HTTP on the MQTT port", Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
  // [MQTT-3.1.0-1]: the first packet must be CONNECT; a PUBLISH before it closes the connection.
  ["PUBLISH before CONNECT", Buffer.from([0x30, 0x05, 0x00, 0x01, 0x61, 0x68, 0x69])],
  // Remaining length with a fifth continuation byte: malformed per [MQTT-2.2.3].
  ["bad remaining length", Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])],
];

describe("malformed packets", () => {
  it.each(GARBAGE)("%s: the sender is disconnected, a connected client carries on", async (_name, bytes) => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    const bystander = await connectClient(mqttUrl(broker), { clientId: "bystander" });
    const inbox = collectMessages(bystander);
    await subscribeGranted(bystander, "lab/echo", 1);

    const attacker = await rawSocket(broker.ports.mqtt);
    const attackerClosed = closed(attacker);
    attacker.write(bytes);
    await attackerClosed;

    await bystander.publishAsync("lab/echo", "still here", { qos: 1 });
    await inbox.waitFor("lab/echo");
    expect(bystander.connected).toBe(true);
    expect(inbox.received).toEqual([{ topic: "lab/echo", payload: "still here" }]);
    await endAll(bystander);
  });

  it("a second CONNECT on a connection closes only that connection [MQTT-3.1.0-2]", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    const bystander = await connectClient(mqttUrl(broker), { clientId: "bystander" });
    const attacker = await rawSocket(broker.ports.mqtt);
    const attackerClosed = closed(attacker);
    // CONNECT, MQTT 3.1.1, clean session, keepalive 60, client id "twice"; sent two times.
    const connect = Buffer.from([
      0x10, 0x11, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65,
    ]);
    attacker.write(Buffer.concat([connect, connect]));
    await attackerClosed;
    await bystander.publishAsync("lab/x", "ok", { qos: 1 });
    expect(bystander.connected).toBe(true);
    await endAll(bystander);
  });
});
