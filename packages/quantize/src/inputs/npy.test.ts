import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset, writeDataset } from "./dataset.ts";
import { encodeNpy, parseNpy } from "./npy.ts";

describe("npy", () => {
  it("round-trips float32 and int32 arrays with their shape", () => {
    const x = parseNpy(encodeNpy(Float32Array.from([1.5, -2, 3, 4, 5, 6]), [2, 3]), "x.npy");
    expect(x).toMatchObject({ dtype: "float32", shape: [2, 3] });
    expect(Array.from(x.data as Float32Array)).toEqual([1.5, -2, 3, 4, 5, 6]);
    const y = parseNpy(encodeNpy(Int32Array.from([7, 8]), [2]), "y.npy");
    expect(Array.from(y.data as Int32Array)).toEqual([7, 8]);
  });

  it("names the file when the data is truncated", () => {
    const bytes = encodeNpy(new Float32Array(10), [10]);
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 4), "data/x.npy")).toThrow(/data\/x.npy: truncated/);
    expect(() => parseNpy(Buffer.from("not numpy at all"), "data/x.npy")).toThrow(/bad magic/);
  });
});

describe("dataset directories", () => {
  it("refuses an empty calibration set and mismatched labels", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-npy-"));
    try {
      writeFileSync(join(dir, "x.npy"), encodeNpy(new Float32Array(0), [0, 4]));
      await expect(loadDataset(dir, { labels: false, purpose: "calibration" })).rejects.toThrow(
        /calibration set is empty/,
      );
      await writeDataset(dir, { x: new Float32Array(8), sampleShape: [4], count: 2 });
      writeFileSync(join(dir, "y.npy"), encodeNpy(Int32Array.from([1, 2, 3]), [3]));
      await expect(loadDataset(dir, { labels: true, purpose: "validation" })).rejects.toThrow(
        /y.npy: shape \[3\] must be \[2\]/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
