/** Routes of the home page and the methodology page. */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";
import { sendPage } from "../../http/page.tsx";
import { latestVerdicts, listCategories } from "../catalog/service.ts";
import { featuredPairs, popularPairs } from "../compare/service.ts";
import { HomePage, MethodologyPage } from "./views.tsx";

/** The home and methodology routes. */
export function homeRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  app.get("/", async (c) => {
    const [latest, featured, popular, categories] = await Promise.all([
      latestVerdicts(db, 6),
      featuredPairs(db),
      popularPairs(db, 8),
      listCategories(db),
    ]);
    return sendPage(
      c,
      <HomePage
        latest={latest}
        featured={featured}
        popular={popular}
        categories={categories}
        canonical={`${config.siteUrl}/`}
      />,
    );
  });

  app.get("/methodology", (c) =>
    sendPage(c, <MethodologyPage canonical={`${config.siteUrl}/methodology`} />),
  );

  return app;
}
