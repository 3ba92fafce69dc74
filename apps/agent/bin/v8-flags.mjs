// V8 flags the fleet-agent bin applies at start-up (every command but `simulate`), before any JavaScript or
// WebAssembly of the agent is compiled (v8.setFlagsFromString; both flags are read when code is
// compiled or the heap grows, so they take effect at run time, unlike heap-size flags such as
// --max-semi-space-size, which only work on node's command line or in NODE_OPTIONS: see the systemd unit).
//   --liftoff-only       the TF.js wasm kernels stay on V8's baseline compiler: no TurboFan tier-up,
//                        whose compile memory (malloc'd zones, kept by glibc) added 10-25 MB of RSS
//                        once inference ran; MNIST at 10 inferences/s stays sub-millisecond
//   --optimize-for-size  smaller heap growth steps and fewer optimised JS functions (the agent's JS is
//                        not on the hot path; the model runs in wasm)
// FLEET_AGENT_V8_FLAGS replaces the list ("" applies none), e.g. for a device that needs the speed.
// Measured by bench/agent/agent-bench.ts.
import v8 from "node:v8";

export const DEFAULT_V8_FLAGS = "--liftoff-only --optimize-for-size";

/** The flags the bin applies for these arguments (process.argv.slice(2)) under `env`. */
export function agentV8Flags(args, env = process.env) {
  if (args.includes("simulate")) return []; // the simulator is a load tool on a server: full speed
  return (env.FLEET_AGENT_V8_FLAGS ?? DEFAULT_V8_FLAGS).split(/\s+/).filter(Boolean);
}

export function applyV8Flags(flags) {
  for (const flag of flags) v8.setFlagsFromString(flag);
}
