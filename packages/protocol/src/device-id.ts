// Device ids: the MQTT client id of a device and the third level of its topics.
import { z } from "zod";
import { fail, ok, quote, type TResult } from "./errors.ts";
import { MAX_DEVICE_ID_LENGTH } from "./limits.ts";

/** `^[a-z0-9][a-z0-9-]{0,63}$`: lower-case letters, digits and `-`, not starting with `-`, 1..64 chars. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export const ZDeviceId = z
  .string()
  .regex(DEVICE_ID_PATTERN, "device id must match ^[a-z0-9][a-z0-9-]{0,63}$")
  .brand<"DeviceId">();

/** A string known to match DEVICE_ID_PATTERN (obtain one through parseDeviceId, isDeviceId or ZDeviceId). */
export type TDeviceId = z.infer<typeof ZDeviceId>;

export function isDeviceId(value: unknown): value is TDeviceId {
  return typeof value === "string" && DEVICE_ID_PATTERN.test(value);
}

/** Validates a device id and says precisely what is wrong with a bad one. Never throws. */
export function parseDeviceId(value: unknown): TResult<TDeviceId> {
  if (isDeviceId(value)) return ok(value);
  return fail("bad_device_id", `device id ${describeDeviceIdProblem(value)}`);
}

function describeDeviceIdProblem(value: unknown): string {
  if (typeof value !== "string") return `must be a string, got ${value === null ? "null" : typeof value}`;
  if (value.length === 0) return "must not be empty";
  if (value.length > MAX_DEVICE_ID_LENGTH) {
    return `must be at most ${MAX_DEVICE_ID_LENGTH} characters, got ${value.length}`;
  }
  for (const char of value) {
    if (/^[a-z0-9-]$/.test(char)) continue;
    if (/^[A-Z]$/.test(char)) return `${quote(value)} must be lower case`;
    if (char === "+" || char === "#") return `${quote(value)} must not contain the MQTT wildcard ${quote(char)}`;
    if (char === "/") return `${quote(value)} must not contain the topic separator "/"`;
    return `${quote(value)} must contain only a-z, 0-9 and "-", found ${quote(char)}`;
  }
  return `${quote(value)} must start with a letter or digit`;
}
