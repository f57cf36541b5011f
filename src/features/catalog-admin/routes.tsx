/** Admin catalog pages: /admin/tools, adding a tool and editing one (permission tool:edit). */
import { type Context, Hono } from "hono";
import type { SessionUser } from "../../domain/account.ts";
import { utcDay } from "../../domain/predictions.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, notFound } from "../../http/errors.ts";
import { parseForm } from "../../http/form.ts";
import { sendPage } from "../../http/page.tsx";
import type { PageList } from "../../http/page-cache.ts";
import { CATALOG_EDITS_PER_ADMIN } from "../../http/rate-rules.ts";
import { signedInPage, signedInUser } from "../../http/viewer.ts";
import { changed, unchanged, write } from "../../http/write.ts";
import { getTool } from "../tools/index.ts";
import {
  blankFormValues,
  draftFromValues,
  fieldForPath,
  formValuesFromBody,
  formValuesFromProfile,
  type ToolFormValues,
} from "./form-values.ts";
import { looseProfile, type ProfileIssue, parseProfile } from "./profile.ts";
import {
  checkAgainstCatalog,
  type EditResult,
  listAdminTools,
  loadStoredTool,
  planChangedAnything,
  saveToolEdit,
  saveToolProfiles,
  toolFormOptions,
} from "./service.ts";
import {
  CatalogAdminPage,
  type ConflictNotice,
  type FieldErrors,
  type SaveNotice,
  ToolFormPage,
} from "./views.tsx";

const SAVE_ACTIONS = new Set(["add", "update", "unchanged"]);

/** A stamp as the database writes them (Date#toISOString). */
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** The edit form's stamp: the tool's updated_at when the form was opened; 400 when missing or garbled. */
function readStamp(body: Record<string, unknown>): string {
  const raw = body.tool_stamp;
  const stamp = typeof raw === "string" ? raw.trim() : "";
  if (!STAMP.test(stamp) || Number.isNaN(Date.parse(stamp))) {
    throw badRequest(
      "This form has no valid edit stamp, so it cannot tell whether someone else saved the tool since it was opened. Reload the edit page and make your changes again.",
    );
  }
  return stamp;
}

/** The pages listing many tools by name, category and score: what a profile's save touches besides its own pages. */
const TOOL_LISTS: readonly PageList[] = ["home", "catalog", "categories", "comparisons", "leaderboard"];

/** The admin catalog routes. */
export function catalogAdminRoutes(deps: Deps) {
  const app = new Hono();
  const { db } = deps;

  async function missingTool(slug: string) {
    return notFound(`There is no tool “${slug.slice(0, 100)}” in the catalog.`, [
      { href: "/admin/tools", label: "Back to the catalog" },
    ]);
  }

  app.get("/admin/tools", signedInPage("tool:edit"), async (c) => {
    const tools = await listAdminTools(db);
    // the last save's result, from the redirect; anything unrecognised shows nothing
    const savedSlug = c.req.query("saved");
    const action = c.req.query("result") ?? "";
    const saved = tools.find((t) => t.slug === savedSlug);
    const notice =
      saved && SAVE_ACTIONS.has(action)
        ? { action: action as SaveNotice["action"], slug: saved.slug, name: saved.name }
        : undefined;
    return sendPage(c, <CatalogAdminPage tools={tools} notice={notice} />);
  });

  app.get("/admin/tools/new", signedInPage("tool:edit"), async (c) => {
    const options = await toolFormOptions(db);
    const today = utcDay(Date.now());
    return sendPage(
      c,
      <ToolFormPage mode="new" values={blankFormValues(today)} errors={{}} options={options} />,
    );
  });

  app.get("/admin/tools/:slug/edit", signedInPage("tool:edit"), async (c) => {
    const slug = c.req.param("slug");
    const stored = await loadStoredTool(db, slug);
    if (!stored) throw await missingTool(slug);
    const options = await toolFormOptions(db);
    return sendPage(
      c,
      <ToolFormPage
        mode="edit"
        slug={slug}
        storedName={stored.profile.name}
        values={formValuesFromProfile(stored.profile)}
        stamp={stored.updatedAt}
        errors={{}}
        options={options}
      />,
    );
  });

  /** Reads the posted form, as values and as sent. */
  async function readSave(
    c: Context,
  ): Promise<{ user: SessionUser; values: ToolFormValues; body: Record<string, unknown> }> {
    const user = signedInUser(c);
    const body = await parseForm(c, { all: true });
    return { user, values: formValuesFromBody(body), body };
  }

  /**
   * Validates the values with the profile schema and the catalog checks and saves them; on any
   * problem, the form comes back with a 400, every message next to its field and every value kept.
   * An edit also carries its stamp: a 400 keeps the one sent (the form still rests on what was
   * opened), and a 409, when someone saved the tool in between, gives the stored one, so that
   * saving again is a deliberate overwrite.
   */
  async function save(
    c: Context,
    input: {
      user: SessionUser;
      values: ToolFormValues;
      mode: "create" | "update";
      stored?: string;
      storedName?: string;
      /** The category the tool is in before this edit, so the page lists of both are made stale. */
      storedCategory?: string;
      /** The edit form's stamp; required with "update". */
      stamp?: string;
    },
  ): Promise<Response> {
    const { values, mode } = input;
    let stamp = input.stamp;
    let conflict: ConflictNotice | undefined;
    const options = await toolFormOptions(db);
    const draft = draftFromValues(values, new Map(options.tools.map((t) => [t.slug, t.name])));
    const errors: FieldErrors = {};
    const add = (issues: ProfileIssue[]) => {
      for (const issue of issues) errors[fieldForPath(issue.path, draft)] ??= issue.message;
    };
    if (input.stored !== undefined && draft.raw && (draft.raw as { slug: string }).slug !== input.stored) {
      errors.slug = `The slug cannot change: it stays “${input.stored}”, because links, comparisons and badges point at it.`;
    }
    const parsed = parseProfile(draft.raw);
    if (!parsed.ok) {
      add(parsed.issues);
      // the catalog checks too, so one round trip shows every problem
      add(await checkAgainstCatalog(db, [looseProfile(draft.raw)], mode));
    } else if (!errors.slug) {
      const actor = { id: input.user.id, email: input.user.email };
      const reason = "admin form";
      const result: EditResult =
        mode === "update"
          ? await saveToolEdit(db, { actor, reason, profile: parsed.profile, stamp: input.stamp ?? "" })
          : await saveToolProfiles(db, { actor, reason, profiles: [parsed.profile], mode });
      if (result.ok) {
        if (!planChangedAnything(result.plan)) unchanged(c);
        const item = result.plan[0]!;
        // an edit keeps its slug: its own pages, the lists, and the category lists it left and joined
        if (mode === "update") {
          changed(c, {
            tools: [item.slug],
            categories: [...new Set([input.storedCategory ?? "", parsed.profile.category])],
            lists: TOOL_LISTS,
          });
        }
        return c.redirect(`/admin/tools?saved=${encodeURIComponent(item.slug)}&result=${item.action}`, 303);
      }
      if ("conflict" in result) {
        stamp = result.conflict.updatedAt;
        conflict = {
          savedAt: result.conflict.updatedAt,
          savedBy: result.conflict.savedBy,
          differences: result.conflict.differing.map((d) => ({ field: d.field, theirs: d.before })),
        };
      } else add(result.issues);
    }
    return sendPage(
      c,
      <ToolFormPage
        mode={mode === "create" ? "new" : "edit"}
        slug={input.stored}
        storedName={input.storedName}
        values={values}
        stamp={stamp}
        conflict={conflict}
        errors={errors}
        options={options}
      />,
      conflict ? 409 : 400,
    );
  }

  const saving = write(deps, {
    permission: "tool:edit",
    rate: CATALOG_EDITS_PER_ADMIN,
    // a profile names competitors shown on other tools' pages, and a save may change a slug
    // (an edit narrows this to its own tool with changed())
    invalidates: { tools: "all", lists: TOOL_LISTS },
  });

  app.post("/admin/tools/new", saving, async (c) => {
    const { user, values } = await readSave(c);
    return save(c, { user, values, mode: "create" });
  });

  app.post("/admin/tools/:slug/edit", saving, async (c) => {
    const { user, values, body } = await readSave(c);
    const slug = c.req.param("slug");
    const tool = await getTool(db, slug);
    if (!tool) throw await missingTool(slug);
    const stamp = readStamp(body);
    return save(c, {
      user,
      values,
      mode: "update",
      stored: slug,
      storedName: tool.name,
      storedCategory: tool.category.slug,
      stamp,
    });
  });

  return app;
}
