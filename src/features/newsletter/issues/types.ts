/** The shapes the newsletter's parts agree on: an issue's content, an issue, a recipient. */
import { z } from "zod";

export interface NamedRef {
  slug: string;
  name: string;
}

/** A tool whose panel verdict was published in the issue's period. */
export interface IssueVerdict {
  slug: string;
  name: string;
  category: NamedRef;
  bestFor: string;
  /** "Ship", "Skip", "Split" or "Panel in progress (n/4)". */
  verdictLabel: string;
  /** "100% panel ship" style label. */
  panelShipLabel: string;
  /** Mean persona score, or null. */
  score: number | null;
}

/** A comparison worth reading this week. */
export interface IssueComparison {
  /** "/compare/a-vs-b" */
  path: string;
  a: NamedRef;
  b: NamedRef;
  category: NamedRef;
  /** Head-to-head picks on the pair in the period. */
  picks: number;
}

/** A tool whose community ship share moved in the period. */
export interface IssueMover {
  slug: string;
  name: string;
  category: NamedRef;
  /** Ship % at the start of the period (null: no votes then) and now. */
  shipPercentBefore: number | null;
  shipPercentNow: number | null;
  /** Votes cast or changed in the period. */
  votesInPeriod: number;
}

/** What an issue says, frozen as JSON when the issue is created. */
export interface IssueContent {
  periodStart: string;
  periodEnd: string;
  verdicts: IssueVerdict[];
  comparisons: IssueComparison[];
  movers: IssueMover[];
  mostCompared: IssueComparison | null;
}

/** A created issue. */
export interface Issue {
  id: number;
  number: number;
  subject: string;
  intro: string;
  content: IssueContent;
  status: "sending" | "sent";
  createdAt: string;
  sentAt: string | null;
}

/** Who one message goes to, and what makes it theirs. */
export interface Recipient {
  subscriberId: number;
  email: string;
  unsubscribeToken: string;
  /** Category slugs the subscriber follows; their issue leads with these. */
  followedCategories: string[];
}

/** One rendered message. */
export interface RenderedIssue {
  subject: string;
  html: string;
  text: string;
}

const namedRefSchema = z.object({ slug: z.string(), name: z.string() });

const issueComparisonSchema = z.object({
  path: z.string(),
  a: namedRefSchema,
  b: namedRefSchema,
  category: namedRefSchema,
  picks: z.number(),
});

/** An issue's stored content (newsletter_issues.content), checked whenever an issue is read. */
export const issueContentSchema: z.ZodType<IssueContent> = z.object({
  periodStart: z.string(),
  periodEnd: z.string(),
  verdicts: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      category: namedRefSchema,
      bestFor: z.string(),
      verdictLabel: z.string(),
      panelShipLabel: z.string(),
      score: z.number().nullable(),
    }),
  ),
  comparisons: z.array(issueComparisonSchema),
  movers: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      category: namedRefSchema,
      shipPercentBefore: z.number().nullable(),
      shipPercentNow: z.number().nullable(),
      votesInPeriod: z.number(),
    }),
  ),
  mostCompared: issueComparisonSchema.nullable(),
});
