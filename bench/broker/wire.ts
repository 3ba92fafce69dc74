// A minimal MQTT 3.1.1 client for the benchmark: pre-encoded packets over a raw socket, so the load
// generator costs as little as possible and both brokers are measured with the same bytes on the wire.
// Only what the benchmark needs: CONNECT/CONNACK, SUBSCRIBE/SUBACK, PUBLISH (QoS 0/1), PUBACK, DISCONNECT.
import { connect as tcpConnect, type Socket } from "node:net";

const CONNACK = 2;
const PUBLISH = 3;
const PUBACK = 4;
const SUBACK = 9;

function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

function utf8(text: string | Buffer): Buffer {
  const body = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length);
  return Buffer.concat([length, body]);
}

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

export interface ConnectOptions {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly keepaliveS?: number;
}

export function encodeConnect(options: ConnectOptions): Buffer {
  let flags = 0x02; // clean session
  if (options.username !== undefined) flags |= 0x80;
  if (options.password !== undefined) flags |= 0x40;
  const header = Buffer.concat([utf8("MQTT"), Buffer.from([4, flags, 0, 0])]);
  header.writeUInt16BE(options.keepaliveS ?? 60, 8);
  const parts = [header, utf8(options.clientId)];
  if (options.username !== undefined) parts.push(utf8(options.username));
  if (options.password !== undefined) parts.push(utf8(options.password));
  return packet(0x10, Buffer.concat(parts));
}

export function encodeSubscribe(packetId: number, filter: string, qos: 0 | 1): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId);
  return packet(0x82, Buffer.concat([id, utf8(filter), Buffer.from([qos])]));
}

/**
 * A PUBLISH whose packet id (QoS 1) and payload bytes can be patched in place before each write,
 * so a publisher encodes once and then only copies.
 */
export class PublishTemplate {
  readonly bytes: Buffer;
  readonly #idOffset: number;
  readonly payloadOffset: number;

  constructor(
    topic: string,
    payloadBytes: number,
    readonly qos: 0 | 1,
  ) {
    const topicBytes = utf8(topic);
    const variable = topicBytes.length + (qos === 1 ? 2 : 0);
    const body = Buffer.alloc(variable + payloadBytes);
    topicBytes.copy(body, 0);
    this.bytes = packet(0x30 | (qos << 1), body);
    const headerLength = this.bytes.length - body.length;
    this.#idOffset = headerLength + topicBytes.length;
    this.payloadOffset = headerLength + variable;
  }

  /** A fresh copy with this packet id and the first bytes of the payload written by `fill`. */
  build(packetId: number, fill: (payload: Buffer) => void): Buffer {
    const out = Buffer.from(this.bytes);
    if (this.qos === 1) out.writeUInt16BE(packetId, this.#idOffset);
    fill(out.subarray(this.payloadOffset));
    return out;
  }
}

const DISCONNECT = Buffer.from([0xe0, 0]);
const PINGREQ = Buffer.from([0xc0, 0]);

function encodePuback(packetId: number): Buffer {
  const out = Buffer.from([0x40, 2, 0, 0]);
  out.writeUInt16BE(packetId, 2);
  return out;
}

export interface Delivery {
  readonly topic: string;
  readonly payload: Buffer;
}

/** One MQTT connection. Incoming PUBLISHes go to `onMessage`; QoS 1 ones are acknowledged at once. */
export class WireClient {
  onMessage: (delivery: Delivery) => void = () => {};
  onPuback: (packetId: number) => void = () => {};
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: Array<{ type: number; resolve: (body: Buffer) => void }> = [];
  #closed = false;
  readonly #closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#read(chunk));
    this.#closedPromise = new Promise((resolve) =>
      socket.once("close", () => {
        this.#closed = true;
        resolve();
      }),
    );
    socket.on("error", () => {}); // a broker closing on us shows as "close"
  }

  /** Opens a connection and resolves on CONNACK 0 (rejects with the return code otherwise). */
  static async connect(port: number, options: ConnectOptions, host = "127.0.0.1"): Promise<WireClient> {
    const socket = tcpConnect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new WireClient(socket);
    const connack = client.#next(CONNACK);
    socket.write(encodeConnect(options));
    const body = await Promise.race([connack, client.#closedPromise.then(() => null)]);
    if (body === null) throw new Error(`${options.clientId}: connection closed before CONNACK`);
    if (body[1] !== 0) {
      socket.destroy();
      throw new Error(`${options.clientId}: CONNACK return code ${body[1]}`);
    }
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async subscribe(filter: string, qos: 0 | 1): Promise<number> {
    const suback = this.#next(SUBACK);
    this.socket.write(encodeSubscribe(1, filter, qos));
    const body = await suback;
    return body[2] ?? 0x80;
  }

  /** Writes bytes; resolves when the socket can take more (backpressure). */
  write(bytes: Buffer): Promise<void> | null {
    if (this.socket.write(bytes)) return null;
    return new Promise((resolve) => this.socket.once("drain", resolve));
  }

  ping(): void {
    this.socket.write(PINGREQ);
  }

  async disconnect(): Promise<void> {
    if (this.#closed) return;
    this.socket.end(DISCONNECT);
    await this.#closedPromise;
  }

  destroy(): void {
    this.socket.destroy();
  }

  #next(type: number): Promise<Buffer> {
    return new Promise((resolve) => this.#waiting.push({ type, resolve }));
  }

  #read(chunk: Buffer): void {
    let buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let offset = 0;
    for (;;) {
      if (buffer.length - offset < 2) break;
      let length = 0;
      let multiplier = 1;
      let cursor = offset + 1;
      let complete = false;
      while (cursor < buffer.length && cursor < offset + 5) {
        const byte = buffer[cursor++] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || buffer.length - cursor < length) break;
      const first = buffer[offset] as number;
      const body = buffer.subarray(cursor, cursor + length);
      offset = cursor + length;
      this.#dispatch(first, body);
    }
    buffer = buffer.subarray(offset);
    this.#buffer = buffer.length === 0 ? Buffer.alloc(0) : Buffer.from(buffer);
  }

  #dispatch(first: number, body: Buffer): void {
    const type = first >> 4;
    if (type === PUBLISH) {
      const qos = (first >> 1) & 3;
      const topicLength = body.readUInt16BE(0);
      const topic = body.toString("utf8", 2, 2 + topicLength);
      let payloadOffset = 2 + topicLength;
      if (qos > 0) {
        this.socket.write(encodePuback(body.readUInt16BE(payloadOffset)));
        payloadOffset += 2;
      }
      this.onMessage({ topic, payload: body.subarray(payloadOffset) });
      return;
    }
    if (type === PUBACK) {
      this.onPuback(body.readUInt16BE(0));
      return;
    }
    const index = this.#waiting.findIndex((waiter) => waiter.type === type);
    if (index === -1) return; // PINGRESP and the like
    const [waiter] = this.#waiting.splice(index, 1);
    waiter?.resolve(Buffer.from(body));
  }
}
