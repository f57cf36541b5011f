/** Admin catalog pages: /admin/tools, adding and editing tools (stub, being built). */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";

/** Admin catalog pages routes. */
export function catalogAdminRoutes(_deps: Deps) {
  const app = new Hono();
  return app;
}
