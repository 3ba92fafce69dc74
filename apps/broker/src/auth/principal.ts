// Who is behind an MQTT connection, decided once at CONNECT and consulted by every ACL check.

export type Principal =
  /** A provisioned device: client id = username = device id; touches only its own topics. */
  | { readonly kind: "device"; readonly deviceId: string }
  /**
   * A service account (console, ingest, operator tools) with listed rights: topic filters it may
   * publish to and subscribe to. `$SYS/...` may appear in `subscribe` only; publishing there is never allowed.
   */
  | {
      readonly kind: "service";
      readonly name: string;
      readonly publish: readonly string[];
      readonly subscribe: readonly string[];
    }
  /** A client without credentials, admitted only in development mode (MQTT_ALLOW_ANONYMOUS=true). */
  | { readonly kind: "anonymous" };

export const ANONYMOUS: Principal = { kind: "anonymous" };

export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case "device":
      return `device ${principal.deviceId}`;
    case "service":
      return `service ${principal.name}`;
    case "anonymous":
      return "anonymous";
  }
}
