/** The catalog: categories, tools with structured pricing, competitors and persona reviews. */
import type { Kysely } from "kysely";
import { idColumn } from "./helpers.ts";

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable("categories"))
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable("tools"))
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("vendor", "text", (c) => c.notNull())
    .addColumn("category_id", "integer", (c) => c.notNull().references("categories.id"))
    .addColumn("best_for", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("homepage", "text", (c) => c.notNull())
    .addColumn("added_at", "text", (c) => c.notNull())
    .addColumn("pricing_model", "text", (c) => c.notNull())
    .addColumn("pricing_entry", "text", (c) => c.notNull())
    .addColumn("pricing_free_tier", "integer", (c) => c.notNull())
    .addColumn("pricing_license", "text", (c) => c.notNull())
    .addColumn("pricing_units", "text", (c) => c.notNull())
    .addColumn("pricing_detail", "text", (c) => c.notNull())
    .addColumn("pricing_as_of", "text", (c) => c.notNull())
    .addColumn("panel_ship", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("panel_skip", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("panel_published", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("panel_score", "double precision")
    .addColumn("panel_verdict", "text", (c) => c.notNull().defaultTo("in-progress"))
    .addColumn("community_ship", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("community_skip", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("tools_category_idx").on("tools").column("category_id").execute();

  await db.schema
    .createTable("tool_deployments")
    .addColumn("tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("deployment", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("tool_deployments_pk", ["tool_id", "deployment"])
    .execute();

  await db.schema
    .createTable("tool_competitors")
    .addColumn("tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("competitor_tool_id", "integer", (c) => c.references("tools.id").onDelete("set null"))
    .addPrimaryKeyConstraint("tool_competitors_pk", ["tool_id", "position"])
    .execute();

  await idColumn(db, db.schema.createTable("reviews"))
    .addColumn("tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("persona", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("score", "integer", (c) => c.notNull())
    .addColumn("verdict", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("thesis_date", "text")
    .addColumn("author", "text", (c) => c.notNull())
    .addColumn("provenance", "text", (c) => c.notNull())
    .addColumn("model_name", "text")
    .addColumn("published_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("reviews_tool_persona_uq", ["tool_id", "persona"])
    .execute();

  await db.schema
    .createTable("review_answers")
    .addColumn("review_id", "integer", (c) => c.notNull().references("reviews.id").onDelete("cascade"))
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("answer", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("review_answers_pk", ["review_id", "question"])
    .execute();
}
