import "server-only";

import type { UserRole } from "@fleet/db";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { roleAtLeast } from "../server/auth/roles.ts";
import { readSessionToken, SESSION_COOKIE_NAME } from "../server/auth/session-cookie.ts";
import { getConsoleDb } from "../server/db.ts";
import { findActiveSession, type TSessionUser } from "../server/domain/session/find-active-session.ts";

/** The signed-in operator of this request, or null. One lookup per request (React cache). */
export const getPageUser = cache(async (): Promise<TSessionUser | null> => {
  const jar = await cookies();
  const raw = jar.get(SESSION_COOKIE_NAME)?.value;
  const token = readSessionToken(raw ? `${SESSION_COOKIE_NAME}=${raw}` : null);
  if (!token) return null;
  const db = await getConsoleDb();
  const session = await findActiveSession({ prisma: db.prisma, token });
  return session?.user ?? null;
});

/** Pages behind sign-in: the user, or a redirect to /login (or /setup on a fresh console). */
export async function requirePageUser(minimumRole: UserRole = "VIEWER"): Promise<TSessionUser> {
  const user = await getPageUser();
  if (!user) {
    const db = await getConsoleDb();
    redirect((await db.prisma.user.count()) === 0 ? "/setup" : "/login");
  }
  if (!roleAtLeast(user.role, minimumRole)) redirect("/");
  return user;
}
