import { createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConsoleSettings } from "../settings.ts";
import { trpcCode } from "../testing/callers.ts";
import { createSessionToken, hashSessionToken } from "./auth/session-cookie.ts";
import { createCaller } from "./root.ts";
import { createContextInner } from "./trpc.ts";

const config = loadConsoleSettings({}, "/tmp/fleet-console-test");
let db: TTestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ kind: "pglite" });
});
afterAll(async () => {
  await db?.close();
});

/** A caller as a request with this session cookie token would get it. */
async function callerWith(sessionToken: string | null) {
  return createCaller(
    await createContextInner({ db: { prisma: db.prisma, url: db.url, embedded: true }, sessionToken, config }),
  );
}

async function createOperator(options: { expiresInMs: number; disabled?: boolean }) {
  const token = createSessionToken();
  const user = await db.prisma.user.create({
    data: {
      email: `op-${token.slice(0, 8)}@example.com`,
      name: "Olga Operator",
      passwordHash: "not-a-real-hash",
      role: "OPERATOR",
      disabled: options.disabled ?? false,
      sessions: {
        create: { tokenHash: hashSessionToken(token), expiresAt: new Date(Date.now() + options.expiresInMs) },
      },
    },
  });
  return { token, user };
}

describe("health.status", () => {
  it("is public and reports the stack", async () => {
    const status = await (await callerWith(null)).health.status();
    expect(status.database).toMatchObject({ kind: "embedded", reachable: true });
    expect(status.database.migrationsApplied).toBeGreaterThan(0);
    expect(status.checkedAt).toBeInstanceOf(Date);
  });

  it("reports the database down instead of failing when it could not be opened", async () => {
    const caller = createCaller(await createContextInner({ db: null, dbError: "locked", config }));
    const status = await caller.health.status();
    expect(status).toMatchObject({ status: "degraded", database: { reachable: false, kind: "embedded" } });
  });
});

describe("protectedProcedure (session.me)", () => {
  it("refuses a request without a session cookie", async () => {
    expect(await trpcCode((await callerWith(null)).session.me())).toBe("UNAUTHORIZED");
  });

  it("refuses a token that matches no session", async () => {
    expect(await trpcCode((await callerWith(createSessionToken())).session.me())).toBe("UNAUTHORIZED");
  });

  it("refuses an expired session and a disabled user", async () => {
    const expired = await createOperator({ expiresInMs: -1_000 });
    expect(await trpcCode((await callerWith(expired.token)).session.me())).toBe("UNAUTHORIZED");
    const disabled = await createOperator({ expiresInMs: 60_000, disabled: true });
    expect(await trpcCode((await callerWith(disabled.token)).session.me())).toBe("UNAUTHORIZED");
  });

  it("accepts a valid session row and returns its user without secrets", async () => {
    const { token, user } = await createOperator({ expiresInMs: 60_000 });
    const me = await (await callerWith(token)).session.me();
    expect(me).toEqual({ id: user.id, email: user.email, name: "Olga Operator", role: "OPERATOR" });
    expect(me).not.toHaveProperty("passwordHash");
  });

  it("answers SERVICE_UNAVAILABLE, not a crash, when the database is down", async () => {
    const caller = createCaller(
      await createContextInner({ db: null, dbError: "locked", sessionToken: createSessionToken(), config }),
    );
    expect(await trpcCode(caller.session.me())).toBe("SERVICE_UNAVAILABLE");
  });
});
