import { createHash, randomBytes } from "node:crypto";

/** The httpOnly cookie that carries the session token (issue 6 sets it at login). */
export const SESSION_COOKIE_NAME = "fleet_session";

/** A new random session token; only its sha256 is stored (Session.tokenHash). */
export function createSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The session token from a Cookie header, or null. Tolerates junk: cookies are user input. */
export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE_NAME) continue;
    const value = part.slice(eq + 1).trim();
    // Tokens are base64url; anything else cannot match a row, so skip the lookup.
    return /^[A-Za-z0-9_-]{16,256}$/.test(value) ? value : null;
  }
  return null;
}
