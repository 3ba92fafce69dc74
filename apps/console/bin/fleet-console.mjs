#!/usr/bin/env node
// Runs the TypeScript entry point through tsx; no compile step for the CLI itself.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
