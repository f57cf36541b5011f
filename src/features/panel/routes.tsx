/** The panel's pages: /panel queue, persona review forms, drafts and publishing (stub, being built). */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";

/** The panel's pages routes. */
export function panelRoutes(_deps: Deps) {
  const app = new Hono();
  return app;
}
