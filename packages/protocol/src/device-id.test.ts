import { describe, expect, expectTypeOf, it } from "vitest";
import { isDeviceId, parseDeviceId, ZDeviceId, type TDeviceId } from "./device-id.ts";

describe("device ids", () => {
  it.each(["a", "0", "dev-1", "gw-01-berlin", "a-", `a${"b".repeat(63)}`, "123"])("accepts %j", (id) => {
    expect(isDeviceId(id)).toBe(true);
    expect(parseDeviceId(id)).toEqual({ ok: true, value: id });
    expect(ZDeviceId.safeParse(id).success).toBe(true);
  });

  it.each([
    ["", "must not be empty"],
    [`a${"b".repeat(64)}`, "at most 64"],
    ["Dev-1", "lower case"],
    ["dev+1", "wildcard"],
    ["dev#1", "wildcard"],
    ["dev/1", "separator"],
    ["-dev", "start with"],
    ["dev 1", "found"],
    ["dev_1", "found"],
    ["dev.1", "found"],
    ["dev\u00001", "found"],
    ["dev\n", "found"],
    ["dév", "found"],
    ["$sys", "found"],
  ])("refuses %j (%s)", (id, problem) => {
    expect(isDeviceId(id)).toBe(false);
    const parsed = parseDeviceId(id);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe("bad_device_id");
    expect(parsed.error.message).toContain(problem);
    expect(parsed.error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(ZDeviceId.safeParse(id).success).toBe(false);
  });

  it.each([undefined, null, 42, {}, ["dev-1"], Symbol("x")])("refuses the non-string %s", (value) => {
    expect(isDeviceId(value)).toBe(false);
    const parsed = parseDeviceId(value);
    expect(parsed.ok === false && parsed.error.message).toContain("must be a string");
  });

  it("brands the type so raw strings cannot be passed where a device id is expected", () => {
    const parsed = parseDeviceId("dev-1");
    if (!parsed.ok) throw parsed.error;
    expectTypeOf(parsed.value).toEqualTypeOf<TDeviceId>();
    expectTypeOf(parsed.value).toExtend<string>();
    expectTypeOf<string>().not.toExtend<TDeviceId>();
  });
});
