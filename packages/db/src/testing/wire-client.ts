import net from "node:net";

// A bare PostgreSQL wire-protocol client for tests: it decides exactly which bytes go out in which
// TCP write, which node-postgres (it corks each query into one write) does not let a test do.

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function cstring(value: string): Buffer {
  return Buffer.from(`${value}\0`, "utf8");
}

function int16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

export const wire = {
  parse: (sql: string, name = ""): Buffer => message("P", Buffer.concat([cstring(name), cstring(sql), int16(0)])),
  bind: (params: string[], statement = ""): Buffer =>
    message(
      "B",
      Buffer.concat([
        cstring(""),
        cstring(statement),
        int16(0),
        int16(params.length),
        ...params.flatMap((p) => {
          const bytes = Buffer.from(p, "utf8");
          return [int32(bytes.length), bytes];
        }),
        int16(0),
      ]),
    ),
  execute: (): Buffer => message("E", Buffer.concat([cstring(""), int32(0)])),
  flush: (): Buffer => message("H", Buffer.alloc(0)),
  sync: (): Buffer => message("S", Buffer.alloc(0)),
  query: (sql: string): Buffer => message("Q", cstring(sql)),
  terminate: (): Buffer => message("X", Buffer.alloc(0)),
};

export interface TBackendMessage {
  type: string;
  body: Buffer;
}

export interface TWireResult {
  rows: (string | null)[][];
  /** SQLSTATE and message of each ErrorResponse. */
  errors: { code: string; message: string }[];
  /** Transaction status of the closing ReadyForQuery. */
  status: string;
}

export class WireClient {
  private buffer = Buffer.alloc(0);
  private readonly messages: TBackendMessage[] = [];
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 5) {
        const length = this.buffer.readInt32BE(1);
        if (this.buffer.length < 1 + length) break;
        this.messages.push({ type: String.fromCharCode(this.buffer[0]!), body: this.buffer.subarray(5, 1 + length) });
        this.buffer = this.buffer.subarray(1 + length);
      }
      this.waiter?.();
    });
  }

  static async connect(port: number, host = "127.0.0.1"): Promise<WireClient> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new WireClient(socket);
    const params = Buffer.concat([
      cstring("user"),
      cstring("postgres"),
      cstring("database"),
      cstring("postgres"),
      Buffer.from([0]),
    ]);
    const startup = Buffer.concat([int32(params.length + 8), int32(196608), params]);
    client.write(startup);
    await client.readUntilReady();
    return client;
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Waits for the next backend message of `type`, returning it and everything before it. */
  async readUntil(type: string, timeoutMs = 10_000): Promise<TBackendMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.messages.findIndex((m) => m.type === type);
      if (at !== -1) return this.messages.splice(0, at + 1);
      if (Date.now() > deadline) throw new Error(`no '${type}' from the server within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async readUntilReady(timeoutMs?: number): Promise<TWireResult> {
    const messages = await this.readUntil("Z", timeoutMs);
    const result: TWireResult = { rows: [], errors: [], status: "" };
    for (const m of messages) {
      if (m.type === "D") result.rows.push(decodeRow(m.body));
      if (m.type === "E") result.errors.push(decodeError(m.body));
      if (m.type === "Z") result.status = String.fromCharCode(m.body[0]!);
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => this.socket.end(wire.terminate(), resolve));
    this.socket.destroy();
  }

  /** Drops the connection without Terminate, as a crashed process would. */
  destroy(): void {
    this.socket.destroy();
  }
}

function decodeRow(body: Buffer): (string | null)[] {
  const count = body.readInt16BE(0);
  const values: (string | null)[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(at);
    at += 4;
    if (length === -1) {
      values.push(null);
    } else {
      values.push(body.subarray(at, at + length).toString("utf8"));
      at += length;
    }
  }
  return values;
}

function decodeError(body: Buffer): { code: string; message: string } {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const key = String.fromCharCode(body[at]!);
    const end = body.indexOf(0, at + 1);
    fields.set(key, body.subarray(at + 1, end).toString("utf8"));
    at = end + 1;
  }
  return { code: fields.get("C") ?? "", message: fields.get("M") ?? "" };
}
