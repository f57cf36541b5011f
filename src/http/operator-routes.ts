/**
 * What an operator's tools poll: GET /healthz (the process answers), GET /readyz (it can serve:
 * database reachable and migrated, Redis reachable when configured, not shutting down; with the
 * newsletter sender's state for information) and GET /metrics (Prometheus text, from loopback
 * or with METRICS_TOKEN). None is stored by the page cache (no route here renders a page), none
 * is rate limited, and their request lines are logged at debug (src/http/request-log.ts).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { sql } from "kysely";
import { isPostgres } from "../db/locks.ts";
import { pendingMigrations } from "../db/migrate.ts";
import type { Deps } from "./deps.ts";

/** What the newsletter's background sender is doing, as /readyz reports it. */
export interface SenderState {
  /** The weekly schedule in words, or null when only sends by hand happen. */
  schedule: string | null;
  /** When the scheduler next wakes to send, or null. */
  nextSendAt: string | null;
  /** An unfinished send from an earlier process is being resumed. */
  resuming: boolean;
  stopped: boolean;
}

/** Facts the instance knows and the app does not; each is read when /readyz is asked. */
export interface ReadinessSources {
  /** True when Redis answers; absent without REDIS_URL. */
  redis?: () => boolean;
  newsletter?: () => SenderState;
  /** True once a stop has begun: load balancers should send no more. */
  stopping?: () => boolean;
}

/** How long /readyz waits for the database before calling it unreachable. */
const DATABASE_CHECK_MS = 3000;

const noStore = { "cache-control": "no-store" };

/** The three routes; `sources` may gain its functions after the app is built (the instance starts later). */
export function operatorRoutes(deps: Deps, sources: ReadinessSources): Hono {
  const app = new Hono();

  app.get("/healthz", (c) => c.text("ok\n", 200, noStore));

  app.get("/readyz", async (c) => {
    const database = await checkDatabase(deps);
    const redis = sources.redis ? { ok: sources.redis() } : "not configured";
    const stopping = sources.stopping?.() ?? false;
    const ready = database.ok && (typeof redis === "string" || redis.ok) && !stopping;
    const body = {
      status: ready ? "ready" : stopping ? "stopping" : "not ready",
      database,
      redis,
      newsletter: sources.newsletter?.() ?? null,
    };
    return c.json(body, ready ? 200 : 503, noStore);
  });

  app.get("/metrics", async (c) => {
    if (!metricsAllowed(c.req.header("authorization"), c, deps.config.metricsToken)) {
      return c.text(
        "Metrics are served to this machine (loopback) only, or with Authorization: Bearer and the METRICS_TOKEN.\n",
        403,
        noStore,
      );
    }
    const { body, contentType } = await deps.metrics.scrape();
    return c.body(body, 200, { "content-type": contentType, ...noStore });
  });

  return app;
}

/** The database answers a query within DATABASE_CHECK_MS and has every migration applied. */
async function checkDatabase(
  deps: Deps,
): Promise<{ ok: boolean; engine: string; migrations?: "current" | { pending: string[] }; error?: string }> {
  const engine = isPostgres(deps.db) ? "postgres" : "sqlite";
  let timer: NodeJS.Timeout | undefined;
  try {
    const check = (async () => {
      await sql`select 1`.execute(deps.db);
      return pendingMigrations(deps.db);
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), DATABASE_CHECK_MS);
    });
    const pending = await Promise.race([check, timeout]);
    if (pending.length > 0) return { ok: false, engine, migrations: { pending } };
    return { ok: true, engine, migrations: "current" };
  } catch (err) {
    // the driver's message may name a host or a user: only its code or a short reason goes out
    const code = (err as { code?: unknown }).code;
    return { ok: false, engine, error: typeof code === "string" ? code : "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loopback with no proxy in between (a local Prometheus), or anyone with the token. A request a
 * proxy on this machine forwarded arrives from loopback too, so one carrying X-Forwarded-For
 * or Forwarded is not taken for local.
 */
function metricsAllowed(
  authorization: string | undefined,
  c: { env: unknown; req: { header(name: string): string | undefined } },
  token: string | undefined,
): boolean {
  if (token && authorization?.startsWith("Bearer ")) {
    const given = createHash("sha256").update(authorization.slice(7).trim()).digest();
    if (timingSafeEqual(given, createHash("sha256").update(token).digest())) return true;
  }
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
  const loopback = socket === "127.0.0.1" || socket === "::1" || socket === "::ffff:127.0.0.1";
  return loopback && !c.req.header("x-forwarded-for") && !c.req.header("forwarded");
}
