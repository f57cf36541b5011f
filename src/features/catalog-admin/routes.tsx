/** Admin catalog pages: /admin/tools, adding a tool and editing one (permission tool:edit). */
import { type Context, Hono } from "hono";
import type { Deps } from "../../http/deps.ts";
import { notFound } from "../../http/errors.ts";
import { parseForm } from "../../http/form.ts";
import { sendPage } from "../../http/page.tsx";
import { enforceRateLimit } from "../../http/rate-limit.ts";
import { CATALOG_EDITS_PER_ADMIN } from "../../http/rate-rules.ts";
import { requireUser, requireUserForPage } from "../../http/viewer.ts";
import type { SessionUser } from "../accounts/service.ts";
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
  listAdminTools,
  loadProfile,
  planChangedAnything,
  saveToolProfiles,
  toolFormOptions,
} from "./service.ts";
import { CatalogAdminPage, type FieldErrors, type SaveNotice, ToolFormPage } from "./views.tsx";

const SAVE_ACTIONS = new Set(["add", "update", "unchanged"]);

/** The admin catalog routes. */
export function catalogAdminRoutes(deps: Deps) {
  const app = new Hono();
  const { db } = deps;

  async function missingTool(slug: string) {
    return notFound(`There is no tool “${slug.slice(0, 100)}” in the catalog.`, [
      { href: "/admin/tools", label: "Back to the catalog" },
    ]);
  }

  app.get("/admin/tools", async (c) => {
    const user = requireUserForPage(c, "tool:edit");
    if (user instanceof Response) return user;
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

  app.get("/admin/tools/new", async (c) => {
    const user = requireUserForPage(c, "tool:edit");
    if (user instanceof Response) return user;
    const options = await toolFormOptions(db);
    const today = new Date().toISOString().slice(0, 10);
    return sendPage(
      c,
      <ToolFormPage mode="new" values={blankFormValues(today)} errors={{}} options={options} />,
    );
  });

  app.get("/admin/tools/:slug/edit", async (c) => {
    const user = requireUserForPage(c, "tool:edit");
    if (user instanceof Response) return user;
    const slug = c.req.param("slug");
    const profile = await loadProfile(db, slug);
    if (!profile) throw await missingTool(slug);
    const options = await toolFormOptions(db);
    return sendPage(
      c,
      <ToolFormPage
        mode="edit"
        slug={slug}
        storedName={profile.name}
        values={formValuesFromProfile(profile)}
        errors={{}}
        options={options}
      />,
    );
  });

  /** Authorizes and rate-limits a save, and reads the posted form as values. */
  async function readSave(c: Context): Promise<{ user: SessionUser; values: ToolFormValues }> {
    const user = requireUser(c, "tool:edit");
    await enforceRateLimit(c, deps.rateLimits, CATALOG_EDITS_PER_ADMIN, String(user.id));
    return { user, values: formValuesFromBody(await parseForm(c, { all: true })) };
  }

  /**
   * Validates the values with the profile schema and the catalog checks and saves them; on any
   * problem, the form comes back with a 400, every message next to its field and every value kept.
   */
  async function save(
    c: Context,
    input: {
      user: SessionUser;
      values: ToolFormValues;
      mode: "create" | "update";
      stored?: string;
      storedName?: string;
    },
  ): Promise<Response> {
    const { values, mode } = input;
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
      const result = await saveToolProfiles(db, {
        actor: { id: input.user.id, email: input.user.email },
        profiles: [parsed.profile],
        mode,
        reason: "admin form",
      });
      if (result.ok) {
        if (planChangedAnything(result.plan)) deps.cache.invalidate();
        const item = result.plan[0]!;
        return c.redirect(`/admin/tools?saved=${encodeURIComponent(item.slug)}&result=${item.action}`, 303);
      }
      add(result.issues);
    }
    return sendPage(
      c,
      <ToolFormPage
        mode={mode === "create" ? "new" : "edit"}
        slug={input.stored}
        storedName={input.storedName}
        values={values}
        errors={errors}
        options={options}
      />,
      400,
    );
  }

  app.post("/admin/tools/new", async (c) => {
    const { user, values } = await readSave(c);
    return save(c, { user, values, mode: "create" });
  });

  app.post("/admin/tools/:slug/edit", async (c) => {
    const { user, values } = await readSave(c);
    const slug = c.req.param("slug");
    const stored = await loadProfile(db, slug);
    if (!stored) throw await missingTool(slug);
    return save(c, { user, values, mode: "update", stored: slug, storedName: stored.name });
  });

  return app;
}
