// CPU share of the whole machine and resident memory of this process, per telemetry interval.
import os from "node:os";
import { MB } from "@fleet/runtime";

export class ProcessStats {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private readonly cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

  /** CPU used since the previous call, as a percentage of all cores (0..100). */
  cpuPct(): number {
    const cpu = process.cpuUsage(this.lastCpu);
    const now = performance.now();
    const elapsedUs = (now - this.lastAt) * 1000;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    if (elapsedUs <= 0) return 0;
    const pct = ((cpu.user + cpu.system) / (elapsedUs * this.cores)) * 100;
    return Math.round(Math.min(100, Math.max(0, pct)) * 100) / 100;
  }

  rssMb(): number {
    return Math.round((process.memoryUsage.rss() / MB) * 10) / 10;
  }
}
