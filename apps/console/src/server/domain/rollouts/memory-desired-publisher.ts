// An in-memory DesiredPublisher for tests and the benchmark: keeps what a broker would retain.
import type { TDesiredPayload } from "@fleet/protocol";
import type { TDesiredPublisher } from "./rollout-deps.ts";

export class MemoryDesiredPublisher implements TDesiredPublisher {
  /** Every publish, in order. */
  readonly log: Array<{ deviceId: string; payload: TDesiredPayload }> = [];
  /** The retained message per device (the last one published). */
  readonly retained = new Map<string, TDesiredPayload>();
  /** Set to make publishes fail (broker down), e.g. `() => new Error("down")`; or fail after N publishes. */
  failWith: ((deviceId: string) => Error | null) | null = null;
  private listeners: Array<(deviceId: string, payload: TDesiredPayload) => void> = [];

  async publish(deviceId: string, payload: TDesiredPayload): Promise<void> {
    const error = this.failWith?.(deviceId) ?? null;
    if (error) throw error;
    this.log.push({ deviceId, payload });
    this.retained.set(deviceId, payload);
    for (const listener of this.listeners) listener(deviceId, payload);
  }

  /** Called on every successful publish (a connected simulated agent). */
  onPublish(listener: (deviceId: string, payload: TDesiredPayload) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** How often `deviceId` got revision `rev`. */
  count(deviceId: string, rev?: number): number {
    return this.log.filter((entry) => entry.deviceId === deviceId && (rev === undefined || entry.payload.rev === rev))
      .length;
  }
}
