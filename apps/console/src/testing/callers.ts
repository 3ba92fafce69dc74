// tRPC callers for tests: a migrated test database and signed-in users of each role.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { UserRole } from "@fleet/db";
import { createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { TRPCError } from "@trpc/server";
import { loadConsoleSettings, type TConsoleConfig } from "../settings.ts";
import { createSessionToken, hashSessionToken } from "../server/auth/session-cookie.ts";
import { createCaller } from "../server/root.ts";
import { createContextInner } from "../server/trpc.ts";

export const testConfig: TConsoleConfig = loadConsoleSettings(
  { MQTT_URL: "mqtt://broker.test:1883" },
  "/tmp/fleet-console-test",
);

export interface TCallerHarness {
  db: TTestDatabase;
  /** testConfig with a fresh data directory (keys, artifacts, uploads) per harness. */
  config: TConsoleConfig;
  /** A caller with this session token (null: signed out); resHeaders collects Set-Cookie. */
  caller(sessionToken: string | null, resHeaders?: Headers): Promise<ReturnType<typeof createCaller>>;
  /** Creates a user of this role with a session and returns its caller. */
  callerAs(
    role: UserRole,
  ): Promise<{ caller: ReturnType<typeof createCaller>; user: { id: string; email: string }; token: string }>;
  close(): Promise<void>;
}

let userCounter = 0;

export async function createCallerHarness(kind: "pglite" | "postgres" = "pglite"): Promise<TCallerHarness> {
  const db = await createTestDatabase({ kind });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-callers-"));
  const config: TConsoleConfig = { ...testConfig, dataDir };
  const caller = async (sessionToken: string | null, resHeaders?: Headers) =>
    createCaller(
      await createContextInner({
        db: { prisma: db.prisma, url: db.url, embedded: kind === "pglite" },
        sessionToken,
        config,
        resHeaders: resHeaders ?? null,
      }),
    );
  return {
    db,
    config,
    caller,
    async callerAs(role) {
      const token = createSessionToken();
      userCounter += 1;
      const user = await db.prisma.user.create({
        data: {
          email: `${role.toLowerCase()}-${userCounter}-${token.slice(0, 6).toLowerCase()}@example.com`,
          name: `${role} ${userCounter}`,
          passwordHash: "scrypt$unused",
          role,
          sessions: { create: { tokenHash: hashSessionToken(token), expiresAt: new Date(Date.now() + 3_600_000) } },
        },
        select: { id: true, email: true },
      });
      return { caller: await caller(token), user, token };
    },
    close: async () => {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The tRPC error code a call fails with (throws when it succeeds). */
export async function trpcCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
  throw new Error("expected a TRPCError");
}

/** The error a call fails with. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected a TRPCError");
}
