import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import {
  ACCOUNT_DAILY_CAP,
  BOOTSTRAP_ROUNDS,
  MIN_OPPONENTS,
  MIN_PICKS,
  NETWORK_DAILY_CAP,
  RIDGE,
  WAITING_PERIOD_HOURS,
} from "../../domain/leaderboard/index.ts";

describe("/methodology on the leaderboard", () => {
  let t: TestApp;
  let html: string;
  beforeAll(async () => {
    t = await createTestApp();
    html = await (await t.request("/methodology")).text();
  });
  afterAll(() => t.dispose());

  it("has the method and the integrity rules at their anchors, and no longer calls the rating planned", () => {
    expect(html).toContain('id="leaderboard"');
    expect(html).toContain('id="integrity"');
    expect(html).not.toMatch(/is planned and\s+not yet shown/);
  });

  it("states the rank rule as the board applies it: overlapping intervals alone are not a tie", () => {
    const text = html.replaceAll("&#39;", "'").replace(/\s+/g, " ");
    expect(text).toContain("A tool's rank is 1 plus the number of tools clearly ahead of it");
    expect(text).toContain("Tools with the same rank are statistically tied");
    expect(text).toContain("Overlapping intervals alone do not make a tie");
    expect(text).not.toMatch(/intervals overlap can share a rank/);
  });

  it("shows the constants the code uses", () => {
    expect(html).toContain(`λ = ${RIDGE}`);
    expect(html).toContain(`${BOOTSTRAP_ROUNDS} times`);
    expect(html).toContain(`${MIN_PICKS} counted picks against at least ${MIN_OPPONENTS} different tools`);
    expect(html).toContain(`${ACCOUNT_DAILY_CAP} counted picks per account per day`);
    expect(html).toContain(`${NETWORK_DAILY_CAP} counted picks per day from one network`);
    expect(html).toContain(`${WAITING_PERIOD_HOURS} hours`);
  });

  it("works the example through the real fit: A first, its chance against B near the 70% it won", () => {
    const rows = [...html.matchAll(/<th scope="row">Tool ([ABC])<\/th><td class="num">(\d+)<\/td>/g)];
    expect(rows.map((r) => r[1])).toEqual(["A", "B", "C"]);
    const [a, b, c] = rows.map((r) => Number(r[2])) as [number, number, number];
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
    const chance = Number(/gives A a\s*(\d+)% chance against B/.exec(html)?.[1]);
    expect(Math.round(100 / (1 + 10 ** ((b - a) / 400)))).toBeCloseTo(chance, -1);
  });
});
