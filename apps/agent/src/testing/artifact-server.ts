// Test HTTP server for variant files with Range support, plus faults on demand: cut the connection
// after N bytes, serve different bytes than were signed, or refuse a path.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface TArtifactServer {
  url: string;
  /** requests seen, with their Range header */
  requests: { path: string; range: string | undefined }[];
  /** the next response for `file` sends only `bytes` bytes and then cuts the connection */
  cutOnce(file: string, bytes: number): void;
  /** replace a file's content as served (tampering) */
  override(file: string, content: Buffer): void;
  close(): Promise<void>;
}

export async function startArtifactServer(root: string): Promise<TArtifactServer> {
  const requests: TArtifactServer["requests"] = [];
  const cuts = new Map<string, number>();
  const overrides = new Map<string, Buffer>();
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
    override: (file, content) => overrides.set(file, content),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
