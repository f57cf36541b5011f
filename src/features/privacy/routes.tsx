/**
 * A reader's own data: /privacy, downloading it (/account/data), deleting the account
 * (/account/delete, confirmed by typing the address), and an admin deleting an account on
 * its holder's request (/admin/accounts/:id/delete, audited with a reason).
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { normalizeEmail } from "../../domain/email.ts";
import type { Deps } from "../../http/deps.ts";
import { HttpError, notFound } from "../../http/errors.ts";
import { readFields } from "../../http/form.ts";
import { parseId } from "../../http/ids.ts";
import { pageShows, sendPage } from "../../http/page.tsx";
import { type PageScope, pairKey } from "../../http/page-cache.ts";
import { MODERATION_PER_ADMIN, WRITES_PER_VIEWER } from "../../http/rate-rules.ts";
import { signedInPage, signedInUser } from "../../http/viewer.ts";
import { changed, unchanged, write } from "../../http/write.ts";
import { clearSessionCookie, LINK_TTL_MS, SESSION_TTL_MS } from "../accounts/index.ts";
import { leaderboardJobs } from "../leaderboard/index.ts";
import { CONFIRM_TTL_MS } from "../newsletter/index.ts";
import { accountData } from "./data.ts";
import { type DeletionProblem, type DeletionResult, deleteAccount, deletionPreview } from "./deletion.ts";
import { AccountDeletedPage, AdminDeleteAccountPage, DeleteAccountPage, PrivacyPage } from "./views.tsx";

/** The most a deletion can make stale: figures of any tool it voted on, splits of any pair it picked. */
const ANY_DELETION: PageScope = {
  tools: "all",
  pairs: "all",
  lists: ["home", "catalog", "categories", "leaderboard"],
  figures: true,
};

const reasonSchema = z
  .string()
  .trim()
  .min(3, "Write a reason of at least 3 characters: it goes into the audit log next to your name.")
  .max(500, "Keep the reason to 500 characters or fewer.");

/** Whether a typed confirmation is the account's address (as sign-in reads addresses). */
function confirms(typed: string | undefined, email: string): boolean {
  const parsed = normalizeEmail(typed ?? "");
  return parsed.ok && parsed.email === email;
}

/** What a finished deletion made stale, narrowed from the declaration; the boards are recomputed. */
function afterDeletion(c: Context, deps: Deps, result: Extract<DeletionResult, { ok: true }>): void {
  const { votedTools, pickedPairs } = result;
  if (votedTools.length === 0 && pickedPairs.length === 0) unchanged(c);
  else {
    changed(c, {
      tools: votedTools,
      pairs: pickedPairs.map(([a, b]) => pairKey(a, b)),
      figures: true,
    });
  }
  // the boards drop their own pages when the recompute lands
  if (result.boardsChanged) leaderboardJobs(deps).schedule();
}

const ADMIN_REFUSALS: Record<Exclude<DeletionProblem, "unknown">, string> = {
  self: "This is your own account: delete it from your account page like anyone else.",
  admin:
    "This account is an admin, and one admin cannot delete another: its role must change first (npm run cli -- user:grant EMAIL reader).",
  "listed-admin":
    "This address is listed in ADMIN_EMAILS and would come back as an admin at its next sign-in. Remove it from ADMIN_EMAILS and change its role first.",
};

export function privacyRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  app.get("/privacy", (c) => {
    pageShows(c, {});
    return sendPage(
      c,
      <PrivacyPage
        retention={{
          linkMinutes: LINK_TTL_MS / 60_000,
          sessionDays: SESSION_TTL_MS / 86_400_000,
          confirmDays: CONFIRM_TTL_MS / 86_400_000,
        }}
      />,
    );
  });

  app.get("/account/data", signedInPage(), async (c) => {
    const user = signedInUser(c);
    const data = await accountData(db, {
      userId: user.id,
      siteUrl: config.siteUrl,
      currentSessionId: user.sessionId,
    });
    if (!data) throw notFound("There is no such account.");
    const day = new Date().toISOString().slice(0, 10);
    return c.body(`${JSON.stringify(data, null, 2)}\n`, 200, {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="shiporskip-data-${day}.json"`,
      "cache-control": "private, no-store",
    });
  });

  const deletePage = async (c: Context, error?: string) => {
    const user = signedInUser(c);
    const preview = await deletionPreview(db, user.id);
    if (!preview) throw notFound("There is no such account.");
    c.header("cache-control", "private, no-store");
    return sendPage(
      c,
      <DeleteAccountPage email={preview.email} counts={preview.counts} error={error} />,
      error ? 400 : 200,
    );
  };

  app.get("/account/delete", signedInPage(), (c) => deletePage(c));

  const deletingOwn = write(deps, {
    permission: "signed-in",
    rate: WRITES_PER_VIEWER,
    invalidates: ANY_DELETION,
  });
  app.post("/account/delete", deletingOwn, async (c) => {
    const user = signedInUser(c);
    const fields = await readFields(c);
    if (!confirms(fields.confirm_email, user.email)) {
      unchanged(c);
      return deletePage(c, "Type your email address exactly as shown to confirm.");
    }
    const result = await deleteAccount(db, { userId: user.id, by: "self" });
    // gone already (a second tab, a double click): nothing left to delete
    if (!result.ok) {
      unchanged(c);
    } else afterDeletion(c, deps, result);
    clearSessionCookie(c, config);
    return c.redirect("/account/deleted", 303);
  });

  app.get("/account/deleted", (c) => {
    // only ever reached signed out; someone signed in has an account, and this page would mislead them
    if (c.get("viewer").user) return c.redirect("/account", 303);
    pageShows(c, {});
    return sendPage(c, <AccountDeletedPage />);
  });

  const accountId = (c: Context): number => {
    const id = parseId(c.req.param("id"));
    if (id === undefined) throw notFound("There is no account with that number.");
    return id;
  };

  const adminPage = async (c: Context, form: { error?: string; reason?: string } = {}) => {
    const admin = signedInUser(c);
    const id = accountId(c);
    const preview = await deletionPreview(db, id);
    if (!preview) throw notFound("There is no account with that number.");
    const refusal =
      id === admin.id
        ? ADMIN_REFUSALS.self
        : config.adminEmails.includes(preview.email)
          ? ADMIN_REFUSALS["listed-admin"]
          : preview.role === "admin"
            ? ADMIN_REFUSALS.admin
            : undefined;
    return sendPage(
      c,
      <AdminDeleteAccountPage
        id={id}
        email={preview.email}
        counts={preview.counts}
        refusal={refusal}
        {...form}
      />,
      form.error ? 400 : 200,
    );
  };

  app.get("/admin/accounts/:id/delete", signedInPage("user:block"), (c) => adminPage(c));

  const deletingOnRequest = write(deps, {
    permission: "user:block",
    rate: MODERATION_PER_ADMIN,
    invalidates: ANY_DELETION,
  });
  app.post("/admin/accounts/:id/delete", deletingOnRequest, async (c) => {
    const admin = signedInUser(c);
    const id = accountId(c);
    const fields = await readFields(c);
    const reason = reasonSchema.safeParse(fields.reason ?? "");
    const preview = await deletionPreview(db, id);
    if (!preview) throw notFound("There is no account with that number.");
    const typed = (fields.reason ?? "").slice(0, 500);
    if (!reason.success) {
      unchanged(c);
      return adminPage(c, { error: reason.error.issues[0]?.message ?? "Write a reason.", reason: typed });
    }
    if (!confirms(fields.confirm_email, preview.email)) {
      unchanged(c);
      return adminPage(c, {
        error: "Type the account's email address exactly as shown to confirm.",
        reason: typed,
      });
    }
    const result = await deleteAccount(db, {
      userId: id,
      by: { id: admin.id, email: admin.email },
      reason: reason.data,
      adminEmails: config.adminEmails,
    });
    if (!result.ok) {
      if (result.problem === "unknown") throw notFound("There is no account with that number.");
      throw new HttpError(409, "This account cannot be deleted here", ADMIN_REFUSALS[result.problem], [
        { href: `/admin/accounts/${id}`, label: "Back to the account" },
      ]);
    }
    afterDeletion(c, deps, result);
    // the audit log opens on the entry just written
    return c.redirect("/admin/audit", 303);
  });

  return app;
}
