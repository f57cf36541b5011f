/** One schema over the environment: read once at boot, fails fast with a clear message. */
import { join } from "node:path";
import { z } from "zod";
import { parseSchedule } from "./domain/schedule.ts";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL (leave it unset for SQLite)")
    .optional(),
  /** Public origin, used for canonical links; defaults to http://localhost:PORT. */
  SITE_URL: z.url().optional(),
  /** Set to "off" to disable the rendered-page cache (benchmarks measure both). */
  PAGE_CACHE: z.enum(["on", "off"]).default("on"),
  /** smtp://user:pass@host:port or smtps://…; unset writes mail to DATA_DIR/outbox as .eml files. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL (leave it unset to write mail to the outbox)")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Ship or Skip <no-reply@localhost>"),
  /** Comma-separated addresses that are admins whenever they sign in. */
  ADMIN_EMAILS: z.string().default(""),
  /** How many reverse proxies sit in front of the app; 0 means use the socket's address. */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** redis://… shares rate limits and cache invalidation across instances; unset keeps them in process. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL (leave it unset to keep this state in process)")
    .optional(),
  /**
   * The least severe log lines written (JSON lines on stdout, readable ones in development);
   * "silent" writes none. Defaults to "info" (one line per request), and to "warn" when
   * NODE_ENV=test so test runs show failures but not every request.
   */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  /** A bearer token that lets /metrics be scraped from beyond loopback; unset allows loopback only. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** How long SIGTERM waits for requests under way to finish before closing their connections. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Community votes per account per minute. */
  VOTE_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  /** JSON API requests per client network per minute. */
  API_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  /** MCP requests (JSON-RPC messages to /mcp) per client network per minute. */
  MCP_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  /** When the running server sends the weekly issue, e.g. "mon 09:00 Europe/Berlin"; unset sends only on demand. */
  NEWSLETTER_SCHEDULE: z
    .string()
    .trim()
    .min(1)
    .superRefine((value, ctx) => {
      try {
        parseSchedule(value);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
      }
    })
    .optional(),
  /** A tool's panel is stale, and back in the panel's queue, when its oldest published review is older than this. */
  PANEL_STALE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** Base URL of an OpenAI-compatible Chat Completions API, e.g. http://127.0.0.1:11434/v1; unset turns model drafting off. */
  LLM_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => {
      const url = new URL(u);
      return url.username === "" && url.password === "";
    }, "must not hold a user or password: put the key in LLM_API_KEY, which is sent as a Bearer token and never shown")
    .optional(),
  LLM_MODEL: z.string().trim().min(1).max(200).optional(),
  /** Sent as a Bearer token; local servers (Ollama, llama.cpp) may not need one. */
  LLM_API_KEY: z.string().min(1).optional(),
  /** How long one model request may take before it is retried. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
  /** Model requests in flight at once. */
  LLM_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
});

/** Where and how to ask a model for drafts; absent when drafting is off. */
export interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs: number;
  concurrency: number;
}

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  sqlitePath: string;
  siteUrl: string;
  pageCache: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  outboxDir: string;
  adminEmails: string[];
  trustProxy: number;
  redisUrl: string | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** METRICS_TOKEN: lets /metrics answer beyond loopback to `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** SHUTDOWN_GRACE_MS: how long a stop waits for open requests. */
  shutdownGraceMs: number;
  voteRateLimit: number;
  /** API_RATE_LIMIT: JSON API requests per client network per minute. */
  apiRateLimit: number;
  /** MCP_RATE_LIMIT: requests to /mcp per client network (or account) per minute. */
  mcpRateLimit: number;
  /** Raw NEWSLETTER_SCHEDULE; parsed and checked by the newsletter's schedule module at boot. */
  newsletterSchedule: string | undefined;
  panelStaleDays: number;
  /** Model drafting, when LLM_BASE_URL and LLM_MODEL are both set. */
  llm: LlmConfig | undefined;
}

/** Parses the environment into a Config; throws one readable error listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (Boolean(e.LLM_BASE_URL) !== Boolean(e.LLM_MODEL)) {
    throw new Error(
      "Invalid environment:\n  LLM_BASE_URL and LLM_MODEL: set both to turn model drafting on, or neither to leave it off",
    );
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    sqlitePath: join(e.DATA_DIR, "shiporskip.sqlite"),
    siteUrl: (e.SITE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    pageCache: e.PAGE_CACHE === "on",
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    outboxDir: join(e.DATA_DIR, "outbox"),
    adminEmails: e.ADMIN_EMAILS.split(",")
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
    trustProxy: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "warn" : "info"),
    metricsToken: e.METRICS_TOKEN,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    voteRateLimit: e.VOTE_RATE_LIMIT,
    apiRateLimit: e.API_RATE_LIMIT,
    mcpRateLimit: e.MCP_RATE_LIMIT,
    newsletterSchedule: e.NEWSLETTER_SCHEDULE,
    panelStaleDays: e.PANEL_STALE_DAYS,
    llm:
      e.LLM_BASE_URL && e.LLM_MODEL
        ? {
            baseUrl: e.LLM_BASE_URL.replace(/\/$/, ""),
            model: e.LLM_MODEL,
            apiKey: e.LLM_API_KEY,
            timeoutMs: e.LLM_TIMEOUT_MS,
            concurrency: e.LLM_CONCURRENCY,
          }
        : undefined,
  };
}
