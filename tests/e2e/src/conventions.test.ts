import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./stack-process.ts";

// DESIGN.md's rules that a reviewer would otherwise have to remember: who may import whom, and
// one validated config module per app reading the environment.

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      if (name === "node_modules" || name === "generated" || name === ".next") continue;
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|tsx|mts)$/.test(name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

const isTestCode = (file: string) => /\.test\.tsx?$|[/\\](test-support|testing)[/\\]|test-helpers\.ts$/.test(file);

function workspaces(): { name: string; dir: string }[] {
  return ["apps", "packages"].flatMap((group) =>
    readdirSync(path.join(repoRoot, group))
      .filter((name) => statSync(path.join(repoRoot, group, name, "src"), { throwIfNoEntry: false })?.isDirectory())
      .map((name) => ({ name: `${group}/${name}`, dir: path.join(repoRoot, group, name, "src") })),
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](@fleet\/[a-z0-9-]+)/g)].map((m) => m[1]!);
}

// Which @fleet packages each workspace may import (DESIGN.md, "Who may import whom"). Every app and
// package may log through @fleet/log except the leaf packages protocol and runtime; @fleet/log itself
// imports nothing of ours.
const ALLOWED: Record<string, (pkg: string) => boolean> = {
  "packages/protocol": () => false,
  "packages/runtime": () => false,
  "packages/log": () => false,
  "packages/db": (pkg) => pkg === "@fleet/log",
  "packages/quantize": (pkg) => ["@fleet/runtime", "@fleet/log"].includes(pkg),
  "apps/agent": (pkg) => ["@fleet/protocol", "@fleet/runtime", "@fleet/log"].includes(pkg),
  "apps/broker": (pkg) => pkg.startsWith("@fleet/") && !["@fleet/agent", "@fleet/console"].includes(pkg),
  "apps/console": (pkg) => pkg.startsWith("@fleet/") && !["@fleet/agent", "@fleet/broker"].includes(pkg),
};

describe("conventions of DESIGN.md", () => {
  it("apps never import each other, and packages import only what they may", () => {
    const violations: string[] = [];
    for (const { name, dir } of workspaces()) {
      const allowed = ALLOWED[name] ?? (() => false);
      for (const file of sourceFiles(dir)) {
        for (const pkg of importsOf(file)) {
          const self = `@fleet/${name.split("/")[1]}`;
          if (pkg !== self && !allowed(pkg)) violations.push(`${path.relative(repoRoot, file)} imports ${pkg}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("only each app's config module reads process.env (tests and test helpers aside)", () => {
    const readers: string[] = [];
    for (const { dir } of workspaces()) {
      for (const file of sourceFiles(dir)) {
        if (isTestCode(file)) continue;
        const code = readFileSync(file, "utf8")
          .replace(/\/\/.*$/gm, "")
          .replace(/\/\*[\s\S]*?\*\//g, "");
        if (/process\.env\b/.test(code) && !/[/\\]config\.ts$/.test(file)) readers.push(path.relative(repoRoot, file));
      }
    }
    expect(readers).toEqual([]);
  });
});
