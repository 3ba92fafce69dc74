import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallerHarness, trpcCode, trpcError, type TCallerHarness } from "../../testing/callers.ts";
import { SESSION_COOKIE_NAME } from "../auth/session-cookie.ts";

let h: TCallerHarness;
beforeAll(async () => {
  h = await createCallerHarness();
});
afterAll(async () => {
  await h?.close();
});

const admin = { email: "Ada@Example.com", name: "Ada Admin", password: "correct horse battery" };

function cookieToken(headers: Headers): string {
  const cookie = headers.get("set-cookie") ?? "";
  const match = new RegExp(`${SESSION_COOKIE_NAME}=([^;]*)`).exec(cookie);
  return match?.[1] ?? "";
}

describe("first admin, login, logout", () => {
  it("asks for the first admin while no user exists, refuses a weak password readably", async () => {
    const anonymous = await h.caller(null);
    expect(await anonymous.auth.setupStatus()).toEqual({ needsFirstAdmin: true });
    const error = await trpcError(anonymous.auth.createFirstAdmin({ ...admin, password: "short" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(await h.db.prisma.user.count()).toBe(0);
  });

  it("creates the first admin once, signs them in with an httpOnly SameSite cookie, and audits it", async () => {
    const headers = new Headers();
    const created = await (await h.caller(null, headers)).auth.createFirstAdmin(admin);
    expect(created.user).toMatchObject({ email: "ada@example.com", role: "ADMIN" });
    expect(created.user).not.toHaveProperty("passwordHash");
    const cookie = headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const me = await (await h.caller(cookieToken(headers))).session.me();
    expect(me.email).toBe("ada@example.com");

    const stored = await h.db.prisma.user.findUniqueOrThrow({ where: { email: "ada@example.com" } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(admin.password);
    const audit = await h.db.prisma.auditEvent.findFirst({ where: { action: "user.create_first_admin" } });
    expect(audit).toMatchObject({ actorId: stored.id, entityType: "user", entityId: stored.id });

    expect(await (await h.caller(null)).auth.setupStatus()).toEqual({ needsFirstAdmin: false });
    expect(await trpcCode((await h.caller(null)).auth.createFirstAdmin({ ...admin, email: "eve@example.com" }))).toBe(
      "CONFLICT",
    );
  });

  it("two concurrent first-admin attempts on a fresh database: exactly one wins", async () => {
    const fresh = await createCallerHarness();
    try {
      const attempts = await Promise.allSettled(
        ["a@example.com", "b@example.com"].map(async (email) =>
          (await fresh.caller(null)).auth.createFirstAdmin({ ...admin, email }),
        ),
      );
      expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
      expect(await fresh.db.prisma.user.count()).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("refuses a wrong password or unknown email with the same message", async () => {
    const anonymous = await h.caller(null);
    const wrong = await trpcError(anonymous.auth.login({ email: admin.email, password: "not the password" }));
    const unknown = await trpcError(anonymous.auth.login({ email: "nobody@example.com", password: "whatever1234" }));
    expect(wrong.code).toBe("UNAUTHORIZED");
    expect(unknown.message).toBe(wrong.message);
  });

  it("logs in and out: the session ends on the server and the cookie is cleared", async () => {
    const headers = new Headers();
    await (await h.caller(null, headers)).auth.login({ email: "ADA@example.com", password: admin.password });
    const token = cookieToken(headers);
    const signedIn = await h.caller(token);
    expect((await signedIn.session.me()).role).toBe("ADMIN");

    const outHeaders = new Headers();
    await (await h.caller(token, outHeaders)).auth.logout();
    expect(outHeaders.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await trpcCode((await h.caller(token)).session.me())).toBe("UNAUTHORIZED");
    const actions = (await h.db.prisma.auditEvent.findMany({ select: { action: true } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["session.login", "session.logout"]));
  });

  it("a disabled user cannot log in", async () => {
    const viewer = await h.callerAs("ADMIN");
    const created = await viewer.caller.users.create({
      email: "vic@example.com",
      name: "Vic",
      password: "viewer password",
      role: "VIEWER",
    });
    await viewer.caller.users.update({ id: created.id, disabled: true });
    expect(
      await trpcCode((await h.caller(null)).auth.login({ email: "vic@example.com", password: "viewer password" })),
    ).toBe("FORBIDDEN");
  });
});

describe("roles at the API level", () => {
  it("only admins manage users; viewers and operators get FORBIDDEN and nothing changes", async () => {
    const before = await h.db.prisma.user.count();
    for (const role of ["VIEWER", "OPERATOR"] as const) {
      const { caller } = await h.callerAs(role);
      expect(await trpcCode(caller.users.list())).toBe("FORBIDDEN");
      expect(
        await trpcCode(
          caller.users.create({ email: "x@example.com", name: "X", password: "long enough pw", role: "ADMIN" }),
        ),
      ).toBe("FORBIDDEN");
    }
    expect(await h.db.prisma.user.count()).toBe(before + 2);
    expect(await trpcCode((await h.caller(null)).users.list())).toBe("UNAUTHORIZED");
  });

  it("an admin creates users, changes roles with before/after in the audit log, cannot demote themselves", async () => {
    const { caller, user } = await h.callerAs("ADMIN");
    const op = await caller.users.create({
      email: "olga@example.com",
      name: "Olga",
      password: "operator pw 1",
      role: "OPERATOR",
    });
    expect(
      await trpcCode(
        caller.users.create({ email: "olga@example.com", name: "Olga 2", password: "operator pw 1", role: "VIEWER" }),
      ),
    ).toBe("CONFLICT");
    await caller.users.update({ id: op.id, role: "VIEWER" });
    const event = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "user.update", entityId: op.id } });
    expect(event).toMatchObject({ actorId: user.id, before: { role: "OPERATOR" }, after: { role: "VIEWER" } });
    expect(JSON.stringify([event.before, event.after])).not.toContain("scrypt");
    expect(await trpcCode(caller.users.update({ id: user.id, role: "VIEWER" }))).toBe("BAD_REQUEST");
  });

  it("every role reads the audit log, newest first, paginated by cursor", async () => {
    const { caller } = await h.callerAs("VIEWER");
    const first = await caller.audit.list({ limit: 2 });
    expect(first.events).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await caller.audit.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(BigInt(second.events[0]?.id ?? "0")).toBeLessThan(BigInt(first.events[1]?.id ?? "0"));
    expect(await trpcCode(caller.audit.list({ cursor: "'; drop table" }))).toBe("BAD_REQUEST");
  });
});
