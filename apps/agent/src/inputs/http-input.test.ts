// POST /infer as other programs (and web pages) reach it, over real sockets: only requests addressed
// to the loopback names at its port are answered, and at most `maxConcurrent` at a time.
import { request } from "node:http";
import { silentLogger } from "@fleet/log";
import { afterEach, describe, expect, it } from "vitest";
import { ActiveModelSlot } from "../inference/active-model-slot.ts";
import { HttpInput, isLoopbackHost } from "./http-input.ts";

let input: HttpInput | undefined;
afterEach(async () => {
  await input?.stop();
  input = undefined;
});

async function start(maxConcurrent = 4): Promise<number> {
  input = new HttpInput(new ActiveModelSlot(), silentLogger, { maxConcurrent });
  return input.start(0);
}

/** One raw request on its own connection, with the Host header as given. */
function post(port: number, host: string): Promise<{ status: number; body: { error?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/infer", method: "POST", agent: false, headers: { host } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ input: [1, 2, 3, 4] }));
  });
}

interface TAnswer {
  status: number;
  retryAfter: string | undefined;
  body: { error?: string };
}

/** A request that sends its headers with Expect: 100-continue and its body only when told. */
function announce(port: number): { taken: Promise<void>; response: Promise<TAnswer>; sendBody: () => void } {
  const req = request({
    host: "127.0.0.1",
    port,
    path: "/infer",
    method: "POST",
    agent: false,
    headers: { expect: "100-continue", "content-type": "application/json" },
  });
  const response = new Promise<TAnswer>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body: JSON.parse(text) }),
      );
    });
    req.on("error", reject);
  });
  const taken = new Promise<void>((resolve) => {
    req.on("continue", resolve);
    req.on("response", () => resolve());
  });
  req.flushHeaders();
  return { taken, response, sendBody: () => req.end(JSON.stringify({ input: [1, 2, 3, 4] })) };
}

describe("POST /infer", () => {
  it("answers requests addressed to 127.0.0.1, localhost or [::1] at its port", async () => {
    const port = await start();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect(await post(port, host), host).toMatchObject({ status: 503, body: { error: "no active model yet" } });
    }
  });

  it("refuses any other Host with 421 and says which ones it answers (DNS rebinding)", async () => {
    const port = await start();
    for (const host of [
      "evil.example",
      `evil.example:${port}`,
      "127.0.0.1",
      `127.0.0.1:${port + 1}`,
      `10.0.0.5:${port}`,
    ]) {
      const { status, body } = await post(port, host);
      expect(status, host).toBe(421);
      expect(body.error).toBe(
        `Host ${JSON.stringify(host)} is not this endpoint; it answers only 127.0.0.1:${port}, localhost:${port} or [::1]:${port} (requests through another name, as a web page's would be, are refused)`,
      );
    }
  });

  it("runs at most maxConcurrent requests at once; the others get 503 with Retry-After", async () => {
    const port = await start(3);
    // 8 requests announce a body and wait for 100 Continue before sending it: the server has taken
    // each one in (and admitted or refused it) when it answers, so 8 are in at once, deterministically.
    const held = Array.from({ length: 8 }, () => announce(port));
    await Promise.all(held.map((h) => h.taken));
    for (const h of held) h.sendBody();
    const responses = await Promise.all(held.map((h) => h.response));
    const refused = responses.filter((r) => r.status === 503 && r.retryAfter === "1");
    expect(refused).toHaveLength(5);
    expect(refused[0]?.body.error).toBe(
      "too many concurrent requests (at most 3, --http-max-concurrent); retry after 1 s",
    );
    // the 3 admitted ones were answered normally (no model here: 503 without Retry-After)
    expect(responses.filter((r) => r.retryAfter === undefined).map((r) => r.body.error)).toEqual(
      Array(3).fill("no active model yet"),
    );
    // once they are done, the slots are free again
    expect((await post(port, `127.0.0.1:${port}`)).body.error).toBe("no active model yet");
  });

  it("knows the loopback names", () => {
    expect(isLoopbackHost("localhost:80", 80)).toBe(true);
    expect(isLoopbackHost("localhost", 80)).toBe(true);
    expect(isLoopbackHost("localhost", 8470)).toBe(false);
    expect(isLoopbackHost(undefined, 8470)).toBe(false);
    expect(isLoopbackHost("127.0.0.1.evil.example:8470", 8470)).toBe(false);
  });
});
