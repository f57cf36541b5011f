/** /admin/moderation/flags: accounts the leaderboard's outlier test flagged, with the evidence and the decision forms. */
import { actorLabel, maskEmail } from "../../domain/email.ts";
import type { DiscountReason } from "../../domain/leaderboard/index.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { FormBasics } from "../../ui/forms.tsx";
import { formatUtcMinute, plural } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import type { FlaggedAccount } from "../leaderboard/index.ts";

const STATUS_LABELS = {
  open: "Awaiting a decision",
  cleared: "Cleared: picks count",
  confirmed: "Confirmed: picks discounted",
};

const RULE_LABELS: Record<string, string> = {
  "against-consensus": "picks improbably often against the consensus",
  "lifts-one-tool": "picks concentrated on lifting one tool",
  "moderator-confirmed": "confirmed by a moderator",
};

/** One account's picks with one outcome, counted as picks: "12 picks counted", "1 pick not judged yet". */
function outcomeLabel(outcome: string, n: number): string {
  if (outcome === "counted") return `${plural(n, "pick")} counted`;
  if (outcome === "pending") return `${plural(n, "pick")} not judged yet`;
  if (outcome in OUTCOME_REASONS) return `${plural(n, "pick")} discounted: ${OUTCOME_REASONS[outcome]}`;
  return `${plural(n, "pick")}: ${outcome}`;
}

// why this one account's picks do not count (the board's tally speaks of many accounts)
const OUTCOME_REASONS: Record<string, string> = {
  "waiting-period": "the account is still in its waiting period",
  "account-daily-cap": "over the account's daily cap",
  "network-daily-cap": "over its network's daily cap",
  "flagged-account": "flagged by the outlier test",
} satisfies Record<DiscountReason, string>;

function Evidence(props: { flag: FlaggedAccount }) {
  const { evidence: e, outcomes } = props.flag;
  const fixed = (n: number) => n.toFixed(1);
  return (
    <dl class="evidence">
      <dt>Why</dt>
      <dd>{e.rules.map((r) => RULE_LABELS[r] ?? r).join("; ") || "–"}</dd>
      <dt>Picks tested</dt>
      <dd>{e.picks}</dd>
      <dt>Against the consensus</dt>
      <dd>
        {e.underdogPicks} picks of the model's underdog, where an honest reader would make about{" "}
        {fixed(e.expectedUnderdogPicks)} (log-likelihood ratio {fixed(e.againstConsensusLlr)})
      </dd>
      {e.lift ? (
        <>
          <dt>Lifting one tool</dt>
          <dd>
            <a href={`/tools/${e.lift.slug}`}>{e.lift.name}</a>: {e.lift.helpfulPicks} of{" "}
            {e.lift.relevantPicks} relevant picks helped it, where about {fixed(e.lift.expectedHelpfulPicks)}{" "}
            would be expected (log-likelihood ratio {fixed(e.lift.llr)})
          </dd>
        </>
      ) : null}
      <dt>Its picks now</dt>
      <dd>
        {Object.entries(outcomes)
          .map(([o, n]) => outcomeLabel(o, n))
          .join("; ") || "none"}
      </dd>
    </dl>
  );
}

function DecisionForm(props: { userId: number; decision: "clear" | "confirm" }) {
  const id = `${props.decision}-${props.userId}-reason`;
  return (
    <form class="stack" action={`/admin/accounts/${props.userId}/flag/${props.decision}`} method="post">
      <FormBasics returnTo="/admin/moderation/flags" />
      <div class="field">
        <label for={id}>Reason</label>
        <textarea
          id={id}
          name="reason"
          rows={2}
          required
          minlength={3}
          maxlength={500}
          aria-describedby={`${id}-hint`}
        />
        <p id={`${id}-hint`} class="muted small field-hint">
          {props.decision === "clear"
            ? "The account's picks count again, whatever the test says later."
            : "The account's picks stay discounted for good."}{" "}
          Kept in the audit log (3 to 500 characters).
        </p>
      </div>
      <div>
        <button type="submit" class={props.decision === "confirm" ? "danger" : undefined}>
          {props.decision === "clear" ? "Clear account" : "Confirm flag"}
        </button>
      </div>
    </form>
  );
}

/** Every flagged account, open ones first. */
export function FlaggedAccountsPage(props: {
  flags: readonly FlaggedAccount[];
  done?: "cleared" | "confirmed";
}) {
  const open = props.flags.filter((f) => f.status === "open").length;
  return (
    <Layout title="Flagged accounts">
      <Breadcrumb trail={[{ href: "/admin/moderation", label: "Moderation" }]} current="Flagged accounts" />
      <h1>Flagged accounts</h1>
      {props.done ? (
        <p class="callout notice" role="status">
          {props.done === "cleared" ? "Account cleared" : "Flag confirmed"}. The boards are being recomputed;
          the reason is in the audit log.
        </p>
      ) : null}
      <p class="lede">
        The leaderboard's outlier test flags accounts whose picks are improbably often against the consensus,
        or concentrated on lifting one tool. A flagged account's picks are discounted until you decide.{" "}
        {props.flags.length === 0
          ? "No account is flagged."
          : `${plural(open, "account")} awaiting a decision.`}{" "}
        <a href="/methodology#integrity">The rules</a>
      </p>
      {props.flags.map((f) => (
        <section class="card mb-2" aria-labelledby={`flag-${f.userId}`}>
          <h2 id={`flag-${f.userId}`}>
            <a href={`/admin/accounts/${f.userId}`}>Account #{f.userId}</a>{" "}
            <span class="muted small">{maskEmail(f.email)}</span>
          </h2>
          <p>
            <span
              class={
                f.status === "open"
                  ? "badge badge-split"
                  : f.status === "cleared"
                    ? "badge badge-ship"
                    : "badge badge-skip"
              }
            >
              {STATUS_LABELS[f.status]}
            </span>{" "}
            <span class="muted small">
              Flagged {formatUtcMinute(f.flaggedAt)} UTC; account made {formatUtcMinute(f.accountCreatedAt)}{" "}
              UTC.
              {f.decidedBy && f.decidedAt
                ? ` Decided by ${actorLabel(f.decidedBy)} on ${formatUtcMinute(f.decidedAt)} UTC: “${f.decisionReason ?? ""}”.`
                : ""}
            </span>
          </p>
          <Evidence flag={f} />
          <div class="moderation-actions">
            {f.status !== "cleared" ? <DecisionForm userId={f.userId} decision="clear" /> : null}
            {f.status !== "confirmed" ? <DecisionForm userId={f.userId} decision="confirm" /> : null}
          </div>
        </section>
      ))}
    </Layout>
  );
}
