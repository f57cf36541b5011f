/**
 * src/db/schema.ts against the database the migrations build. The TypeScript types are erased
 * at run time, so the declared tables are read from schema.ts with the TypeScript compiler:
 * each column's name, whether it may be null, whether the database fills it in when an insert
 * leaves it out (Generated), and whether it holds numbers or text.
 */
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../test/support/db.ts";

interface ColumnShape {
  nullable: boolean;
  /** The database fills it in when an insert leaves it out (a default or an auto-increment). */
  generated: boolean;
  kind: "number" | "text" | `unsupported: ${string}`;
}
type Tables = Map<string, Map<string, ColumnShape>>;

const SCHEMA_FILE = fileURLToPath(new URL("./schema.ts", import.meta.url));

/** The tables `Database` in src/db/schema.ts declares, as the type checker resolves them. */
function declaredTables(): Tables {
  const program = ts.createProgram([SCHEMA_FILE], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(SCHEMA_FILE);
  const database = source?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "Database",
  );
  if (!source || !database) throw new Error(`${SCHEMA_FILE} declares no interface Database`);
  const typeOf = (symbol: ts.Symbol) => checker.getTypeOfSymbolAtLocation(symbol, database);

  const tables: Tables = new Map();
  for (const table of checker.getPropertiesOfType(checker.getTypeAtLocation(database))) {
    const columns = new Map<string, ColumnShape>();
    for (const column of checker.getPropertiesOfType(typeOf(table))) {
      const type = typeOf(column);
      // Generated<T> and ColumnType<S, I, U> carry their select and insert types as properties
      const select = type.getProperty("__select__");
      const insert = type.getProperty("__insert__");
      const selected = select ? typeOf(select) : type;
      const members = (t: ts.Type) => (t.isUnion() ? t.types : [t]);
      const values = members(selected).filter((t) => !(t.flags & ts.TypeFlags.Null));
      const all = (flags: ts.TypeFlags) => values.length > 0 && values.every((t) => t.flags & flags);
      columns.set(column.name, {
        nullable: values.length < members(selected).length,
        generated: insert ? members(typeOf(insert)).some((t) => t.flags & ts.TypeFlags.Undefined) : false,
        kind: all(ts.TypeFlags.NumberLike)
          ? "number"
          : all(ts.TypeFlags.StringLike)
            ? "text"
            : `unsupported: ${checker.typeToString(selected)}`,
      });
    }
    tables.set(table.name, columns);
  }
  return tables;
}

function kindOf(dataType: string): ColumnShape["kind"] {
  const t = dataType.toLowerCase();
  if (t === "text") return "text";
  if (t === "integer" || t === "double precision") return "number";
  return `unsupported: ${dataType}`;
}

/** The tables the migrations created, read from the engine's catalog. */
async function migratedTables(handle: TestDatabase): Promise<Tables> {
  const tables: Tables = new Map();
  const add = (table: string, column: string, shape: ColumnShape) => {
    if (!tables.has(table)) tables.set(table, new Map());
    tables.get(table)?.set(column, shape);
  };
  if (handle.engine === "postgres") {
    const { rows } = await sql<{
      table_name: string;
      column_name: string;
      is_nullable: string;
      column_default: string | null;
      data_type: string;
    }>`select c.table_name, c.column_name, c.is_nullable, c.column_default, c.data_type
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
       where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
         and c.table_name not like 'kysely_%'`.execute(handle.db);
    for (const r of rows) {
      add(r.table_name, r.column_name, {
        nullable: r.is_nullable === "YES",
        generated: r.column_default !== null,
        kind: kindOf(r.data_type),
      });
    }
    return tables;
  }
  const { rows } = await sql<{
    table_name: string;
    table_sql: string;
    name: string;
    type: string;
    notnull: number;
    dflt_value: string | null;
    pk: number;
  }>`select m.name as table_name, m.sql as table_sql, p.name, p.type, p."notnull", p.dflt_value, p.pk
     from sqlite_master m, pragma_table_info(m.name) p
     where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like 'kysely_%'`.execute(handle.db);
  for (const r of rows) {
    add(r.table_name, r.name, {
      // a primary key column never holds null (an INTEGER PRIMARY KEY is the rowid)
      nullable: r.notnull === 0 && r.pk === 0,
      // like PostgreSQL's serial: only an AUTOINCREMENT key counts, not every rowid alias
      generated: r.dflt_value !== null || new RegExp(`"${r.name}"[^,]*autoincrement`, "i").test(r.table_sql),
      kind: kindOf(r.type),
    });
  }
  return tables;
}

/** Every difference between the migrated tables and the declared ones, one line each. */
function drift(migrated: Tables, declared: Tables): string[] {
  const out: string[] = [];
  const describeShape = (s: ColumnShape) =>
    `${s.kind}, ${s.nullable ? "nullable" : "not null"}${s.generated ? ", filled in by the database" : ""}`;
  for (const [table, columns] of migrated) {
    const declaredColumns = declared.get(table);
    if (!declaredColumns) {
      out.push(`table ${table} is in the migrated database but not declared in src/db/schema.ts`);
      continue;
    }
    for (const [column, shape] of columns) {
      const d = declaredColumns.get(column);
      if (!d) out.push(`${table}.${column} is in the migrated database but not declared in src/db/schema.ts`);
      else if (describeShape(d) !== describeShape(shape)) {
        out.push(
          `${table}.${column} is ${describeShape(shape)} in the migrated database, but src/db/schema.ts declares ${describeShape(d)}`,
        );
      }
    }
    for (const column of declaredColumns.keys()) {
      if (!columns.has(column)) {
        out.push(`${table}.${column} is declared in src/db/schema.ts but no migration creates it`);
      }
    }
  }
  for (const table of declared.keys()) {
    if (!migrated.has(table))
      out.push(`table ${table} is declared in src/db/schema.ts but no migration creates it`);
  }
  return out;
}

reportSkippedPostgres("the schema drift check");

const declared = declaredTables();

describe("src/db/schema.ts as the type checker reads it", () => {
  it("sees nullability, generated columns and the kind of value behind the domain's unions", () => {
    const tools = declared.get("tools");
    expect(tools?.get("id")).toEqual({ nullable: false, generated: true, kind: "number" });
    expect(tools?.get("panel_score")).toEqual({ nullable: true, generated: false, kind: "number" });
    expect(tools?.get("panel_verdict")).toEqual({ nullable: false, generated: true, kind: "text" });
    expect(tools?.get("pricing_model")).toEqual({ nullable: false, generated: false, kind: "text" });
    expect(declared.get("review_drafts")?.get("base_revision")).toEqual({
      nullable: true,
      generated: false,
      kind: "number",
    });
  });
});

describe.each(testEngines())("src/db/schema.ts against the migrations on %s", (engine) => {
  let handle: TestDatabase | undefined;
  afterEach(async () => {
    await handle?.dispose();
    handle = undefined;
  });

  it("declares every table and column the migrations create, and no other, each with its nullability, default and kind", async () => {
    handle = await createTestDatabase(engine, { migrate: true, seed: false });
    const migrated = await migratedTables(handle);
    expect(migrated.size).toBeGreaterThan(0);
    const problems = drift(migrated, declared);
    expect(problems, `src/db/schema.ts has drifted from the migrations:\n${problems.join("\n")}`).toEqual([]);
  });
});
