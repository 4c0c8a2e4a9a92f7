/**
 * The SQLite side of the shared SQL store: instants as epoch-millisecond INTEGERs (they
 * sort, compare and round-trip to the millisecond), booleans as 0/1, JSON as TEXT, and
 * `begin immediate` for every write transaction.
 */
import { sql, type Expression } from 'kysely';
import type { SqlDialectHooks } from '../sql/dialect-hooks.js';
import { checkedTime } from '../sql/value-checks.js';
import { mapSqliteError } from './sqlite-errors.js';

/** Name of the SQL function the store registers for Unicode case folding. */
export const CASEFOLD_FUNCTION = 'ticketry_casefold';

/**
 * Hooks for SQLite. `fold: 'unicode'` uses the `ticketry_casefold` function the store
 * registers on connections it can reach (JavaScript's `toLowerCase`); `'ascii'` uses
 * SQLite's built-in `lower()`, which folds ASCII letters only.
 */
export function sqliteHooks(options: { fold: 'unicode' | 'ascii' }): SqlDialectHooks {
  const fold = options.fold === 'unicode' ? sql.raw(CASEFOLD_FUNCTION) : sql.raw('lower');
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
      clusteredPrimaryKey: true,
      partialIndexes: true,
      indexesPerTable: false,
      fullText: 'fts5',
    },
    millisBetween: (later, earlier) => sql<number>`(${later} - ${earlier})`,
    lockTableForRebuild: () => null,
    toDate: (value) => checkedTime(value),
    toNullableDate: (value) => (value === null ? null : checkedTime(value)),
    fromDate: (value) => new Date(Number(value)),
    toBoolean: (value) => (value ? 1 : 0),
    fromBoolean: (value) => value === 1 || value === true || value === 1n || value === '1',
    fromJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
    fold: (value: Expression<string>) => sql<string>`${fold}(${value})`,
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
