// The production Authenticator: service accounts from their file first, then the Device table.
// scrypt is slow on purpose, so two short-lived caches keep reconnect storms and repeated wrong
// passwords from burning CPU:
//  - the device row (credential hash + enabled) for ROW_TTL_MS, well inside the 5 s within which a
//    disabled device must be refused (revocation-watch.ts also evicts rows of disconnected devices);
//  - the outcome of a scrypt check, keyed by sha256(hash, password), for VERDICT_TTL_MS. A changed
//    credential hash is a different key, so rotating a secret takes effect with the next row read.
import { createHash } from "node:crypto";
import type { Authenticator, AuthRefusal } from "./authenticator.ts";
import { verifySecret } from "@fleet/db";
import type { DeviceCredential, DeviceDirectory } from "./device-directory.ts";
import type { Principal } from "./principal.ts";
import type { TServiceAccount } from "./service-accounts.ts";

export const ROW_TTL_MS = 2_000;
export const VERDICT_TTL_MS = 60_000;
const MAX_VERDICTS = 50_000;

export interface FleetAuthenticatorOptions {
  readonly services: readonly TServiceAccount[];
  /** null = no database: only service accounts can log in. */
  readonly devices: DeviceDirectory | null;
  readonly now?: () => number;
}

export interface FleetAuthenticator extends Authenticator {
  /** Forget the cached row of a device (after it was found disabled or deleted). */
  evict(deviceId: string): void;
}

export function createFleetAuthenticator(options: FleetAuthenticatorOptions): FleetAuthenticator {
  const now = options.now ?? Date.now;
  const services = new Map<string, TServiceAccount>(options.services.map((account) => [account.username, account]));
  const rows = new Map<string, { row: Promise<DeviceCredential | null>; expires: number }>();
  const verdicts = new Map<string, { ok: Promise<boolean>; expires: number }>();

  const readRow = (deviceId: string): Promise<DeviceCredential | null> => {
    const cached = rows.get(deviceId);
    if (cached !== undefined && cached.expires > now()) return cached.row;
    const row = (options.devices as DeviceDirectory).credentialOf(deviceId);
    rows.set(deviceId, { row, expires: now() + ROW_TTL_MS });
    // A failed read (database down) must not be remembered.
    row.catch(() => rows.delete(deviceId));
    return row;
  };

  const check = (password: Buffer, hash: string): Promise<boolean> => {
    const key = createHash("sha256").update(hash).update("\0").update(password).digest("base64");
    const cached = verdicts.get(key);
    if (cached !== undefined && cached.expires > now()) return cached.ok;
    if (verdicts.size >= MAX_VERDICTS) {
      // Map keeps insertion order: drop the oldest tenth rather than grow without bound.
      let drop = MAX_VERDICTS / 10;
      for (const old of verdicts.keys()) {
        verdicts.delete(old);
        if (--drop === 0) break;
      }
    }
    // Concurrent CONNECTs with the same credentials share one scrypt run.
    const ok = verifySecret(password, hash);
    verdicts.set(key, { ok, expires: now() + VERDICT_TTL_MS });
    ok.catch(() => verdicts.delete(key));
    return ok;
  };

  return {
    async authenticate(_clientId, username, password): Promise<Principal | AuthRefusal | null> {
      if (password === undefined || password.length === 0) return null;
      const service = services.get(username);
      if (service !== undefined) {
        if (!(await check(password, service.secretHash))) return null;
        return { kind: "service", name: service.username, publish: service.publish, subscribe: service.subscribe };
      }
      if (options.devices === null) return null;
      const row = await readRow(username);
      if (row === null) return null;
      if (!(await check(password, row.credentialHash))) return null;
      // Only someone holding the secret learns that the device exists but is disabled.
      if (!row.enabled) return { refused: "not_authorized", reason: "device is disabled" };
      return { kind: "device", deviceId: username };
    },
    evict(deviceId) {
      rows.delete(deviceId);
    },
  };
}
