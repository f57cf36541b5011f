/** The MCP answers' shapes, made from the tool model: one projection each, ids left out. */
import { reviewByline } from "../../domain/byline.ts";
import { PERSONAS } from "../../domain/catalog-schema.ts";
import { type CommunitySummary, communityLabel } from "../../domain/community.ts";
import { LENSES, questionLabel } from "../../domain/lenses.ts";
import { type PanelSummary, panelVerdictLine } from "../../domain/panel.ts";
import { pricingModelName } from "../../domain/pricing-read.ts";
import type { ToolDetail, ToolSummary } from "../tools/index.ts";
import type { ToolBrief, VerdictOutput } from "./schemas.ts";

/** The site's address of a tool page. */
export function toolUrl(siteUrl: string, slug: string): string {
  return `${siteUrl}/tools/${slug}`;
}

/** The panel's figures with the line the decision table shows. */
export function panelOf(p: PanelSummary): ToolBrief["panel"] {
  return {
    verdict: p.verdict,
    label: panelVerdictLine(p),
    score: p.score === null ? null : Math.round(p.score * 10) / 10,
    shipPercent: p.shipPercent,
    published: p.published,
  };
}

/** The community figure with its label. */
export function communityOf(c: CommunitySummary): ToolBrief["community"] {
  return { ship: c.ship, skip: c.skip, total: c.total, shipPercent: c.shipPercent, label: communityLabel(c) };
}

/** A tool in a list. */
export function toolBrief(t: ToolSummary, siteUrl: string): ToolBrief {
  return {
    slug: t.slug,
    name: t.name,
    vendor: t.vendor,
    category: { slug: t.category.slug, name: t.category.name },
    bestFor: t.bestFor,
    deployment: t.deployment,
    pricing: { model: t.pricingModel, entry: t.entryPrice },
    panel: panelOf(t.panel),
    community: communityOf(t.community),
    url: toolUrl(siteUrl, t.slug),
  };
}

/** Each published persona review, in panel order; with the four lens answers when asked. */
export function personasOf(t: ToolDetail, withAnswers: boolean): VerdictOutput["personas"] {
  return PERSONAS.flatMap((p) => {
    const r = t.reviews[p];
    if (!r) return [];
    return [
      {
        persona: p,
        name: LENSES[p].name,
        score: r.score,
        verdict: r.verdict,
        summary: r.summary,
        byline: reviewByline(r),
        publishedAt: r.publishedAt,
        ...(withAnswers
          ? {
              answers: r.answers.map((a) => ({
                question: questionLabel(p, a.question),
                answer: a.answer,
              })),
            }
          : {}),
      },
    ];
  });
}

/** A tool's verdict in full: profile, panel, personas, pricing, community, competitors. */
export function verdictOf(t: ToolDetail, siteUrl: string, withAnswers: boolean): VerdictOutput {
  return {
    tool: {
      slug: t.slug,
      name: t.name,
      vendor: t.vendor,
      category: { slug: t.category.slug, name: t.category.name },
      bestFor: t.bestFor,
      description: t.description,
      homepage: t.homepage,
      deployment: t.deployment,
      url: toolUrl(siteUrl, t.slug),
    },
    panel: panelOf(t.panel),
    personas: personasOf(t, withAnswers),
    pricing: {
      model: t.pricing.model,
      modelName: pricingModelName(t.pricing.model),
      entry: t.pricing.entry,
      freeTier: t.pricing.freeTier,
      license: t.pricing.license,
      units: t.pricing.units.map((u) => ({ label: u.label, usd: u.usd, unit: u.unit })),
      detail: t.pricing.detail,
      asOf: t.pricing.asOf,
    },
    community: communityOf(t.community),
    competitors: t.competitors.map((c) => ({ name: c.name, slug: c.slug })),
  };
}

/** A verdict as Markdown: the tool resource's readable form. */
export function verdictMarkdown(v: VerdictOutput): string {
  const lines = [
    `# ${v.tool.name}`,
    "",
    `${v.tool.vendor} · ${v.tool.category.name} · ${v.tool.url}`,
    "",
    `**Best for:** ${v.tool.bestFor}`,
    "",
    v.tool.description,
    "",
    `## Panel verdict: ${v.panel.label}`,
    "",
    v.panel.score === null ? "No published reviews yet." : `Panel score ${v.panel.score}/100.`,
    "",
  ];
  for (const p of v.personas) {
    lines.push(`### ${p.name}: ${p.score}/100, ${p.verdict}`, "", p.summary, "", `_${p.byline}_`, "");
    for (const a of p.answers ?? []) lines.push(`- **${a.question}:** ${a.answer}`);
    if (p.answers?.length) lines.push("");
  }
  lines.push(
    "## Pricing",
    "",
    `${v.pricing.modelName}; entry ${v.pricing.entry}; ${v.pricing.freeTier ? "free tier" : "no free tier"}; licence ${v.pricing.license}.`,
    "",
    v.pricing.detail,
    "",
    ...v.pricing.units.map((u) => `- ${u.label}: $${u.usd} per ${u.unit}`),
    ...(v.pricing.units.length ? [""] : []),
    `Prices as of ${v.pricing.asOf}.`,
    "",
    "## Community",
    "",
    v.community.label,
  );
  if (v.competitors.length > 0) {
    lines.push(
      "",
      "## Competitors",
      "",
      ...v.competitors.map((c) => `- ${c.name}${c.slug ? ` (${c.slug})` : ""}`),
    );
  }
  return `${lines.join("\n")}\n`;
}
