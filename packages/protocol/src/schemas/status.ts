// fleet/v1/{id}/status — device → everyone, QoS 1, retained. Birth on connect; the Last Will says offline.
import { z } from "zod";
import { MAX_HARDWARE_LIST_LENGTH } from "../limits.ts";
import {
  nonNegative,
  textLine,
  ZEngine,
  ZEntityId,
  ZPrecision,
  ZSchemaVersion,
  ZTimestampMs,
  ZToken,
} from "./common.ts";

export const HARDWARE_CLASSES = ["gateway", "wearable"] as const;
export const ZHardwareClass = z.enum(HARDWARE_CLASSES);

/** 1 PB in MB: anything above is a broken probe, not a machine. */
const MAX_RAM_MB = 1e9;

// Not strict (here and below): a newer agent may report more facts; an older console must still accept it.
export const ZHardware = z.object({
  /** `process.arch`: x64, arm64, arm, … */
  arch: ZToken,
  /** `os.cpus()[0].model`; may be empty on boards that do not report one. */
  cpuModel: textLine(256, 0),
  cores: z.int().min(1).max(4096),
  ramTotalMb: nonNegative(MAX_RAM_MB),
  ramFreeMb: nonNegative(MAX_RAM_MB),
  wasmSimd: z.boolean(),
  /** Engines that loaded on this device (`tfjs`, `onnx`, …); names, not an enum, so new engines parse. */
  engines: z.array(ZToken).max(MAX_HARDWARE_LIST_LENGTH),
  /** Backends that loaded (`wasm`, `cpu`, `tensorflow`, …). */
  backends: z.array(ZToken).max(MAX_HARDWARE_LIST_LENGTH),
  /** `process.version`, e.g. `v20.11.1`. */
  nodeVersion: ZToken,
  class: ZHardwareClass,
});

// Not strict: later agents may add fields such as the variant's bytes.
export const ZActiveVariant = z.object({
  id: ZEntityId,
  precision: ZPrecision,
  engine: ZEngine,
});

// Not strict: the birth grows with the agent (uptime, location, …) without a version bump.
export const ZStatusOnlinePayload = z.object({
  v: ZSchemaVersion,
  ts: ZTimestampMs,
  state: z.literal("online"),
  /** The agent's semver, e.g. `0.1.0`. */
  agentVersion: ZToken,
  hardware: ZHardware,
  /** The variant running now, or null when none is active yet. */
  activeVariant: ZActiveVariant.nullable(),
});

// Not strict: same envelope rules as the birth. For the Last Will `ts` is when the will was registered.
export const ZStatusOfflinePayload = z.object({
  v: ZSchemaVersion,
  ts: ZTimestampMs,
  state: z.literal("offline"),
});

export const ZStatusPayload = z.discriminatedUnion("state", [ZStatusOnlinePayload, ZStatusOfflinePayload]);

export type THardwareClass = z.infer<typeof ZHardwareClass>;
export type THardware = z.infer<typeof ZHardware>;
export type TActiveVariant = z.infer<typeof ZActiveVariant>;
export type TStatusOnlinePayload = z.infer<typeof ZStatusOnlinePayload>;
export type TStatusOfflinePayload = z.infer<typeof ZStatusOfflinePayload>;
export type TStatusPayload = z.infer<typeof ZStatusPayload>;
