/**
 * `sqliteStore()`: ticketry on SQLite through better-sqlite3 and Kysely.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import { ConfigError } from '../../src/errors.js';
import { localOutboxWake } from '../sql/outbox-wake.js';
import { createSqlStore, type SqlTicketStore } from '../sql/sql-store.js';
import { tableNames } from '../sql/table-names.js';
import { letEventLoopTurn } from './event-loop-turns.js';
import { cachingDatabase } from './statement-cache.js';
import { sqliteHooks } from './sqlite-hooks.js';
import { checkHostObject, checkStoreOptions } from '../sql/value-checks.js';

/** Options every SQLite store takes. */
export interface SqliteStoreCommonOptions {
  /**
   * Prefix of every table, index and migration table, so ticketry's tables sit beside
   * the host's in one database file. Letters, digits and underscores.
   * @default 'ticketry_'
   */
  tablePrefix?: string;
  /**
   * How long a writer waits for another process's write lock before the operation fails
   * with an `unavailable` error (`PRAGMA busy_timeout`). Not applied to a `db` handed in.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * How many prepared statements to keep per connection; 0 turns the cache off. Not
   * applied to a `db` handed in.
   * @default 200
   */
  statementCacheSize?: number;
}

/** Open a database file (or `':memory:'`); the store owns and closes it. */
export interface SqliteFileOptions extends SqliteStoreCommonOptions {
  /** Path of the database file, created if missing; `':memory:'` for a private in-memory database. */
  filename: string;
}

/** Use a better-sqlite3 handle the host opened; the store never closes it. */
export interface SqliteDatabaseOptions extends SqliteStoreCommonOptions {
  /** An open better-sqlite3 `Database`. The store sets `busy_timeout` and `foreign_keys = ON` on it. */
  database: BetterSqlite3.Database;
}

/**
 * Use the host's Kysely instance, or a transaction of it, on SQLite. The host is
 * responsible for `PRAGMA foreign_keys = ON`, `busy_timeout` and WAL on its connection.
 */
export interface SqliteKyselyOptions extends SqliteStoreCommonOptions {
  /** A `Kysely` on a SQLite dialect, or a `Transaction` of one (ticketry then writes inside it). */
  db: Kysely<any>;
}

/** Options of `sqliteStore()`: exactly one of `filename`, `database` or `db`. */
export type SqliteStoreOptions = SqliteFileOptions | SqliteDatabaseOptions | SqliteKyselyOptions;

/** The SQLite store: a `TicketStore` with `migrate()`, `close()` and `withTransaction()`. */
export type SqliteStore = SqlTicketStore;

type DatabaseConstructor = new (filename: string) => BetterSqlite3.Database;

function loadBetterSqlite3(): DatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  } catch (err) {
    throw new ConfigError(
      'ticketry/sqlite needs the better-sqlite3 package: npm install better-sqlite3',
      { cause: err, params: { package: 'better-sqlite3' } },
    );
  }
}

/** Per-connection settings ticketry relies on. */
function prepareConnection(database: BetterSqlite3.Database, busyTimeoutMs: number, wal: boolean): void {
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  database.pragma('foreign_keys = ON');
  if (wal) database.pragma('journal_mode = WAL');
}

/**
 * Kysely's SQLite connection runs better-sqlite3 synchronously and throws its errors
 * synchronously from `executeQuery`, where every other driver rejects. A `.catch()`
 * chained on the call then never runs: after SQLITE_FULL or SQLITE_IOERR, which roll the
 * transaction back by themselves, the store's own `rollback` threw "cannot rollback - no
 * transaction is active" past its `.catch()` and the caller got that (an `internal`
 * error) instead of the disk-full error. Here every statement's error is a rejection.
 */
class RejectingSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
    driver.acquireConnection = async () => {
      // Between transactions, never inside one: a caller's loop must not starve the process.
      await letEventLoopTurn();
      const connection = await acquire();
      let safe = wrapped.get(connection);
      if (safe === undefined) {
        safe = {
          executeQuery(query) {
            try {
              return connection.executeQuery(query);
            } catch (err) {
              return Promise.reject(err);
            }
          },
          streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
        };
        wrapped.set(connection, safe);
      }
      return safe;
    };
    return driver;
  }
}

/**
 * Creates a SQLite store. Does no I/O: a file is opened on first use. Call `migrate()`
 * once before use.
 *
 * - `{ filename }`: opens the file in WAL mode with `busy_timeout` and foreign keys on;
 *   `close()` closes it.
 * - `{ database }`: uses the host's better-sqlite3 handle (sets `busy_timeout` and
 *   `foreign_keys`; the journal mode is the host's choice, WAL recommended); `close()`
 *   leaves it open.
 * - `{ db }`: uses the host's Kysely instance; pass a transaction to write inside it.
 *
 * Write transactions begin IMMEDIATE, so concurrent writers (also in other processes)
 * queue on the database lock instead of failing with SQLITE_BUSY.
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  checkStoreOptions(options, 'sqliteStore', '{ filename }, { database } or { db }');
  const names = tableNames(options.tablePrefix ?? 'ticketry_');
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const cacheSize = options.statementCacheSize ?? 200;

  if ('db' in options && options.db !== undefined) {
    return createSqlStore({ db: options.db, hooks: sqliteHooks(), names, wake: localOutboxWake() });
  }

  let open: () => Promise<SqliteDatabase>;
  if ('database' in options && options.database !== undefined) {
    // A better-sqlite3 handle: refused here, not as an internal error on the first query.
    for (const method of ['prepare', 'pragma']) checkHostObject(options.database, 'database', method, 'a better-sqlite3 Database');
    const database = options.database;
    open = async () => {
      prepareConnection(database, busyTimeoutMs, false);
      return cachingDatabase(database, { owned: false, size: cacheSize });
    };
  } else if ('filename' in options && typeof options.filename === 'string') {
    const Database = loadBetterSqlite3();
    const filename = options.filename;
    open = async () => {
      const database = new Database(filename);
      try {
        prepareConnection(database, busyTimeoutMs, filename !== ':memory:' && filename !== '');
      } catch (err) {
        database.close();
        throw err;
      }
      return cachingDatabase(database, { owned: true, size: cacheSize });
    };
  } else {
    throw new ConfigError('sqliteStore() needs one of { filename }, { database } or { db }', {
      params: { field: 'filename' },
    });
  }

  // Kysely calls `open` on the first query, so creating the store touches nothing.
  const db = new Kysely<any>({ dialect: new RejectingSqliteDialect({ database: open }) });
  return createSqlStore({
    db,
    hooks: sqliteHooks(),
    names,
    release: () => db.destroy(),
    // In-process: one dispatcher per database file (see README); other processes' writes
    // are found by its polling.
    wake: localOutboxWake(),
  });
}
