// Cross-site request forgery: a mutation must carry our custom header (a cross-site page cannot
// add one without a CORS preflight, which we never grant) and, when the browser names an Origin,
// come from this console's own origin. Session cookies are SameSite=Lax on top of this.

/** The header the console's own client sends on every request. */
export const CSRF_HEADER = "x-fleet-csrf";
export const CSRF_HEADER_VALUE = "1";

/** Why this request must be refused, or null when it may change state. Safe methods always pass. */
export function csrfProblem(request: Request, options: { publicUrl?: string | null } = {}): string | null {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return null;
  if (request.headers.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) return `Missing ${CSRF_HEADER} header.`;
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return "Cross-origin request refused.";
  }
  const allowed = new Set<string>();
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (host) allowed.add(host);
  if (options.publicUrl) allowed.add(new URL(options.publicUrl).host);
  return allowed.has(originHost) ? null : "Cross-origin request refused.";
}

/** Whether the browser reached the console over https (then cookies get `Secure`). */
export function isSecureRequest(request: Request, publicUrl: string | null): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (forwarded) return forwarded === "https";
  if (new URL(request.url).protocol === "https:") return true;
  return publicUrl?.startsWith("https:") ?? false;
}
