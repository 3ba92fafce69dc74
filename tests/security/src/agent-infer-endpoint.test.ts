// POST /infer of a running fleet-agent, attacked as a web page on the device and a flood would: a
// request with another name in Host (what a DNS-rebound page sends), and 50 requests at once.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type TAgentProcess } from "./testing/agent-process.ts";
import { rawRequest } from "./testing/raw-http.ts";

const body = JSON.stringify({ input: [1, 2, 3, 4] });
let dataDir: string;
let agent: TAgentProcess;
let port: number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-security-infer-"));
  const started = await startAgentProcess(
    ["run", "--broker", "mqtt://127.0.0.1:9", "--device-id", "sec-infer-1", "--data-dir", dataDir].concat([
      "--inputs",
      "http",
      "--http-port",
      "0",
      "--log-level",
      "warn",
    ]),
    { env: { FLEET_AGENT_SECRET: "security-test-secret-0123" } },
  );
  agent = started;
  port = Number(new URL(String(started.ready.urls["infer"])).port);
});

afterAll(async () => {
  await agent?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("fleet-agent POST /infer", () => {
  it("refuses a request whose Host is not the loopback endpoint (DNS rebinding), saying why", async () => {
    for (const host of ["evil.example", `evil.example:${port}`, `attacker.test:${port}`]) {
      const response = await rawRequest(port, { host, "content-type": "application/json" }, body).answered;
      expect([421, 403], host).toContain(response.status);
      const { error } = JSON.parse(response.body) as { error: string };
      expect(error).toContain(`Host ${JSON.stringify(host)} is not this endpoint`);
      expect(error).toContain(`localhost:${port}`);
    }
    // the endpoint's own names are served (503: this device has no model yet)
    const own = await rawRequest(port, { host: `127.0.0.1:${port}` }, body).answered;
    expect(own.status).toBe(503);
    expect(JSON.parse(own.body)).toEqual({ error: "no active model yet" });
  });

  it("50 requests at once: only a few run, the rest get 503 with Retry-After", async () => {
    const flood = Array.from({ length: 50 }, () =>
      rawRequest(port, { host: `localhost:${port}`, expect: "100-continue", "content-type": "application/json" }, body),
    );
    // every request has been taken in (100 Continue, or already refused) before any body is sent
    await Promise.all(flood.map((request) => request.taken));
    for (const request of flood) request.sendBody();
    const responses = await Promise.all(flood.map((request) => request.answered));
    const refused = responses.filter((r) => r.status === 503 && r.headers["retry-after"] !== undefined);
    const admitted = responses.filter((r) => r.headers["retry-after"] === undefined);
    expect(refused.length + admitted.length).toBe(50);
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.length).toBeLessThanOrEqual(8);
    expect(Number(refused[0]?.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused[0]?.body).toMatch(/too many concurrent requests/);
  });
});
