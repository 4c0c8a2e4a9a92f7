/**
 * `ticketry/postgres`: the Postgres store on pg (or PGlite, or any Kysely Postgres dialect).
 */
export {
  postgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
  type PostgresStoreCommonOptions,
  type PostgresConnectionStringOptions,
  type PostgresPoolOptions,
  type PostgresKyselyOptions,
} from './postgres-store.js';
export type { SqlTicketStore } from '../sql/sql-store.js';
export type { StatsDifference, StatsVerification, VerifyStatsOptions } from '../sql/stats-rebuild.js';
export type { PgliteListener } from './postgres-wake.js';
