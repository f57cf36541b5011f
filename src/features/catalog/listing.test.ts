/** The catalog's queries on every engine: SQLite always, PostgreSQL with TEST_DATABASE_URL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../../test/support/db.ts";
import { summarizePanel } from "../../domain/panel.ts";
import { loadStarterCatalog } from "../../seed/catalog.ts";
import { seedStarterCatalog } from "../../seed/seed.ts";
import { recomputePanel } from "../panel/index.ts";
import { getTool } from "../tools/index.ts";
import { listCategories, listToolNames, listTools, type ToolFilters } from "./listing.ts";

reportSkippedPostgres("catalog service");
const catalog = loadStarterCatalog();
const all: ToolFilters = { sort: "score", page: 1, perPage: 100 };

describe.each(testEngines())("catalog service on %s", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(() => t.dispose());

  it("seeds every starter tool and category once; seeding again changes nothing", async () => {
    expect((await listToolNames(t.db)).length).toBe(catalog.tools.length);
    expect((await listCategories(t.db)).length).toBe(catalog.categories.length);
    expect(await seedStarterCatalog(t.db)).toEqual({ seeded: false, tools: catalog.tools.length });
  });

  it("stores panel figures that match the domain rule for every tool", async () => {
    const { items } = await listTools(t.db, all);
    for (const tool of catalog.tools) {
      const expected = summarizePanel(Object.values(tool.panel));
      const row = items.find((i) => i.slug === tool.slug);
      expect(row?.panel.verdict, tool.slug).toBe(expected.verdict);
      expect(row?.panel.shipPercent, tool.slug).toBe(expected.shipPercent);
      expect(row?.panel.score, tool.slug).toBeCloseTo(expected.score ?? 0, 6);
    }
  });

  it("has the sample panel disagree: Ship, Skip and Split tools, and differing persona scores", async () => {
    const { items } = await listTools(t.db, all);
    const verdicts = new Set(items.map((i) => i.panel.verdict));
    expect(verdicts).toEqual(new Set(["ship", "skip", "split"]));
    const varied = catalog.tools.filter(
      (tool) => new Set(Object.values(tool.panel).map((r) => r.score)).size > 1,
    );
    expect(varied.length).toBeGreaterThan(catalog.tools.length * 0.9);
  });

  it("reads the reference tool back with its facts, scores and lens answers", async () => {
    const tool = await getTool(t.db, "gemini-2-5-flash-native-audio-output");
    expect(tool?.vendor).toBe("Google");
    expect(tool?.category.name).toBe("Developer Tools");
    expect(tool?.entryPrice).toBe("Free");
    expect([
      tool?.reviews.builder?.score,
      tool?.reviews.skeptic?.score,
      tool?.reviews.futurist?.score,
      tool?.reviews.founder?.score,
    ]).toEqual([82, 76, 84, 78]);
    expect(tool?.reviews.builder?.answers.map((a) => a.question)).toEqual([
      "primitive",
      "dxBet",
      "momentOfTruth",
      "decision",
    ]);
    expect(tool?.reviews.futurist?.thesisDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(tool?.competitors.find((c) => c.name.includes("ElevenLabs"))?.slug).toBe(
      "elevenlabs-conversational-ai",
    );
  });

  it("searches case-insensitively and filters with the same results on every engine", async () => {
    const audio = await listTools(t.db, { ...all, q: "AUDIO" });
    expect(audio.items.map((i) => i.slug)).toContain("gemini-2-5-flash-native-audio-output");
    const onDevice = await listTools(t.db, { ...all, deployment: "on-device", category: "developer-tools" });
    expect(
      onDevice.items.every(
        (i) => i.deployment.includes("on-device") && i.category.slug === "developer-tools",
      ),
    ).toBe(true);
    expect(onDevice.total).toBe(onDevice.items.length);
  });

  it("sorts by score with the best first and pages without overlap", async () => {
    const page1 = await listTools(t.db, { ...all, perPage: 5 });
    const page2 = await listTools(t.db, { ...all, perPage: 5, page: 2 });
    const scores = [...page1.items, ...page2.items].map((i) => i.panel.score ?? 0);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(page1.items.some((i) => page2.items.some((j) => j.slug === i.slug))).toBe(false);
    expect(page1.pages).toBe(Math.ceil(catalog.tools.length / 5));
  });

  it("recomputes a tool's panel from its published reviews", async () => {
    const tool = await t.db
      .selectFrom("tools")
      .select("id")
      .where("slug", "=", "cursor")
      .executeTakeFirstOrThrow();
    await t.db
      .updateTable("reviews")
      .set({ status: "draft" })
      .where("tool_id", "=", tool.id)
      .where("persona", "=", "founder")
      .execute();
    const partial = await recomputePanel(t.db, tool.id);
    expect(partial.verdict).toBe("in-progress");
    expect((await getTool(t.db, "cursor"))?.panel.published).toBe(3);
    await t.db.updateTable("reviews").set({ status: "published" }).where("tool_id", "=", tool.id).execute();
    expect((await recomputePanel(t.db, tool.id)).published).toBe(4);
  });
});
