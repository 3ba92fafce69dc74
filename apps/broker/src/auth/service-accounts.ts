// Service accounts (console, ingest tools, operators' scripts): username, scrypt hash of the secret,
// and the topic filters each may publish to and subscribe to. Kept in a JSON file, not the database,
// so the broker can authorise the console before any device exists:
//   { "accounts": [ { "username": "console", "secretHash": "scrypt$...",
//                     "publish": ["fleet/v1/+/desired"], "subscribe": ["fleet/v1/+/reported", "$SYS/#"] } ] }
import { readFileSync } from "node:fs";
import { z } from "zod";
import { isDeviceId, isValidTopicFilter } from "@fleet/protocol";
import { ConfigError } from "@fleet/settings";
import { parseHash } from "@fleet/db";

const ZFilter = z.string().max(256).refine(isValidTopicFilter, "must be a valid MQTT topic filter");

export const ZServiceAccount = z.strictObject({
  username: z.string().refine(isDeviceId, "must match ^[a-z0-9][a-z0-9-]{0,63}$"),
  secretHash: z.string().refine((hash) => parseHash(hash) !== null, "must be scrypt$N$r$p$salt$hash (see README)"),
  publish: z.array(ZFilter.refine((filter) => !filter.startsWith("$"), "$... topics are never writable")).max(64),
  subscribe: z.array(ZFilter).max(64),
});

export const ZServiceAccountsFile = z.strictObject({
  accounts: z
    .array(ZServiceAccount)
    .max(1000)
    .refine(
      (accounts) => new Set(accounts.map((account) => account.username)).size === accounts.length,
      "usernames must be unique",
    ),
});

export type TServiceAccount = z.infer<typeof ZServiceAccount>;

/**
 * Reads the accounts file. `required` is false for the default path (no file = no accounts);
 * every other problem is a ConfigError naming MQTT_SERVICE_ACCOUNTS.
 */
export function loadServiceAccounts(file: string, required: boolean): TServiceAccount[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return [];
    throw new ConfigError(
      "MQTT_SERVICE_ACCOUNTS",
      `MQTT_SERVICE_ACCOUNTS ${file} cannot be read (${code ?? "unreadable"})`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError("MQTT_SERVICE_ACCOUNTS", `MQTT_SERVICE_ACCOUNTS ${file} is not valid JSON`, { cause: error });
  }
  const parsed = ZServiceAccountsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "" : issue.path.join(".");
    throw new ConfigError(
      "MQTT_SERVICE_ACCOUNTS",
      `MQTT_SERVICE_ACCOUNTS ${file}: ${where ? `${where}: ` : ""}${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data.accounts;
}
