import { describe, expect, it } from "vitest";
import {
  type Candidate,
  emptyRankingHint,
  entryPriceUsd,
  isOpenSource,
  needTerms,
  panelReasons,
  rankCandidates,
  triableFree,
} from "./recommend.ts";

function tool(slug: string, over: Partial<Candidate> = {}): Candidate {
  return {
    slug,
    name: slug
      .split("-")
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join(" "),
    vendor: "Acme",
    category: { slug: "misc", name: "Miscellaneous" },
    bestFor: "Teams",
    description: "A product.",
    deployment: ["cloud-api"],
    pricing: { model: "paid", entry: "$20/mo", freeTier: false, license: "Proprietary" },
    panel: { score: 70, verdict: "ship" },
    communityWilson: 0,
    ...over,
  };
}

const vector = tool("vecstore", {
  category: { slug: "vector-databases", name: "Vector databases" },
  bestFor: "Semantic search over embeddings",
  deployment: ["self-hosted", "cloud-api"],
  pricing: { model: "open-source", entry: "Free", freeTier: true, license: "Apache-2.0" },
  panel: { score: 80, verdict: "ship" },
});
const hostedVector = tool("cloudvec", {
  category: { slug: "vector-databases", name: "Vector databases" },
  bestFor: "Managed vector search",
  pricing: { model: "usage-based", entry: "Free", freeTier: true, license: "Proprietary" },
  panel: { score: 85, verdict: "ship" },
});
const speech = tool("talker", {
  category: { slug: "speech-audio", name: "Speech & audio" },
  bestFor: "Transcribing calls",
  description: "Speech to text with diarization.",
});

describe("needTerms", () => {
  it("drops filler words, folds plurals and keeps each word once", () => {
    expect(needTerms("I need a tool for searching my databases and a database")).toEqual([
      "searching",
      "database",
    ]);
    expect(needTerms("the best AI tool")).toEqual([]);
  });
});

describe("constraint rules", () => {
  it("reads the entry price label as dollars, whatever its unit", () => {
    expect(entryPriceUsd("Free")).toBe(0);
    expect(entryPriceUsd("Free (under $1M revenue)")).toBe(0);
    expect(entryPriceUsd("$20/mo")).toBe(20);
    expect(entryPriceUsd("$0.80 / 1M input tokens")).toBe(0.8);
    expect(entryPriceUsd("$1,200/yr")).toBe(1200);
    expect(entryPriceUsd("Contact sales")).toBeUndefined();
  });

  it("counts an OSI licence or an open-source model as open source, community licences not", () => {
    expect(isOpenSource({ model: "usage-based", license: "MIT" })).toBe(true);
    expect(isOpenSource({ model: "open-source", license: "Custom" })).toBe(true);
    expect(isOpenSource({ model: "free", license: "Llama 3.1 Community License" })).toBe(false);
    expect(isOpenSource({ model: "paid", license: "Proprietary" })).toBe(false);
  });

  it("treats a free tier, a free model or open source as triable without paying", () => {
    expect(triableFree({ model: "paid", freeTier: true })).toBe(true);
    expect(triableFree({ model: "open-source", freeTier: false })).toBe(true);
    expect(triableFree({ model: "usage-based", freeTier: false })).toBe(false);
  });
});

describe("rankCandidates", () => {
  it("offers only tools that match the need, best field and panel first", () => {
    const r = rankCandidates("vector database for semantic search", [speech, hostedVector, vector]);
    expect(r.ranked.map((c) => c.tool.slug)).toEqual(["vecstore", "cloudvec"]);
    expect(r.unmatched).toBe(1);
    const first = r.ranked[0];
    expect(first?.matched).toContainEqual({ term: "database", field: "category" });
    expect(first?.fit).toBeGreaterThan(0);
    expect(first?.rank).toBeLessThanOrEqual(1);
  });

  it("applies every constraint and counts what each turned away", () => {
    const r = rankCandidates("vector search", [vector, hostedVector, speech], {
      selfHosted: true,
      openSource: true,
    });
    expect(r.ranked.map((c) => c.tool.slug)).toEqual(["vecstore"]);
    expect(r.ranked[0]?.meets).toEqual(["self-hosted", "open source (Apache-2.0)"]);
    expect(r.excludedBy).toEqual({ selfHosted: 2, openSource: 2, freeTier: 0, maxEntryUsd: 0 });
  });

  it("keeps a tool under the price ceiling and drops one whose label names no price", () => {
    const sales = tool("big-co", {
      bestFor: "Vector search",
      pricing: { ...vector.pricing, model: "enterprise", entry: "Contact sales" },
    });
    const pricey = tool("pricey", {
      bestFor: "Vector search",
      pricing: { ...vector.pricing, model: "paid", entry: "$50/mo" },
    });
    const r = rankCandidates("vector", [sales, pricey, vector], { maxEntryUsd: 20 });
    expect(r.ranked.map((c) => c.tool.slug)).toEqual(["vecstore"]);
    expect(r.excludedBy.maxEntryUsd).toBe(2);
  });

  it("with a category, keeps tools that match no word, ordered by the panel", () => {
    const low = tool("low", { panel: { score: 40, verdict: "skip" } });
    const high = tool("high", { panel: { score: 90, verdict: "ship" } });
    const r = rankCandidates("something quirky", [low, high], {}, { anyMatch: true });
    expect(r.ranked.map((c) => c.tool.slug)).toEqual(["high", "low"]);
    expect(r.ranked[1]?.fit).toBe(0);
  });

  it("lets a better fit beat a better panel score", () => {
    const exact = tool("transcriber", {
      bestFor: "Transcribing calls",
      panel: { score: 60, verdict: "ship" },
    });
    const loose = tool("generalist", {
      description: "Also transcribing, sometimes.",
      panel: { score: 90, verdict: "ship" },
    });
    const r = rankCandidates("transcribing", [loose, exact]);
    expect(r.ranked.map((c) => c.tool.slug)).toEqual(["transcriber", "generalist"]);
  });

  it("breaks a tie by panel score, then by name", () => {
    const a = tool("alpha", { bestFor: "search", panel: { score: 70, verdict: "ship" } });
    const b = tool("beta", { bestFor: "search", panel: { score: 70, verdict: "ship" } });
    expect(rankCandidates("search", [b, a]).ranked.map((c) => c.tool.slug)).toEqual(["alpha", "beta"]);
  });
});

describe("panelReasons", () => {
  it("quotes the most and least convinced personas when they disagree", () => {
    const reasons = panelReasons({
      builder: { persona: "builder", score: 88, verdict: "ship", summary: "Lovely API." },
      skeptic: { persona: "skeptic", score: 55, verdict: "skip", summary: "Crowded market." },
      founder: { persona: "founder", score: 70, verdict: "ship", summary: "Clear buyer." },
    });
    expect(reasons).toEqual(["Builder (88, ship): Lovely API.", "Skeptic (55, skip): Crowded market."]);
  });

  it("quotes one persona when the panel agrees closely, and says when nobody has reviewed", () => {
    expect(
      panelReasons({
        builder: { persona: "builder", score: 80, verdict: "ship", summary: "Good." },
        founder: { persona: "founder", score: 78, verdict: "ship", summary: "Fine." },
      }),
    ).toEqual(["Builder (80, ship): Good."]);
    expect(panelReasons({})).toEqual(["No persona has published a review yet."]);
  });
});

describe("emptyRankingHint", () => {
  it("names the constraints that turned tools away, most first", () => {
    const r = rankCandidates("vector", [hostedVector, speech], { selfHosted: true, openSource: true });
    expect(emptyRankingHint(r, { selfHosted: true, openSource: true })).toBe(
      "Constraints turned tools away (selfHosted: 2, openSource: 2); try dropping or loosening one.",
    );
  });

  it("says when tools met the constraints but not the words", () => {
    const r = rankCandidates("quantum knitting", [speech]);
    expect(emptyRankingHint(r, {})).toContain('matched none of the words "quantum", "knitting"');
  });
});
