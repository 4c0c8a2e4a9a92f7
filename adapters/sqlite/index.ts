/**
 * `ticketry/sqlite`: the SQLite store on better-sqlite3.
 */
export {
  sqliteStore,
  type SqliteStore,
  type SqliteStoreOptions,
  type SqliteStoreCommonOptions,
  type SqliteFileOptions,
  type SqliteDatabaseOptions,
  type SqliteKyselyOptions,
} from './sqlite-store.js';
export type { SqlTicketStore } from '../sql/sql-store.js';
export type { StatsDifference, StatsVerification, VerifyStatsOptions } from '../sql/stats-rebuild.js';
