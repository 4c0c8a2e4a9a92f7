/**
 * The Postgres side of the shared SQL store: `timestamptz`, `boolean`, `jsonb`, keys as
 * `text COLLATE "C"` (so ORDER BY matches JavaScript's string order whatever the
 * database's locale), and row locks with `FOR UPDATE [SKIP LOCKED]`.
 */
import { sql } from 'kysely';
import type { SqlDialectHooks } from '../sql/dialect-hooks.js';
import { checkedTime } from '../sql/value-checks.js';
import { postgresMigrationIntrospector } from './migration-introspector.js';
import { mapPostgresError } from './postgres-errors.js';

const toDate = (value: Date): Date => new Date(checkedTime(value));

/** Hooks for Postgres (pg, PGlite, any Kysely Postgres dialect). */
export function postgresHooks(): SqlDialectHooks {
  return {
    dialect: 'postgres',
    beginWrite: 'begin',
    capabilities: {
      returning: true,
      rowLocks: true,
      skipLocked: true,
      upsert: 'on-conflict',
      updateFromCte: true,
      migrateUnderWriteLock: false,
      rowValueRanges: true,
      clusteredPrimaryKey: false,
      partialIndexes: true,
      indexesPerTable: false,
      fullText: 'tsvector',
      generatedColumns: 'stored',
    },
    millisBetween: (later, earlier) =>
      sql<number>`round(extract(epoch from (${later} - ${earlier})) * 1000)::bigint`,
    lockTableForRebuild: (table) => sql`lock table ${table} in share mode`,
    toDate,
    timestampLiteral: (value) => sql`timestamptz ${sql.lit(toDate(value).toISOString())}`,
    toNullableDate: (value) => (value === null ? null : toDate(value)),
    // pg parses timestamptz into Date; a host's custom type parser may hand strings.
    fromDate: (value) => (value instanceof Date ? value : new Date(value as string | number)),
    toBoolean: (value) => value,
    fromBoolean: (value) => value === true || value === 't' || value === 'true' || value === 1,
    fromJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
    mapError: mapPostgresError,
    migrationIntrospector: postgresMigrationIntrospector,
    types: {
      key: sql`text collate "C"`,
      text: 'text',
      timestamp: 'timestamptz',
      boolean: 'boolean',
      json: 'jsonb',
      integer: 'integer',
      bigint: 'bigint',
      real: 'double precision',
      position: 'bigint',
      positionMode: 'identity',
    },
  };
}
