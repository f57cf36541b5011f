/** Validates the starter catalog files and prints every problem; exit code 1 when any. */
import { loadStarterCatalog } from "./catalog.ts";

try {
  const { tools, categories } = loadStarterCatalog();
  console.log(`catalog ok: ${tools.length} tools in ${categories.length} categories`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
