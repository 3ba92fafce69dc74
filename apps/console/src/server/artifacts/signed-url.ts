// Short-lived signed download URLs for variant artifacts:
//   <console>/api/artifacts/<variantId>/manifest.json?exp=<unix seconds>&sig=<base64url HMAC>
// The token covers the variant id and the expiry, not the file: the agent fetches every file beside
// the manifest with the manifest URL's query string, so one token opens the whole variant directory.
import { createHmac, timingSafeEqual } from "node:crypto";
import { getConsoleConfig, type TConsoleConfig } from "../../config.ts";
import { getUrlSigningKey } from "./keys.ts";

/** Longest lifetime a URL may be minted with: a slow device on a bad link gets a fresh one on retry. */
export const MAX_URL_TTL_SECONDS = 7 * 24 * 3600;

function mac(key: Buffer, variantId: string, exp: number): Buffer {
  return createHmac("sha256", key).update(`fleet-artifact-v1\n${variantId}\n${exp}`).digest();
}

export function artifactToken(key: Buffer, variantId: string, exp: number): string {
  return mac(key, variantId, exp).toString("base64url");
}

export type TTokenVerdict = "ok" | "expired" | "invalid";

/** Constant-time check of `sig` for this variant and expiry; an expired token is refused even when genuine. */
export function verifyArtifactToken(options: {
  key: Buffer;
  variantId: string;
  exp: string | null;
  sig: string | null;
  nowSeconds: number;
}): TTokenVerdict {
  const { exp, sig } = options;
  if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return "invalid";
  const expected = mac(options.key, options.variantId, Number(exp));
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
  return Number(exp) <= options.nowSeconds ? "expired" : "ok";
}

/** Where devices reach this console: CONSOLE_PUBLIC_URL, else this host and port. */
export function consoleBaseUrl(config: Pick<TConsoleConfig, "publicUrl" | "host" | "port">): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, "");
  const host =
    config.host === "0.0.0.0" || config.host === "::"
      ? "localhost"
      : config.host.includes(":")
        ? `[${config.host}]`
        : config.host;
  return `http://${host}:${config.port}`;
}

/**
 * The signed URL of a variant's manifest.json, valid for `ttlSeconds`: what a `desired` message
 * carries as `variant.url`.
 */
export async function signedVariantUrl(
  variantId: string,
  ttlSeconds: number,
  options: {
    config?: Pick<TConsoleConfig, "publicUrl" | "host" | "port" | "dataDir">;
    now?: number;
    file?: string;
  } = {},
): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(variantId)) throw new Error(`invalid variant id ${JSON.stringify(variantId)}`);
  if (!(ttlSeconds > 0 && ttlSeconds <= MAX_URL_TTL_SECONDS))
    throw new Error(`ttl must be 1 s to ${MAX_URL_TTL_SECONDS} s, got ${ttlSeconds}`);
  const config = options.config ?? getConsoleConfig();
  const exp = Math.floor((options.now ?? Date.now()) / 1000) + Math.ceil(ttlSeconds);
  const sig = artifactToken(await getUrlSigningKey(config.dataDir), variantId, exp);
  const file = (options.file ?? "manifest.json").split("/").map(encodeURIComponent).join("/");
  return `${consoleBaseUrl(config)}/api/artifacts/${variantId}/${file}?exp=${exp}&sig=${sig}`;
}
