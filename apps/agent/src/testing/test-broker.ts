// An in-process aedes broker on a loopback port that tests can stop and start again on the same
// port (a broker restart), plus an observer client that records what devices publish.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Aedes } from "aedes";
import { connect, type MqttClient } from "mqtt";

export interface TTestBroker {
  url: string;
  port: number;
  /** CONNECT credentials seen, by client id */
  connects: { clientId: string; username: string | undefined; password: string | undefined; clean: boolean }[];
  stop(): Promise<void>;
  start(): Promise<void>;
  /** refuse this client's CONNECTs as if its secret were wrong (CONNACK 4); undefined accepts again */
  refuseClient(clientId: string | undefined): void;
  /**
   * The next PUBLISH on `topic` is held before the broker takes it (no PUBACK, no delivery) until
   * released; `held` resolves once it arrived. Later packets of that client wait behind it.
   */
  holdNextPublish(topic: string): { held: Promise<void>; release(): void };
}

export async function startTestBroker(port = 0): Promise<TTestBroker> {
  let aedes: Aedes | undefined;
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let refused: string | undefined;
  const holds = new Map<string, { arrived: () => void; released: Promise<void> }>();
  const broker: TTestBroker = {
    url: "",
    port,
    connects: [],
    refuseClient: (clientId) => {
      refused = clientId;
    },
    holdNextPublish: (topic) => {
      let arrived: () => void = () => {};
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(topic, { arrived, released });
      return { held, release };
    },
    async start() {
      const instance = new Aedes({});
      instance.authenticate = (client, username, password, done) => {
        const pass = password?.toString();
        broker.connects.push({
          clientId: client.id,
          username,
          password: pass,
          clean: (client as unknown as { clean: boolean }).clean,
        });
        if (refused !== undefined && client.id === refused) {
          const error = Object.assign(new Error("bad credentials"), { returnCode: 4 });
          done(error as never, false);
          return;
        }
        done(null, true);
      };
      instance.authorizePublish = (_client, packet, done) => {
        const hold = holds.get(packet.topic);
        if (!hold) return done(null);
        holds.delete(packet.topic);
        hold.arrived();
        void hold.released.then(() => done(null));
      };
      await instance.listen();
      aedes = instance;
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        instance.handle(socket);
      });
      await new Promise<void>((resolve) => server!.listen(broker.port, "127.0.0.1", resolve));
      broker.port = (server.address() as AddressInfo).port;
      broker.url = `mqtt://127.0.0.1:${broker.port}`;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await new Promise<void>((resolve) => (aedes ? aedes.close(() => resolve()) : resolve()));
      server = undefined;
      aedes = undefined;
    },
  };
  await broker.start();
  return broker;
}

export interface TRecorder {
  client: MqttClient;
  messages: { topic: string; payload: string; retain: boolean }[];
  /** payloads on `topic`, parsed */
  on<T = Record<string, unknown>>(topic: string): T[];
  close(): Promise<void>;
}

/** Subscribes to `filter` and records every message (the console's point of view). */
export async function recorder(
  url: string,
  filter: string,
  clientId = `observer-${Math.random().toString(36).slice(2, 10)}`,
): Promise<TRecorder> {
  const client = connect(url, { clientId, reconnectPeriod: 200, protocolVersion: 4 });
  const messages: TRecorder["messages"] = [];
  client.on("message", (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    messages,
    on: <T>(topic: string) =>
      messages.filter((m) => m.topic === topic && m.payload.length > 0).map((m) => JSON.parse(m.payload) as T),
    close: () => client.endAsync(true),
  };
}
