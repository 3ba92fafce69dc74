#!/usr/bin/env node
// Runs the precompiled bundle (dist/main.js, from `node scripts/build.mjs`, which the root setup
// runs) when it is newer than every source it was built from: plain Node, no TypeScript loader,
// about half the memory. Otherwise (no build, or a source edited since) the TypeScript sources run
// through tsx, so a stale bundle never runs.
import { readFileSync, statSync } from "node:fs";
import { agentV8Flags, applyV8Flags } from "./v8-flags.mjs";

// memory flags for small devices (see v8-flags.mjs), before the agent's code is loaded
applyV8Flags(agentV8Flags(process.argv.slice(2)));

const app = new URL("../", import.meta.url);

function freshBundle() {
  try {
    const info = JSON.parse(readFileSync(new URL("dist/build-info.json", app), "utf8"));
    statSync(new URL("dist/main.js", app));
    return info.inputs.every((input) => statSync(new URL(input, app)).mtimeMs <= info.builtAt);
  } catch {
    return false; // no bundle, or a source it names is gone
  }
}

if (freshBundle()) {
  await import("../dist/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
