/**
 * The MCP answers' short texts and the tool resource's Markdown, written from the JSON API's
 * payloads (the structured content), so the words and the data cannot disagree.
 */
import { communityLabel } from "../../domain/community.ts";
import { formatScore, panelVerdictLine } from "../../domain/panel.ts";
import { formatUsd, pricingModelName } from "../../domain/pricing-read.ts";
import type { ToolDetailPayload, ToolSummaryPayload } from "../api/index.ts";

/** "Ship · 4 ship / 0 skip, panel score 82", or "… no panel score yet". */
export function verdictWords(panel: ToolSummaryPayload["panel"]): string {
  const score = panel.score === null ? "no panel score yet" : `panel score ${formatScore(panel.score)}`;
  return `${panelVerdictLine(panel)}, ${score}`;
}

/** One line naming a tool by name and slug with its verdict. */
export function toolLine(t: Pick<ToolSummaryPayload, "name" | "slug" | "panel">): string {
  return `${t.name} (${t.slug}): ${verdictWords(t.panel)}`;
}

/** A verdict as Markdown: the tool resource's readable form. */
export function verdictMarkdown(v: ToolDetailPayload): string {
  const lines = [
    `# ${v.name}`,
    "",
    `${v.vendor} · ${v.category.name} · ${v.links.page}`,
    "",
    `**Best for:** ${v.bestFor}`,
    "",
    v.description,
    "",
    `## Panel verdict: ${panelVerdictLine(v.panel)}`,
    "",
    v.panel.score === null ? "No published reviews yet." : `Panel score ${formatScore(v.panel.score)}/100.`,
    "",
  ];
  for (const r of v.reviews) {
    lines.push(
      `### ${r.personaName}: ${r.score}/100, ${r.verdict}`,
      "",
      r.summary,
      "",
      `_${r.byline.text}_`,
      "",
    );
    for (const l of r.lenses) lines.push(`- **${l.question}** ${l.answer}`);
    if (r.lenses.length > 0) lines.push("");
  }
  const p = v.pricing;
  lines.push(
    "## Pricing",
    "",
    `${pricingModelName(p.model)}; entry ${p.entryPrice}; ${p.freeTier ? "a free tier" : "no free tier"}; licence ${p.license}.`,
    "",
    p.detail,
    "",
    ...p.units.map((u) => `- ${u.label}: ${formatUsd(u.usd)} per ${u.unit}`),
    ...(p.units.length > 0 ? [""] : []),
    `Prices as of ${p.asOf}.`,
    "",
    "## Community",
    "",
    communityLabel(v.community),
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
