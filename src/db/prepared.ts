/**
 * Queries built and compiled once per database, then run with new values. Kysely builds and
 * compiles a query anew on every call, which for the few small queries behind every signed-in
 * page (the session, the reader's votes and bookmarks) cost more than running them. A prepared
 * query is built once with a marker in place of each value; each run swaps the values in.
 *
 * The rule for `build`: every value must reach the query as a bound parameter (`where(col, "=",
 * value)`), and the query's shape must not depend on a value (no `if (value)` in the builder),
 * since it runs once, with markers. prepared() throws on first use when a value never reaches
 * the query as a parameter.
 */
import type { Compilable, CompiledQuery } from "kysely";
import type { Db } from "./types.ts";

const MARK = "\u0000prepared-value-";

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** For each of the query's parameters, the index of the value it takes, or -1 for a constant. */
  sources: number[];
}

/** A query with `arity` values, compiled on first use for each database it runs on. */
export function prepared<Values extends readonly unknown[], Row>(
  arity: Values["length"],
  build: (db: Db, ...values: Values) => Compilable<Row>,
): (db: Db, ...values: Values) => Promise<Row[]> {
  // per database object: SQLite and PostgreSQL compile to different SQL
  const compiledFor = new WeakMap<Db, Compiled<Row>>();
  const compile = (db: Db): Compiled<Row> => {
    const marks = Array.from({ length: arity }, (_, i) => `${MARK}${i}`) as unknown as Values;
    const query = build(db, ...marks).compile();
    const sources = query.parameters.map((p) =>
      typeof p === "string" && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1,
    );
    for (let i = 0; i < arity; i++) {
      if (!sources.includes(i))
        throw new Error(`prepared query: value ${i} is not a bound parameter of ${query.sql}`);
    }
    return { query, sources };
  };
  return async (db, ...values) => {
    let compiled = compiledFor.get(db);
    if (!compiled) {
      compiled = compile(db);
      compiledFor.set(db, compiled);
    }
    const { query, sources } = compiled;
    const parameters = sources.map((source, i) => (source === -1 ? query.parameters[i] : values[source]));
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}
