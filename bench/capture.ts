/**
 * Records the statements ticketry sends to the driver, exactly as the driver receives
 * them (SQL text and bound parameters), so the raw side of each benchmark can replay
 * the same statements. Four taps, one per driver:
 *
 * - better-sqlite3: a proxy handle for `sqliteStore({ database })` whose `prepare()`
 *   returns statements that log `all()`/`run()`/`iterate()` calls;
 * - pg: a `pg.Pool` whose clients log `client.query(text, values)`;
 * - PGlite: a proxy whose `query(text, params)` logs;
 * - mysql2: a pool whose connections log `connection.query(sql, values)`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Pool as MysqlPool, PoolOptions as MysqlPoolOptions } from 'mysql2';
import mysql from 'mysql2';

/** One statement as the driver received it. */
export interface Statement {
  sql: string;
  params: unknown[];
  /** The prepared statement's name, for a statement sent named (Postgres: `preparedStatements`). */
  name?: string;
}

/** Collects statements while `record()` runs. */
export class Recorder {
  #current: Statement[] | null = null;

  /** Called by the taps. */
  log(sql: string, params: readonly unknown[] | undefined, name?: string): void {
    this.#current?.push({ sql, params: [...(params ?? [])], ...(name === undefined ? {} : { name }) });
  }

  /** Runs `fn` and returns what it returned plus every statement it sent. */
  async record<T>(fn: () => Promise<T>): Promise<{ result: T; statements: Statement[] }> {
    if (this.#current) throw new Error('Recorder: record() does not nest');
    const statements: Statement[] = [];
    this.#current = statements;
    try {
      return { result: await fn(), statements };
    } finally {
      this.#current = null;
    }
  }
}

/** A better-sqlite3 handle whose statements report to `recorder`. */
export function recordingSqlite(database: BetterSqlite3.Database, recorder: Recorder): BetterSqlite3.Database {
  return new Proxy(database, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (text: string) => {
          const statement = target.prepare(text);
          return new Proxy(statement, {
            get(st, key) {
              if (key === 'all' || key === 'run' || key === 'iterate' || key === 'get') {
                return (...args: unknown[]) => {
                  recorder.log(text, (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as unknown[]);
                  return (st[key] as (...a: unknown[]) => unknown).apply(st, args);
                };
              }
              const value = Reflect.get(st, key, st) as unknown;
              return typeof value === 'function' ? value.bind(st) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A pg pool whose clients report every `query(text, values)` (and named `query({ name, text, values })`) to `recorder`. */
export function recordingPgPool(connectionString: string, recorder: Recorder): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 4 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first] = args;
      if (typeof first === 'string') recorder.log(first, args[1] as unknown[] | undefined);
      else if (first !== null && typeof first === 'object' && typeof (first as { text?: unknown }).text === 'string') {
        const named = first as { name?: string; text: string; values?: unknown[] };
        recorder.log(named.text, named.values, named.name);
      }
      return query(...args);
    };
  });
  return pool;
}

/** A PGlite instance whose `query(text, params)` reports to `recorder`. */
export function recordingPglite(pglite: PGlite, recorder: Recorder): PGlite {
  return new Proxy(pglite, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (text: string, params?: unknown[], options?: unknown) => {
          recorder.log(text, params);
          return target.query(text, params, options as never);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The settings every MySQL connection gets, as `mysqlStore({ uri })` sets them: utf8mb4
 * binary collation, `DATETIME`s as strings, UTC, and (per session) READ COMMITTED.
 */
export const MYSQL_POOL_OPTIONS = { charset: 'utf8mb4_bin', dateStrings: true, timezone: 'Z' } as const;

/** A mysql2 pool (callback API) with ticketry's session settings on every connection. */
export function mysqlPool(uri: string, connectionLimit: number, onConnection?: (connection: any) => void): MysqlPool {
  const pool = mysql.createPool({ uri, connectionLimit, ...MYSQL_POOL_OPTIONS } as MysqlPoolOptions);
  pool.on('connection', (connection: any) => {
    // Queued on the connection before anything the pool's user sends.
    connection.query("set session time_zone = '+00:00'");
    connection.query('set session transaction isolation level read committed');
    onConnection?.(connection);
  });
  (pool as unknown as { on(event: string, fn: () => void): void }).on('error', () => undefined);
  return pool;
}

/** A mysql2 pool whose connections report every `query(sql, values)` to `recorder` (Kysely's MysqlDialect calls `query`). */
export function recordingMysqlPool(uri: string, recorder: Recorder): MysqlPool {
  return mysqlPool(uri, 4, (connection) => {
    const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
    connection.query = (...args: unknown[]) => {
      if (typeof args[0] === 'string') recorder.log(args[0], Array.isArray(args[1]) ? (args[1] as unknown[]) : undefined);
      return query(...args);
    };
  });
}
