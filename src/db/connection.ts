/** Opens the database: a SQLite file by default, PostgreSQL when given a postgres:// URL. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";

export type Engine = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… for PostgreSQL; otherwise unused. */
  url?: string;
  /** SQLite file path, used when no url is given. */
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string;
}

/** Opens a connection pool (PostgreSQL) or file (SQLite) and returns it with its engine name. */
export function openDatabase(opts: OpenOptions): DatabaseHandle {
  if (opts.url && /^postgres(ql)?:\/\//.test(opts.url)) {
    // integer counts come back as numbers, not strings
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: 10,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: "postgres", close: () => db.destroy() };
  }
  const path = opts.sqlitePath ?? "./data/shiporskip.sqlite";
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, engine: "sqlite", close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing costs more than running our small queries, so
 * statements are kept by SQL text. Safe because Kysely runs one query at a time per connection.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (!stmt) {
        if (statements.size >= max) statements.clear();
        stmt = sqlite.prepare(sql);
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
}
