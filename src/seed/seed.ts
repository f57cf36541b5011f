/**
 * Loads the starter catalog into an empty database; does nothing when tools already exist.
 * It writes through the tool model and the panel's publish path, like any other writer.
 */

import type { Db } from "../db/types.ts";
import { SAMPLE_PANEL } from "../domain/byline.ts";
import { PERSONAS } from "../domain/catalog-schema.ts";
import { publishRevision, recomputePanel } from "../features/panel/index.ts";
import { toolRowOf } from "../features/tools/index.ts";
import { loadStarterCatalog, type StarterCatalog } from "./catalog.ts";

/** Seeds categories, tools, competitors and the sample panel's reviews in one transaction. */
export async function seedStarterCatalog(
  db: Db,
  catalog: StarterCatalog = loadStarterCatalog(),
): Promise<{ seeded: boolean; tools: number }> {
  const existing = await db
    .selectFrom("tools")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  if (Number(existing?.n ?? 0) > 0) return { seeded: false, tools: Number(existing?.n) };

  await db.transaction().execute(async (trx) => {
    const categoryIds = new Map<string, number>();
    for (const c of catalog.categories) {
      const row = await trx
        .insertInto("categories")
        .values({ slug: c.slug, name: c.name, description: c.description })
        .returning("id")
        .executeTakeFirstOrThrow();
      categoryIds.set(c.slug, row.id);
    }

    const toolIds = new Map<string, number>();
    const now = new Date().toISOString();
    for (const t of catalog.tools) {
      const row = await trx
        .insertInto("tools")
        .values({ ...toolRowOf(t, categoryIds.get(t.category) as number), created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      toolIds.set(t.slug, row.id);
      if (t.deployment.length > 0) {
        await trx
          .insertInto("tool_deployments")
          .values([...new Set(t.deployment)].map((d) => ({ tool_id: row.id, deployment: d })))
          .execute();
      }
    }

    for (const t of catalog.tools) {
      const toolId = toolIds.get(t.slug) as number;
      if (t.competitors.length > 0) {
        await trx
          .insertInto("tool_competitors")
          .values(
            t.competitors.map((c, i) => ({
              tool_id: toolId,
              position: i,
              name: c.name,
              competitor_tool_id: c.slug ? (toolIds.get(c.slug) ?? null) : null,
            })),
          )
          .execute();
      }
      const publishedAt = Date.parse(`${t.addedAt}T09:00:00.000Z`);
      for (const persona of PERSONAS) {
        await publishRevision(trx, {
          toolId,
          persona,
          review: t.panel[persona],
          author: SAMPLE_PANEL,
          authorId: null,
          provenance: "panelist",
          modelName: null,
          now: publishedAt,
        });
      }
      await recomputePanel(trx, toolId);
    }
  });
  return { seeded: true, tools: catalog.tools.length };
}
