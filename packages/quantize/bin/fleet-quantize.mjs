#!/usr/bin/env node
// Runs the TypeScript sources directly (packages export source-first).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
