// Deterministic simulated sensors: the same seed gives the same readings, so runs are reproducible.
// Wearables produce accelerometer windows (gait at ~2 Hz plus noise), gateways vibration windows
// (a machine hum with harmonics and an occasional fault spike).
import type { THardwareClass } from "@fleet/protocol";
import { seededRandom } from "@fleet/runtime";

/** A stable seed from a device id (FNV-1a). */
export function seedFromId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

export class SimulatedSensor {
  private readonly random: () => number;
  private tick = 0;

  constructor(
    readonly deviceClass: THardwareClass,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** The next window of `size` readings, scaled to roughly [0, 1] like normalised model inputs. */
  next(size: number): Float32Array {
    const out = new Float32Array(size);
    const t0 = this.tick++;
    const noise = () => (this.random() - 0.5) * 0.1;
    if (this.deviceClass === "wearable") {
      for (let i = 0; i < size; i++) {
        const t = (t0 * size + i) / 50; // 50 Hz accelerometer
        out[i] = 0.5 + 0.35 * Math.sin(2 * Math.PI * 2 * t) + noise();
      }
    } else {
      const fault = this.random() < 0.05 ? 0.4 : 0;
      for (let i = 0; i < size; i++) {
        const t = (t0 * size + i) / 1000; // 1 kHz vibration
        out[i] =
          0.5 +
          0.2 * Math.sin(2 * Math.PI * 50 * t) +
          0.1 * Math.sin(2 * Math.PI * 150 * t) +
          (i === 0 ? fault : 0) +
          noise();
      }
    }
    return out;
  }
}
