// What never reaches a log line: secrets by field name (pino's `redact` paths) and the password in a
// URL's user info, wherever a string carries one (a broker URL in a field, an error message, the msg).

/** Field names that hold secrets, at the top level or one object down (`{ device: { secret } }`). */
const SECRET_KEYS = [
  "password",
  "secret",
  "token",
  "accessToken",
  "refreshToken",
  "apiKey",
  "authorization",
  "cookie",
  "secretHash",
  "credentialHash",
] as const;

export const REDACTED = "[redacted]";

/** pino `redact` paths: each secret key at the top level, one level down, and in HTTP headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
];

// scheme://user:password@ — only the password goes; the user name helps whoever reads the log.
const URL_USER_INFO = /([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]*@/gi;

/** `mqtt://console:s3cret@host` → `mqtt://console:[redacted]@host`; other text unchanged. */
export function redactUrlUserInfo(text: string): string {
  if (!text.includes("@")) return text;
  return text.replace(URL_USER_INFO, `$1:${REDACTED}@`);
}
