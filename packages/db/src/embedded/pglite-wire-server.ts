import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

// Serves one PGlite instance to many PostgreSQL wire-protocol clients.
//
// PGlite is a single backend session: the unnamed statement and portal, the transaction block and
// the "skip until Sync" error state are shared by every client. pglite-socket 0.2.17 queues single
// messages, so one client's Parse could run between another's Parse and Bind whenever that other
// client's batch reached the server in more than one TCP read (big Bind, late Sync): 08P01 "bind
// message supplies 1 parameters, but prepared statement "" requires 3", or silently wrong rows.
// Here a client owns the backend from its first message until the backend is idle again
// (ReadyForQuery 'I' after its Sync or Query); other clients wait their turn in arrival order.

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Longest startup packet PostgreSQL accepts (MAX_STARTUP_PACKET_LENGTH). */
const MAX_STARTUP_LENGTH = 10_000;

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

export interface TPgliteWireServerOptions {
  db: PGlite;
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxConnections: number;
}

/** Hands the backend to one session at a time, first come first served. */
class BackendLock {
  private holder: Session | undefined;
  private readonly waiting: { session: Session; grant: (granted: boolean) => void }[] = [];

  holds(session: Session): boolean {
    return this.holder === session;
  }

  /** Resolves false when the session gave up (closed) while waiting. */
  acquire(session: Session): Promise<boolean> {
    if (this.holder === session) return Promise.resolve(true);
    if (this.holder === undefined) {
      this.holder = session;
      return Promise.resolve(true);
    }
    return new Promise((grant) => this.waiting.push({ session, grant }));
  }

  release(session: Session): void {
    if (this.holder !== session) return;
    const next = this.waiting.shift();
    this.holder = next?.session;
    next?.grant(true);
  }

  /** Drops a closed session from the queue; a holder must still release after resetting the backend. */
  forget(session: Session): void {
    const at = this.waiting.findIndex((w) => w.session === session);
    if (at !== -1) this.waiting.splice(at, 1)[0]!.grant(false);
  }
}

/** Follows the backend's message framing within one exec call to learn how the call ended. */
class OutputTracker {
  private header = Buffer.alloc(0);
  private remaining = 0;
  private lastType = 0;
  private lastStatus = 0;

  feed(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      if (this.remaining > 0) {
        if (this.lastType === READY_FOR_QUERY && this.remaining === 1) this.lastStatus = data[at]!;
        const n = Math.min(this.remaining, data.length - at);
        this.remaining -= n;
        at += n;
        continue;
      }
      let header: Buffer;
      if (this.header.length === 0 && data.length - at >= 5) {
        // Common case (one per DataRow of a big result): the whole header is in this chunk.
        header = Buffer.from(data.buffer, data.byteOffset + at, 5);
        at += 5;
      } else {
        const n = Math.min(5 - this.header.length, data.length - at);
        this.header = Buffer.concat([this.header, data.subarray(at, at + n)]);
        at += n;
        if (this.header.length < 5) continue;
        header = this.header;
        this.header = Buffer.alloc(0);
      }
      this.lastType = header[0]!;
      this.lastStatus = 0;
      this.remaining = header.readInt32BE(1) - 4;
    }
  }

  /** The backend ended with ReadyForQuery 'I': no open transaction, no pending batch or COPY. */
  get idle(): boolean {
    return (
      this.remaining === 0 && this.header.length === 0 && this.lastType === READY_FOR_QUERY && this.lastStatus === IDLE
    );
  }
}

/** Frames one client's byte stream into protocol messages and runs them on the shared backend. */
class Session {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private startedUp = false;
  /** Complete messages waiting for the backend. */
  private readonly ready: Buffer[] = [];
  private terminating = false;
  private closed = false;
  private pumping: Promise<void> | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly db: PGlite,
    private readonly lock: BackendLock,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    // 'close' follows 'error'; the listener only keeps an ECONNRESET from being thrown.
    socket.on("error", () => {});
    socket.on("close", () => this.shutdown());
  }

  /** Closes the connection; resolves once the backend is reset and handed on. */
  shutdown(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.ready.length = 0;
      this.chunks = [];
      this.buffered = 0;
      this.lock.forget(this);
      this.socket.destroy();
    }
    return this.pump();
  }

  private receive(chunk: Buffer): void {
    if (this.closed || this.terminating) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      this.frame();
    } catch {
      // A malformed length: the stream cannot be framed any further.
      void this.shutdown();
      return;
    }
    void this.pump();
  }

  private frame(): void {
    while (!this.terminating) {
      if (!this.startedUp) {
        // Untyped packets (SSLRequest, CancelRequest, StartupMessage): int32 length, int32 code.
        if (this.buffered < 8) return;
        const length = this.int32At(0);
        if (length < 8 || length > MAX_STARTUP_LENGTH) throw new Error(`bad startup packet length ${length}`);
        if (this.buffered < length) return;
        const code = this.int32At(4);
        const packet = this.take(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write("N");
        } else if (code === CANCEL_REQUEST) {
          // PGlite has no other backend to signal; the protocol expects no answer.
          this.terminating = true;
          this.socket.end();
        } else {
          this.ready.push(packet);
          this.startedUp = true;
        }
        continue;
      }
      if (this.buffered < 5) return;
      const length = this.int32At(1);
      if (length < 4) throw new Error(`bad message length ${length}`);
      if (this.buffered < 1 + length) return;
      const message = this.take(1 + length);
      if (message[0] === TERMINATE) {
        // Not forwarded: it would mean "exit" to the one backend every client shares.
        this.terminating = true;
        return;
      }
      this.ready.push(message);
    }
  }

  private int32At(offset: number): number {
    if (this.chunks[0]!.length < offset + 4) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.readInt32BE(offset);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    // Large messages (a Bind with big arrays) arrive over many reads: copy them out once.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const k = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, k);
      filled += k;
      if (k === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(k);
    }
    return out;
  }

  private pump(): Promise<void> {
    this.pumping ??= this.drain().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async drain(): Promise<void> {
    try {
      while (!this.closed && this.ready.length > 0) {
        if (!(await this.lock.acquire(this))) break;
        if (this.closed) break;
        const idle = await this.execute(this.nextBatch());
        if (idle) this.lock.release(this);
      }
      if (!this.closed && this.terminating && this.ready.length === 0) this.socket.end();
    } catch {
      // PGlite threw (not a SQL error, those are answered on the wire): drop this client.
      this.closed = true;
      this.socket.destroy();
    }
    if (this.closed && this.lock.holds(this)) {
      await this.resetBackend();
      this.lock.release(this);
    }
  }

  /** Ready messages up to the first that ends a batch (Sync, Query, the startup packet). */
  private nextBatch(): Buffer[] {
    const end = this.ready.findIndex((m) => m[0] === SYNC || m[0] === QUERY || m[0] === 0);
    return this.ready.splice(0, end === -1 ? this.ready.length : end + 1);
  }

  /** Runs messages on the backend, streams the answer back; true when the backend is idle after. */
  private async execute(batch: Buffer[]): Promise<boolean> {
    const tracker = new OutputTracker();
    // One exec call per batch: PGlite runs several messages per call, and syncs to disk once.
    const input = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(input, {
        onRawData: (data) => {
          tracker.feed(data);
          // PGlite reuses its output buffer: copy before handing to the socket.
          if (!this.closed && this.socket.writable) this.socket.write(Buffer.from(data));
        },
      }),
    );
    return tracker.idle;
  }

  /**
   * The client left while owning the backend (mid-batch, in a transaction): undo what it started,
   * as PostgreSQL does when a backend's client disconnects.
   */
  private async resetBackend(): Promise<void> {
    const discard = { onRawData: () => {} };
    try {
      await this.db.runExclusive(async () => {
        // ROLLBACK aborts an implicit (unsynced) or explicit transaction; it is skipped if an error
        // left the backend waiting for Sync, and the Sync then clears that state.
        await this.db.execProtocolRawStream(Buffer.concat([queryMessage("ROLLBACK"), SYNC_MESSAGE]), discard);
        if (this.db.isInTransaction()) await this.db.execProtocolRawStream(queryMessage("ROLLBACK"), discard);
      });
    } catch {
      // The database is closing; nothing left to reset.
    }
  }
}

const SYNC_MESSAGE = Buffer.from([SYNC, 0, 0, 0, 4]);

function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, "utf8");
  const header = Buffer.alloc(5);
  header[0] = QUERY;
  header.writeInt32BE(text.length + 4, 1);
  return Buffer.concat([header, text]);
}

/** FATAL 53300, the answer PostgreSQL gives past max_connections. */
function tooManyConnections(): Buffer {
  const fields = Buffer.from("SFATAL\0VFATAL\0C53300\0Msorry, too many clients already\0\0", "utf8");
  const header = Buffer.alloc(5);
  header.write("E", 0, "ascii");
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

export class PgliteWireServer {
  private readonly lock = new BackendLock();
  private readonly sessions = new Set<Session>();
  private server: net.Server | undefined;

  constructor(private readonly options: TPgliteWireServerOptions) {}

  /** Listens; resolves with the bound port. */
  async start(): Promise<number> {
    await this.options.db.waitReady;
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", () => {});
    return (server.address() as net.AddressInfo).port;
  }

  /** Stops listening, closes every client and waits until none touches the database any more. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed =
      server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.sessions].map((session) => session.shutdown()));
    this.sessions.clear();
    await closed;
  }

  private accept(socket: net.Socket): void {
    if (this.server === undefined || this.sessions.size >= this.options.maxConnections) {
      socket.on("error", () => {});
      socket.end(tooManyConnections());
      return;
    }
    const session = new Session(socket, this.options.db, this.lock);
    this.sessions.add(session);
    socket.once("close", () => this.sessions.delete(session));
  }
}
