/** Newsletter routes (placeholder until implemented). */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";

/** The routes. */
export function newsletterArchiveRoutes(_deps: Deps) {
  return new Hono();
}
