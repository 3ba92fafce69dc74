// Test HTTP server for variant files with Range support, plus faults on demand: cut the connection
// after N bytes, hold a response open after N bytes, serve different bytes than were signed, or
// refuse a path.
import { readFile } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** A response held open after its first bytes, until the test releases it or the client goes. */
export interface THeldResponse {
  /** the request arrived and the first bytes were sent */
  sending: Promise<void>;
  /** the client closed the connection before the response was complete */
  closedByClient: Promise<void>;
  /** sends the rest */
  release(): void;
}

export interface TArtifactServer {
  url: string;
  /** requests seen, with their Range header */
  requests: { path: string; range: string | undefined }[];
  /** the next response for `file` sends only `bytes` bytes and then cuts the connection */
  cutOnce(file: string, bytes: number): void;
  /** the next response for `file` sends only `bytes` bytes and then waits (a slow download) */
  holdOnce(file: string, bytes: number): THeldResponse;
  /** replace a file's content as served (tampering) */
  override(file: string, content: Buffer): void;
  close(): Promise<void>;
}

export async function startArtifactServer(root: string): Promise<TArtifactServer> {
  const requests: TArtifactServer["requests"] = [];
  const cuts = new Map<string, number>();
  const overrides = new Map<string, Buffer>();
  const holds = new Map<string, { bytes: number; serve: (res: ServerResponse, body: Buffer) => void }>();
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push({ path: urlPath, range: req.headers.range });
    const serve = async () => {
      let body: Buffer;
      try {
        body =
          overrides.get(urlPath) ??
          (await readFile(path.join(root, path.normalize(urlPath).replace(/^(\.\.[/\\])+/, ""))));
      } catch {
        res.writeHead(404).end("not found");
        return;
      }
      let start = 0;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
      if (range) {
        start = Number(range[1]);
        if (start >= body.length) {
          res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
          return;
        }
        res.writeHead(206, {
          "content-length": body.length - start,
          "content-range": `bytes ${start}-${body.length - 1}/${body.length}`,
          "accept-ranges": "bytes",
        });
      } else res.writeHead(200, { "content-length": body.length, "accept-ranges": "bytes" });
      const hold = holds.get(urlPath);
      if (hold !== undefined) {
        holds.delete(urlPath);
        hold.serve(res, body.subarray(start));
        return;
      }
      const cut = cuts.get(urlPath);
      if (cut !== undefined) {
        cuts.delete(urlPath);
        res.write(body.subarray(start, start + cut), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      res.end(body.subarray(start));
    };
    void serve();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutOnce: (file, bytes) => cuts.set(file, bytes),
    holdOnce: (file, bytes) => {
      let sent: () => void = () => {};
      let closed: () => void = () => {};
      let rest: (() => void) | undefined;
      let released = false;
      const held: THeldResponse = {
        sending: new Promise((resolve) => (sent = resolve)),
        closedByClient: new Promise((resolve) => (closed = resolve)),
        release: () => {
          released = true;
          rest?.();
        },
      };
      holds.set(file, {
        bytes,
        serve: (res, body) => {
          res.on("close", () => {
            if (!res.writableFinished) closed();
          });
          res.write(body.subarray(0, bytes), () => sent());
          rest = () => res.end(body.subarray(bytes));
          if (released) rest();
        },
      });
      return held;
    },
    override: (file, content) => overrides.set(file, content),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
