// Type-checks every workspace package with its own tsconfig (tsc 5.x; see package.json).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsc = path.join(root, "node_modules", ".bin", "tsc");
let failed = 0;
for (const group of ["packages", "apps", "tests", "bench"]) {
  const dir = path.join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const config = path.join(dir, name, "tsconfig.json");
    if (!existsSync(config)) continue;
    const result = spawnSync(tsc, ["-p", config, "--noEmit"], { stdio: "inherit" });
    process.stdout.write(`${result.status === 0 ? "ok  " : "FAIL"} ${group}/${name}\n`);
    if (result.status !== 0) failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
