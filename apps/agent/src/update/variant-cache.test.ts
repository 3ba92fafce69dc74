// The variant cache's URLs: files beside the manifest keep its signed query string.
import { describe, expect, it } from "vitest";
import { fileUrl } from "./variant-cache.ts";

describe("variant file URLs", () => {
  it("keeps a signed URL's query for the files beside the manifest", () => {
    expect(fileUrl("https://c.example/a/v1/manifest.json?exp=1&sig=x", "group1-shard1of1.bin")).toBe(
      "https://c.example/a/v1/group1-shard1of1.bin?exp=1&sig=x",
    );
  });
});
