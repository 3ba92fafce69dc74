import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./stack-process.ts";

// The design's rules (docs/architecture.md) that a reviewer would otherwise have to remember: who may import whom, and
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

// Tests sit beside their module as `*.test.ts(x)`; test helpers live in a `testing/` folder (of the
// package, or of a domain folder). The one rule for what is test code; the last test below holds
// every workspace to it.
const isTestCode = (file: string) => /\.test\.tsx?$|[/\\]testing[/\\]/.test(file);

/** Other spellings of "test helper" the convention replaced: a `test-support/` folder, `test-helpers*`, `*.testing.ts`. */
const OTHER_HELPER_SPELLING = /[/\\]test-support[/\\]|[/\\]test-helpers?[^/\\]*$|\.testing\.[cm]?tsx?$/;

function workspaces(): { name: string; dir: string }[] {
  return ["apps", "packages"].flatMap((group) =>
    readdirSync(path.join(repoRoot, group))
      .filter((name) => statSync(path.join(repoRoot, group, name, "src"), { throwIfNoEntry: false })?.isDirectory())
      .map((name) => ({ name: `${group}/${name}`, dir: path.join(repoRoot, group, name, "src") })),
  );
}

/** Relative imports (static and dynamic) of a file, as written. */
function relativeImportsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](@fleet\/[a-z0-9-]+)/g)].map((m) => m[1]!);
}

// Which other @fleet packages each workspace may import (docs/architecture.md, "Layout and who may import whom").
// Every app and package may log through @fleet/log except the leaf packages protocol, runtime,
// settings and variants; @fleet/log itself imports nothing of ours.
const ALLOWED: Record<string, (pkg: string) => boolean> = {
  "packages/variants": () => false,
  "packages/settings": () => false,
  "packages/protocol": () => false,
  "packages/runtime": () => false,
  "packages/log": () => false,
  "packages/db": (pkg) => pkg === "@fleet/log",
  "packages/quantize": (pkg) => ["@fleet/runtime", "@fleet/log"].includes(pkg),
  "apps/agent": (pkg) => ["@fleet/protocol", "@fleet/runtime", "@fleet/log"].includes(pkg),
  "apps/broker": (pkg) => pkg.startsWith("@fleet/") && !["@fleet/agent", "@fleet/console"].includes(pkg),
  "apps/console": (pkg) => pkg.startsWith("@fleet/") && !["@fleet/agent", "@fleet/broker"].includes(pkg),
};

// Leaf packages every app and package may import (they import nothing of ours): the settings table
// and the vocabulary of variants.
const IMPORTED_BY_ALL = ["@fleet/settings", "@fleet/variants"];

describe("conventions of docs/architecture.md", () => {
  it("apps never import each other, and packages import only what they may", () => {
    const violations: string[] = [];
    for (const { name, dir } of workspaces()) {
      const allowed = ALLOWED[name] ?? (() => false);
      for (const file of sourceFiles(dir)) {
        for (const pkg of importsOf(file)) {
          const self = `@fleet/${name.split("/")[1]}`;
          if (pkg === self || IMPORTED_BY_ALL.includes(pkg)) continue;
          if (!allowed(pkg)) violations.push(`${path.relative(repoRoot, file)} imports ${pkg}`);
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

  it("test helpers live in testing/ folders and reach other packages only through their ./testing export", () => {
    const misplaced: string[] = [];
    const outside: string[] = [];
    for (const { dir } of workspaces()) {
      const workspace = path.dirname(dir);
      for (const file of sourceFiles(dir)) {
        if (OTHER_HELPER_SPELLING.test(file)) misplaced.push(path.relative(repoRoot, file));
        for (const specifier of relativeImportsOf(file)) {
          const target = path.resolve(path.dirname(file), specifier);
          if (!target.startsWith(workspace + path.sep))
            outside.push(`${path.relative(repoRoot, file)} imports ${specifier}`);
        }
      }
      const manifest = JSON.parse(readFileSync(path.join(workspace, "package.json"), "utf8")) as {
        exports?: Record<string, string>;
      };
      const testing = manifest.exports?.["./testing"];
      if (testing !== undefined && !isTestCode(testing))
        misplaced.push(`${path.relative(repoRoot, workspace)}/package.json exports ./testing from ${testing}`);
    }
    expect(misplaced).toEqual([]);
    expect(outside).toEqual([]);
    // The rule itself, on the spellings it replaced.
    expect(
      [
        "apps/x/src/testing/harness.ts",
        "apps/x/src/domain/rollouts/testing/fixtures.ts",
        "apps/x/src/foo.test.ts",
        "apps/x/src/test-support/harness.ts",
        "apps/x/src/test-helpers.ts",
        "packages/x/src/embedded/wire.testing.ts",
        "apps/x/src/foo.ts",
      ].map((file) => [isTestCode(file), OTHER_HELPER_SPELLING.test(file)]),
    ).toEqual([
      [true, false],
      [true, false],
      [true, false],
      [false, true],
      [false, true],
      [false, true],
      [false, false],
    ]);
  });
});
