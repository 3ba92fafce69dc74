#!/usr/bin/env node
// Entry point of `npm start` / `npm test` on a fresh clone with only Node.js and npm:
// installs the pinned pnpm locally, installs the workspace, generates the Prisma client,
// then migrates and starts the stack, or runs every test. Plain Node: nothing is installed yet.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync, chmodSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startStack } from "./start-stack.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tools = path.join(root, ".tools");
const ci = process.env.CI === "true" || process.env.CI === "1";

function log(message) {
  process.stdout.write(`\x1b[36mfleet\x1b[0m ${message}\n`);
}

function die(message, code = 1) {
  process.stderr.write(`fleet: ${message}\n`);
  process.exit(code);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) die(`${command} could not start: ${result.error.message}`);
  return result.status ?? 1;
}

function mustRun(label, command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) die(`${label} failed (exit ${status})`, status);
}

/** pnpm at the version `packageManager` pins, installed with npm into .tools (no global pnpm). */
function ensurePnpm() {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(pkg.packageManager ?? "");
  if (!match) die("package.json must pin pnpm in packageManager (pnpm@x.y.z)");
  const version = match[1];
  const dir = path.join(tools, `pnpm-${version}`);
  const entry = path.join(dir, "node_modules", "pnpm", "bin", "pnpm.mjs");
  if (!existsSync(entry)) {
    log(`installing pnpm ${version} into .tools (once)`);
    mkdirSync(dir, { recursive: true });
    // Its own package.json keeps npm from walking up to our workspace manifest.
    writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
    mustRun(
      "installing pnpm",
      "npm",
      ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", `pnpm@${version}`],
      { cwd: dir },
    );
  }
  return entry;
}

function pnpm(entry, args, label) {
  mustRun(label ?? `pnpm ${args.join(" ")}`, process.execPath, [entry, ...args]);
}

/**
 * The schema engine binary that Prisma's own packages keep: @prisma/engines' folder, where its install
 * script downloads it, named for this platform. The Prisma CLI finds it there itself. null when absent.
 */
async function bundledSchemaEngine() {
  try {
    const prismaDir = realpathSync(path.join(root, "node_modules", "prisma"));
    const enginesDir = path.dirname(
      createRequire(path.join(prismaDir, "package.json")).resolve("@prisma/engines/package.json"),
    );
    const platform = createRequire(path.join(enginesDir, "package.json"))("@prisma/get-platform");
    const target = await platform.getBinaryTargetForCurrentPlatform();
    const file = path.join(enginesDir, `schema-engine-${target}${target === "windows" ? ".exe" : ""}`);
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/**
 * What `prisma generate` gets for a schema engine. Generating needs none, but without one the CLI
 * tries to download it (impossible offline). PRISMA_SCHEMA_ENGINE_BINARY when set, else Prisma's own
 * binary when installed (nothing to set), else a stub that only says it is one, with one line saying so.
 */
async function schemaEngineEnv() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY) return {};
  if (await bundledSchemaEngine()) return {};
  const stub = path.join(tools, "schema-engine-stub");
  mkdirSync(tools, { recursive: true });
  writeFileSync(
    stub,
    '#!/bin/sh\necho "prisma schema engine is not available here; migrations are applied by fleet-db" >&2\nexit 1\n',
  );
  chmodSync(stub, 0o755);
  log(
    "Prisma's schema engine is not installed here: generating with a stub (PRISMA_SCHEMA_ENGINE_BINARY names a real one)",
  );
  return { PRISMA_SCHEMA_ENGINE_BINARY: stub };
}

/** Generates the Prisma client when schema.prisma or the Prisma version changed since the last run. */
async function generatePrismaClient() {
  const schema = readFileSync(path.join(root, "prisma", "schema.prisma"));
  const prismaPkg = path.join(root, "node_modules", "prisma", "package.json");
  const version = existsSync(prismaPkg) ? JSON.parse(readFileSync(prismaPkg, "utf8")).version : "?";
  const stamp = createHash("sha256").update(schema).update(version).digest("hex");
  const stampFile = path.join(tools, "prisma-client.stamp");
  const output = path.join(root, "packages", "db", "src", "generated", "prisma", "client.ts");
  if (existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return;
  const engineEnv = await schemaEngineEnv();
  log("generating the Prisma client");
  mustRun("prisma generate", path.join(root, "node_modules", ".bin", "prisma"), ["generate"], {
    env: {
      ...process.env,
      ...engineEnv,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  writeFileSync(stampFile, stamp);
}

async function setup() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) die(`Node.js 20 or newer is required (this is ${process.version})`);
  const entry = ensurePnpm();
  log(ci ? "installing dependencies (frozen lockfile)" : "installing dependencies");
  pnpm(entry, ["install", ...(ci ? ["--frozen-lockfile"] : []), "--reporter=append-only"], "pnpm install");
  await generatePrismaClient();
  // The agent runs precompiled on devices (half the memory of tsx); its bin falls back to the
  // sources whenever this build is older than them.
  mustRun("agent build", process.execPath, [path.join(root, "apps", "agent", "scripts", "build.mjs")]);
  return entry;
}

function bin(name) {
  return path.join(root, "node_modules", ".bin", name);
}

/** The console's production build, when its sources changed (tests and start then never race to build it). */
function buildConsole() {
  if (!existsSync(bin("fleet-console"))) return;
  mustRun("console build", bin("fleet-console"), ["build"]);
}

/** Biome's formatter and linter in check mode: a badly formatted or linted file fails the run before any test. */
function lint() {
  mustRun("format and lint check (npm run format fixes formatting)", bin("biome"), [
    "ci",
    "--error-on-warnings",
    "--reporter=summary",
    ".",
  ]);
}

function typecheck() {
  mustRun("typecheck", process.execPath, [path.join(root, "scripts", "typecheck.mjs")]);
}

function migrate() {
  mustRun("migrations", bin("fleet-db"), ["migrate"]);
}

const [command = "help", ...rest] = process.argv.slice(2);
switch (command) {
  case "setup":
    await setup();
    break;
  case "migrate":
    await setup();
    migrate();
    break;
  case "typecheck": {
    await setup();
    typecheck();
    break;
  }
  case "lint": {
    await setup();
    lint();
    break;
  }
  case "test": {
    await setup();
    log("checking formatting and lint rules (Biome)");
    lint();
    buildConsole();
    log("type-checking every package (strict TypeScript)");
    typecheck();
    log(`running every test${ci ? " (CI: tests that need PostgreSQL, Redis or Mosquitto must run)" : ""}`);
    process.exitCode = run(bin("vitest"), ["run", ...rest]);
    break;
  }
  case "start": {
    await setup();
    buildConsole();
    await startStack({ bin, log });
    break;
  }
  default:
    die(`unknown command ${command} (setup | migrate | start | test | typecheck | lint)`, 2);
}
