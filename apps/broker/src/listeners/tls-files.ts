// Reads the TLS certificate and key once at start; problems become ConfigErrors naming the setting.
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { ConfigError } from "@fleet/settings";

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export function readTlsMaterial(certFile: string, keyFile: string): TlsMaterial {
  const cert = readSettingFile("MQTT_TLS_CERT", certFile);
  const key = readSettingFile("MQTT_TLS_KEY", keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      "MQTT_TLS_CERT",
      `MQTT_TLS_CERT and MQTT_TLS_KEY are not a usable PEM certificate and key: ${reason}`,
      { cause: error },
    );
  }
  return { cert, key };
}

function readSettingFile(setting: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(setting, `${setting} ${file} cannot be read (${code})`, { cause: error });
  }
}
