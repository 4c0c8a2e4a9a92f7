/**
 * `ticketry/mysql`: the MySQL / MariaDB store on mysql2 (or any Kysely MySQL dialect).
 */
export {
  mysqlStore,
  type MysqlStore,
  type MysqlStoreOptions,
  type MysqlStoreCommonOptions,
  type MysqlUriOptions,
  type MysqlPoolOptions,
  type MysqlKyselyOptions,
} from './mysql-store.js';
export type { MysqlDriverDates } from './mysql-hooks.js';
export type { SqlTicketStore } from '../sql/sql-store.js';
export type { StatsDifference, StatsVerification, VerifyStatsOptions } from '../sql/stats-rebuild.js';
