/** Predictions: /admin/predictions to resolve the Futurist's past-due theses (stub, being built). */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";

/** Predictions routes. */
export function predictionRoutes(_deps: Deps) {
  const app = new Hono();
  return app;
}
