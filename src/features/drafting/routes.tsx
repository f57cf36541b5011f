/** Model drafting from the panel: POST /panel/tools/:slug/draft (stub, being built). */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";

/** Model drafting from the panel routes. */
export function draftingRoutes(_deps: Deps) {
  const app = new Hono();
  return app;
}
