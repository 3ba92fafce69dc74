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

/** How long a session lasts after sign-in. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Set-Cookie for a new session: httpOnly, SameSite=Lax, Secure when the browser came over https. */
export function sessionCookieHeader(token: string, options: { secure: boolean; maxAgeSeconds?: number }): string {
  const maxAge = options.maxAgeSeconds ?? Math.floor(SESSION_TTL_MS / 1000);
  return [
    `${SESSION_COOKIE_NAME}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** Set-Cookie that removes the session cookie (logout). */
export function clearedSessionCookieHeader(options: { secure: boolean }): string {
  return sessionCookieHeader("", { secure: options.secure, maxAgeSeconds: 0 });
}
