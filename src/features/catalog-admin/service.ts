/**
 * Catalog writes for admins: one function saves tool profiles, whether they come from the
 * admin form (one at a time) or from an import file (all of a file in one transaction), with
 * an audit entry per tool that changed. Plus the reads the admin pages need.
 */

import { sql } from "kysely";
import { isUniqueViolation } from "../../db/errors.ts";
import { isPostgres, lockToolRows } from "../../db/locks.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import type { ToolProfileInput } from "../../domain/catalog-schema.ts";
import type { PanelVerdict } from "../../domain/panel.ts";
import { type Actor, recordAudit } from "../audit/index.ts";
import { competitorsFor, deploymentsFor, findToolRefs, pricingOf, toolRowOf } from "../tools/index.ts";
import {
  type BatchIssue,
  catalogIssues,
  changeDetail,
  type FieldChange,
  type LooseProfile,
  normalizeProfile,
  type PlanItem,
  profileChanges,
  type SaveMode,
} from "./profile.ts";

/** A row of /admin/tools. */
export interface AdminToolRow {
  slug: string;
  name: string;
  vendor: string;
  categoryName: string;
  panelVerdict: PanelVerdict;
  panelPublished: number;
  updatedAt: string;
}

/** Every tool, by name, with what an admin scans the list for. */
export async function listAdminTools(db: Db): Promise<AdminToolRow[]> {
  const rows = await db
    .selectFrom("tools")
    .innerJoin("categories", "categories.id", "tools.category_id")
    .select([
      "tools.slug",
      "tools.name",
      "tools.vendor",
      "categories.name as category_name",
      "tools.panel_verdict",
      "tools.panel_published",
      "tools.updated_at",
    ])
    .orderBy(sql`lower(tools.name)`)
    .orderBy("tools.slug")
    .execute();
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    vendor: r.vendor,
    categoryName: r.category_name,
    panelVerdict: r.panel_verdict,
    panelPublished: r.panel_published,
    updatedAt: r.updated_at,
  }));
}

/** What the tool form's selects list: the categories and the catalog's tools. */
export interface ToolFormOptions {
  categories: { slug: string; name: string }[];
  tools: { slug: string; name: string }[];
}

/** The categories and tools the form offers, each by name. */
export async function toolFormOptions(db: Db): Promise<ToolFormOptions> {
  const [categories, tools] = await Promise.all([
    db.selectFrom("categories").select(["slug", "name"]).orderBy("name").execute(),
    db.selectFrom("tools").select(["slug", "name"]).orderBy(sql`lower(name)`).orderBy("slug").execute(),
  ]);
  return { categories, tools };
}

/** A stored tool's profile and the stamp of its last profile save. */
export interface StoredTool {
  profile: ToolProfileInput;
  /** tools.updated_at, which every profile save moves on: the edit form's stamp. */
  updatedAt: string;
}

/**
 * Tools' profiles with their stamps, by slug; unknown slugs are left out. The stamp comes from
 * the same row read as the profile's columns, so a form never shows newer text under an older stamp.
 */
export async function loadStoredTools(db: Db, slugs: string[]): Promise<Map<string, StoredTool>> {
  const out = new Map<string, StoredTool>();
  if (slugs.length === 0) return out;
  const rows = await db
    .selectFrom("tools")
    .innerJoin("categories", "categories.id", "tools.category_id")
    .select([
      "tools.id",
      "tools.slug",
      "tools.name",
      "tools.vendor",
      "categories.slug as category",
      "tools.best_for",
      "tools.description",
      "tools.homepage",
      "tools.added_at",
      "tools.pricing_model",
      "tools.pricing_entry",
      "tools.pricing_free_tier",
      "tools.pricing_license",
      "tools.pricing_units",
      "tools.pricing_detail",
      "tools.pricing_as_of",
      "tools.updated_at",
    ])
    .where("tools.slug", "in", [...new Set(slugs)])
    .execute();
  if (rows.length === 0) return out;
  const ids = rows.map((r) => r.id);
  const [deployments, competitors] = await Promise.all([deploymentsFor(db, ids), competitorsFor(db, ids)]);
  for (const r of rows) {
    out.set(r.slug, {
      updatedAt: r.updated_at,
      profile: normalizeProfile({
        slug: r.slug,
        name: r.name,
        vendor: r.vendor,
        category: r.category,
        bestFor: r.best_for,
        description: r.description,
        homepage: r.homepage,
        deployment: deployments.get(r.id) ?? [],
        addedAt: r.added_at,
        pricing: pricingOf(r),
        competitors: (competitors.get(r.id) ?? []).map((c) =>
          c.slug ? { name: c.name, slug: c.slug } : { name: c.name },
        ),
      }),
    });
  }
  return out;
}

/** One tool's profile as the schema has it, or undefined. */
export async function loadProfile(db: Db, slug: string): Promise<ToolProfileInput | undefined> {
  return (await loadStoredTools(db, [slug])).get(slug)?.profile;
}

/** One tool's profile and stamp, or undefined: what the edit form opens with. */
export async function loadStoredTool(db: Db, slug: string): Promise<StoredTool | undefined> {
  return (await loadStoredTools(db, [slug])).get(slug);
}

/** Ids of every category and tool, by slug. */
async function catalogIds(db: Db): Promise<{ categories: Map<string, number>; tools: Map<string, number> }> {
  const [categories, tools] = await Promise.all([
    db.selectFrom("categories").select(["id", "slug"]).execute(),
    db.selectFrom("tools").select(["id", "slug"]).execute(),
  ]);
  return {
    categories: new Map(categories.map((c) => [c.slug, c.id])),
    tools: new Map(tools.map((t) => [t.slug, t.id])),
  };
}

/** The catalog checks on profiles that may not have passed the schema, so every problem is shown at once. */
export async function checkAgainstCatalog(
  db: Db,
  items: LooseProfile[],
  mode: SaveMode,
): Promise<BatchIssue[]> {
  const ids = await catalogIds(db);
  return catalogIssues(
    items,
    { categories: new Set(ids.categories.keys()), tools: new Set(ids.tools.keys()) },
    mode,
  );
}

/**
 * Why a form save was refused: the tool was saved by someone else after the form was opened.
 * Carries what differs from their version, and the stamp a fresh form would have.
 */
export interface EditConflict {
  slug: string;
  /** The stored tools.updated_at: when they saved, and the stamp for a deliberate second save. */
  updatedAt: string;
  /** Who saved last, from the audit entry that save wrote; null if none is found. */
  savedBy: string | null;
  /** The fields where the refused profile differs from theirs (`before` is their value), in form order. */
  differing: FieldChange[];
}

/** Either what was (or, on a dry run, would be) done per profile, or why nothing was. */
export type SaveResult = { ok: true; plan: PlanItem[] } | { ok: false; issues: BatchIssue[] };

/** A form edit's result: a save's, or the conflict that stopped it. */
export type EditResult = SaveResult | { ok: false; conflict: EditConflict };

export interface SaveOptions {
  actor: Actor;
  /** Profiles that passed toolProfileSchema. */
  profiles: ToolProfileInput[];
  /** "create" refuses taken slugs, "update" unknown ones; "upsert" (imports) takes both. */
  mode: SaveMode;
  /** Why, for the audit log: "admin form", "import tools.csv". */
  reason: string;
  /** Plan only: check and compare, write nothing. */
  dryRun?: boolean;
  now?: number;
  /** Runs inside the save's transaction when it changed anything (the CLI moves the change stamp). */
  onChanged?: (trx: Db) => Promise<void>;
}

/**
 * THE way tool profiles are written: checks them against the catalog, compares each with what
 * is stored, and (unless a dry run) creates or updates every changed one, its deployments and
 * competitors, with an audit entry each, all in one transaction: a batch lands whole or not
 * at all. A new tool has no reviews, so its panel is "in progress" and it joins the panel's
 * queue. The caller invalidates the page cache when the plan changed anything. The edit form
 * saves through saveToolEdit, which adds the check against a concurrent save.
 */
export async function saveToolProfiles(db: Db, opts: SaveOptions): Promise<SaveResult> {
  const result = await saveRetrying(db, opts);
  if ("conflict" in result) throw new Error("a save without stamps cannot conflict");
  return result;
}

/**
 * Saves one tool from the edit form, unless someone saved it after the form was opened: the
 * stored updated_at is compared with the form's stamp inside the write's transaction, and on a
 * difference nothing is written and the conflict comes back. Imports do not come this way:
 * they are operator batches, and the last one to run wins.
 */
export async function saveToolEdit(
  db: Db,
  opts: Omit<SaveOptions, "profiles" | "mode" | "dryRun"> & { profile: ToolProfileInput; stamp: string },
): Promise<EditResult> {
  const { profile, stamp, ...rest } = opts;
  return saveRetrying(db, { ...rest, profiles: [profile], mode: "update" }, new Map([[profile.slug, stamp]]));
}

/** One save, run a second time if a concurrent add of the same slug broke the first. */
async function saveRetrying(
  db: Db,
  opts: SaveOptions,
  stamps?: ReadonlyMap<string, string>,
): Promise<EditResult> {
  try {
    return await saveOnce(db, opts, stamps);
  } catch (err) {
    // Another admin added the same slug between our check and our insert: run again, and the
    // check now reports the slug as taken instead of the database's constraint failing the page.
    if (!isUniqueViolation(err)) throw err;
    return saveOnce(db, opts, stamps);
  }
}

/**
 * Locks the stamped tools' rows on PostgreSQL, so that of two saves of one tool the second waits
 * and then reads the first one's stamp; SQLite runs one write transaction at a time already.
 */
async function lockStamped(
  trx: Db,
  profiles: ToolProfileInput[],
  stamps: ReadonlyMap<string, string>,
): Promise<void> {
  const slugs = profiles.filter((p) => stamps.has(p.slug)).map((p) => p.slug);
  // the slug-to-id lookup is skipped where lockToolRows would do nothing anyway
  if (slugs.length === 0 || !isPostgres(trx)) return;
  const refs = await findToolRefs(trx, slugs);
  await lockToolRows(
    trx,
    refs.map((r) => r.id),
  );
}

/**
 * The first stamped tool whose stored stamp is no longer the one the form was opened with;
 * `stored` must be read after lockStamped, so that it holds the stamp of any save that went first.
 */
async function findEditConflict(
  trx: Db,
  profiles: ToolProfileInput[],
  stamps: ReadonlyMap<string, string>,
  stored: ReadonlyMap<string, StoredTool>,
): Promise<EditConflict | undefined> {
  const stamped = profiles.filter((p) => stamps.has(p.slug));
  for (const mine of stamped) {
    const current = stored.get(mine.slug);
    // a tool that is gone is left to the catalog check, which reports it at the slug
    if (!current || current.updatedAt === stamps.get(mine.slug)) continue;
    const last = await trx
      .selectFrom("audit_log")
      .select("actor_email")
      .where("subject", "=", `tool:${mine.slug}`)
      .where("action", "in", ["tool.create", "tool.update"])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    return {
      slug: mine.slug,
      updatedAt: current.updatedAt,
      savedBy: last?.actor_email ?? null,
      differing: profileChanges(current.profile, mine),
    };
  }
  return undefined;
}

/**
 * The stamp an update writes: now, but always after the stored one, so that two saves within
 * one millisecond (or a server whose clock runs behind) still move the stamp on.
 */
function nextStamp(now: number, stored: string | undefined): string {
  const previous = stored ? Date.parse(stored) : Number.NaN;
  return iso(Number.isNaN(previous) ? now : Math.max(now, previous + 1));
}

async function saveOnce(
  db: Db,
  opts: SaveOptions,
  stamps: ReadonlyMap<string, string> | undefined,
): Promise<EditResult> {
  const profiles = opts.profiles.map(normalizeProfile);
  return db.transaction().execute(async (trx): Promise<EditResult> => {
    if (stamps) await lockStamped(trx, profiles, stamps);
    // Stored profiles before the ids: on PostgreSQL each read sees what had committed when it
    // ran, so a tool another admin adds in between shows up in the ids (the slug is then refused
    // as taken, or the insert fails and the save runs again), never in the stored profiles alone,
    // where it would pass as "unchanged" without a check.
    const stored = await loadStoredTools(
      trx,
      profiles.map((p) => p.slug),
    );
    if (stamps) {
      const conflict = await findEditConflict(trx, profiles, stamps, stored);
      if (conflict) return { ok: false, conflict };
    }
    const ids = await catalogIds(trx);
    const loose = profiles.map((p) => ({
      slug: p.slug,
      category: p.category,
      competitorSlugs: p.competitors.map((c) => c.slug),
    }));
    const issues = catalogIssues(
      loose,
      { categories: new Set(ids.categories.keys()), tools: new Set(ids.tools.keys()) },
      opts.mode,
    );
    if (issues.length > 0) return { ok: false, issues };

    const plan: PlanItem[] = profiles.map((p) => {
      const before = stored.get(p.slug)?.profile;
      const changes = profileChanges(before, p);
      const action = !before ? "add" : changes.length > 0 ? "update" : "unchanged";
      return { slug: p.slug, name: p.name, action, changes };
    });
    if (opts.dryRun) return { ok: true, plan };

    const now = opts.now ?? Date.now();
    const at = iso(now);
    const changed = (i: number, field: string) =>
      plan[i]!.action === "add" || plan[i]!.changes.some((c) => c.field === field);
    // first every tool row, so a competitor can name a tool added further down the same batch
    for (const [i, p] of profiles.entries()) {
      const item = plan[i]!;
      if (item.action === "unchanged") continue;
      const columns = toolRowOf(p, ids.categories.get(p.category)!);
      let toolId: number;
      if (item.action === "add") {
        const row = await trx
          .insertInto("tools")
          .values({ ...columns, created_at: at, updated_at: at })
          .returning("id")
          .executeTakeFirstOrThrow();
        toolId = row.id;
        ids.tools.set(p.slug, toolId);
      } else {
        toolId = ids.tools.get(p.slug)!;
        await trx
          .updateTable("tools")
          .set({ ...columns, updated_at: nextStamp(now, stored.get(p.slug)?.updatedAt) })
          .where("id", "=", toolId)
          .execute();
      }
      if (changed(i, "deployment")) {
        await trx.deleteFrom("tool_deployments").where("tool_id", "=", toolId).execute();
        await trx
          .insertInto("tool_deployments")
          .values(p.deployment.map((deployment) => ({ tool_id: toolId, deployment })))
          .execute();
      }
    }
    for (const [i, p] of profiles.entries()) {
      const item = plan[i]!;
      if (item.action === "unchanged") continue;
      const toolId = ids.tools.get(p.slug)!;
      if (changed(i, "competitors")) {
        await trx.deleteFrom("tool_competitors").where("tool_id", "=", toolId).execute();
        if (p.competitors.length > 0) {
          await trx
            .insertInto("tool_competitors")
            .values(
              p.competitors.map((c, position) => ({
                tool_id: toolId,
                position,
                name: c.name,
                competitor_tool_id: c.slug ? (ids.tools.get(c.slug) ?? null) : null,
              })),
            )
            .execute();
        }
      }
      await recordAudit(trx, {
        actor: opts.actor,
        action: item.action === "add" ? "tool.create" : "tool.update",
        subject: `tool:${p.slug}`,
        reason: opts.reason,
        detail: changeDetail(item.changes),
        now: opts.now,
      });
    }
    if (opts.onChanged && planChangedAnything(plan)) await opts.onChanged(trx);
    return { ok: true, plan };
  });
}

/** Whether a plan changed anything, i.e. whether pages need to be rendered afresh. */
export function planChangedAnything(plan: PlanItem[]): boolean {
  return plan.some((p) => p.action !== "unchanged");
}
