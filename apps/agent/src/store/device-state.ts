// state.json: which variant is active, which one came before it, and the last desired revision
// handled. Replacing this file (rename) is the atomic swap between variants.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ZEd25519SignatureBase64, ZEngine, ZEntityId, ZPrecision, ZSha256Hex } from "@fleet/protocol";
import { z } from "zod";
import type { Logger } from "@fleet/log";
import { readFileIfExists, writeFileAtomic } from "./atomic-file.ts";

export const ZInstalledVariant = z.object({
  id: ZEntityId,
  precision: ZPrecision,
  engine: ZEngine,
  /** sha256 of the signed manifest: identifies the content, not just the name */
  manifestSha256: ZSha256Hex,
  /**
   * the console's ed25519 signature of that manifest, checked again at every boot; absent in the state
   * of agents before it was kept, whose variants cannot be verified until the console's desired state
   * is applied again
   */
  signature: ZEd25519SignatureBase64.optional(),
  /** directory name under the variant cache */
  dir: z.string().min(1),
});
export type TInstalledVariant = z.infer<typeof ZInstalledVariant>;

export const ZDeviceState = z.object({
  v: z.literal(1),
  /** highest desired rev handled (applied, refused or failed); older and equal ones are ignored */
  lastRev: z.int().min(-1),
  active: ZInstalledVariant.nullable(),
  previous: ZInstalledVariant.nullable(),
});
export type TDeviceState = z.infer<typeof ZDeviceState>;

export const EMPTY_STATE: TDeviceState = { v: 1, lastRev: -1, active: null, previous: null };

export class DeviceStateFile {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.file = path.join(dataDir, "state.json");
  }

  /** The saved state; a missing or unreadable file starts empty (logged), never blocks the boot. */
  async read(): Promise<TDeviceState> {
    const text = await readFileIfExists(this.file);
    if (text === undefined) return EMPTY_STATE;
    try {
      return ZDeviceState.parse(JSON.parse(text));
    } catch (error) {
      this.logger.error(
        { file: this.file, err: error },
        "state.json is unreadable; starting without an active variant",
      );
      return EMPTY_STATE;
    }
  }

  async write(state: TDeviceState): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(ZDeviceState.parse(state), null, 2)}\n`);
  }
}
