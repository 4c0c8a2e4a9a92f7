/**
 * The SQLite side of the shared SQL store: instants as epoch-millisecond INTEGERs (they
 * sort, compare and round-trip to the millisecond), booleans as 0/1, JSON as TEXT, and
 * `begin immediate` for every write transaction.
 */
import { sql } from 'kysely';
import type { SqlDialectHooks } from '../sql/dialect-hooks.js';
import { checkedTime } from '../sql/value-checks.js';
import { mapSqliteError } from './sqlite-errors.js';

/** Hooks for SQLite. */
export function sqliteHooks(): SqlDialectHooks {
  return {
    dialect: 'sqlite',
    beginWrite: 'begin immediate',
    capabilities: {
      returning: true,
      // `begin immediate` takes the database's write lock: writers are already serialised.
      rowLocks: false,
      skipLocked: false,
      upsert: 'on-conflict',
      updateFromCte: false,
      migrateUnderWriteLock: true,
      rowValueRanges: true,
      clusteredPrimaryKey: true,
      partialIndexes: true,
      indexesPerTable: false,
      fullText: 'fts5',
      unaryPlusHidesIndex: true,
      generatedColumns: 'virtual',
    },
    millisBetween: (later, earlier) => sql<number>`(${later} - ${earlier})`,
    lockTableForRebuild: () => null,
    toDate: (value) => checkedTime(value),
    timestampLiteral: (value) => sql.lit(checkedTime(value)),
    toNullableDate: (value) => (value === null ? null : checkedTime(value)),
    fromDate: (value) => new Date(Number(value)),
    toBoolean: (value) => (value ? 1 : 0),
    fromBoolean: (value) => value === 1 || value === true || value === 1n || value === '1',
    fromJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
    mapError: mapSqliteError,
    types: {
      key: 'text',
      text: 'text',
      timestamp: 'integer',
      boolean: 'integer',
      json: 'text',
      integer: 'integer',
      bigint: 'integer',
      real: 'real',
      position: 'integer',
      positionMode: 'autoincrement',
    },
  };
}
