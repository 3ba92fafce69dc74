// Worker-thread entry of a quantization job: TypeScript through tsx (as bin/fleet-console.mjs does),
// then the job itself. A worker keeps the console's event loop free while TF.js computes.
import { register } from "tsx/esm/api";

register();
await import("./quantize-worker.ts");
