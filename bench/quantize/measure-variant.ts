// Child process of the benchmark: loads one variant with the runtime in a fresh process (so RSS
// belongs to this variant alone) and prints its load time, latency and memory as JSON.
import { describeBackend, loadVariant } from "../../packages/runtime/src/index.ts";

const [dir, runsArg] = process.argv.slice(2);
if (!dir) throw new Error("usage: measure-variant.ts <variant dir> [runs]");
const rssBefore = process.memoryUsage().rss;
const loaded = await loadVariant(dir);
const latency = loaded.measureLatency(Number(runsArg ?? 100), 10);
const memory = loaded.memory();
process.stdout.write(
  JSON.stringify({
    backend: describeBackend(loaded.backend),
    loadMs: loaded.loadMs,
    medianMs: latency.medianMs,
    p95Ms: latency.p95Ms,
    rssMB: memory.rssMB,
    rssGrowthMB: (process.memoryUsage().rss - rssBefore) / (1024 * 1024),
    bytes: loaded.manifest?.bytes ?? 0,
  }),
);
loaded.dispose();
