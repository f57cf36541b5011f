/** Test helpers for the drafting suites: tools with missing panels, reading drafts back, a failing database. */
import type { QueryId, RootOperationNode } from "kysely";
import type { Db } from "../../src/db/types.ts";
import type { Persona } from "../../src/domain/catalog-schema.ts";
import { recomputePanel } from "../../src/features/panel/index.ts";
import { type DraftRecord, listDrafts } from "../../src/features/panel/store.ts";
import { findToolRefs } from "../../src/features/tools/index.ts";

/** Unpublishes some (default: all) of a tool's persona reviews, as if the panel had never written them. */
export async function removePanel(db: Db, slug: string, personas?: Persona[]): Promise<number> {
  const [ref] = await findToolRefs(db, [slug]);
  if (!ref) throw new Error(`no tool ${slug}`);
  await db.transaction().execute(async (trx) => {
    let reviews = trx.selectFrom("reviews").select("id").where("tool_id", "=", ref.id);
    if (personas) reviews = reviews.where("persona", "in", personas);
    const ids = (await reviews.execute()).map((r) => r.id);
    if (ids.length === 0) return;
    await trx.deleteFrom("review_answers").where("review_id", "in", ids).execute();
    await trx.deleteFrom("reviews").where("id", "in", ids).execute();
    await recomputePanel(trx, ref.id);
  });
  return ref.id;
}

/** A tool's drafts by persona. */
export async function draftsOf(db: Db, slug: string): Promise<Partial<Record<Persona, DraftRecord>>> {
  const [ref] = await findToolRefs(db, [slug]);
  if (!ref) throw new Error(`no tool ${slug}`);
  return Object.fromEntries((await listDrafts(db, [ref.id])).map((d) => [d.persona, d]));
}

/** What failingDb makes a chosen query throw: SQLite's "busy" error, as a locked database gives it. */
function busyError(): Error {
  return Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" });
}

/**
 * The same database with some queries made to fail once they have run, as a busy or broken
 * database would make them: `when` picks a query by its operation tree (as JSON, so a test can
 * look for a table or a value), `before` may hold the failure back (async) until the test is ready.
 */
export function failingDb(
  db: Db,
  opts: { when: (query: string, node: RootOperationNode) => boolean; before?: () => Promise<void> },
): Db {
  const chosen = new WeakSet<QueryId>();
  return db.withPlugin({
    transformQuery(args) {
      if (opts.when(JSON.stringify(args.node), args.node)) chosen.add(args.queryId);
      return args.node;
    },
    async transformResult(args) {
      if (!chosen.has(args.queryId)) return args.result;
      await opts.before?.();
      throw busyError();
    },
  });
}
