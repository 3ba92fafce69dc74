import type { Prisma, PrismaClient, UserRole } from "@fleet/db";
import { hashSessionToken } from "../../auth/session-cookie.ts";

export interface TSessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

export interface TActiveSession {
  id: string;
  expiresAt: Date;
  user: TSessionUser;
}

// Explicit columns: a session lookup must never pull passwordHash into memory it may log.
const sessionSelect = {
  id: true,
  expiresAt: true,
  user: { select: { id: true, email: true, name: true, role: true, disabled: true } },
} satisfies Prisma.SessionSelect;

export interface TFindActiveSessionOptions {
  prisma: Pick<PrismaClient, "session">;
  /** The raw cookie token; the table holds only its sha256. */
  token: string;
  now?: Date;
}

/** The session a token belongs to, or null when unknown, expired, or its user is disabled. */
export async function findActiveSession({
  prisma,
  token,
  now = new Date(),
}: TFindActiveSessionOptions): Promise<TActiveSession | null> {
  const row = await prisma.session.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    select: sessionSelect,
  });
  if (!row) return null;
  if (row.expiresAt.getTime() <= now.getTime()) return null;
  if (row.user.disabled) return null;
  const { disabled: _disabled, ...user } = row.user;
  return { id: row.id, expiresAt: row.expiresAt, user };
}
