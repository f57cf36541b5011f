/**
 * The layering rule of docs/decisions/011-layers.md, checked on every file under src/:
 *
 *   composition  app.tsx, main.ts, instance.ts, server.ts, prepare-database.ts, cli/, seed/
 *   features     features/<name>/ (another feature only through its index.ts; no cycles)
 *   shared       http/, ui/, mail/ (know no feature)
 *   base         db/, domain/, config.ts (domain imports only domain)
 *
 * Imports point down the list only. A failure names the file and the import that breaks it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { layerViolations, type SourceFile } from "./support/layers.ts";

const SRC = resolve(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Every relative import, re-export and dynamic import of a file, resolved to a path under src/. */
function importsOf(file: string, text: string): string[] {
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?\sfrom\s+["']([^"']+)["']/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] as string);
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) =>
      relative(SRC, resolve(dirname(file), s))
        .split("\\")
        .join("/"),
    );
}

function readTree(): SourceFile[] {
  return sourceFiles(SRC).map((path) => {
    const text = readFileSync(path, "utf8");
    return { path: relative(SRC, path).split("\\").join("/"), imports: importsOf(path, text) };
  });
}

describe("the import graph of src/", () => {
  it("points one way: shared layers know no feature, features meet through their index, no feature cycles", () => {
    const problems = layerViolations(readTree());
    expect(problems, `\n${problems.join("\n")}\n`).toEqual([]);
  });
});

describe("the layer check itself", () => {
  const ok: SourceFile[] = [
    { path: "domain/panel.ts", imports: [] },
    { path: "db/types.ts", imports: ["domain/panel.ts"] },
    { path: "http/page.tsx", imports: ["ui/layout.tsx", "db/types.ts"] },
    { path: "features/tools/index.ts", imports: ["features/tools/model.ts"] },
    { path: "features/tools/model.ts", imports: ["db/types.ts"] },
    { path: "features/catalog/routes.tsx", imports: ["features/tools/index.ts", "http/page.tsx"] },
    { path: "app.tsx", imports: ["features/catalog/routes.tsx", "features/tools/model.ts"] },
  ];

  it("passes a tree that keeps the rule", () => {
    expect(layerViolations(ok)).toEqual([]);
  });

  it("names a shared layer that imports a feature", () => {
    const tree = [...ok, { path: "http/viewer.ts", imports: ["features/accounts/service.ts"] }];
    expect(layerViolations(tree)).toEqual([
      "http/viewer.ts imports features/accounts/service.ts: http is a shared layer and must not import a feature",
    ]);
  });

  it("names a base layer that imports upward, and domain importing anything but domain", () => {
    const tree = [
      ...ok,
      { path: "config.ts", imports: ["features/newsletter/schedule.ts"] },
      { path: "domain/x.ts", imports: ["db/types.ts"] },
    ];
    expect(layerViolations(tree)).toEqual([
      "config.ts imports features/newsletter/schedule.ts: config.ts is a base layer and may import only db/, domain/ and config.ts",
      "domain/x.ts imports db/types.ts: domain/ is pure and may import only domain/",
    ]);
  });

  it("names a feature that reaches into another's internals, or into the composition layer", () => {
    const tree = [
      ...ok,
      { path: "features/bookmarks/routes.tsx", imports: ["features/tools/model.ts", "cli/progress-bar.ts"] },
    ];
    expect(layerViolations(tree)).toEqual([
      "features/bookmarks/routes.tsx imports cli/progress-bar.ts: a feature must not import the composition layer (cli/)",
      "features/bookmarks/routes.tsx imports features/tools/model.ts: use what features/tools/index.ts exports",
    ]);
  });

  it("names every import on a cycle between features", () => {
    const tree = [
      ...ok,
      { path: "features/community/index.ts", imports: ["features/community/service.ts"] },
      { path: "features/community/service.ts", imports: ["features/catalog/index.ts"] },
      { path: "features/catalog/index.ts", imports: ["features/catalog/routes.tsx"] },
      { path: "features/catalog/views.tsx", imports: ["features/community/index.ts"] },
    ];
    expect(layerViolations(tree)).toEqual([
      "features catalog → community → catalog form a cycle: features/catalog/views.tsx imports features/community/index.ts; features/community/service.ts imports features/catalog/index.ts",
    ]);
  });
});
