// Battery level of a wearable: read from the kernel when the device has one, simulated otherwise
// (deterministic per seed: drains with time and inferences, recharges when it reaches 15 %).
import { readFileSync } from "node:fs";
import { seededRandom } from "@fleet/runtime";

const SYSFS_CAPACITY = ["/sys/class/power_supply/BAT0/capacity", "/sys/class/power_supply/battery/capacity"];

export function readSystemBattery(files: readonly string[] = SYSFS_CAPACITY): number | undefined {
  for (const file of files) {
    try {
      const value = Number(readFileSync(file, "utf8").trim());
      if (Number.isFinite(value) && value >= 0 && value <= 100) return value;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export class SimulatedBattery {
  private level: number;
  private charging = false;

  constructor(seed: number) {
    this.level = 60 + seededRandom(seed)() * 40;
  }

  /** Advances the simulation by one interval and returns the level, 0..100, one decimal. */
  sample(intervalSec: number, inferences: number): number {
    if (this.charging) {
      this.level = Math.min(100, this.level + intervalSec * 0.05);
      if (this.level >= 100) this.charging = false;
    } else {
      this.level = Math.max(0, this.level - intervalSec * 0.002 - inferences * 0.0005);
      if (this.level <= 15) this.charging = true;
    }
    return Math.round(this.level * 10) / 10;
  }
}
