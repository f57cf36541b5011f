/**
 * The layering rule as a pure check over a list of files and their imports (paths relative
 * to src/), so the architecture test can run it on the real tree and on made-up ones.
 * docs/decisions/011-layers.md explains the rule.
 */

export interface SourceFile {
  /** Path under src/, e.g. "features/catalog/routes.tsx". */
  path: string;
  /** Resolved paths under src/ of everything it imports. */
  imports: string[];
}

type Layer = "base" | "shared" | "feature" | "composition";

const BASE = ["db", "domain", "config.ts"];
const SHARED = ["http", "ui", "mail"];

function topOf(path: string): string {
  return path.split("/")[0] as string;
}

function layerOf(path: string): Layer {
  const top = topOf(path);
  if (BASE.includes(top)) return "base";
  if (SHARED.includes(top)) return "shared";
  if (top === "features") return "feature";
  return "composition";
}

/** "features/catalog/routes.tsx" → "catalog". */
function featureOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "features" ? parts[1] : undefined;
}

function layerName(path: string): string {
  const top = topOf(path);
  return top.includes(".") ? top : `${top}/`;
}

/** What is wrong with one import, or undefined when the rule allows it. */
function importProblem(from: string, to: string): string | undefined {
  const fromLayer = layerOf(from);
  const toLayer = layerOf(to);
  const says = `${from} imports ${to}`;
  if (fromLayer === "base") {
    if (topOf(from) === "domain" && topOf(to) !== "domain") {
      return `${says}: domain/ is pure and may import only domain/`;
    }
    if (toLayer !== "base") {
      return `${says}: ${layerName(from)} is a base layer and may import only db/, domain/ and config.ts`;
    }
    return undefined;
  }
  if (fromLayer === "shared") {
    if (toLayer === "feature")
      return `${says}: ${topOf(from)} is a shared layer and must not import a feature`;
    if (toLayer === "composition")
      return `${says}: a shared layer must not import the composition layer (${layerName(to)})`;
    return undefined;
  }
  if (fromLayer === "feature") {
    if (toLayer === "composition")
      return `${says}: a feature must not import the composition layer (${layerName(to)})`;
    const target = featureOf(to);
    if (target && target !== featureOf(from) && to !== `features/${target}/index.ts`) {
      return `${says}: use what features/${target}/index.ts exports`;
    }
  }
  return undefined;
}

/** Cycles between features, each named with the imports that close it. */
function featureCycles(files: SourceFile[]): string[] {
  const edges = new Map<string, Map<string, string[]>>();
  for (const f of files) {
    const from = featureOf(f.path);
    if (!from) continue;
    for (const to of f.imports) {
      const target = featureOf(to);
      if (!target || target === from) continue;
      const out = edges.get(from) ?? new Map<string, string[]>();
      edges.set(from, out);
      out.set(target, [...(out.get(target) ?? []), `${f.path} imports ${to}`]);
    }
  }
  // Tarjan's strongly connected components: every component of two or more features is a cycle
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((members) => {
    const inside = new Set(members);
    const imports = members.flatMap((m) =>
      [...(edges.get(m) ?? [])].filter(([to]) => inside.has(to)).flatMap(([, lines]) => lines),
    );
    return `features ${[...members, members[0]].join(" → ")} form a cycle: ${imports.join("; ")}`;
  });
}

/**
 * Every break of the layering rule in a tree, sorted: empty when the tree keeps it. Test files
 * are consumers, like the composition layer, and imports from outside src/ (test support) are
 * not the tree's own.
 */
export function layerViolations(all: SourceFile[]): string[] {
  const files = all
    .filter((f) => !/\.test\.tsx?$/.test(f.path))
    .map((f) => ({ ...f, imports: f.imports.filter((i) => !i.startsWith("../")) }));
  const problems = files.flatMap((f) =>
    f.imports.flatMap((to) => {
      const problem = importProblem(f.path, to);
      return problem ? [problem] : [];
    }),
  );
  return [...problems.sort(), ...featureCycles(files)];
}
