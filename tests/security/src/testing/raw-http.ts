// Test helper: HTTP/1.1 written by hand on a socket, as an attacker's script would: any Host header,
// and requests that announce a body (Expect: 100-continue) and send it only when told.
import { connect, type Socket } from "node:net";

export interface TRawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parse(text: string): TRawResponse {
  // skip interim 1xx answers (100 Continue)
  const blocks = text.split("\r\n\r\n");
  let at = 0;
  while (/^HTTP\/1\.1 1\d\d /.test(blocks[at] ?? "")) at++;
  const [head = "", ...rest] = blocks.slice(at);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}

/**
 * A request on its own connection (closed by the server after the answer). With an `expect` header
 * the body waits for `sendBody()`, else it is sent with the headers.
 */
export function rawRequest(
  port: number,
  headers: Record<string, string>,
  body: string,
): { answered: Promise<TRawResponse>; taken: Promise<void>; sendBody: () => void } {
  const socket: Socket = connect(port, "127.0.0.1");
  let text = "";
  let tookIn: () => void = () => {};
  const taken = new Promise<void>((resolve) => (tookIn = resolve));
  const answered = new Promise<TRawResponse>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (/^HTTP\/1\.1 \d{3} /.test(text)) tookIn();
    });
    socket.on("end", () => resolve(parse(text)));
    socket.on("close", () => resolve(parse(text)));
    socket.on("error", (error) => (text ? resolve(parse(text)) : reject(error)));
  });
  const head = Object.entries({ ...headers, "content-length": String(Buffer.byteLength(body)), connection: "close" })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  const sendBody = () => socket.write(body);
  socket.write(`POST /infer HTTP/1.1\r\n${head}\r\n`);
  if (headers["expect"] === undefined) sendBody();
  return { answered, taken, sendBody };
}
