/** Reads the starter catalog's data files and validates them with the app's schemas. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type CategoryInput, categorySchema, type ToolInput, toolSchema } from "../domain/catalog-schema.ts";

const here = import.meta.dirname;

export interface StarterCatalog {
  categories: CategoryInput[];
  tools: ToolInput[];
}

function formatIssues(file: string, error: z.ZodError): string {
  return error.issues.map((i) => `${file}: ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
}

/** Loads and validates every starter file; throws one error listing every problem found. */
export function loadStarterCatalog(dir = here): StarterCatalog {
  const problems: string[] = [];
  const catFile = join(dir, "categories.json");
  const cats = z.array(categorySchema).safeParse(JSON.parse(readFileSync(catFile, "utf8")));
  if (!cats.success) problems.push(formatIssues("categories.json", cats.error));
  const categories = cats.success ? cats.data : [];
  const catSlugs = new Set(categories.map((c) => c.slug));

  const tools: ToolInput[] = [];
  const toolDir = join(dir, "tools");
  for (const file of readdirSync(toolDir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(toolDir, file), "utf8"));
    } catch (err) {
      problems.push(`tools/${file}: not valid JSON: ${(err as Error).message}`);
      continue;
    }
    const parsed = toolSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(formatIssues(`tools/${file}`, parsed.error));
      continue;
    }
    const tool = parsed.data;
    if (`${tool.slug}.json` !== file)
      problems.push(`tools/${file}: slug "${tool.slug}" must match the file name`);
    if (!catSlugs.has(tool.category)) problems.push(`tools/${file}: unknown category "${tool.category}"`);
    tools.push(tool);
  }
  const slugs = new Set(tools.map((t) => t.slug));
  for (const tool of tools) {
    for (const c of tool.competitors) {
      if (c.slug && !slugs.has(c.slug)) {
        problems.push(`tools/${tool.slug}.json: competitor slug "${c.slug}" is not in the catalog`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`Starter catalog is invalid:\n${problems.join("\n")}`);
  return { categories, tools };
}
