/**
 * The server's log: one JSON object a line (pino), so request data such as a decoded path is a
 * field whose newlines and quotes are escaped, never text that could start a line of its own.
 * Cookies and credentials are redacted wherever they appear among the fields.
 *
 * Failures are logged through ErrorLog, which rate-limits identical errors: any anonymous
 * request that fails the same way would otherwise write the same stack trace again each time.
 */
import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";
import type { Config } from "../config.ts";

export type { Logger };

/** Fields that may carry a secret, at the depths request data is logged. */
const REDACT = [
  "cookie",
  "authorization",
  "headers.cookie",
  "headers.authorization",
  'headers["set-cookie"]',
  "req.headers.cookie",
  "req.headers.authorization",
];

/** Loggers whose lines go out as JSON, with the stream they write to (see jsonStreamOf). */
const jsonStreams = new WeakMap<Logger, DestinationStream>();

/**
 * A logger at the configured level. In production (and tests) one JSON object a line on
 * stdout, gathered into writes of up to 8 KB (see below): a reader of stdout that stops reading
 * (a stalled log collector) would in the end stall the server, as with pino's defaults; in development the same lines made readable by pino-pretty,
 * run as a plain synchronous stream in this thread: pino's worker-thread transports find their
 * worker by file path, which the esbuild bundle (dist/main.js) would not carry. A given
 * destination (tests) receives the JSON lines.
 */
export function createLogger(
  config: Pick<Config, "logLevel"> & Partial<Pick<Config, "env">>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACT, censor: "[redacted]" },
    // an error's own fields can hold data (a PostgreSQL error's `detail` quotes the row it
    // refused, an address say): log what identifies the failure, not everything it carries
    serializers: { err: errorFields },
  };
  if (!destination && config.env === "development") {
    return pino(
      options,
      pretty({ sync: true, colorize: process.stdout.isTTY, ignore: "pid,hostname", singleLine: true }),
    );
  }
  // lines are gathered up to 8 KB and written synchronously (pino's own default): one write(2)
  // of ~40 lines instead of 40, and no hand-off to libuv's thread pool, which on a one-core
  // server cost more than the write. Flushed every second, so a quiet server's lines show
  // within a second; main.ts flushes at start and at stop.
  const stream = destination ?? pino.destination({ dest: 1, sync: true, minLength: 8192 });
  if (!destination) setInterval(() => (stream as { flush?: () => void }).flush?.(), 1000).unref();
  const logger = pino(options, stream);
  jsonStreams.set(logger, stream);
  return logger;
}

/**
 * The stream a JSON logger made by createLogger writes to, so the page-cache hit path can
 * write its request line in pino's own format without pino's generic serializer
 * (src/http/request-log.ts); undefined for the readable development logger.
 */
export function jsonStreamOf(logger: Logger): DestinationStream | undefined {
  return jsonStreams.get(logger);
}

/** How long identical errors are summed up into one line after the first full one. */
const ERROR_WINDOW_MS = 60_000;
/** How many distinct errors are remembered; more are forgotten oldest first. */
const MAX_TRACKED_ERRORS = 500;

interface Tracked {
  windowStart: number;
  repeats: number;
}

/**
 * Logs failures with their stack, but an error that keeps recurring (same message, thrown from
 * the same place) only once a minute: the first time in full, then a line saying how many more
 * there were, written with the first one after the minute is up.
 */
export class ErrorLog {
  private tracked = new Map<string, Tracked>();

  constructor(
    private readonly log: Logger,
    private readonly opts: { windowMs?: number; now?: () => number } = {},
  ) {}

  /** Logs one failure with the request's fields (method, path, ...), or counts it. */
  failure(err: unknown, fields: Record<string, unknown>, msg: string): void {
    const now = this.opts.now?.() ?? Date.now();
    const windowMs = this.opts.windowMs ?? ERROR_WINDOW_MS;
    const key = signature(err);
    const seen = this.tracked.get(key);
    if (seen && now - seen.windowStart < windowMs) {
      seen.repeats++;
      return;
    }
    this.tracked.delete(key);
    this.tracked.set(key, { windowStart: now, repeats: 0 });
    if (this.tracked.size > MAX_TRACKED_ERRORS) {
      const oldest = this.tracked.keys().next().value;
      if (oldest !== undefined) this.tracked.delete(oldest);
    }
    if (seen && seen.repeats > 0) {
      // the stack was logged already; say how often it recurred, and that it still does
      this.log.error(
        { ...fields, error: errorMessage(err), repeated: seen.repeats + 1, sinceMs: now - seen.windowStart },
        `${msg} (the same error again, repeated)`,
      );
      return;
    }
    this.log.error({ ...fields, err }, msg);
  }
}

/** What the log keeps of an error: its kind, message, code and stack. */
function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: err.message, ...(code === undefined ? {} : { code }), stack: err.stack };
}

/** Message and the first stack frame: what makes two errors "the same". */
function signature(err: unknown): string {
  if (!(err instanceof Error)) return `thrown: ${String(err)}`;
  const frame = err.stack?.split("\n").find((line) => line.trimStart().startsWith("at ")) ?? "";
  return `${err.name}: ${err.message} ${frame.trim()}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
