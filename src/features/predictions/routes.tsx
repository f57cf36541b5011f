/** Predictions: /admin/predictions, where admins judge the Futurist's past-due theses. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { NOTE_MAX, NOTE_MIN, OUTCOMES } from "../../domain/predictions.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, HttpError, notFound } from "../../http/errors.ts";
import { readFields } from "../../http/form.ts";
import { parseId } from "../../http/ids.ts";
import { sendPage } from "../../http/page.tsx";
import type { PageCache } from "../../http/page-cache.ts";
import { PREDICTIONS_PER_ADMIN } from "../../http/rate-rules.ts";
import { signedInPage, signedInUser } from "../../http/viewer.ts";
import { unchanged, write } from "../../http/write.ts";
import { type AdminPredictionItem, predictionsToResolve, resolvePrediction } from "./service.ts";
import { AdminPredictionsPage, type ResolveNotice, type ResolveProblem } from "./views.tsx";

const judgementSchema = z.object({
  outcome: z.enum(OUTCOMES, { error: "Choose an outcome: held, failed or unclear." }),
  note: z
    .string()
    .trim()
    .min(1, "Write a note saying what the evidence shows.")
    .min(NOTE_MIN, `Write a note of at least ${NOTE_MIN} characters: say what the evidence shows.`)
    .max(NOTE_MAX, `Keep the note to ${NOTE_MAX} characters or fewer.`),
});

const BACK = [{ href: "/admin/predictions", label: "Back to predictions" }];

/** The result of the last judgement, from the redirect's query; unknown values show nothing. */
function noticeFrom(c: Context, items: AdminPredictionItem[]): ResolveNotice | undefined {
  const kind = c.req.query("done");
  if (kind !== "saved" && kind !== "unchanged") return undefined;
  const id = parseId(c.req.query("p"));
  const item = items.find((p) => p.id === id);
  return item ? { kind, toolName: item.tool.name } : undefined;
}

/**
 * Which theses are past due changes at midnight UTC without any write, so nothing would
 * invalidate the cached /methodology page; this clears this instance's pages at each midnight.
 * Every instance runs its own timer, so it clears locally instead of broadcasting.
 */
export function clearPagesAtMidnight(cache: PageCache): void {
  const now = Date.now();
  const today = new Date(now);
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
  const timer = setTimeout(
    () => {
      cache.clearLocal();
      clearPagesAtMidnight(cache);
    },
    midnight - now + 1000,
  );
  // the timer must never keep a finished process (a CLI run, a test) alive
  timer.unref?.();
}

/** Predictions routes. */
export function predictionRoutes(deps: Deps) {
  const app = new Hono();
  const { db } = deps;

  app.get("/admin/predictions", signedInPage("prediction:resolve"), async (c) => {
    const items = await predictionsToResolve(db, { now: Date.now() });
    return sendPage(c, <AdminPredictionsPage items={items} notice={noticeFrom(c, items)} />);
  });

  const judging = write(deps, {
    permission: "prediction:resolve",
    rate: PREDICTIONS_PER_ADMIN,
    // outcomes show on /methodology and on the judged tool's page
    invalidates: { tools: "all", lists: ["methodology"] },
  });

  app.post("/admin/predictions", judging, async (c) => {
    const user = signedInUser(c);
    const fields = await readFields(c);
    const now = Date.now();
    const id = parseId(fields.prediction);
    if (id === undefined) {
      throw badRequest("The form did not say which thesis it judges. Reload the page and try again.", BACK);
    }
    const parsed = judgementSchema.safeParse({ outcome: fields.outcome ?? "", note: fields.note ?? "" });
    if (!parsed.success) {
      const items = await predictionsToResolve(db, { now });
      if (!items.some((p) => p.id === id)) {
        throw notFound("There is no past-due thesis with that number.", BACK);
      }
      const errors: ResolveProblem["errors"] = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if ((field === "outcome" || field === "note") && !errors[field]) errors[field] = issue.message;
      }
      const problem: ResolveProblem = {
        id,
        outcome: fields.outcome ?? "",
        note: fields.note ?? "",
        errors,
      };
      return sendPage(c, <AdminPredictionsPage items={items} problem={problem} />, 400);
    }
    const result = await resolvePrediction(db, {
      id,
      outcome: parsed.data.outcome,
      note: parsed.data.note,
      actor: { id: user.id, email: user.email },
      now,
    });
    if (!result.ok) {
      if (result.problem === "not-due") {
        throw new HttpError(
          409,
          "Not due yet",
          "This thesis's date has not passed, so it cannot be judged yet.",
          BACK,
        );
      }
      throw notFound(
        "There is no thesis with that number. It may belong to a revision that kept an earlier thesis.",
        BACK,
      );
    }
    if (!result.changed) unchanged(c);
    const done = result.changed ? "saved" : "unchanged";
    return c.redirect(`/admin/predictions?done=${done}&p=${id}#p${id}`, 303);
  });

  return app;
}
