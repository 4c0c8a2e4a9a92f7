/**
 * What a migration is built from: the physical names and the dialect's column types.
 * Migrations are functions of this context rather than fixed SQL, so one file serves
 * both dialects and any table prefix or schema.
 */
import type { SqlColumnTypes, SqlMigrationDialect } from '../dialect-hooks.js';
import type { TableNames } from '../table-names.js';

/** The inputs of every migration. */
export interface MigrationContext {
  readonly names: TableNames;
  readonly types: SqlColumnTypes;
  /**
   * What the dialect can do, for the few statements that differ (date arithmetic and a
   * table lock in a backfill, a clustered table). The dialect's hooks satisfy it.
   */
  readonly dialect: SqlMigrationDialect;
}
