import { describe, expect, it } from "vitest";
import type { ToolProfileInput } from "../../domain/catalog-schema.ts";
import { draftFromValues, fieldForPath, formValuesFromBody, formValuesFromProfile } from "./form-values.ts";
import { catalogIssues, changeDetail, parseProfile, profileChanges } from "./profile.ts";

const catalog = { categories: new Set(["agents", "runtimes"]), tools: new Set(["alpha", "beta"]) };

const profile: ToolProfileInput = {
  slug: "gamma",
  name: "Gamma",
  vendor: "Gamma Labs",
  category: "agents",
  bestFor: "Testing",
  description: "D".repeat(300),
  homepage: "https://gamma.example.com",
  deployment: ["self-hosted", "cloud-api"],
  addedAt: "2026-05-01",
  pricing: {
    model: "paid",
    entry: "$10/mo",
    freeTier: false,
    license: "Proprietary",
    units: [{ label: "Seat", usd: 10, unit: "month" }],
    detail: "Per seat.",
    asOf: "2026-05-01",
  },
  competitors: [{ name: "Alpha", slug: "alpha" }, { name: "Outside" }],
};

describe("catalogIssues", () => {
  it("accepts known categories and competitors from the catalog or the same batch", () => {
    expect(
      catalogIssues(
        [
          { slug: "gamma", category: "agents", competitorSlugs: ["alpha", "delta", undefined] },
          { slug: "delta", category: "runtimes", competitorSlugs: ["gamma"] },
        ],
        catalog,
      ),
    ).toEqual([]);
  });

  it("finds unknown categories and competitors, self-reference, repeats and taken or missing slugs", () => {
    const issues = catalogIssues(
      [
        { slug: "gamma", category: "nope", competitorSlugs: ["zeta", "gamma", "alpha", "alpha"] },
        { slug: "gamma", category: "agents", competitorSlugs: [] },
      ],
      catalog,
    );
    expect(issues.map((i) => [i.index, i.path.join("."), i.message.slice(0, 30)])).toEqual([
      [0, "category", 'There is no category "nope". T'],
      [0, "competitors.0.slug", 'There is no tool "zeta" in the'],
      [0, "competitors.1.slug", "A tool cannot be its own compe"],
      [0, "competitors.3.slug", '"alpha" is listed twice.'],
      [1, "slug", '"gamma" appears more than once'],
    ]);
    expect(issues[4]?.duplicateOf).toBe(0);
    expect(catalogIssues([{ slug: "alpha", competitorSlugs: [] }], catalog, "create")[0]?.message).toContain(
      "already has a tool",
    );
    expect(catalogIssues([{ slug: "omega", competitorSlugs: [] }], catalog, "update")[0]?.message).toContain(
      'no tool "omega" to update',
    );
    expect(catalogIssues([{ slug: "alpha", competitorSlugs: [] }], catalog, "upsert")).toEqual([]);
  });
});

describe("profileChanges and changeDetail", () => {
  it("sees no change when only the order of deployment or of object keys differs", () => {
    const parsed = parseProfile({ ...profile, deployment: ["cloud-api", "self-hosted", "cloud-api"] });
    if (!parsed.ok) throw new Error("profile should parse");
    const reordered = { ...parsed.profile, pricing: { ...parsed.profile.pricing } };
    reordered.pricing.units = [{ unit: "month", usd: 10, label: "Seat" }];
    expect(profileChanges(parseProfileOrThrow(profile), reordered)).toEqual([]);
  });

  it("logs small values before and after, and long ones by length", () => {
    const before = parseProfileOrThrow(profile);
    const after = { ...before, name: "Gamma 2", description: "E".repeat(250) };
    expect(changeDetail(profileChanges(before, after))).toEqual({
      fields: ["name", "description"],
      changes: {
        name: { before: "Gamma", after: "Gamma 2" },
        description: { beforeLength: 300, afterLength: 250 },
      },
    });
    const created = changeDetail(profileChanges(undefined, before));
    expect(created.fields).toHaveLength(17);
    expect((created.changes as Record<string, unknown>).vendor).toEqual({ after: "Gamma Labs" });
  });

  it("words schema problems so they can be fixed, one per unknown key", () => {
    const parsed = parseProfile({ ...profile, name: " ", panel: {}, colour: "red" });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      { path: ["name"], message: "Required." },
      { path: ["panel"], message: expect.stringContaining("written and published at /panel") },
      { path: ["colour"], message: "Not a profile field." },
    ]);
  });
});

describe("form values", () => {
  it("round-trips a stored profile through the form unchanged", () => {
    const values = formValuesFromProfile(profile);
    // the form has spare rows to add to
    expect(values.pricing.units).toHaveLength(3);
    expect(values.competitors).toHaveLength(4);
    const draft = draftFromValues(values, new Map([["alpha", "Alpha"]]));
    const parsed = parseProfile(draft.raw);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(profileChanges(parseProfileOrThrow(profile), parsed.profile)).toEqual([]);
  });

  it("names a picked competitor after the catalog tool and puts errors on the row they came from", () => {
    const values = formValuesFromBody({
      "pricing.units.0.label": "",
      "pricing.units.0.usd": "",
      "pricing.units.0.unit": "",
      "pricing.units.1.label": "Calls",
      "pricing.units.1.usd": "lots",
      "pricing.units.1.unit": "1k",
      "competitors.0.slug": "",
      "competitors.0.name": "",
      "competitors.1.slug": "",
      "competitors.1.name": "",
      "competitors.2.slug": "beta",
      "competitors.2.name": "",
      deployment: ["cloud-api", "on-device"],
      "pricing.freeTier": "yes",
    });
    expect(values.pricing.units).toHaveLength(2);
    expect(values.deployment).toEqual(["cloud-api", "on-device"]);
    expect(values.pricing.freeTier).toBe(true);
    const draft = draftFromValues(values, new Map([["beta", "Beta Tool"]]));
    expect((draft.raw as ToolProfileInput).competitors).toEqual([{ name: "Beta Tool", slug: "beta" }]);
    expect((draft.raw as { pricing: { units: unknown[] } }).pricing.units).toEqual([
      { label: "Calls", usd: "lots", unit: "1k" },
    ]);
    expect(fieldForPath(["pricing", "units", 0, "usd"], draft)).toBe("pricing.units.1.usd");
    expect(fieldForPath(["competitors", 0, "slug"], draft)).toBe("competitors.2.slug");
    expect(fieldForPath(["deployment", 1], draft)).toBe("deployment");
    expect(fieldForPath(["pricing", "asOf"], draft)).toBe("pricing.asOf");
  });
});

function parseProfileOrThrow(raw: unknown): ToolProfileInput {
  const parsed = parseProfile(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.profile;
}
