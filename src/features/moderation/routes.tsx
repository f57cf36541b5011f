/** Moderation pages and actions for admins: votes per tool, accounts, blocking, the audit log. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { SessionUser } from "../../domain/account.ts";
import { normalizeEmail } from "../../domain/email.ts";
import { can, type Permission } from "../../domain/permissions.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, HttpError, notFound } from "../../http/errors.ts";
import { readFields } from "../../http/form.ts";
import { parseId } from "../../http/ids.ts";
import { sendPage } from "../../http/page.tsx";
import { MODERATION_PER_ADMIN } from "../../http/rate-rules.ts";
import { signedInPage, signedInUser } from "../../http/viewer.ts";
import { unchanged, type WriteDeclaration, write } from "../../http/write.ts";
import { decideFlag, flaggedAccounts, leaderboardJobs } from "../leaderboard/index.ts";
import { FlaggedAccountsPage } from "./flags-views.tsx";
import {
  accountIdByEmail,
  blockAccount,
  findAccount,
  listAudit,
  type ModerationProblem,
  removeAccountVotes,
  toolVoteOverview,
  unblockAccount,
  voteHistory,
  votersOf,
} from "./service.ts";
import {
  AccountAdminPage,
  type AccountForm,
  type AccountNotice,
  AuditLogPage,
  ModerationOverviewPage,
  ToolVotesPage,
} from "./views.tsx";

const AUDIT_PAGE_SIZE = 50;

/** Every moderation step is logged with a reason a later reader can understand. */
const reasonSchema = z
  .string()
  .trim()
  .min(1, "Write a reason: it goes into the audit log next to your name.")
  .min(3, "Write a reason of at least 3 characters.")
  .max(500, "Keep the reason to 500 characters or fewer.");

function accountId(c: Context): number {
  const id = parseId(c.req.param("id"));
  if (id === undefined) throw notFound("There is no account with that number.");
  return id;
}

function problemError(problem: ModerationProblem, id: number): HttpError {
  const back = [{ href: `/admin/accounts/${id}`, label: "Back to the account" }];
  switch (problem) {
    case "unknown":
      return notFound("There is no account with that number.", back);
    case "self":
      return new HttpError(
        400,
        "You cannot block yourself",
        "Blocking your own account would lock you out. Ask another admin if it really needs blocking.",
        back,
      );
    case "admin":
      return new HttpError(
        409,
        "Admins cannot be blocked",
        "This account is an admin, and one admin cannot block another. Ask another admin: change its role first (npm run cli -- user:grant EMAIL reader), then block it.",
        back,
      );
    case "listed-admin":
      return new HttpError(
        409,
        "Admins cannot be blocked",
        "This address is listed in ADMIN_EMAILS, which makes it an admin at every sign-in. Remove it from ADMIN_EMAILS first and change its role, then block it.",
        back,
      );
    case "already-blocked":
      return new HttpError(409, "Already blocked", "This account is already blocked; nothing changed.", back);
    case "not-blocked":
      return new HttpError(
        409,
        "Not blocked",
        "This account is not blocked, so there is no block to lift.",
        back,
      );
  }
}

const NOTICE_KINDS = new Set(["votes-removed", "no-votes", "blocked", "unblocked"]);

/** The result of the last action, from the redirect's query; unknown values show nothing. */
function noticeFrom(c: Context): AccountNotice | undefined {
  const kind = c.req.query("done") ?? "";
  if (!NOTICE_KINDS.has(kind)) return undefined;
  const n = Math.max(0, Math.min(1_000_000, Number.parseInt(c.req.query("n") ?? "0", 10) || 0));
  if (kind === "votes-removed") return { kind, count: n };
  if (kind === "blocked") return { kind, sessions: n };
  return { kind } as AccountNotice;
}

/** The moderation routes. */
export function moderationRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  app.get("/admin/moderation", signedInPage("vote:moderate"), async (c) => {
    const user = signedInUser(c);
    const tools = await toolVoteOverview(db);
    return sendPage(c, <ModerationOverviewPage tools={tools} canReadAudit={can(user.role, "audit:read")} />);
  });

  // an account by its whole address: how an admin finds the account of a reader who wrote in
  app.get("/admin/accounts", signedInPage("vote:moderate"), async (c) => {
    const user = signedInUser(c);
    const raw = c.req.query("email") ?? "";
    const parsed = normalizeEmail(raw);
    const found = parsed.ok ? await accountIdByEmail(db, parsed.email) : undefined;
    if (found !== undefined) return c.redirect(`/admin/accounts/${found}`, 303);
    const tools = await toolVoteOverview(db);
    return sendPage(
      c,
      <ModerationOverviewPage
        tools={tools}
        canReadAudit={can(user.role, "audit:read")}
        notFound={raw.slice(0, 254)}
      />,
      404,
    );
  });

  app.get("/admin/moderation/tools/:slug", signedInPage("vote:moderate"), async (c) => {
    const user = signedInUser(c);
    const slug = c.req.param("slug");
    const history = await voteHistory(db, slug);
    if (!history) {
      throw notFound(`There is no tool called “${slug.slice(0, 100)}”.`, [
        { href: "/admin/moderation", label: "Back to moderation" },
      ]);
    }
    const voters = await votersOf(db, history.tool.id);
    return sendPage(
      c,
      <ToolVotesPage
        tool={history.tool}
        days={history.days}
        voters={voters}
        canReadAudit={can(user.role, "audit:read")}
      />,
    );
  });

  app.get("/admin/accounts/:id", signedInPage("vote:moderate"), async (c) => {
    const user = signedInUser(c);
    const id = accountId(c);
    const account = await findAccount(db, id);
    if (!account) throw notFound("There is no account with that number.");
    return sendPage(
      c,
      <AccountAdminPage
        account={account}
        viewerId={user.id}
        canBlock={can(user.role, "user:block")}
        canReadAudit={can(user.role, "audit:read")}
        notice={noticeFrom(c)}
      />,
    );
  });

  /** Reads the account and the reason; a bad reason re-renders the form with a 400. */
  async function moderate(
    c: Context,
    form: AccountForm,
  ): Promise<{ user: SessionUser; id: number; reason: string } | Response> {
    const user = signedInUser(c);
    const id = accountId(c);
    const fields = await readFields(c);
    const parsed = reasonSchema.safeParse(fields.reason ?? "");
    if (parsed.success) return { user, id, reason: parsed.data };
    const account = await findAccount(db, id);
    if (!account) throw notFound("There is no account with that number.");
    const message = parsed.error.issues[0]?.message ?? "Write a reason.";
    return sendPage(
      c,
      <AccountAdminPage
        account={account}
        viewerId={user.id}
        canBlock={can(user.role, "user:block")}
        canReadAudit={can(user.role, "audit:read")}
        problem={{ form, message, reason: (fields.reason ?? "").slice(0, 500) }}
      />,
      400,
    );
  }

  const moderation = (permission: Permission, invalidates: WriteDeclaration["invalidates"]) =>
    write(deps, { permission, rate: MODERATION_PER_ADMIN, invalidates });
  // an account's votes may be on any tool; blocking changes sessions, which no cached page shows
  const removingVotes = moderation("vote:moderate", {
    tools: "all",
    lists: ["home", "catalog", "categories", "leaderboard"],
    figures: true,
  });
  const blocking = moderation("user:block", "nothing");

  app.post("/admin/accounts/:id/votes/remove", removingVotes, async (c) => {
    const input = await moderate(c, "remove");
    if (input instanceof Response) return input;
    const { user, id, reason } = input;
    const result = await removeAccountVotes(db, { actor: user, userId: id, reason });
    if (!result.ok) throw problemError(result.problem, id);
    if (result.removed.length === 0) {
      unchanged(c);
      return c.redirect(`/admin/accounts/${id}?done=no-votes`, 303);
    }
    return c.redirect(`/admin/accounts/${id}?done=votes-removed&n=${result.removed.length}`, 303);
  });

  app.post("/admin/accounts/:id/block", blocking, async (c) => {
    const input = await moderate(c, "block");
    if (input instanceof Response) return input;
    const { user, id, reason } = input;
    const result = await blockAccount(db, {
      actor: user,
      userId: id,
      reason,
      adminEmails: config.adminEmails,
    });
    if (!result.ok) throw problemError(result.problem, id);
    return c.redirect(`/admin/accounts/${id}?done=blocked&n=${result.sessionsEnded}`, 303);
  });

  app.post("/admin/accounts/:id/unblock", blocking, async (c) => {
    const input = await moderate(c, "unblock");
    if (input instanceof Response) return input;
    const { user, id, reason } = input;
    const result = await unblockAccount(db, { actor: user, userId: id, reason });
    if (!result.ok) throw problemError(result.problem, id);
    return c.redirect(`/admin/accounts/${id}?done=unblocked`, 303);
  });

  app.get("/admin/moderation/flags", signedInPage("vote:moderate"), async (c) => {
    const done = c.req.query("done");
    const flags = await flaggedAccounts(db);
    return sendPage(
      c,
      <FlaggedAccountsPage
        flags={flags}
        done={done === "cleared" || done === "confirmed" ? done : undefined}
      />,
    );
  });

  // the decision changes which picks count: the boards are recomputed, and they drop the pages then
  const decidingFlags = moderation("vote:moderate", "nothing");
  for (const [verb, decision] of [
    ["clear", "cleared"],
    ["confirm", "confirmed"],
  ] as const) {
    app.post(`/admin/accounts/:id/flag/${verb}`, decidingFlags, async (c) => {
      const user = signedInUser(c);
      const id = accountId(c);
      const back = [{ href: "/admin/moderation/flags", label: "Back to flagged accounts" }];
      const parsed = reasonSchema.safeParse((await readFields(c)).reason ?? "");
      if (!parsed.success)
        throw badRequest(`Nothing changed. ${parsed.error.issues[0]?.message ?? "Write a reason."}`, back);
      const result = await decideFlag(db, { actor: user, userId: id, decision, reason: parsed.data });
      if (!result.ok) {
        if (result.problem === "unknown") throw notFound("That account is not flagged.", back);
        throw new HttpError(
          409,
          "Already decided",
          `This flag is already ${decision}; nothing changed.`,
          back,
        );
      }
      leaderboardJobs(deps).schedule();
      return c.redirect(`/admin/moderation/flags?done=${decision}`, 303);
    });
  }

  app.get("/admin/audit", signedInPage("audit:read"), async (c) => {
    const raw = c.req.query("before");
    const before = raw === undefined ? undefined : parseId(raw);
    if (raw !== undefined && before === undefined) {
      throw badRequest("“before” is the number of an audit entry, such as 120.", [
        { href: "/admin/audit", label: "Newest entries" },
      ]);
    }
    const page = await listAudit(db, { limit: AUDIT_PAGE_SIZE, before });
    return sendPage(
      c,
      <AuditLogPage entries={page.entries} nextBefore={page.nextBefore} firstPage={before === undefined} />,
    );
  });

  return app;
}
