/** The admin's newsletter pages: preview the next issue, write its intro, send it, follow its delivery. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../http/deps.ts";
import { HttpError, notFound } from "../../../http/errors.ts";
import { readFields } from "../../../http/form.ts";
import { sendPage } from "../../../http/page.tsx";
import { NEWSLETTER_SEND_PER_ADMIN, WRITES_PER_VIEWER } from "../../../http/rate-rules.ts";
import { signedInPage, signedInUser } from "../../../http/viewer.ts";
import { write } from "../../../http/write.ts";
import { nextIssueNumber, parseIssueNumber, previewIssue, renderIssueEmail } from "../issues/index.ts";
import { issueWithProgress, MAX_INTRO_LENGTH, newsletterOverview, startIssueSend } from "./service.ts";
import { IssueProgressPage, NewsletterAdminPage } from "./views.tsx";

/**
 * The email preview is a document of its own, so it gets a policy of its own: mail HTML
 * carries its styles inline, which the site's policy forbids; scripts, frames and forms stay off.
 */
export const EMAIL_PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** An intro is optional; line endings are normalised so the limit counts what the reader sees. */
const introSchema = z
  .string()
  .transform((s) => s.replace(/\r\n?/g, "\n").trim())
  .pipe(
    z
      .string()
      .max(
        MAX_INTRO_LENGTH,
        `The intro is too long: keep it to ${MAX_INTRO_LENGTH.toLocaleString("en-US")} characters or fewer.`,
      ),
  );

type IntroResult = { ok: true; intro: string } | { ok: false; message: string };

function parseIntro(raw: string | undefined): IntroResult {
  const parsed = introSchema.safeParse(raw ?? "");
  if (parsed.success) return { ok: true, intro: parsed.data };
  return { ok: false, message: parsed.error.issues[0]?.message ?? "The intro could not be read." };
}

/** The newsletter's admin routes. */
export function newsletterAdminRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  /** The overview page; a refused intro comes back with its message, as typed, and a 400. */
  async function overviewPage(c: Context, typed: string, result: IntroResult) {
    const intro = result.ok ? result.intro : "";
    const overview = await newsletterOverview(db, { intro, schedule: config.newsletterSchedule });
    return sendPage(
      c,
      <NewsletterAdminPage
        overview={overview}
        intro={result.ok ? result.intro : typed}
        problem={result.ok ? undefined : { message: result.message }}
      />,
      result.ok ? 200 : 400,
    );
  }

  app.get("/admin/newsletter", signedInPage("newsletter:send"), async (c) => {
    return overviewPage(c, "", { ok: true, intro: "" });
  });

  // a POST so the intro need not travel in the address (or the CSRF token with it); changes nothing
  const previewing = write(deps, {
    permission: "newsletter:send",
    rate: WRITES_PER_VIEWER,
    invalidates: "nothing",
  });
  // the send itself changes no page; the archive and feed change when it finishes (onFinished)
  const sending = write(deps, {
    permission: "newsletter:send",
    rate: NEWSLETTER_SEND_PER_ADMIN,
    invalidates: "nothing",
  });

  app.post("/admin/newsletter/preview", previewing, async (c) => {
    const typed = (await readFields(c)).intro ?? "";
    return overviewPage(c, typed, parseIntro(typed));
  });

  app.get("/admin/newsletter/preview.html", signedInPage("newsletter:send"), async (c) => {
    const result = parseIntro(c.req.query("intro"));
    if (!result.ok) {
      throw new HttpError(400, "That intro cannot be previewed", result.message, [
        { href: "/admin/newsletter", label: "Back to the newsletter" },
      ]);
    }
    const preview = await previewIssue(db, { intro: result.intro });
    const { html } = renderIssueEmail({ issue: preview, siteUrl: config.siteUrl });
    return c.body(html, 200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": EMAIL_PREVIEW_CSP,
      "cache-control": "no-store",
    });
  });

  app.post("/admin/newsletter/send", sending, async (c) => {
    const user = signedInUser(c);
    const fields = await readFields(c);
    const typed = fields.intro ?? "";
    const result = parseIntro(typed);
    if (!result.ok) return overviewPage(c, typed, result);
    // the form names the issue it previewed: a second click, or a colleague's send in between,
    // must not mail everyone an issue nobody looked at
    const expected = fields.number;
    if (expected !== undefined && expected !== "") {
      const number = await nextIssueNumber(db);
      if (String(number) !== expected) {
        throw new HttpError(
          409,
          "That issue has already gone out",
          `The form was for issue #${expected.slice(0, 12)}, but the next issue is now #${number}: someone sent one in the meantime. Look at the new preview before sending again.`,
          [
            { href: "/admin/newsletter", label: "See the new preview" },
            ...(number > 1
              ? [{ href: `/admin/newsletter/issues/${number - 1}`, label: `Issue #${number - 1}` }]
              : []),
          ],
        );
      }
    }
    const { issue } = await startIssueSend(
      {
        db,
        config,
        mailer: deps.mailer,
        onFinished: () => deps.cache.invalidate({ tools: [], lists: ["newsletter"] }),
        background: deps.background,
        logError: (message) => deps.log.error(message),
      },
      { intro: result.intro, actor: { id: user.id, email: user.email } },
    );
    return c.redirect(`/admin/newsletter/issues/${issue.number}`, 303);
  });

  app.get("/admin/newsletter/issues/:number", signedInPage("newsletter:send"), async (c) => {
    const raw = c.req.param("number");
    const number = parseIssueNumber(raw);
    const issue = number === undefined ? undefined : await issueWithProgress(db, number);
    if (!issue) {
      throw notFound(`There is no issue #${raw.slice(0, 12)}.`, [
        { href: "/admin/newsletter", label: "Back to the newsletter" },
      ]);
    }
    return sendPage(c, <IssueProgressPage issue={issue} />);
  });

  return app;
}
