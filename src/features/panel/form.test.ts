import { describe, expect, it } from "vitest";
import { bylineSchema, checkDraft, checkReview, emptyValues, readValues } from "./form.ts";

const futurist = {
  answer_thesis: "By 2028 most small teams start commits in an agent.",
  answer_thesisDate: "2028-06-30",
  answer_dependency: "Cheaper tokens.",
  answer_secondOrder: "Review becomes the bottleneck.",
  answer_timing: "early",
  score: "70",
  verdict: "ship",
  summary: "Early, but pointed the right way.",
};

describe("checkDraft", () => {
  it("refuses an empty form, and stores only what is there, trimmed", () => {
    expect(checkDraft("builder", emptyValues("builder"))).toEqual({
      ok: false,
      errors: { form: "Nothing to save yet: write at least one answer, the score or the verdict." },
    });
    const v = readValues("futurist", { answer_thesis: "  A thesis.  ", score: " 0 " });
    expect(checkDraft("futurist", v)).toEqual({
      ok: true,
      value: { score: 0, answers: { thesis: "A thesis." } },
    });
  });

  it("still enforces ranges, lengths, dates and choices", () => {
    const v = readValues("futurist", {
      score: "101",
      verdict: "maybe",
      summary: "x".repeat(401),
      answer_thesis: "y".repeat(601),
      answer_thesisDate: "2027-02-30",
      answer_timing: "soon",
    });
    const checked = checkDraft("futurist", v);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors).sort()).toEqual([
      "answer_thesis",
      "answer_thesisDate",
      "answer_timing",
      "score",
      "summary",
      "verdict",
    ]);
    expect(checked.errors.summary).toBe("Keep this to 400 characters or fewer (it has 401).");
  });
});

describe("checkReview", () => {
  it("passes a complete review through the persona's schema", () => {
    const checked = checkReview("futurist", readValues("futurist", futurist));
    expect(checked).toEqual({
      ok: true,
      value: {
        score: 70,
        verdict: "ship",
        summary: "Early, but pointed the right way.",
        answers: {
          thesis: "By 2028 most small teams start commits in an agent.",
          thesisDate: "2028-06-30",
          dependency: "Cheaper tokens.",
          secondOrder: "Review becomes the bottleneck.",
          timing: "early",
        },
      },
    });
  });

  it("names every missing or wrong field, a date that does not exist included", () => {
    const checked = checkReview(
      "futurist",
      readValues("futurist", {
        ...futurist,
        answer_dependency: "   ",
        score: "7.5",
        answer_thesisDate: "2027-02-30",
      }),
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors).toEqual({
      answer_dependency: "Answer this question.",
      score: "Give a whole number from 0 to 100.",
      answer_thesisDate: "Give the date by which the thesis can be checked, as YYYY-MM-DD.",
    });
  });
});

describe("checkReview: a Futurist's new thesis is dated ahead", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const values = (thesisDate: string, thesis = futurist.answer_thesis) =>
    readValues("futurist", { ...futurist, answer_thesis: thesis, answer_thesisDate: thesisDate });

  it("refuses a first thesis dated today or earlier, and one past the horizon", () => {
    for (const date of ["2026-11-24", "2020-01-31"]) {
      const checked = checkReview("futurist", values(date), { previous: null, now });
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.errors.answer_thesisDate).toContain("after today (2026-11-24)");
    }
    const far = checkReview("futurist", values("2031-11-25"), { previous: null, now });
    expect(far.ok).toBe(false);
    if (!far.ok) expect(far.errors.answer_thesisDate).toContain("within 5 years");
    expect(checkReview("futurist", values("2026-11-25"), { previous: null, now }).ok).toBe(true);
    expect(checkReview("futurist", values("2031-11-24"), { previous: null, now }).ok).toBe(true);
  });

  it("lets a revision keep a thesis whose date has passed, but not restate it with a new text", () => {
    const previous = { thesis: "By June 2026, x happens.", thesisDate: "2026-06-30" };
    const kept = checkReview("futurist", values("2026-06-30", "  By June 2026,  x happens. "), {
      previous,
      now,
    });
    expect(kept.ok).toBe(true);
    const reworded = checkReview("futurist", values("2026-06-30", "By June 2026, y happens."), {
      previous,
      now,
    });
    expect(reworded.ok).toBe(false);
  });
});

describe("bylineSchema", () => {
  it("trims and collapses spaces, and refuses what would mislead readers", () => {
    expect(bylineSchema.parse("  Ada \t Lovelace ")).toBe("Ada Lovelace");
    expect(bylineSchema.safeParse("ada@example.com").success).toBe(false);
    expect(bylineSchema.safeParse("sample PANEL").success).toBe(false);
    expect(bylineSchema.safeParse("Ada\u200bLovelace").success).toBe(false);
    expect(bylineSchema.safeParse(" ").error?.issues[0]?.message).toBe(
      "Write the name readers should see on your reviews.",
    );
  });
});
