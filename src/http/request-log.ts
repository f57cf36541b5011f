/**
 * One log line and one histogram sample per request, taken at the node:http level (src/server.ts)
 * so page-cache hits, which never reach Hono, are counted like every other answer.
 *
 * A line holds: the request id (also sent as X-Request-Id), method, route pattern (never the
 * raw path, which can hold a token, nor the query), status, duration, bytes of the body, and
 * `cache: "hit"` for page-cache hits. No header, cookie, address or query value is ever logged.
 *
 * The hit path writes its line in pino's JSON format by concatenation, straight to the logger's
 * stream, when the logger writes JSON (production): pino's generic serializer costs more than
 * the whole hit does otherwise. Every other request goes through pino as usual.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { hostname } from "node:os";
import type { Context } from "hono";
import { routePath } from "hono/route";
import { jsonStreamOf, type Logger } from "./log.ts";
import type { AppMetrics } from "./metrics.ts";
import { type HitReport, PageCache } from "./page-cache.ts";

/** A request answered outside the page cache, while it is under way. */
export interface RequestRecord extends HitReport {
  method: string;
  started: number;
  /** Anonymous GET or HEAD: a page-cache miss unless it is one of the quiet routes. */
  cacheable: boolean;
}

/** The label for requests no route matched (404s, wrong methods). */
export const UNMATCHED = "(unmatched)";
/** Routes an orchestrator or scraper polls: logged at debug, never at info. */
const QUIET_ROUTES: ReadonlySet<string> = new Set(["/healthz", "/readyz", "/metrics"]);
/** An incoming X-Request-Id worth keeping: short, and only characters ids are made of. */
const SANE_ID = /^[\w.:-]{1,128}$/;
const RECORD = Symbol("request record");

/** The route pattern Hono matched for this request ("/tools/:slug"), or UNMATCHED. */
export function routeLabel(c: Context): string {
  const path = routePath(c, -1);
  return path === "" || path === "*" || path === "/*" ? UNMATCHED : path;
}

/** The record of the request behind a Hono context, when it came through the node server. */
export function requestRecord(c: Context): RequestRecord | undefined {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return outgoing ? (outgoing as unknown as Record<symbol, RequestRecord | undefined>)[RECORD] : undefined;
}

/** The request id of the request behind a Hono context, for error logs; undefined in app.request() tests. */
export function requestId(c: Context): string | undefined {
  return requestRecord(c)?.id;
}

/** Hono middleware: notes the matched route on the request's record, for its log line and metrics. */
export function noteRoute(c: Context, next: () => Promise<void>): Promise<void> {
  const record = requestRecord(c);
  if (record) record.route = routeLabel(c);
  return next();
}

/** Logs and measures every request the server answers; see the file comment. */
export class RequestObserver {
  /** Filled for each request before the page cache is asked; read back after a hit. */
  readonly hitNote: HitReport = { id: undefined, route: undefined, bytes: 0 };
  private readonly prefix = `${Math.random().toString(36).slice(2, 8)}-`;
  private counter = 0;
  private readonly logsInfo: boolean;
  private readonly stream: { write(line: string): unknown } | undefined;
  private readonly bindings: string;
  private readonly routeJson = new Map<string, string>();
  /** Hit lines of this turn of the event loop, written together at its end (see hit()). */
  private pending: string[] = [];
  private readonly writePending = () => {
    const lines = this.pending;
    this.pending = [];
    this.stream?.write(lines.join(""));
  };

  constructor(
    private readonly log: Logger,
    private readonly metrics: AppMetrics,
    private readonly opts: { trustProxy: number },
  ) {
    this.logsInfo = log.isLevelEnabled("info");
    this.stream = jsonStreamOf(log);
    this.bindings = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  }

  /** Starts timing a request and picks its id; returns the start time for hit() or begin(). */
  start(req: IncomingMessage): number {
    this.hitNote.id = this.idFor(req);
    this.hitNote.route = undefined;
    return performance.now();
  }

  /** A page-cache hit, already answered: one sample, one line. */
  hit(req: IncomingMessage, res: ServerResponse, started: number): void {
    const note = this.hitNote;
    const route = note.route ?? UNMATCHED;
    const ms = performance.now() - started;
    this.metrics.pageCache.hits++;
    this.metrics.requests.observe(req.method ?? "GET", route, res.statusCode, ms / 1000);
    if (!this.logsInfo) return;
    if (this.stream) {
      let json = this.routeJson.get(route);
      if (json === undefined) {
        json = JSON.stringify(route);
        this.routeJson.set(route, json);
      }
      // pino's own line shape: level, time, its bindings, the fields, msg; every value here is
      // a number, a method node's parser accepted, an id of safe characters or an escaped label.
      // Gathered per turn of the event loop: pino's stream measures what it holds on every
      // write, so one write of many lines costs far less than many writes of one
      if (this.pending.length === 0) setImmediate(this.writePending);
      this.pending.push(
        `{"level":30,"time":${Date.now()}${this.bindings},"reqId":"${note.id}","method":"${req.method}","route":${json},"status":${res.statusCode},"ms":${Math.round(ms * 1000) / 1000},"bytes":${note.bytes},"cache":"hit","msg":"request"}\n`,
      );
    } else {
      this.log.info(
        {
          reqId: note.id,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(ms * 1000) / 1000,
          bytes: note.bytes,
          cache: "hit",
        },
        "request",
      );
    }
  }

  /** A request going on to the router (or waiting for another's render): logged when it ends. */
  begin(req: IncomingMessage, res: ServerResponse, started: number): RequestRecord {
    const record: RequestRecord = {
      id: this.hitNote.id,
      route: undefined,
      bytes: 0,
      method: req.method ?? "GET",
      started,
      cacheable: PageCache.cacheable(req.method, req.headers.cookie),
    };
    (res as unknown as Record<symbol, RequestRecord>)[RECORD] = record;
    this.metrics.inFlight.requests++;
    if (record.id) res.setHeader("x-request-id", record.id);
    res.once("close", () => this.end(res, record));
    return record;
  }

  private end(res: ServerResponse, record: RequestRecord): void {
    const ms = performance.now() - record.started;
    const route = record.route ?? UNMATCHED;
    const quiet = QUIET_ROUTES.has(route);
    // a waiter answered from the cache by another request's render reports its bytes; otherwise the header says
    const length = Number(res.getHeader("content-length"));
    const bytes = record.bytes || (Number.isFinite(length) ? length : undefined);
    const finished = res.writableFinished;
    this.metrics.inFlight.requests--;
    if (record.cacheable && !quiet) this.metrics.pageCache.misses++;
    this.metrics.requests.observe(record.method, route, res.statusCode, ms / 1000);
    const fields = {
      reqId: record.id,
      method: record.method,
      route,
      status: res.statusCode,
      ms: Math.round(ms * 1000) / 1000,
      bytes,
      // the client went away before the answer was sent in full
      ...(finished ? {} : { aborted: true }),
    };
    if (quiet) this.log.debug(fields, "request");
    else this.log.info(fields, "request");
  }

  /** The proxy's X-Request-Id when proxies are trusted and it looks like an id; else one of ours. */
  private idFor(req: IncomingMessage): string {
    if (this.opts.trustProxy > 0) {
      const given = req.headers["x-request-id"];
      if (typeof given === "string" && SANE_ID.test(given)) return given;
    }
    return this.prefix + (++this.counter).toString(36);
  }
}
