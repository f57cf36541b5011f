/**
 * The API's wire shapes, as zod schemas: the operations validate against them (in tests), the
 * OpenAPI document is generated from them, and the MCP server reuses them as output schemas.
 * Every object is strict, so a field added to a payload builder without its schema fails the
 * tests. These shapes are a contract: add optional fields, never rename or remove one.
 */
import { z } from "zod";
import { DEPLOYMENTS, PERSONAS, PRICING_MODELS, TIMINGS, VERDICTS } from "../../domain/catalog-schema.ts";
import { OUTCOMES } from "../../domain/predictions.ts";

const PANEL_VERDICTS = ["ship", "skip", "split", "in-progress"] as const;

const slug = z
  .string()
  .meta({ description: "The tool's catalog slug, its identifier everywhere.", example: "cursor" });
const isoInstant = z
  .string()
  .meta({ description: "An ISO-8601 instant in UTC.", example: "2026-11-30T09:00:00.000Z" });
const isoDate = z.string().meta({ description: "A date, YYYY-MM-DD.", example: "2027-06-30" });
const absoluteUrl = z.string().meta({ description: "An absolute URL." });

export const categoryRefSchema = z
  .strictObject({ slug: z.string(), name: z.string() })
  .meta({ id: "CategoryRef", description: "A category, by slug and name." });

export const panelFiguresSchema = z
  .strictObject({
    verdict: z.enum(PANEL_VERDICTS).meta({
      description:
        "ship or skip by majority of four published reviews, split on a tie, in-progress before all four.",
    }),
    score: z
      .number()
      .nullable()
      .meta({ description: "Mean of the published persona scores (0–100) to one decimal; null with none." }),
    ship: z.int().meta({ description: "Published reviews that say ship." }),
    skip: z.int().meta({ description: "Published reviews that say skip." }),
    published: z.int().meta({ description: "Published persona reviews, 0 to 4." }),
    shipPercent: z.int().nullable().meta({ description: "round(100 × ship ÷ published); null with none." }),
  })
  .meta({ id: "PanelFigures", description: "The panel's verdict and numbers (docs/product.md)." });

export const communityFigureSchema = z
  .strictObject({
    ship: z.int(),
    skip: z.int(),
    total: z.int(),
    shipPercent: z.int().nullable().meta({ description: "round(100 × ship ÷ total); null with no votes." }),
    wilsonLower: z.number().meta({
      description:
        "Lower bound of the 95% Wilson interval for the ship share, 0 to 1: the community sort key.",
    }),
  })
  .meta({ id: "CommunityFigure", description: "Readers' ship and skip votes." });

export const toolLinksSchema = z
  .strictObject({
    self: absoluteUrl.meta({ description: "This tool in the API." }),
    page: absoluteUrl.meta({ description: "This tool's page on the site." }),
  })
  .meta({ id: "ToolLinks" });

export const toolSummarySchema = z
  .strictObject({
    slug,
    name: z.string(),
    vendor: z.string(),
    category: categoryRefSchema,
    bestFor: z.string(),
    panel: panelFiguresSchema,
    community: communityFigureSchema,
    pricing: z.strictObject({
      model: z.enum(PRICING_MODELS),
      entryPrice: z
        .string()
        .meta({ description: "The cheapest way in, in words.", example: "Free; Pro $20/month" }),
    }),
    deployment: z.array(z.enum(DEPLOYMENTS)),
    addedAt: isoDate.meta({ description: "When the tool joined the catalog, YYYY-MM-DD." }),
    links: toolLinksSchema,
  })
  .meta({ id: "ToolSummary", description: "A tool as lists show it." });

export const unitPriceSchema = z
  .strictObject({ label: z.string(), usd: z.number(), unit: z.string() })
  .meta({ id: "UnitPrice", example: { label: "Input", usd: 0.3, unit: "1M tokens" } });

export const pricingSchema = z
  .strictObject({
    model: z.enum(PRICING_MODELS),
    entryPrice: z.string(),
    freeTier: z.boolean(),
    license: z.string(),
    units: z.array(unitPriceSchema),
    detail: z.string(),
    asOf: isoDate.meta({ description: "When the prices were checked." }),
  })
  .meta({ id: "Pricing", description: "Structured pricing." });

export const reviewSchema = z
  .strictObject({
    persona: z.enum(PERSONAS),
    personaName: z.string().meta({ example: "Builder" }),
    score: z.int().meta({ description: "0 to 100." }),
    verdict: z.enum(VERDICTS),
    summary: z.string(),
    lenses: z
      .array(
        z.strictObject({
          key: z.string().meta({ example: "primitive" }),
          question: z.string().meta({ example: "What is the primitive?" }),
          answer: z.string(),
        }),
      )
      .meta({ description: "The persona's lens questions and answers, in the order asked." }),
    thesisDate: isoDate.nullable().meta({ description: "Futurist: when its falsifiable thesis falls due." }),
    timing: z.enum(TIMINGS).nullable().meta({ description: "Futurist: early, on time or late." }),
    byline: z.strictObject({
      author: z.string(),
      provenance: z.enum(["panelist", "model"]),
      modelName: z.string().nullable(),
      text: z.string().meta({ example: "Drafted by llama3.2, edited by Ada" }),
    }),
    publishedAt: isoInstant.nullable(),
  })
  .meta({ id: "Review", description: "One persona's published review." });

export const verdictHistorySchema = z
  .strictObject({
    revisions: z
      .array(
        z.strictObject({
          persona: z.enum(PERSONAS),
          revision: z.int(),
          score: z.int(),
          verdict: z.enum(VERDICTS),
          author: z.string(),
          provenance: z.enum(["panelist", "model"]),
          modelName: z.string().nullable(),
          publishedAt: isoInstant,
        }),
      )
      .meta({ description: "Every published revision: personas in panel order, newest first within each." }),
    timeline: z
      .array(
        z.strictObject({
          at: isoInstant,
          score: z.number(),
          verdict: z.enum(PANEL_VERDICTS),
          ship: z.int(),
          skip: z.int(),
          published: z.int(),
        }),
      )
      .meta({ description: "The panel after each publication, oldest first." }),
  })
  .meta({ id: "VerdictHistory" });

export const thesisStatusSchema = z
  .strictObject({
    state: z.enum(["upcoming", "awaiting", "judged"]),
    thesisDate: isoDate,
    outcome: z.enum(OUTCOMES).nullable(),
    note: z.string().nullable(),
    judgedOn: isoDate.nullable(),
  })
  .meta({ id: "ThesisStatus", description: "Where the current Futurist thesis stands." });

// ---- the head-to-head leaderboard ----

const intervalSchema = z
  .strictObject({
    lower: z.number().meta({ description: "Low end of the 95% interval." }),
    upper: z.number().meta({ description: "High end of the 95% interval." }),
  })
  .meta({ id: "RatingInterval", description: "The rating's 95% bootstrap interval." });

export const leaderboardEntrySchema = z
  .strictObject({
    rank: z.int().nullable().meta({
      description:
        "1 + the number of tools whose interval lies wholly above this one's, within its connected group; null while provisional.",
    }),
    tied: z.boolean().meta({
      description:
        "Shares its rank with another tool: statistically tied. Overlapping intervals alone do not share a rank.",
    }),
    slug,
    name: z.string(),
    rating: z.number().meta({
      description: "Bradley–Terry rating: 1000 + 400·log10 of the odds, centred on 1000. One decimal.",
    }),
    interval: intervalSchema,
    picks: z.int().meta({ description: "Counted picks on pairs with this tool." }),
    wins: z.int().meta({ description: "Counted picks it won." }),
    opponents: z.int().meta({ description: "Distinct tools it was compared with in counted picks." }),
    winRate: z.number().nullable().meta({ description: "wins ÷ picks, 0 to 1; null without picks." }),
    provisional: z.boolean().meta({ description: "Too few picks or opponents to rank yet." }),
    needs: z
      .union([
        z.strictObject({
          picks: z.int().meta({ description: "More counted picks needed." }),
          opponents: z.int().meta({ description: "More distinct opponents needed." }),
        }),
        z.null(),
      ])
      .meta({ description: "What a provisional tool still needs to be ranked; null once ranked." }),
    component: z.int().nullable().meta({
      description: "Index of its connected group in `components`; null without counted picks.",
    }),
    panelScore: z.int().nullable().meta({ description: "The panel's score (0–100), for contrast." }),
    communityShip: z
      .int()
      .nullable()
      .meta({ description: "The community's ship share in percent, for contrast; null without votes." }),
    links: toolLinksSchema,
  })
  .meta({ id: "LeaderboardEntry", description: "One tool's line on a head-to-head board." });

export const leaderboardSchema = z
  .strictObject({
    board: z.string().meta({ description: '"overall" or the category\'s slug.', example: "overall" }),
    title: z.string(),
    category: z.union([categoryRefSchema, z.null()]).meta({ description: "Null for the overall board." }),
    asOf: isoDate.nullable().meta({
      description:
        "The day whose snapshot is served for `as_of`: the day asked, or the nearest earlier one with a snapshot when none was saved that day (`message` says so); null for the current board.",
    }),
    computedAt: isoInstant
      .nullable()
      .meta({ description: "When the board was computed; null before the first recompute." }),
    message: z.string().nullable().meta({
      description:
        "Why the board is empty and how to fill it (pick a winner on any comparison), or that `as_of` named a day without a snapshot and which day is served instead; null otherwise.",
    }),
    counted: z.int().meta({ description: "Picks the board counted." }),
    discounted: z
      .array(
        z.strictObject({
          reason: z.string().meta({ description: "The rule's key.", example: "account-daily-cap" }),
          label: z.string().meta({ description: "The rule, in words." }),
          picks: z.int(),
        }),
      )
      .meta({ description: "Picks kept but not counted, by reason (every reason listed)." }),
    connected: z.boolean().meta({
      description:
        "Whether every tool with counted picks was compared, directly or through others, with every other.",
    }),
    entries: z
      .array(leaderboardEntrySchema)
      .meta({ description: "The largest connected group, ranked, best first." }),
    separate: z.array(leaderboardEntrySchema).meta({
      description:
        "Ranked tools of other groups, never compared with the first: ranked within their own group only.",
    }),
    provisional: z
      .array(leaderboardEntrySchema)
      .meta({ description: "Tools not ranked yet, with what they need." }),
    components: z
      .array(
        z.strictObject({
          index: z.int(),
          slugs: z.array(z.string()),
          picks: z.int().meta({ description: "Counted picks within the group." }),
        }),
      )
      .meta({
        description: "The groups of tools compared with each other; empty when the board is connected.",
      }),
    method: z
      .strictObject({
        model: z
          .literal("bradley-terry")
          .meta({ description: "Fitted by maximum likelihood with a ridge penalty." }),
        ratingBase: z.number(),
        ratingScale: z.number(),
        ridge: z.number(),
        interval: z.literal("bootstrap"),
        intervalLevel: z.number(),
        bootstrapRounds: z.int(),
        bootstrapSeed: z.int(),
        minPicks: z.int().meta({ description: "Counted picks a tool needs to be ranked." }),
        minOpponents: z.int().meta({ description: "Distinct opponents a tool needs to be ranked." }),
        accountDailyCap: z.int(),
        networkDailyCap: z.int(),
        waitingPeriodHours: z.int(),
      })
      .meta({
        id: "LeaderboardMethod",
        description: "The method's constants (see /methodology#leaderboard).",
      }),
    links: z.strictObject({
      self: absoluteUrl.meta({ description: "This board in the API." }),
      page: absoluteUrl.meta({ description: "The board's page on the site." }),
      csv: absoluteUrl.meta({ description: "The picks behind every board, as CSV." }),
    }),
  })
  .meta({
    id: "Leaderboard",
    description: "A head-to-head board: Bradley–Terry ratings from readers' picks.",
  });

export const headToHeadSchema = z
  .strictObject({
    board: z.literal("overall").meta({ description: "The board the rating is from." }),
    rating: z.number(),
    interval: intervalSchema,
    rank: z.int().nullable().meta({ description: "Rank on the overall board; null while provisional." }),
    tied: z.boolean(),
    provisional: z.boolean(),
    picks: z.int(),
    wins: z.int(),
    opponents: z.int(),
    winRate: z.number().nullable(),
    history: z
      .array(
        z.strictObject({
          day: isoDate,
          rating: z.number(),
          interval: intervalSchema,
          provisional: z.boolean(),
        }),
      )
      .meta({ description: "The rating on each day's snapshot of the overall board, oldest first." }),
    links: z.strictObject({ board: absoluteUrl.meta({ description: "The overall board in the API." }) }),
  })
  .meta({ id: "HeadToHead", description: "A tool's head-to-head rating on the overall leaderboard." });

export const toolDetailSchema = z
  .strictObject({
    slug,
    name: z.string(),
    vendor: z.string(),
    category: categoryRefSchema,
    bestFor: z.string(),
    description: z.string(),
    homepage: absoluteUrl,
    addedAt: isoDate,
    deployment: z.array(z.enum(DEPLOYMENTS)),
    pricing: pricingSchema,
    competitors: z.array(
      z.strictObject({
        name: z.string(),
        slug: z.string().nullable().meta({ description: "Set when the competitor is in the catalog." }),
      }),
    ),
    panel: panelFiguresSchema,
    reviews: z.array(reviewSchema).meta({ description: "Published reviews, in panel order." }),
    community: communityFigureSchema,
    headToHead: z.union([headToHeadSchema, z.null()]).meta({
      description:
        "The tool's rating on the overall head-to-head leaderboard; null while it has no counted picks.",
    }),
    // a union, not .nullable(): zod-to-openapi drops the null from a nullable named schema
    prediction: z.union([thesisStatusSchema, z.null()]),
    verdictHistory: verdictHistorySchema,
    links: toolLinksSchema,
  })
  .meta({ id: "ToolDetail", description: "A tool in full: profile, pricing, panel, community, history." });

export const toolListSchema = z
  .strictObject({
    items: z.array(toolSummarySchema),
    total: z.int().meta({ description: "Tools matching the filters, on every page." }),
    limit: z.int(),
    next: z.string().nullable().meta({
      description: "The next page's absolute URL (same filters, its cursor); null on the last page.",
    }),
  })
  .meta({ id: "ToolList" });

export const categorySchema = z
  .strictObject({
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    toolCount: z.int(),
    links: z.strictObject({ self: absoluteUrl, page: absoluteUrl }),
  })
  .meta({ id: "Category" });

export const categoryListSchema = z
  .strictObject({ items: z.array(categorySchema) })
  .meta({ id: "CategoryList" });

export const categoryDetailSchema = z
  .strictObject({
    category: categorySchema,
    tools: z.array(toolSummarySchema).meta({ description: "Best panel score first." }),
  })
  .meta({ id: "CategoryDetail" });

const pairSchema = z
  .strictObject({
    a: slug,
    b: slug,
    reviewerSplit: z.strictObject({
      line: z.string().meta({ description: "The split in one sentence, as the comparison page says it." }),
      rows: z.array(
        z.strictObject({
          persona: z.enum(PERSONAS),
          diff: z
            .int()
            .nullable()
            .meta({ description: "a's score minus b's; null when either review is missing." }),
          verdictsDiffer: z.boolean(),
          leans: z
            .string()
            .nullable()
            .meta({ description: 'The slug this persona scores higher, "even", or null.' }),
        }),
      ),
    }),
    pricingRead: z
      .array(z.string())
      .meta({ description: "The two tools' pricing compared, one sentence each." }),
    links: z.strictObject({ page: absoluteUrl.meta({ description: "The pair's comparison page." }) }),
  })
  .meta({ id: "ComparedPair" });

export const comparisonSchema = z
  .strictObject({
    tools: z.array(toolSummarySchema).meta({ description: "The tools, in the order asked." }),
    decisionTable: z
      .array(
        z.strictObject({
          slug,
          panelVerdict: z.string().meta({ example: "Ship · 4 ship / 0 skip" }),
          community: z.string().meta({ example: "64% ship · 25 votes" }),
          pricing: z.string(),
          bestFor: z.string(),
          category: categoryRefSchema,
        }),
      )
      .meta({
        description: "One column per tool: the rows of the comparison page's decision table, in words.",
      }),
    scorecard: z
      .array(
        z.strictObject({
          persona: z.enum(PERSONAS),
          personaName: z.string(),
          tools: z.array(
            z.strictObject({
              slug,
              score: z.int().nullable(),
              verdict: z.enum(VERDICTS).nullable(),
              summary: z.string().nullable(),
            }),
          ),
        }),
      )
      .meta({ description: "Each persona's score, verdict and summary per tool (null: not reviewed yet)." }),
    pairs: z.array(pairSchema).meta({
      description: "Every pair of the tools, in the order asked: (1,2), (1,3), … (3,4); one for two tools.",
    }),
  })
  .meta({ id: "Comparison" });

export const predictionSchema = z
  .strictObject({
    id: z.int().meta({ description: "Stable: the review revision that first stated the thesis." }),
    tool: z.strictObject({ slug, name: z.string() }),
    thesis: z.string(),
    thesisDate: isoDate,
    statedOn: isoDate,
    futuristVerdict: z.enum(VERDICTS).nullable(),
    current: z.boolean().meta({ description: "False once a later review replaced this thesis." }),
    outcome: z.enum(OUTCOMES).nullable().meta({ description: "Null while awaiting judgement." }),
    note: z.string().nullable(),
    resolvedAt: isoInstant.nullable(),
  })
  .meta({ id: "Prediction" });

export const predictionsSchema = z
  .strictObject({
    pastDue: z
      .array(predictionSchema)
      .meta({ description: "Theses whose date has passed, oldest date first." }),
    awaiting: z.int().meta({ description: "Past-due theses not judged yet." }),
    upcoming: z.int().meta({ description: "Theses whose date has not come yet." }),
    nextDue: isoDate.nullable(),
    trackRecords: z.strictObject({
      futurist: z.strictObject({
        held: z.int(),
        failed: z.int(),
        unclear: z.int(),
        decided: z.int(),
        hitRate: z.number().nullable().meta({ description: "held ÷ (held + failed), 0 to 1." }),
      }),
      personas: z.array(
        z.strictObject({
          persona: z.enum(PERSONAS),
          agreed: z.int(),
          judged: z.int(),
          rate: z.number().nullable(),
        }),
      ),
    }),
  })
  .meta({ id: "Predictions", description: "The Futurist's dated theses and the panel's track records." });

export const newsletterIssueSchema = z
  .strictObject({
    number: z.int(),
    subject: z.string(),
    intro: z.string(),
    summary: z.string().meta({ description: "What the issue holds, in one line." }),
    periodStart: isoInstant,
    periodEnd: isoInstant,
    sentAt: isoInstant.nullable(),
    verdicts: z.array(
      z.strictObject({ slug, name: z.string(), verdict: z.string(), score: z.number().nullable() }),
    ),
    comparisons: z.array(z.strictObject({ a: slug, b: slug, picks: z.int() })),
    links: z.strictObject({ page: absoluteUrl }),
  })
  .meta({ id: "NewsletterIssue" });

export const newsletterIssueListSchema = z
  .strictObject({ items: z.array(newsletterIssueSchema).meta({ description: "Sent issues, newest first." }) })
  .meta({ id: "NewsletterIssueList" });

export type ToolSummaryPayload = z.infer<typeof toolSummarySchema>;
export type ToolDetailPayload = z.infer<typeof toolDetailSchema>;
export type ToolListPayload = z.infer<typeof toolListSchema>;
export type CategoryPayload = z.infer<typeof categorySchema>;
export type ComparisonPayload = z.infer<typeof comparisonSchema>;
export type PredictionsPayload = z.infer<typeof predictionsSchema>;
export type NewsletterIssuePayload = z.infer<typeof newsletterIssueSchema>;

export type LeaderboardPayload = z.infer<typeof leaderboardSchema>;
export type LeaderboardEntryPayload = z.infer<typeof leaderboardEntrySchema>;
export type HeadToHeadPayload = z.infer<typeof headToHeadSchema>;
