// Local inference endpoint for other programs on the device: POST /infer on 127.0.0.1 only.
// Body: { "input": [..] } (one example, flat) or { "input": [[..], [..]] } (a batch).
// Listening on loopback is not enough against a browser on the device: a page whose name an attacker
// re-points at 127.0.0.1 (DNS rebinding) reaches it as same-origin, with its own name in `Host`. So
// only requests addressed to 127.0.0.1, localhost or [::1] at this port are answered (421 otherwise),
// and at most `maxConcurrent` at a time (503 with Retry-After beyond): each holds a body of up to
// 4 MB and runs on the device's one inference thread.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isRuntimeError } from "@fleet/runtime";
import { z } from "zod";
import { NoModelError, type ActiveModelSlot } from "../inference/active-model-slot.ts";
import type { Logger } from "@fleet/log";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Seconds a client refused for concurrency is asked to wait (an inference takes milliseconds). */
const RETRY_AFTER_S = 1;
/** A request (headers and body) that takes longer is cut: a slow client must not hold a slot. */
const REQUEST_TIMEOUT_MS = 30_000;
// The models take float32: a JSON number beyond its range would silently become Infinity.
const FLOAT32_MAX = 3.4028234663852886e38;
const ZFinite = z
  .number({ error: "must be a number (the model takes float32)" })
  .min(-FLOAT32_MAX, "must fit float32")
  .max(FLOAT32_MAX, "must fit float32");
const ZExample = z.array(ZFinite, { error: "must be an array of numbers" }).min(1, "must not be empty");
const ZBatch = z.array(ZExample).min(1).max(1024, "holds more than 1024 examples");
const ZBody = z.object({ input: z.array(z.unknown(), { error: "must be an array" }).min(1, "must not be empty") });
const EXPECTED = '{ "input": number[] | number[][] }';

/** The body's examples, or why it is refused (naming the offending element, e.g. `input[1][3]`). */
export function parseInferRequest(json: unknown): { rows: number[][] } | { error: string } {
  const body = ZBody.safeParse(json);
  // a batch when the first element is an array (checked by its own schema: the error names the element)
  const batch = body.success && Array.isArray(body.data.input[0]);
  const parsed = body.success ? (batch ? ZBatch : ZExample).safeParse(body.data.input) : body;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = (issue?.path ?? [])
      .filter((p) => p !== "input")
      .map((p) => `[${String(p)}]`)
      .join("");
    return { error: `input${at}: ${issue?.message ?? "invalid"}; expected ${EXPECTED}` };
  }
  return { rows: batch ? (parsed.data as number[][]) : [parsed.data as number[]] };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The `Host` values of a request addressed to this endpoint: the loopback names at its port. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const names = ["127.0.0.1", "localhost", "[::1]"];
  const value = host.toLowerCase();
  // without a port only when it is HTTP's default, which a client may leave out
  return names.some((name) => value === `${name}:${port}` || (port === 80 && value === name));
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export interface THttpInputOptions {
  /** requests handled at once; more are refused with 503 and Retry-After */
  maxConcurrent: number;
}

export class HttpInput {
  private server: Server | undefined;
  private port = 0;
  private inFlight = 0;

  constructor(
    private readonly slot: ActiveModelSlot,
    private readonly logger: Logger,
    private readonly options: THttpInputOptions,
  ) {}

  /** Refuses (and answers) a request not addressed to this endpoint, or one over the concurrency cap. */
  private refused(req: IncomingMessage, res: ServerResponse): boolean {
    const host = req.headers.host;
    if (!isLoopbackHost(host, this.port)) {
      send(res, 421, {
        error: `Host ${JSON.stringify(host ?? "")} is not this endpoint; it answers only 127.0.0.1:${this.port}, localhost:${this.port} or [::1]:${this.port} (requests through another name, as a web page's would be, are refused)`,
      });
      return true;
    }
    if (this.inFlight >= this.options.maxConcurrent) {
      send(
        res,
        503,
        {
          error: `too many concurrent requests (at most ${this.options.maxConcurrent}, --http-max-concurrent); retry after ${RETRY_AFTER_S} s`,
        },
        // the body was not read: the connection is not reused
        { "retry-after": String(RETRY_AFTER_S), connection: "close" },
      );
      return true;
    }
    return false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url !== "/infer") return send(res, 404, { error: "not found; use POST /infer" });
    if (req.method !== "POST") return send(res, 405, { error: "use POST" });
    const text = await readBody(req);
    if (text === undefined) return send(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return send(res, 400, { error: "body is not JSON" });
    }
    const parsed = parseInferRequest(json);
    if ("error" in parsed) return send(res, 400, { error: parsed.error });
    const { rows } = parsed;
    const shapeError = this.checkRows(rows);
    if (shapeError) return send(res, 400, { error: shapeError });
    try {
      const result = await this.slot.infer(Float32Array.from(rows.flat()), rows.length);
      return send(res, 200, result);
    } catch (error) {
      if (error instanceof NoModelError) return send(res, 503, { error: error.message });
      if (isRuntimeError(error, "INPUT_INVALID")) return send(res, 400, { error: error.message });
      this.logger.warn({ err: error }, "http inference failed");
      return send(res, 500, { error: "inference failed" });
    }
  }

  /** Every example must hold exactly one input's values (a ragged batch could add up by chance). */
  private checkRows(rows: number[][]): string | undefined {
    const size = this.slot.inputSize();
    const shape = this.slot.exampleShape();
    if (size === undefined || !shape) return undefined; // no model: infer answers 503
    const bad = rows.findIndex((row) => row.length !== size);
    if (bad < 0) return undefined;
    const which = rows.length === 1 ? "input" : `input[${bad}]`;
    return `${which} holds ${rows[bad]!.length} values; the active model takes ${size} per example (shape [${shape.map((d) => d ?? 1).join(", ")}], flattened)`;
  }

  /** Listens on 127.0.0.1:port (0 = any free port); resolves with the bound port. */
  async start(port: number): Promise<number> {
    const server = createServer((req, res) => {
      if (this.refused(req, res)) return;
      this.inFlight++;
      res.once("close", () => this.inFlight--);
      this.handle(req, res).catch(() => send(res, 500, { error: "inference failed" }));
    });
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    this.port = bound;
    this.logger.info({ url: `http://127.0.0.1:${bound}/infer` }, "local inference endpoint listening");
    return bound;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
