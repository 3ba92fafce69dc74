import { randomBytes } from "node:crypto";
import { hashSecret } from "@fleet/db";
import type { TConsoleConfig } from "../../../config.ts";
import { getSigningKey } from "../../artifacts/keys.ts";

export { agentCommand } from "./agent-command.ts";

/** A new device secret: 32 base64url characters (192 bits). Shown once; only its scrypt hash is kept. */
export async function newDeviceSecret(): Promise<{ secret: string; credentialHash: string }> {
  const secret = randomBytes(24).toString("base64url");
  return { secret, credentialHash: await hashSecret(secret) };
}

/**
 * The broker URL devices should use: MQTT_URL without its user info (that is the console's own
 * service account), else the console's public host on 1883.
 */
export function deviceBrokerUrl(config: Pick<TConsoleConfig, "mqttUrl" | "publicUrl">): string {
  if (config.mqttUrl) {
    const url = new URL(config.mqttUrl);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/$/, "");
  }
  const host = config.publicUrl ? new URL(config.publicUrl).hostname : "localhost";
  return `mqtt://${host}:1883`;
}

/** What the shown agent command needs from the console: broker URL and signing public key. */
export async function agentCommandContext(
  config: Pick<TConsoleConfig, "mqttUrl" | "publicUrl" | "dataDir">,
): Promise<{ brokerUrl: string; publicKey: string }> {
  return { brokerUrl: deviceBrokerUrl(config), publicKey: (await getSigningKey(config.dataDir)).publicKeyBase64 };
}
