import { closeDb } from "@fleet/db";
import { createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConsoleConfig, publishConsoleConfig } from "../../config.ts";
import { loadConsoleSettings } from "../../settings.ts";
import { GET as trpcGet } from "../../app/api/trpc/[trpc]/route.ts";
import { closedPort } from "../../testing/closed-port.ts";
import { healthzResponse } from "./healthz-response.ts";

// The HTTP layer as Next runs it: config published by main.ts, the process-wide database.
let db: TTestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ kind: "pglite" });
});
afterAll(async () => {
  await closeDb();
  await db?.close();
});

function publish(databaseUrl: string) {
  publishConsoleConfig(loadConsoleSettings({ DATABASE_URL: databaseUrl }, "/tmp/fleet-console-test"));
}

describe("HTTP handlers", () => {
  // Order matters: getDb keeps the first database it opens, and forgets one that failed.
  it("GET /api/healthz answers 503 while the database is unreachable", async () => {
    publish(`postgresql://postgres@127.0.0.1:${await closedPort()}/fleet`);
    const response = await healthzResponse(getConsoleConfig());
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });

  it("GET /api/healthz answers 200 {status: ok} when the database answers", async () => {
    publish(db.url);
    const response = await healthzResponse(getConsoleConfig());
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("the tRPC endpoint serves health.status and refuses session.me with 401, no stack trace", async () => {
    const status = await trpcGet(new Request("http://console.test/api/trpc/health.status"));
    expect(status.status).toBe(200);
    const body = (await status.json()) as { result: { data: { json: { database: { reachable: boolean } } } } };
    expect(body.result.data.json.database.reachable).toBe(true);

    const refused = await trpcGet(new Request("http://console.test/api/trpc/session.me"));
    expect(refused.status).toBe(401);
    const text = await refused.text();
    expect(text).toContain("Sign in to continue.");
    expect(text).not.toMatch(/"stack"|\bat \//);
  });
});
