/** Builds a migrated, seeded SQLite template once; each test file copies it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { prepareDatabase } from "../../src/prepare-database.ts";

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "shiporskip-test-"));
  const template = join(dir, "template.sqlite");
  const handle = await prepareDatabase({ databaseUrl: undefined, sqlitePath: template }, () => {});
  await handle.close();
  project.provide("sqliteTemplate", template);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
  }
}
