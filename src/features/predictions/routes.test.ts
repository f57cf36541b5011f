import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { signIn, type TestSession } from "../../../test/support/session.ts";
import type { Persona, ReviewInput } from "../../domain/catalog-schema.ts";
import { CLI_ACTOR } from "../audit/index.ts";
import { grantRoleAudited } from "../moderation/index.ts";
import { publishRevision } from "../panel/index.ts";

reportSkippedPostgres("predictions");

const ADMIN = "admin@example.com";
const PANELIST = "panelist@example.com";
const READER = "reader@example.com";

// The clock the app reads; dates matter here, so the suite never depends on the real date.
const NOW = Date.parse("2026-11-24T12:00:00.000Z");

const PAST_DUE = [
  "gpt-4o",
  "llama-3-1",
  "openai-realtime-api",
  "pgvector",
  "devin",
  "helicone",
  "paligemma-3b",
  "stable-diffusion-3-5",
];

const NOTE = "Public usage figures published in October settle it.";

describe.each(testEngines())("predictions on %s", (engine) => {
  let t: TestApp;
  let admin: TestSession;
  let panelist: TestSession;
  let reader: TestSession;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    t = await createTestApp(engine, { ADMIN_EMAILS: ADMIN });
    admin = await signIn(t, ADMIN);
    await grantRoleAudited(t.db.db, {
      actor: CLI_ACTOR,
      email: PANELIST,
      role: "panelist",
      reason: "Joins the panel",
    });
    panelist = await signIn(t, PANELIST);
    reader = await signIn(t, READER);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await t?.dispose();
  });

  const db = () => t.db.db;

  /** The id of the Futurist revision that states a tool's thesis (its first revision in the seed). */
  async function predictionId(slug: string, revision = 1): Promise<number> {
    const row = await db()
      .selectFrom("review_revisions")
      .innerJoin("tools", "tools.id", "review_revisions.tool_id")
      .select("review_revisions.id")
      .where("tools.slug", "=", slug)
      .where("review_revisions.persona", "=", "futurist")
      .where("review_revisions.revision", "=", revision)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The list entries of the methodology page's past-due theses, by tool slug. */
  function entries(html: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const chunk of html.split('<li class="prediction"').slice(1)) {
      const slug = /href="\/tools\/([^"]+)"/.exec(chunk)?.[1];
      if (slug) out.set(slug, chunk.slice(0, chunk.indexOf("</li>")));
    }
    return out;
  }

  function badgeOf(entry: string | undefined): string | undefined {
    return /<span class="badge[^"]*">([^<]+)<\/span>/.exec(entry ?? "")?.[1];
  }

  /** The "Track records" table: persona name → what its cell says. */
  function records(html: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of html.matchAll(/<th scope="row">(\w+)<\/th><td>(?:<span class="muted">)?([^<]+)</g)) {
      out[m[1] as string] = m[2] as string;
    }
    return out;
  }

  async function methodology(): Promise<string> {
    const res = await t.request("/methodology");
    expect(res.status).toBe(200);
    return res.text();
  }

  async function audits(slug: string) {
    const rows = await db()
      .selectFrom("audit_log")
      .select(["action", "actor_email", "reason", "detail"])
      .where("subject", "=", `tool:${slug}`)
      .where("action", "=", "prediction.resolve")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  async function resolutionCount(): Promise<number> {
    const row = await db()
      .selectFrom("thesis_resolutions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it("lists the eight seeded theses whose date has passed, each awaiting judgement", async () => {
    const html = await methodology();
    expect(html).toContain('<h2 id="predictions">Predictions</h2>');
    const list = entries(html);
    expect([...list.keys()].sort()).toEqual([...PAST_DUE].sort());
    for (const slug of PAST_DUE) expect(badgeOf(list.get(slug))).toBe("Awaiting judgement");
    // oldest date first: the four of 30 June come before the four of 30 September
    const order = [...list.keys()];
    expect(order.slice(0, 4).sort()).toEqual(["gpt-4o", "llama-3-1", "openai-realtime-api", "pgvector"]);
    expect(list.get("pgvector")).toContain("due 30 June 2026");
    expect(html).toContain("8 theses, 8 awaiting judgement");
    expect(html).toContain("28 more theses are not yet due; the next falls due on 31 December 2026.");
    expect(html).toContain("No thesis has been judged yet.");
    expect(records(html)).toEqual({
      Builder: "No judged thesis yet",
      Skeptic: "No judged thesis yet",
      Futurist: "No judged thesis yet",
      Founder: "No judged thesis yet",
    });
  });

  it("reads the date from the clock: a thesis is due the day after its date, in UTC", async () => {
    // signed in, so the page is rendered afresh rather than taken from the page cache
    try {
      vi.setSystemTime(Date.parse("2026-09-30T23:59:59.000Z"));
      let list = entries(await (await reader.get("/methodology")).text());
      expect([...list.keys()].sort()).toEqual(["gpt-4o", "llama-3-1", "openai-realtime-api", "pgvector"]);
      vi.setSystemTime(Date.parse("2026-10-01T00:00:00.000Z"));
      list = entries(await (await reader.get("/methodology")).text());
      expect(list.size).toBe(8);
    } finally {
      vi.setSystemTime(NOW);
    }
  });

  it("shows an admin every past-due thesis with a form, and links to the methodology", async () => {
    const res = await admin.get("/admin/predictions");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/<form class="stack resolve-form"/g)?.length).toBe(8);
    expect(html).toContain('href="/methodology#predictions"');
    expect(html).toContain("8 theses past their date; 8 awaiting judgement.");
    expect(html).toContain(`name="prediction" value="${await predictionId("pgvector")}"`);
    expect(html).toContain('name="_csrf"');
  });

  it("refuses readers and panelists, and sends signed-out visitors to sign in", async () => {
    const id = String(await predictionId("pgvector"));
    for (const who of [reader, panelist]) {
      expect((await who.get("/admin/predictions")).status).toBe(403);
      const post = await who.post("/admin/predictions", { prediction: id, outcome: "held", note: NOTE });
      expect(post.status).toBe(403);
      expect(await post.text()).toContain("prediction:resolve");
    }
    const anonymous = await t.request("/admin/predictions");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/sign-in?next=%2Fadmin%2Fpredictions");
    expect(await resolutionCount()).toBe(0);
  });

  it("turns down a bad outcome or note with a message next to the field, keeping what was typed", async () => {
    const id = String(await predictionId("devin"));
    const badOutcome = await admin.post("/admin/predictions", {
      prediction: id,
      outcome: "maybe",
      note: "Typed with care, kept on error.",
    });
    expect(badOutcome.status).toBe(400);
    let html = await badOutcome.text();
    expect(html).toContain(
      `id="p${id}-outcome-error" class="field-error">Choose an outcome: held, failed or unclear.`,
    );
    expect(html).toContain(">Typed with care, kept on error.</textarea>");

    const emptyNote = await admin.post("/admin/predictions", {
      prediction: id,
      outcome: "failed",
      note: "  ",
    });
    expect(emptyNote.status).toBe(400);
    html = await emptyNote.text();
    expect(html).toContain(
      `id="p${id}-note-error" class="field-error">Write a note saying what the evidence shows.`,
    );
    expect(html).toMatch(
      new RegExp(`id="p${id}-failed" name="outcome" value="failed" required="" checked=""`),
    );

    const short = await admin.post("/admin/predictions", {
      prediction: id,
      outcome: "held",
      note: "too short",
    });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("at least 10 characters");
    const long = await admin.post("/admin/predictions", {
      prediction: id,
      outcome: "held",
      note: "x".repeat(601),
    });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("600 characters or fewer");
    const missing = await admin.post("/admin/predictions", { outcome: "held", note: NOTE });
    expect(missing.status).toBe(400);
    expect(await resolutionCount()).toBe(0);
  });

  it("refuses a post without the session's CSRF token", async () => {
    const id = String(await predictionId("devin"));
    const res = await admin.post(
      "/admin/predictions",
      { prediction: id, outcome: "held", note: NOTE },
      { csrf: false },
    );
    expect(res.status).toBe(403);
    expect(await resolutionCount()).toBe(0);
  });

  it("resolves a thesis as held, and the methodology page shows it at once with new records", async () => {
    // the anonymous page is in the page cache before the judgement
    await methodology();
    expect(t.deps.cache.get("/methodology")).toBeDefined();

    const id = await predictionId("pgvector");
    const res = await admin.post("/admin/predictions", {
      prediction: String(id),
      outcome: "held",
      note: NOTE,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/predictions?done=saved&p=${id}#p${id}`);
    expect(t.deps.cache.get("/methodology")).toBeUndefined();

    const html = await methodology();
    const list = entries(html);
    expect(badgeOf(list.get("pgvector"))).toBe("Held");
    expect(list.get("pgvector")).toContain(NOTE);
    expect(list.get("pgvector")).toContain("Futurist said Ship");
    expect(badgeOf(list.get("gpt-4o"))).toBe("Awaiting judgement");
    expect(html).toContain("Judged so far: 1 held, 0 failed, 0 unclear.");
    expect(html).toContain("Hit rate: 1 of 1 (100%).");
    // pgvector's panel was ship across the board when the thesis was made, the Futurist included,
    // so the thesis holding bears out ship for everyone
    expect(records(html)).toEqual({
      Builder: "1 of 1 (100%)",
      Skeptic: "1 of 1 (100%)",
      Futurist: "1 of 1 (100%)",
      Founder: "1 of 1 (100%)",
    });

    const admin2 = await (await admin.get(`/admin/predictions?done=saved&p=${id}`)).text();
    expect(admin2).toContain("Judgement on pgvector saved.");
    // judged theses go after the ones still waiting
    const forms = [...admin2.matchAll(/name="prediction" value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(forms.at(-1)).toBe(id);
    expect(admin2).toContain("Change judgement");

    expect(await audits("pgvector")).toEqual([
      {
        action: "prediction.resolve",
        actor_email: ADMIN,
        reason: NOTE,
        detail: { prediction: id, thesisDate: "2026-06-30", outcomeBefore: null, outcomeAfter: "held" },
      },
    ]);
  });

  it("counts a failed bearish thesis for the ship verdicts, and audits each change of a judgement", async () => {
    const id = String(await predictionId("gpt-4o"));
    // a later change of the Builder's mind must not rewrite its record: the verdict of the day counts
    await db()
      .transaction()
      .execute(async (trx) => {
        const tool = await trx
          .selectFrom("tools")
          .select("id")
          .where("slug", "=", "gpt-4o")
          .executeTakeFirstOrThrow();
        const first = await trx
          .selectFrom("review_revisions")
          .select(["score", "summary", "answers"])
          .where("tool_id", "=", tool.id)
          .where("persona", "=", "builder")
          .executeTakeFirstOrThrow();
        await publishRevision(trx, {
          toolId: tool.id,
          persona: "builder",
          review: {
            score: 40,
            verdict: "skip",
            summary: first.summary,
            answers: JSON.parse(first.answers),
          } as ReviewInput,
          author: "Test panelist",
          authorId: null,
          provenance: "panelist",
          modelName: null,
          now: NOW,
        });
      });

    expect(
      (await admin.post("/admin/predictions", { prediction: id, outcome: "failed", note: NOTE })).status,
    ).toBe(303);
    let html = await methodology();
    expect(badgeOf(entries(html).get("gpt-4o"))).toBe("Failed");
    expect(entries(html).get("gpt-4o")).toContain("Futurist said Skip");
    expect(html).toContain("Hit rate: 1 of 2 (50%).");
    // GPT-4o when the thesis was made: builder ship, the others (Futurist included) skip. The
    // Futurist's skip rested on a thesis that failed, so ship is borne out: only the Builder scores,
    // and the Futurist's row equals its hit rate
    expect(records(html)).toEqual({
      Builder: "2 of 2 (100%)",
      Skeptic: "1 of 2 (50%)",
      Futurist: "1 of 2 (50%)",
      Founder: "1 of 2 (50%)",
    });

    const changed = await admin.post("/admin/predictions", {
      prediction: id,
      outcome: "unclear",
      note: "On a second look the survey never asked the question.",
    });
    expect(changed.status).toBe(303);
    html = await methodology();
    expect(badgeOf(entries(html).get("gpt-4o"))).toBe("Unclear");
    expect(html).toContain("Judged so far: 1 held, 0 failed, 1 unclear.");
    expect(html).toContain("Hit rate: 1 of 1 (100%).");
    expect(records(html).Builder).toBe("1 of 1 (100%)");

    const log = await audits("gpt-4o");
    expect(log.map((e) => [e.detail.outcomeBefore, e.detail.outcomeAfter])).toEqual([
      [null, "failed"],
      ["failed", "unclear"],
    ]);
    expect(log[1]?.reason).toBe("On a second look the survey never asked the question.");

    // sending the same judgement again changes nothing and logs nothing
    const same = await admin.post("/admin/predictions", {
      prediction: id,
      outcome: "unclear",
      note: "On a second look the survey never asked the question.",
    });
    expect(same.headers.get("location")).toBe(`/admin/predictions?done=unchanged&p=${id}#p${id}`);
    expect(await audits("gpt-4o")).toHaveLength(2);
  });

  it("credits skip, not ship, when a bearish thesis holds", async () => {
    // Stable Diffusion 3.5: the Futurist said skip, as did the Skeptic and the Founder; the Builder said ship
    const id = await predictionId("stable-diffusion-3-5");
    expect(
      (await admin.post("/admin/predictions", { prediction: String(id), outcome: "held", note: NOTE }))
        .status,
    ).toBe(303);
    const html = await methodology();
    expect(entries(html).get("stable-diffusion-3-5")).toContain("Futurist said Skip");
    expect(html).toContain("Judged so far: 2 held, 0 failed, 1 unclear.");
    expect(html).toContain("Hit rate: 2 of 2 (100%).");
    // with pgvector (held, all ship) and GPT-4o (unclear, counts for nobody)
    expect(records(html)).toEqual({
      Builder: "1 of 2 (50%)",
      Skeptic: "2 of 2 (100%)",
      Futurist: "2 of 2 (100%)",
      Founder: "2 of 2 (100%)",
    });
    // the admin sees the verdict the thesis was stated with, too
    const adminHtml = await (await admin.get("/admin/predictions")).text();
    const item = adminHtml.slice(adminHtml.indexOf(`id="p${id}"`));
    expect(item.slice(0, item.indexOf("</li>"))).toContain("Futurist said Skip");
  });

  it("keeps one prediction when a revision keeps the thesis, and adds one when the thesis changes", async () => {
    async function republish(slug: string, change: (answers: Record<string, string>) => void) {
      await db()
        .transaction()
        .execute(async (trx) => {
          const row = await trx
            .selectFrom("review_revisions")
            .innerJoin("tools", "tools.id", "review_revisions.tool_id")
            .select(["tools.id", "score", "verdict", "summary", "answers"])
            .where("tools.slug", "=", slug)
            .where("persona", "=", "futurist")
            .orderBy("revision", "desc")
            .executeTakeFirstOrThrow();
          const answers = JSON.parse(row.answers) as Record<string, string>;
          change(answers);
          await publishRevision(trx, {
            toolId: row.id,
            persona: "futurist" as Persona,
            review: {
              score: row.score,
              verdict: row.verdict,
              summary: `${row.summary} Revised.`,
              answers,
            } as ReviewInput,
            author: "Test panelist",
            authorId: null,
            provenance: "panelist",
            modelName: null,
            now: NOW,
          });
        });
    }
    // Devin: only the second-order answer changes, so the thesis is the same prediction
    await republish("devin", (a) => {
      a.secondOrder = `${a.secondOrder} And more.`;
    });
    // pgvector: a new thesis with a past date is a new prediction; the judged one stays
    await republish("pgvector", (a) => {
      a.thesis = "By October 2026, a brand-new claim about pgvector will be true.";
      a.thesisDate = "2026-10-31";
    });

    const html = await methodology();
    const pgvector = [...html.split('<li class="prediction"').slice(1)].filter((c) =>
      c.includes('href="/tools/pgvector"'),
    );
    expect(pgvector).toHaveLength(2);
    expect(html).toContain("9 theses, 6 awaiting judgement");
    expect(pgvector[0]).toContain("since replaced by a newer thesis");
    expect(badgeOf(pgvector[0])).toBe("Held");
    expect(badgeOf(pgvector[1])).toBe("Awaiting judgement");
    expect(html.split('href="/tools/devin"').length - 1).toBe(1);

    // the revision that only continued Devin's thesis is not a prediction of its own
    const continued = await predictionId("devin", 2);
    const res = await admin.post("/admin/predictions", {
      prediction: String(continued),
      outcome: "held",
      note: NOTE,
    });
    expect(res.status).toBe(404);
  });

  it("refuses theses that are not due yet and numbers that name none", async () => {
    const cursor = await predictionId("cursor");
    const early = await admin.post("/admin/predictions", {
      prediction: String(cursor),
      outcome: "held",
      note: NOTE,
    });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("has not passed");
    const builder = await db()
      .selectFrom("review_revisions")
      .select("id")
      .where("persona", "=", "builder")
      .executeTakeFirstOrThrow();
    expect(
      (
        await admin.post("/admin/predictions", {
          prediction: String(builder.id),
          outcome: "held",
          note: NOTE,
        })
      ).status,
    ).toBe(404);
    expect(
      (await admin.post("/admin/predictions", { prediction: "99999999", outcome: "held", note: NOTE }))
        .status,
    ).toBe(404);
    // a bad field on an unknown thesis is still a 404, not a form for nothing
    expect(
      (await admin.post("/admin/predictions", { prediction: "99999999", outcome: "x", note: "" })).status,
    ).toBe(404);
    // past PostgreSQL's integer range: refused before the database sees it
    for (const prediction of ["2147483648", "999999999999999"]) {
      const res = await admin.post("/admin/predictions", { prediction, outcome: "held", note: NOTE });
      expect(res.status).toBe(400);
    }
  });

  it("limits how fast one admin can send judgements", async () => {
    const id = String(await predictionId("helicone"));
    let last: Response | undefined;
    for (let i = 0; i < 31; i++) {
      last = await admin.post("/admin/predictions", { prediction: id, outcome: "x", note: "" });
      if (last.status === 429) break;
    }
    expect(last?.status).toBe(429);
    expect(last?.headers.get("retry-after")).toBeTruthy();
  });
});

describe("the cached methodology page at midnight", () => {
  it("is dropped when a new UTC day starts, since theses fall due without any write", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    vi.setSystemTime(Date.parse("2026-09-30T23:59:00.000Z"));
    const t = await createTestApp("sqlite");
    try {
      const before = await (await t.request("/methodology")).text();
      expect(before).toContain("4 theses, 4 awaiting judgement");
      expect(t.deps.cache.get("/methodology")).toBeDefined();
      vi.advanceTimersByTime(30_000);
      expect(t.deps.cache.get("/methodology")).toBeDefined();
      vi.advanceTimersByTime(40_000);
      expect(t.deps.cache.get("/methodology")).toBeUndefined();
      const after = await (await t.request("/methodology")).text();
      expect(after).toContain("8 theses, 8 awaiting judgement");
    } finally {
      vi.useRealTimers();
      await t.dispose();
    }
  });
});
