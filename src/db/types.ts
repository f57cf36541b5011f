/** The typed database handle every service takes (a transaction is one too). */
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
