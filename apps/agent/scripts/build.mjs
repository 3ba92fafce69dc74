#!/usr/bin/env node
// Precompiles the agent for devices: one ESM bundle (apps/agent/dist/main.js) holding the agent, its
// workspace packages and their npm dependencies, so `fleet-agent` starts on plain Node without the
// tsx loader and without Node's CommonJS-from-ESM translation of the TF.js packages (together about
// half the agent's RSS). The TF.js wasm binaries are copied next to the bundle. bin/fleet-agent.mjs
// runs the bundle only while it is newer than every source it was built from (dist/build-info.json),
// else the TypeScript sources through tsx, so a stale build never runs.
//   node apps/agent/scripts/build.mjs
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(app, "../..");
const dist = path.join(app, "dist");
const started = Date.now();

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// Minified: V8 keeps every script's source text on the heap (for lazy compilation and
// Function.prototype.toString), and shorter names shrink scope and feedback data too; saves ~MB of
// the agent's RSS at no run-time cost (bench/agent/agent-bench.ts). Names are kept so errors and
// logs still name classes and functions. Sourcemaps are not emitted (they would cost memory when
// node loads them with --enable-source-maps).
const options = { minify: true, keepNames: true, legalComments: "none" };

const result = await build({
  ...options,
  entryPoints: [path.join(app, "src/main.ts")],
  outdir: dist,
  // modules imported dynamically (the tfjs-converter for graph models, the cpu fallback backend) go
  // into chunks that are only read when used
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  metafile: true,
  logLevel: "warning",
  // CommonJS packages inside an ESM bundle still ask for require, __dirname and __filename.
  banner: {
    js: [
      'import { createRequire as __fleetCreateRequire } from "node:module";',
      'import { fileURLToPath as __fleetFileURLToPath } from "node:url";',
      "const require = __fleetCreateRequire(import.meta.url);",
      "const __filename = __fleetFileURLToPath(import.meta.url);",
      'const __dirname = __fleetFileURLToPath(new URL(".", import.meta.url));',
    ].join("\n"),
  },
  // Native addons stay outside the bundle and resolve from apps/agent/node_modules at run time:
  // tfjs-node is optional (runtime/src/backend.ts imports it by a variable); onnxruntime-node (a
  // dependency of this app for that reason) is imported only when an onnx variant runs or is probed.
  external: ["@tensorflow/tfjs-node", "onnxruntime-node"],
});

// The wasm backend loads its binaries from the directory of the output file holding it (__dirname above).
const runtimeRequire = createRequire(path.join(root, "packages/runtime/package.json"));
const wasmEntry = runtimeRequire.resolve("@tensorflow/tfjs-backend-wasm");
const wasmOutput = Object.entries(result.metafile.outputs).find(([, output]) =>
  Object.keys(output.inputs).some((input) => path.resolve(process.cwd(), input) === wasmEntry),
);
if (!wasmOutput) throw new Error("build: @tensorflow/tfjs-backend-wasm is not in the bundle");
const wasmDir = path.dirname(path.resolve(process.cwd(), wasmOutput[0]));
for (const file of readdirSync(path.dirname(wasmEntry)).filter((f) => f.endsWith(".wasm")))
  copyFileSync(path.join(path.dirname(wasmEntry), file), path.join(wasmDir, file));

// Every input outside node_modules, plus the lockfile (a dependency update re-runs the build).
const inputs = Object.keys(result.metafile.inputs)
  .map((p) => path.resolve(process.cwd(), p))
  .filter((p) => !p.split(path.sep).includes("node_modules"))
  .map((p) => path.relative(app, p));
inputs.push(path.relative(app, path.join(root, "pnpm-lock.yaml")), "package.json", "scripts/build.mjs");
writeFileSync(
  path.join(dist, "build-info.json"),
  `${JSON.stringify({ builtAt: started, options, inputs }, null, 2)}\n`,
);
process.stdout.write(`fleet-agent: built dist/main.js from ${inputs.length} sources in ${Date.now() - started} ms\n`);
