/**
 * The server's log: one JSON object a line (pino), so request data such as a decoded path is a
 * field whose newlines and quotes are escaped, never text that could start a line of its own.
 * Cookies and credentials are redacted wherever they appear among the fields.
 *
 * Failures are logged through ErrorLog, which rate-limits identical errors: any anonymous
 * request that fails the same way would otherwise write the same stack trace again each time.
 */
import { type DestinationStream, type Logger, pino } from "pino";
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

/** A logger at the configured level, writing to stdout unless given a destination (tests). */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, redact: { paths: REDACT, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
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

/** Message and the first stack frame: what makes two errors "the same". */
function signature(err: unknown): string {
  if (!(err instanceof Error)) return `thrown: ${String(err)}`;
  const frame = err.stack?.split("\n").find((line) => line.trimStart().startsWith("at ")) ?? "";
  return `${err.name}: ${err.message} ${frame.trim()}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
