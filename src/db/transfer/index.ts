/** Backups, restores, and moving a site between SQLite and PostgreSQL (docs/decisions/019-export-format.md). */
export {
  backupPostgres,
  backupSqlite,
  findOnPath,
  integrityCheck,
  PG_DUMP_ADVICE,
  restorePostgres,
  restoreSqlite,
} from "./backup.ts";
export { exportDatabase, TransferError } from "./export.ts";
export { type ImportResult, importDatabase, verifyExport } from "./import.ts";
export { type AnyDb, dataCounts, describeCounts, schemaVersion, tableColumns } from "./inspect.ts";
export type { Manifest } from "./manifest.ts";
export { OMITTED_TABLES, TRANSFER_TABLES } from "./tables.ts";
