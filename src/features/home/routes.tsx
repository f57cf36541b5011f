/** Routes of the home page and the methodology page. */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";
import { pageShows, readersShareThisPage, sendPage } from "../../http/page.tsx";
import { latestVerdicts, listCategories } from "../catalog/index.ts";
import { homePairs } from "../compare/index.ts";
import { predictionsOverview } from "../predictions/index.ts";
import { HomePage, MethodologyPage } from "./views.tsx";

/** The home and methodology routes. */
export function homeRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  app.get("/", async (c) => {
    pageShows(c, { lists: ["home"], figures: true });
    readersShareThisPage(c);
    const [latest, comparisons, categories] = await Promise.all([
      latestVerdicts(db, 6),
      homePairs(db, 8),
      listCategories(db),
    ]);
    return sendPage(
      c,
      <HomePage
        latest={latest}
        comparisons={comparisons}
        categories={categories}
        canonical={`${config.siteUrl}/`}
        siteUrl={config.siteUrl}
      />,
    );
  });

  app.get("/methodology", async (c) => {
    pageShows(c, { lists: ["methodology"], figures: true });
    readersShareThisPage(c);
    const predictions = await predictionsOverview(db, { now: Date.now() });
    return sendPage(
      c,
      <MethodologyPage canonical={`${config.siteUrl}/methodology`} predictions={predictions} />,
    );
  });

  return app;
}
