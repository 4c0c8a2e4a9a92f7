/**
 * `mysqlStore()`: ticketry on MySQL 8 or MariaDB 10.6+ through mysql2 and Kysely's
 * `MysqlDialect`.
 */
import { createRequire } from 'node:module';
import type { Pool, PoolOptions } from 'mysql2';
import { CompiledQuery, Kysely, MysqlDialect, type DatabaseConnection, type MysqlPool } from 'kysely';
import { ConfigError } from '../../src/errors.js';
import { createSqlStore, type SqlTicketStore } from '../sql/sql-store.js';
import { tableNames } from '../sql/table-names.js';
import { mysqlHooks, type MysqlDriverDates } from './mysql-hooks.js';
import { checkHostObject, checkStoreOptions, millisOption, statementTimeout } from '../sql/value-checks.js';

/** Options every MySQL store takes. */
export interface MysqlStoreCommonOptions {
  /**
   * Prefix of every table, index and migration table, so ticketry's tables sit beside
   * the host's in one database. Letters, digits and underscores.
   * @default 'ticketry_'
   */
  tablePrefix?: string;
}

/** Connect with a URL; the store owns the pool and `close()` ends it. */
export interface MysqlUriOptions extends MysqlStoreCommonOptions {
  /** A mysql2 connection URL, e.g. `mysql://user:pass@host:3306/db`. */
  uri: string;
  /**
   * Further mysql2 pool settings (`connectionLimit`, `ssl`, ...): a plain object of
   * settings mysql2 knows. ticketry sets `charset`, `dateStrings` and `timezone` itself
   * (and refuses them here, as it refuses a key mysql2 does not know: a `ConfigError`
   * naming `poolOptions.<key>`).
   * @default {}
   */
  poolOptions?: Omit<PoolOptions, 'uri'>;
  /**
   * Longest a single statement may run, in milliseconds, before the server interrupts it
   * and the call fails with an `unavailable` error (nothing of its transaction is
   * written): a query stuck behind another connection's row lock, or one the server
   * cannot finish in time. Set on every connection: MariaDB's `max_statement_time`; on
   * MySQL, which has no such limit for writes, `max_execution_time` (reads) and
   * `innodb_lock_wait_timeout` (whole seconds, rounded up) for lock waits. For a host's
   * `pool`, set these on its connections instead.
   * @default undefined (the server's settings)
   */
  statementTimeoutMs?: number;
  /**
   * Longest a call waits for a free connection of the store's pool, in milliseconds,
   * before it fails with `unavailable` (mysql2's own pool waits for ever; its
   * `connectTimeout` bounds only the opening of a new connection).
   * @default 30000
   */
  acquireTimeoutMs?: number;
}

/**
 * Use the host's mysql2 pool (callback API: `mysql.createPool`, not `mysql2/promise`);
 * `close()` leaves it open. Its `timezone` / `dateStrings` settings are read to undo
 * how it parses `DATETIME`s; its connections should use `utf8mb4`.
 */
export interface MysqlPoolOptions extends MysqlStoreCommonOptions {
  pool: Pool;
}

/**
 * Use the host's Kysely instance on a MySQL dialect, or a transaction of it: ticketry's
 * writes then run inside the host's transaction.
 */
export interface MysqlKyselyOptions extends MysqlStoreCommonOptions {
  db: Kysely<any>;
  /**
   * How the host's mysql2 pool reads `DATETIME`s: its `timezone` option (`'local'`, the
   * mysql2 default, `'Z'`, `'+HH:MM'`), or `'string'` with `dateStrings: true`.
   * @default 'local'
   */
  driverDates?: MysqlDriverDates;
}

/** Options of `mysqlStore()`: exactly one of `uri`, `pool` or `db`. */
export type MysqlStoreOptions = MysqlUriOptions | MysqlPoolOptions | MysqlKyselyOptions;

/** The MySQL store: a `TicketStore` with `migrate()`, `close()` and `withTransaction()`. */
export type MysqlStore = SqlTicketStore;

type CreatePool = (config: PoolOptions) => Pool;

function loadMysql2(): CreatePool {
  try {
    const mysql = createRequire(import.meta.url)('mysql2') as { createPool: CreatePool };
    return mysql.createPool;
  } catch (err) {
    throw new ConfigError('ticketry/mysql needs the mysql2 package: npm install mysql2', {
      cause: err,
      params: { package: 'mysql2' },
    });
  }
}

/** What a host pool's settings say about the `DATETIME`s it returns. */
function poolDates(pool: Pool): MysqlDriverDates {
  const config = (pool as unknown as { config?: { connectionConfig?: { timezone?: string; dateStrings?: unknown } } })
    .config?.connectionConfig;
  const dateStrings = config?.dateStrings;
  if (dateStrings === true || (Array.isArray(dateStrings) && dateStrings.includes('DATETIME'))) return 'string';
  const tz = config?.timezone ?? 'local';
  if (tz === 'Z' || tz === 'local' || /^[+-]\d{2}:?\d{2}$/.test(tz)) return tz as MysqlDriverDates;
  return 'local';
}

/**
 * The settings mysql2 3.x takes (its `ConnectionConfig`'s list): any other key it ignores,
 * printing a warning for each (an array of 100,000 elements spread into its options
 * printed 100,000 lines).
 */
const MYSQL2_OPTIONS = new Set([
  'authPlugins', 'authSwitchHandler', 'bigNumberStrings', 'charset', 'charsetNumber', 'compress', 'connectAttributes',
  'connectTimeout', 'database', 'dateStrings', 'debug', 'decimalNumbers', 'enableKeepAlive', 'flags', 'host',
  'insecureAuth', 'infileStreamFactory', 'isServer', 'keepAliveInitialDelay', 'localAddress', 'maxPreparedStatements',
  'multipleStatements', 'namedPlaceholders', 'nestTables', 'password', 'password1', 'password2', 'password3',
  'passwordSha1', 'pool', 'port', 'queryFormat', 'rowsAsArray', 'socketPath', 'ssl', 'stream', 'stringifyObjects',
  'supportBigNumbers', 'timezone', 'trace', 'typeCast', 'uri', 'user', 'disableEval', 'enableCleartextPlugin',
  'connectionLimit', 'maxIdle', 'idleTimeout', 'Promise', 'queueLimit', 'resetOnRelease', 'waitForConnections',
  'jsonStrings', 'gracefulEnd',
]);

/** What ticketry sets itself: how instants and text are read must not change under it. */
const SET_BY_TICKETRY = new Set(['uri', 'charset', 'charsetNumber', 'dateStrings', 'timezone', 'typeCast', 'rowsAsArray', 'nestTables']);

/**
 * `poolOptions`, checked: absent, or a plain object whose keys are mysql2 settings that
 * ticketry does not set itself. A `ConfigError` names the field otherwise (mysql2 would
 * print a warning per unknown key and go on, or the setting would be overridden).
 */
function checkedPoolOptions(value: unknown): Omit<PoolOptions, 'uri'> {
  if (value === undefined) return {};
  const proto = value === null || typeof value !== 'object' ? undefined : Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new ConfigError('poolOptions must be a plain object of mysql2 pool settings, e.g. { connectionLimit: 10 }', {
      params: { field: 'poolOptions' },
    });
  }
  for (const key of Reflect.ownKeys(value as object)) {
    const name = String(key);
    if (typeof key === 'symbol' || !MYSQL2_OPTIONS.has(name)) {
      throw new ConfigError(`poolOptions.${name} is not a mysql2 pool setting`, { params: { field: `poolOptions.${name}` } });
    }
    if (SET_BY_TICKETRY.has(name)) {
      throw new ConfigError(`poolOptions.${name} is set by ticketry itself (utf8mb4, UTC DATETIME strings); leave it out`, {
        params: { field: `poolOptions.${name}` },
      });
    }
  }
  return value as Omit<PoolOptions, 'uri'>;
}

/**
 * The session's statement time limit: MariaDB's `max_statement_time`, else MySQL's two
 * settings. Exported for tests only (the MySQL branch cannot run on MariaDB).
 */
export async function setStatementTimeout(connection: DatabaseConnection, ms: number): Promise<void> {
  try {
    await connection.executeQuery(CompiledQuery.raw(`set session max_statement_time = ${(ms / 1000).toFixed(3)}`));
  } catch {
    // MySQL: no max_statement_time (ER_UNKNOWN_SYSTEM_VARIABLE).
    await connection.executeQuery(CompiledQuery.raw(`set session max_execution_time = ${ms}`));
    await connection.executeQuery(CompiledQuery.raw(`set session innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`));
  }
}

/** How long a call waits for a free connection of the store's own pool by default. */
const DEFAULT_ACQUIRE_TIMEOUT_MS = 30_000;

/**
 * The store's pool as Kysely's dialect sees it, with a bound on the wait for a free
 * connection: after `ms` the call fails (`ETIMEDOUT`, so `unavailable`), and a connection
 * that arrives later goes back to the pool.
 */
function boundedWait(pool: MysqlPool, ms: number): MysqlPool {
  return {
    getConnection(callback) {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        const error = Object.assign(new Error(`No free connection in the MySQL pool within ${ms} ms`), { code: 'ETIMEDOUT' });
        callback(error as never, undefined as never);
      }, ms);
      pool.getConnection((err, connection) => {
        if (settled) {
          connection?.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        callback(err, connection);
      });
    },
    end: (callback) => pool.end(callback),
  };
}

/**
 * Creates a MySQL / MariaDB store. Does no I/O (mysql2 connects on first query). Call
 * `migrate()` once before use.
 *
 * - `{ uri }`: the store creates a mysql2 pool (utf8mb4, `DATETIME`s as strings, session
 *   `time_zone = '+00:00'` and READ COMMITTED on every connection) and `close()` ends it.
 * - `{ pool }`: uses the host's pool; `close()` leaves it open.
 * - `{ db }`: uses the host's Kysely instance; a transaction (`db.isTransaction`) makes
 *   every ticketry write run inside it under a savepoint (see `withTransaction`).
 *
 * Instants are stored as UTC in `DATETIME(3)`, whatever the server's or the session's
 * time zone.
 */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  checkStoreOptions(options, 'mysqlStore', '{ uri }, { pool } or { db }');
  const names = tableNames(options.tablePrefix ?? 'ticketry_');

  if ('db' in options && options.db !== undefined) {
    return createSqlStore({ db: options.db, hooks: mysqlHooks({ driverDates: options.driverDates ?? 'local' }), names });
  }
  if ('pool' in options && options.pool !== undefined) {
    checkHostObject(options.pool, 'pool', 'getConnection', "a mysql2 pool (require('mysql2').createPool(...), the callback API)");
    const hooks = mysqlHooks({ driverDates: poolDates(options.pool) });
    // No release: Kysely's destroy() would end the host's pool.
    return createSqlStore({ db: new Kysely<any>({ dialect: new MysqlDialect({ pool: options.pool }) }), hooks, names });
  }
  if ('uri' in options && typeof options.uri === 'string') {
    const timeoutMs = statementTimeout(options.statementTimeoutMs);
    const acquireMs = millisOption(options.acquireTimeoutMs, 'acquireTimeoutMs') ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
    const poolOptions = checkedPoolOptions(options.poolOptions);
    const createPool = loadMysql2();
    let pool: ReturnType<CreatePool>;
    try {
      pool = createPool({
        connectionLimit: 10,
        ...poolOptions,
        uri: options.uri,
        charset: 'utf8mb4_bin',
        dateStrings: true,
        timezone: 'Z',
      });
    } catch (cause) {
      // mysql2 parses the URI at once: a malformed one throws a TypeError or URIError.
      throw new ConfigError(`uri is not a MySQL URL (mysql://user:password@host:3306/database): ${String((cause as Error).message ?? cause)}`, {
        params: { field: 'uri' },
        cause,
      });
    }
    // An idle connection losing its server emits 'error' on the pool; unhandled, it
    // would crash the host. The next query reports the failure instead.
    (pool as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on('error', () => undefined);
    const dialect = new MysqlDialect({
      pool: boundedWait(pool, acquireMs),
      // Every connection: UTC for NOW() and TIMESTAMP columns (ticketry binds UTC strings
      // itself), and Postgres's isolation level, which the shared queries are written for.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw("set session time_zone = '+00:00'"));
        await connection.executeQuery(CompiledQuery.raw('set session transaction isolation level read committed'));
        if (timeoutMs !== undefined) await setStatementTimeout(connection, timeoutMs);
      },
    });
    const db = new Kysely<any>({ dialect });
    return createSqlStore({ db, hooks: mysqlHooks({ driverDates: 'string' }), names, release: () => db.destroy() });
  }
  throw new ConfigError('mysqlStore() needs one of { uri }, { pool } or { db }', {
    params: { field: 'uri' },
  });
}
