/** Test helpers for the drafting suites: tools with missing panels, and reading drafts back. */
import type { Db } from "../../db/types.ts";
import type { Persona } from "../../domain/catalog-schema.ts";
import { findToolRefs, recomputePanel } from "../catalog/service.ts";
import { type DraftRecord, listDrafts } from "../panel/store.ts";

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
