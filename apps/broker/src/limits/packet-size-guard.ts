// Enforces the largest MQTT packet per connection before the parser buffers it. aedes' parser
// (mqtt-packet) would otherwise accumulate a packet of up to 256 MiB that a CONNECTed-or-not client
// announces in its fixed header. This follows packet boundaries in the byte stream (fixed header:
// type byte + 1..4 byte remaining length [MQTT-2.2.3]) and cuts the connection as soon as a header
// announces more than the limit. Works on any Readable (TCP, TLS, WebSocket stream).
import type { Duplex } from "node:stream";
import { LimitError } from "./limit-error.ts";

export interface PacketSizeViolation {
  /** Size the fixed header announced: header bytes + remaining length. */
  readonly announcedBytes: number;
  readonly maxBytes: number;
}

type TState =
  | { at: "type" }
  | { at: "length"; value: number; multiplier: number; bytes: number }
  | { at: "body"; remaining: number }
  /** Malformed length: the parser will reject it, nothing more to follow. */
  | { at: "stop" };

/** A stateful scanner: feed() each chunk in order; returns a violation once, then stops. */
export function createPacketSizeScanner(maxBytes: number) {
  let state: TState = { at: "type" };
  return (chunk: Uint8Array): PacketSizeViolation | null => {
    let i = 0;
    while (i < chunk.length) {
      switch (state.at) {
        case "stop":
          return null;
        case "type":
          i++;
          state = { at: "length", value: 0, multiplier: 1, bytes: 0 };
          break;
        case "length": {
          const byte = chunk[i++] as number;
          state.value += (byte & 0x7f) * state.multiplier;
          state.multiplier *= 128;
          state.bytes++;
          if ((byte & 0x80) === 0) {
            const announcedBytes = 1 + state.bytes + state.value;
            if (announcedBytes > maxBytes) {
              state = { at: "stop" };
              return { announcedBytes, maxBytes };
            }
            state = state.value === 0 ? { at: "type" } : { at: "body", remaining: state.value };
          } else if (state.bytes === 4) {
            state = { at: "stop" };
          }
          break;
        }
        case "body": {
          const take = Math.min(state.remaining, chunk.length - i);
          i += take;
          state.remaining -= take;
          if (state.remaining === 0) state = { at: "type" };
          break;
        }
      }
    }
    return null;
  };
}

/**
 * Watches what aedes reads from `stream`. Attach after aedes.handle(): with aedes' "readable"
 * listener in place a "data" listener sees each chunk read() returns without switching the stream
 * to flowing mode.
 */
export function guardPacketSize(
  stream: Duplex,
  maxBytes: number,
  onViolation: (breach: LimitError, violation: PacketSizeViolation) => void,
): void {
  const scan = createPacketSizeScanner(maxBytes);
  const onData = (chunk: Uint8Array | string): void => {
    if (typeof chunk === "string") return;
    const violation = scan(chunk);
    if (violation === null) return;
    stream.off("data", onData);
    const { announcedBytes } = violation;
    onViolation(
      new LimitError("packet_size", `packet of ${announcedBytes} bytes announced, above ${maxBytes}`),
      violation,
    );
    stream.destroy();
  };
  stream.on("data", onData);
}
