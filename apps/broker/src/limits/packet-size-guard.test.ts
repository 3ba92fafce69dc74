import { describe, expect, it } from "vitest";
import { createPacketSizeScanner } from "./packet-size-guard.ts";

// PUBLISH QoS 0 to topic "t" with an n-byte payload: header 0x30, remaining length, 0x00 0x01 't', payload.
function publish(payloadBytes: number): Buffer {
  const remaining = 3 + payloadBytes;
  const length: number[] = [];
  let x = remaining;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    length.push(byte);
  } while (x > 0);
  return Buffer.concat([Buffer.from([0x30, ...length, 0x00, 0x01, 0x74]), Buffer.alloc(payloadBytes)]);
}

describe("packet size scanner", () => {
  it("passes packets up to the limit, across any chunking", () => {
    const stream = Buffer.concat([publish(10), publish(1000), Buffer.from([0xc0, 0x00]), publish(2000)]);
    for (const size of [1, 2, 3, 7, 100, stream.length]) {
      const scan = createPacketSizeScanner(2006);
      for (let i = 0; i < stream.length; i += size) expect(scan(stream.subarray(i, i + size))).toBeNull();
    }
  });

  it("flags the first packet whose header announces more than the limit, before its body arrives", () => {
    const scan = createPacketSizeScanner(1024);
    expect(scan(publish(100))).toBeNull();
    const big = publish(5000);
    expect(scan(big.subarray(0, 3))).toEqual({ announcedBytes: big.length, maxBytes: 1024 });
  });

  it("flags a length split across chunks", () => {
    const scan = createPacketSizeScanner(1024);
    expect(scan(Buffer.from([0x30, 0xff]))).toBeNull();
    expect(scan(Buffer.from([0xff, 0x7f]))).toEqual({ announcedBytes: 4 + 0x1fffff, maxBytes: 1024 });
  });
});
