// Local inference endpoint for other programs on the device: POST /infer on 127.0.0.1 only.
// Body: { "input": [..] } (one example, flat) or { "input": [[..], [..]] } (a batch).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isRuntimeError } from "@fleet/runtime";
import { z } from "zod";
import { NoModelError, type InferenceEngine } from "../inference/inference-engine.ts";
import type { Logger } from "../logger.ts";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const ZFinite = z.number().finite();
export const ZInferRequest = z.object({
  input: z.union([z.array(ZFinite).min(1), z.array(z.array(ZFinite).min(1)).min(1).max(1024)]),
});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
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

export class HttpInput {
  private server: Server | undefined;

  constructor(
    private readonly engine: InferenceEngine,
    private readonly logger: Logger,
  ) {}

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
    const parsed = ZInferRequest.safeParse(json);
    if (!parsed.success) return send(res, 400, { error: `input: ${parsed.error.issues[0]?.message ?? "invalid"}; expected { "input": number[] | number[][] }` });
    const rows = Array.isArray(parsed.data.input[0]) ? (parsed.data.input as number[][]) : [parsed.data.input as number[]];
    try {
      const result = this.engine.infer(Float32Array.from(rows.flat()), rows.length);
      return send(res, 200, result);
    } catch (error) {
      if (error instanceof NoModelError) return send(res, 503, { error: error.message });
      if (isRuntimeError(error, "INPUT_INVALID")) return send(res, 400, { error: error.message });
      this.logger.warn("http inference failed", { error });
      return send(res, 500, { error: "inference failed" });
    }
  }

  /** Listens on 127.0.0.1:port (0 = any free port); resolves with the bound port. */
  async start(port: number): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => send(res, 500, { error: "inference failed" }));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    this.logger.info("local inference endpoint listening", { url: `http://127.0.0.1:${bound}/infer` });
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
