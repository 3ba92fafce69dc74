import { describe, expect, expectTypeOf, it } from "vitest";
import { offlineStatus, onlineStatus } from "../testing/fixtures.ts";
import { issuePaths, mutate } from "../testing/issues.ts";
import {
  ZStatusPayload,
  type TStatusOfflinePayload,
  type TStatusOnlinePayload,
  type TStatusPayload,
} from "./status.ts";

describe("ZStatusPayload", () => {
  it("accepts a birth and the Last Will", () => {
    expect(issuePaths(ZStatusPayload, onlineStatus())).toEqual([]);
    expect(issuePaths(ZStatusPayload, offlineStatus())).toEqual([]);
    expect(issuePaths(ZStatusPayload, { ...onlineStatus(), activeVariant: null })).toEqual([]);
    const wearable = mutate(onlineStatus(), (s) => {
      s.hardware.class = "wearable";
      s.hardware.cpuModel = "";
      s.hardware.engines = [];
    });
    expect(issuePaths(ZStatusPayload, wearable)).toEqual([]);
  });

  it("is a union discriminated on state", () => {
    const parsed = ZStatusPayload.parse(onlineStatus());
    if (parsed.state === "online") expectTypeOf(parsed).toEqualTypeOf<TStatusOnlinePayload>();
    else expectTypeOf(parsed).toEqualTypeOf<TStatusOfflinePayload>();
    expectTypeOf<TStatusPayload["state"]>().toEqualTypeOf<"online" | "offline">();
    expect(issuePaths(ZStatusPayload, { ...offlineStatus(), state: "sleeping" })).toEqual(["state"]);
    expect(issuePaths(ZStatusPayload, { v: 1, ts: 1_700_000_000_000, state: "online" })).toEqual([
      "agentVersion",
      "hardware",
      "activeVariant",
    ]);
  });

  it("drops unknown keys so a newer agent's birth still parses", () => {
    const newer = { ...onlineStatus(), uptimeS: 12, hardware: { ...onlineStatus().hardware, gpu: "mali" } };
    const parsed = ZStatusPayload.parse(newer);
    expect(parsed).toEqual(onlineStatus());
  });

  it.each<[string, (s: TStatusOnlinePayload) => void]>([
    ["v", (s) => Object.assign(s, { v: 2 })],
    ["ts", (s) => Object.assign(s, { ts: "now" })],
    ["agentVersion", (s) => Object.assign(s, { agentVersion: "1 .0" })],
    ["hardware.arch", (s) => Object.assign(s.hardware, { arch: "" })],
    ["hardware.cores", (s) => Object.assign(s.hardware, { cores: 0 })],
    ["hardware.cores", (s) => Object.assign(s.hardware, { cores: 2.5 })],
    ["hardware.ramTotalMb", (s) => Object.assign(s.hardware, { ramTotalMb: -1 })],
    ["hardware.ramFreeMb", (s) => Object.assign(s.hardware, { ramFreeMb: 1e300 })],
    ["hardware.wasmSimd", (s) => Object.assign(s.hardware, { wasmSimd: "true" })],
    ["hardware.engines", (s) => Object.assign(s.hardware, { engines: Array(33).fill("tfjs") })],
    ["hardware.backends.0", (s) => Object.assign(s.hardware, { backends: ["web gl"] })],
    ["hardware.class", (s) => Object.assign(s.hardware, { class: "phone" })],
    ["hardware.cpuModel", (s) => Object.assign(s.hardware, { cpuModel: "x\u0000" })],
    [
      "activeVariant.precision",
      (s) => Object.assign(s, { activeVariant: { id: "v", precision: "int3", engine: "onnx" } }),
    ],
    [
      "activeVariant.engine",
      (s) => Object.assign(s, { activeVariant: { id: "v", precision: "int8", engine: "tflite" } }),
    ],
  ])("names the wrong field %s", (path, change) => {
    expect(issuePaths(ZStatusPayload, mutate(onlineStatus(), change))).toEqual([path]);
  });
});
