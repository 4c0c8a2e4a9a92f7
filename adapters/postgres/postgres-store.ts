/**
 * `postgresStore()`: ticketry on Postgres through pg (or any Kysely Postgres dialect,
 * e.g. PGlite) and Kysely.
 */
import { createRequire } from 'node:module';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { ConfigError } from '../../src/errors.js';
import { createSqlStore, type SqlTicketStore } from '../sql/sql-store.js';
import { tableNames } from '../sql/table-names.js';
import { postgresHooks } from './postgres-hooks.js';
import { postgresOutboxWake, type PgliteListener } from './postgres-wake.js';
import { StatementNames, namingClient, type QueryClient } from './prepared-statements.js';
import { timestamptzParser } from './timestamp-parser.js';
import { checkHostObject, checkStoreOptions, statementTimeout } from '../sql/value-checks.js';

/** Options every Postgres store takes. */
export interface PostgresStoreCommonOptions {
  /**
   * The schema holding ticketry's tables and migration tables; created by `migrate()`
   * if missing.
   * @default 'public'
   */
  schema?: string;
  /**
   * Prefix of every table, index and migration table, so ticketry's tables sit beside
   * the host's in one schema. Letters, digits and underscores.
   * @default 'ticketry_'
   */
  tablePrefix?: string;
}

/** How long a call waits for a connection of the store's own pool before it is `unavailable`. */
const DEFAULT_CONNECTION_TIMEOUT_MS = 30_000;

/** Options of the stores that hold pg connections themselves (`connectionString`, `pool`). */
export interface PostgresPreparedOptions {
  /**
   * Send the statements ticketry compiles once (nearly every statement of a write, the
   * plain list pages, the stats) as named, prepared statements: each connection parses
   * and plans one once instead of on every call. Turn it off behind a pooler that does
   * not keep prepared statements across transactions (PgBouncer in transaction mode
   * before 1.21, or with `max_prepared_statements = 0`), where a named statement would
   * be missing on the next server connection.
   * @default true
   */
  preparedStatements?: boolean;
}

/** Connect with a connection string; the store owns the pool and `close()` ends it. */
export interface PostgresConnectionStringOptions extends PostgresStoreCommonOptions, PostgresPreparedOptions {
  /** A libpq-style URL, e.g. `postgres://user:pass@host:5432/db`. */
  connectionString: string;
  /**
   * Further `pg.Pool` settings (`max`, `connectionTimeoutMillis`, `ssl`, ...). Unlike a
   * bare `pg.Pool`, whose callers wait for ever for a connection, the store's pool gives
   * up after `connectionTimeoutMillis` (default 30 s) and the call fails with
   * `unavailable`: a server that does not answer, or a pool that stays exhausted.
   * @default {}
   */
  poolConfig?: Omit<PoolConfig, 'connectionString'>;
  /**
   * Longest a single statement may run, in milliseconds, before the server cancels it
   * and the call fails with an `unavailable` error (nothing of its transaction is
   * written): a query stuck behind another connection's row lock, or one the server
   * cannot finish in time. Sent as the connections' `statement_timeout`. For a host's
   * `pool`, set `statement_timeout` in its own config instead.
   * @default undefined (the server's `statement_timeout`, 0 = none)
   */
  statementTimeoutMs?: number;
}

/** Use the host's `pg.Pool`; `close()` leaves it open. */
export interface PostgresPoolOptions extends PostgresStoreCommonOptions, PostgresPreparedOptions {
  pool: Pool;
}

/**
 * Use the host's Kysely instance on a Postgres dialect (pg, PGlite, ...), or a
 * transaction of it: ticketry's writes then run inside the host's transaction.
 */
export interface PostgresKyselyOptions extends PostgresStoreCommonOptions {
  db: Kysely<any>;
  /**
   * Where the store LISTENs for queued events (`subscribeOutbox`, so dispatchers wake at
   * once): a pg `Pool` on the same database (one client is held while a dispatcher runs)
   * or the PGlite instance behind `db`. Absent: the store still NOTIFYs, so dispatchers
   * of other instances wake, but its own dispatchers poll.
   */
  listener?: Pool | PgliteListener;
}

/** Options of `postgresStore()`: exactly one of `connectionString`, `pool` or `db`. */
export type PostgresStoreOptions = PostgresConnectionStringOptions | PostgresPoolOptions | PostgresKyselyOptions;

/** The Postgres store: a `TicketStore` with `migrate()`, `close()` and `withTransaction()`. */
export type PostgresStore = SqlTicketStore;

type PoolConstructor = new (config: PoolConfig) => Pool;
type PgModule = { Pool: PoolConstructor; types: { getTypeParser: TypeParsers['getTypeParser'] } };
type TypeParsers = NonNullable<PoolConfig['types']>;

/** The OID of `timestamptz`. */
const TIMESTAMPTZ = 1184;

/**
 * The type parsers of a pool the store makes: pg's, with `timestamptz` read by
 * `timestamptzParser` (pg's own for any form it does not take). A host's `poolConfig.types`
 * replaces them all.
 */
function storeTypes(pg: PgModule): TypeParsers {
  const timestamptz = timestamptzParser((text) => (pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (t: string) => unknown)(text));
  const getTypeParser = (oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary' ? timestamptz : pg.types.getTypeParser(oid, format as 'text');
  return { getTypeParser: getTypeParser as TypeParsers['getTypeParser'] };
}

const ignore = (): void => undefined;

/**
 * The pool as Kysely sees it: each client ticketry checks out gets an `error` listener
 * (once). pg emits a connection's failure (the server restarting, a terminated backend:
 * 57P01) as an `error` event on the client when no query of it is running — between two
 * statements of a transaction, say — and pg-pool listens only while the client is idle,
 * so without this a database restart would crash the host process. The next query on
 * the client fails instead (`unavailable`), and pg-pool drops the broken client when it
 * is released. With `statements`, each client is handed to Kysely as `namingClient` (one
 * per client, as Kysely keeps its connections by client).
 */
function guardedPool(pool: Pool, statements: StatementNames | undefined): PostgresPool {
  const guarded = new WeakMap<object, QueryClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let handed = guarded.get(client);
      if (handed === undefined) {
        client.on('error', ignore);
        handed = statements === undefined ? client : namingClient(client, statements);
        guarded.set(client, handed);
      }
      return handed as PoolClient;
    },
    end: () => pool.end(),
  };
}

/** The statement names of a store, or `undefined` with `preparedStatements: false`. */
function preparedStatements(options: PostgresPreparedOptions): StatementNames | undefined {
  const on = options.preparedStatements;
  if (on !== undefined && typeof on !== 'boolean') {
    throw new ConfigError('preparedStatements must be true or false', { params: { field: 'preparedStatements' } });
  }
  return on === false ? undefined : new StatementNames();
}

function loadPg(): PgModule {
  try {
    return createRequire(import.meta.url)('pg') as PgModule;
  } catch (err) {
    throw new ConfigError('ticketry/postgres needs the pg package: npm install pg', {
      cause: err,
      params: { package: 'pg' },
    });
  }
}

/**
 * Creates a Postgres store. Does no I/O (pg connects on first query). Call `migrate()`
 * once before use.
 *
 * - `{ connectionString }`: the store creates a `pg.Pool` and `close()` ends it.
 * - `{ pool }`: uses the host's pool; `close()` leaves it open.
 * - `{ db }`: uses the host's Kysely instance; a transaction (`db.isTransaction`) makes
 *   every ticketry write run inside it under a savepoint (see `withTransaction`).
 *
 * Dispatchers wake through LISTEN/NOTIFY: the store holds one pool client while a
 * dispatcher is subscribed (`{ db }`: pass `listener`).
 *
 * Counts and bigints come back from pg as strings; the store converts every value, so
 * no global pg type parser is touched.
 */
/**
 * The startup `options` of the connections of a pool the store makes: the host's, then
 * `-c jit=off`. Every statement ticketry sends is an index lookup of a few rows, but the
 * planner cannot estimate a full-text match (a prefix is taken to match 0.5 % of the
 * rows), so a search's estimated cost passes `jit_above_cost` and Postgres spent about
 * 60 ms compiling a statement that then ran in 0.5 ms (a rare word at a million tickets).
 * A host's own pool or Kysely keeps its settings: set `jit = off` there (README).
 */
export function sessionOptions(hostOptions: string | undefined): string {
  return hostOptions === undefined || hostOptions.trim() === '' ? '-c jit=off' : `${hostOptions} -c jit=off`;
}

export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  checkStoreOptions(options, 'postgresStore', '{ connectionString }, { pool } or { db }');
  const names = tableNames(options.tablePrefix ?? 'ticketry_', options.schema ?? 'public');
  const hooks = postgresHooks();

  if ('db' in options && options.db !== undefined) {
    return createSqlStore({ db: options.db, hooks, names, wake: postgresOutboxWake(names, options.listener) });
  }
  if ('pool' in options && options.pool !== undefined) {
    checkHostObject(options.pool, 'pool', 'connect', 'a pg Pool (new pg.Pool(...))');
    const statements = preparedStatements(options);
    // No release: Kysely's destroy() would end the host's pool.
    return createSqlStore({
      db: new Kysely<any>({ dialect: new PostgresDialect({ pool: guardedPool(options.pool, statements) }) }),
      hooks,
      names,
      wake: postgresOutboxWake(names, options.pool),
      ...(statements ? { onCompiled: (sql: string, keyedRead: boolean) => statements.register(sql, keyedRead) } : {}),
    });
  }
  if ('connectionString' in options && typeof options.connectionString === 'string') {
    const pg = loadPg();
    const timeout = statementTimeout(options.statementTimeoutMs);
    const statements = preparedStatements(options);
    const pool = new pg.Pool({
      connectionTimeoutMillis: DEFAULT_CONNECTION_TIMEOUT_MS,
      types: storeTypes(pg),
      ...options.poolConfig,
      ...(timeout === undefined ? {} : { statement_timeout: timeout }),
      options: sessionOptions(options.poolConfig?.options),
      connectionString: options.connectionString,
    });
    // An idle client losing its connection emits 'error' on the pool, and an unhandled
    // 'error' event would crash the host. The next query reports the failure instead.
    pool.on('error', () => undefined);
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: guardedPool(pool, statements) }) });
    return createSqlStore({
      db,
      hooks,
      names,
      release: () => db.destroy(),
      wake: postgresOutboxWake(names, pool),
      ...(statements ? { onCompiled: (sql: string, keyedRead: boolean) => statements.register(sql, keyedRead) } : {}),
    });
  }
  throw new ConfigError('postgresStore() needs one of { connectionString }, { pool } or { db }', {
    params: { field: 'connectionString' },
  });
}
