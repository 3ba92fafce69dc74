// The pluggable credential check. The broker calls it for every CONNECT that carries a username;
// issue 3 plugs in the Device-table check (slow hash, brief cache) behind this same interface.
import type { Principal } from "./principal.ts";

export interface Authenticator {
  /**
   * Resolves the principal for these credentials, or null to refuse them (CONNACK return code 4).
   * `clientId` and `username` already match the device id pattern. A rejection (thrown error) is
   * treated as "server unavailable" (return code 3), so a database outage does not look like bad credentials.
   */
  authenticate(
    clientId: string,
    username: string,
    password: Buffer | undefined,
  ): Promise<Principal | AuthRefusal | null>;
}

/** Valid credentials that may not connect now (e.g. a disabled device): CONNACK return code 5. */
export interface AuthRefusal {
  readonly refused: "not_authorized";
  /** For the log line; never sent to the client. */
  readonly reason: string;
}

/** Until device credentials exist, no credentials are valid. */
export const refuseAllAuthenticator: Authenticator = {
  authenticate: async () => null,
};
