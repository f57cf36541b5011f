import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../test/support/db.ts";
import { migrateToLatest, migrateUpTo } from "./migrate.ts";

reportSkippedPostgres("migration 004's backfill");

describe.each(testEngines())("migration 004 on %s", (engine) => {
  let handle: TestDatabase | undefined;
  afterEach(async () => {
    await handle?.dispose();
    handle = undefined;
  });

  it("turns each review published before it into revision 1, answers and thesis date included", async () => {
    handle = await createTestDatabase(engine, { migrate: false });
    const db = handle.db;
    await migrateUpTo(db, "003_newsletter");
    const at = "2026-03-01T09:00:00.000Z";
    await sql`insert into categories (slug, name, description) values ('c', 'C', 'A category')`.execute(db);
    await sql`insert into tools (slug, name, vendor, category_id, best_for, description, homepage, added_at,
      pricing_model, pricing_entry, pricing_free_tier, pricing_license, pricing_units, pricing_detail, pricing_as_of,
      created_at, updated_at)
      values ('t', 'T', 'V', 1, 'b', 'd', 'https://example.com', '2026-03-01', 'free', 'Free', 1, 'MIT', '[]', 'x',
      '2026-03-01', ${at}, ${at})`.execute(db);
    await sql`insert into reviews (tool_id, persona, status, score, verdict, summary, thesis_date, author, provenance,
      model_name, published_at, created_at, updated_at)
      values (1, 'futurist', 'published', 71, 'ship', 'Sum', '2027-01-31', 'Sample panel', 'panelist', null, ${at}, ${at}, ${at}),
             (1, 'builder', 'draft', 50, 'skip', 'Not published', null, 'Someone', 'panelist', null, null, ${at}, ${at})`.execute(
      db,
    );
    await sql`insert into review_answers (review_id, question, position, answer)
      values (1, 'thesis', 0, 'By 2027, x.'), (1, 'dependency', 1, 'd'), (1, 'secondOrder', 2, 's'), (1, 'timing', 3, 'early')`.execute(
      db,
    );

    const applied = await migrateToLatest(db);
    expect(applied).toContain("004_panel");

    const revisions = await db.selectFrom("review_revisions").selectAll().execute();
    expect(revisions).toHaveLength(1);
    const [r] = revisions;
    expect(r).toMatchObject({
      tool_id: 1,
      persona: "futurist",
      revision: 1,
      score: 71,
      verdict: "ship",
      thesis_date: "2027-01-31",
      author: "Sample panel",
      published_at: at,
    });
    expect(JSON.parse(r?.answers ?? "{}")).toEqual({
      thesis: "By 2027, x.",
      thesisDate: "2027-01-31",
      dependency: "d",
      secondOrder: "s",
      timing: "early",
    });
  });
});
