/**
 * Store fixtures for the SQL store tests and the contract suite files: SQLite in a temp
 * file, SQLite `:memory:`, and Postgres — the real server at `TICKETRY_PG_URL` when set,
 * embedded PGlite otherwise. Each `create()` returns a fresh, migrated store with its own
 * file / schema, plus a raw probe that reads the database without the store.
 *
 * In CI (`CI` or `TICKETRY_REQUIRE_PG` set) a missing or unreachable `TICKETRY_PG_URL`
 * fails: PGlite is never a silent stand-in there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import mysql from 'mysql2';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { mysqlHooks } from '../../adapters/mysql/mysql-hooks.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { postgresHooks } from '../../adapters/postgres/postgres-hooks.js';
import type { SqlDialectHooks } from '../../adapters/sql/dialect-hooks.js';
import { ticketryMigrations } from '../../adapters/sql/migrations/migration-provider.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { StatementCache, type QueryContext } from '../../adapters/sql/query-context.js';
import type { TicketryDatabase } from '../../adapters/sql/schema.js';
import { TableNamePlugin, tableNames, type TableNames } from '../../adapters/sql/table-names.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { sqliteHooks } from '../../adapters/sqlite/sqlite-hooks.js';
import { PGLITE_TIMESTAMP_PARSERS } from './pglite-parsers.js';

/** The URL of the real Postgres server, if the run has one. */
export const PG_URL: string | undefined = process.env.TICKETRY_PG_URL || undefined;

/** Whether this run must use a real Postgres server (CI). */
export const REQUIRE_PG: boolean = Boolean(process.env.CI || process.env.TICKETRY_REQUIRE_PG);

/** The URL of the MySQL / MariaDB server, if the run has one (there is no embedded fallback). */
export const MYSQL_URL: string | undefined = process.env.TICKETRY_MYSQL_URL || undefined;

/** Whether this run must run the MySQL store tests against a real server (CI). */
export const REQUIRE_MYSQL: boolean = Boolean(process.env.CI || process.env.TICKETRY_REQUIRE_MYSQL);

/**
 * Why the MySQL tests of this run are skipped, or null when they run. Throws when the
 * run requires MySQL (CI / TICKETRY_REQUIRE_MYSQL) and has no server: never a silent skip.
 */
export function mysqlSkipReason(): string | null {
  if (MYSQL_URL) return null;
  if (REQUIRE_MYSQL) {
    throw new Error(
      'TICKETRY_MYSQL_URL is not set, but CI / TICKETRY_REQUIRE_MYSQL requires a real MySQL / MariaDB server for the MySQL store tests',
    );
  }
  const reason = 'skipped: TICKETRY_MYSQL_URL is not set (a MySQL 8 / MariaDB 10.6+ server URL, e.g. mysql://root@127.0.0.1:3306/test)';
  // Said on the console too: the default reporter shows a skipped file without its name.
  console.warn(`[ticketry] MySQL store tests ${reason}`);
  return reason;
}

/** One store made by a fixture. */
export interface FixtureStore {
  store: SqlTicketStore;
  /** Runs SQL on the same database through a separate handle (an independent probe). */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** `schema.table` or `table`, for a logical table name, to use in `query`. */
  table(
    name:
      | 'tickets'
      | 'messages'
      | 'audit'
      | 'outbox'
      | 'counters'
      | 'ticket_stats'
      | 'ticket_stats_daily'
      | 'ticket_stats_monthly'
      | 'ticket_stats_weekly'
      | 'favorites'
      | 'read_marks'
      | 'saved_filters'
      | 'attachments'
      | 'ticket_search'
      | 'migrations',
  ): string;
  /**
   * Moves the database up or down to migration `target` (`'001-initial'`, ...) with
   * Kysely's `Migrator` built the way `store.migrate()` builds it (same provider, names
   * and dialect context), running each migration's `up` or `down` for real. Resolves to
   * the names of the migrations run, in order; throws what the migrator reports.
   */
  migrateTo(target: string): Promise<string[]>;
  /**
   * Another store on the same database, as a second app instance would open it (own pool
   * for Postgres). For SQLite it is the same store: better-sqlite3 is synchronous, so two
   * handles on one file in one process would block each other's event loop while waiting
   * for the lock (see README); other processes are tested with real processes.
   */
  second(): Promise<SqlTicketStore>;
  /**
   * A host application's own Kysely instance on the same database (its own handle or
   * pool; for `:memory:` and PGlite the one shared connection). Released by `dispose()`.
   */
  hostDb(): Kysely<any>;
  /**
   * Where the data lives: a SQLite file, a Postgres URL + schema (null for PGlite /
   * :memory:), or a MySQL URL + database.
   */
  location: { filename?: string; url?: string; schema?: string; database?: string };
}

/** Makes fresh stores of one kind and cleans up after them. */
export interface StoreFixture {
  /** `sqlite-file`, `sqlite-memory`, `postgres` or `pglite`. */
  readonly kind: 'sqlite-file' | 'sqlite-memory' | 'postgres' | 'pglite' | 'mysql';
  /** A fresh, migrated store with no rows. */
  create(options?: { tablePrefix?: string }): Promise<FixtureStore>;
  /** Closes every store made and removes files, schemas and the PGlite instance. */
  dispose(): Promise<void>;
}

const PREFIX = 'ticketry_';

/**
 * `store.migrate()`'s migrator (adapters/sql/sql-store.ts), aimed at `target` instead of
 * the latest migration: the same provider and context, the same migration tables, and
 * on SQLite the same run under the database's write lock on one connection. `db` is a
 * plain Kysely instance on the store's database (no ticketry plugins).
 */
async function migrateDatabaseTo(
  db: Kysely<any>,
  hooks: SqlDialectHooks,
  names: TableNames,
  target: string,
): Promise<string[]> {
  const props = {
    provider: ticketryMigrations({ names, types: hooks.types, dialect: hooks }),
    migrationTableName: names.migrationTable,
    migrationLockTableName: names.migrationLockTable,
    ...(names.schema === undefined ? {} : { migrationTableSchema: names.schema }),
  };
  const run = async (migrator: Migrator) => {
    const { error, results } = await migrator.migrateTo(target);
    if (error !== undefined) throw error;
    const failed = (results ?? []).filter((r) => r.status !== 'Success');
    if (failed.length > 0) throw new Error(`migrateTo(${target}): not run: ${JSON.stringify(failed)}`);
    return (results ?? []).map((r) => `${r.direction === 'Down' ? 'down' : 'up'} ${r.migrationName}`);
  };
  if (!hooks.capabilities.migrateUnderWriteLock) return run(new Migrator({ db, ...props }));
  return db.connection().execute(async (conn) => {
    await sql.raw(hooks.beginWrite).execute(conn);
    try {
      const done = await run(new Migrator({ db: conn, disableTransactions: true, ...props }));
      await sql`commit`.execute(conn);
      return done;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/** SQLite stores, each in its own temp file (WAL). */
export function sqliteFileFixture(): StoreFixture {
  const dir = mkdtempSync(join(tmpdir(), 'ticketry-sql-'));
  const made: { store: SqlTicketStore; probe: Database.Database }[] = [];
  const hosts: Kysely<any>[] = [];
  return {
    kind: 'sqlite-file',
    async create(options = {}) {
      const filename = join(dir, `${randomUUID()}.db`);
      const prefix = options.tablePrefix ?? PREFIX;
      const store = sqliteStore({ filename, tablePrefix: prefix });
      await store.migrate();
      const probe = new Database(filename);
      probe.pragma('busy_timeout = 5000');
      made.push({ store, probe });
      return {
        store,
        location: { filename },
        second: async () => store,
        hostDb() {
          const host = new Database(filename);
          host.pragma('busy_timeout = 5000');
          const db = new Kysely<any>({ dialect: new SqliteDialect({ database: host }) });
          hosts.push(db);
          return db;
        },
        table: (name) => prefix + name,
        async migrateTo(target) {
          // Its own handle on the file, closed afterwards.
          const handle = new Database(filename);
          handle.pragma('busy_timeout = 5000');
          handle.pragma('foreign_keys = on');
          const db = new Kysely<any>({ dialect: new SqliteDialect({ database: handle }) });
          try {
            return await migrateDatabaseTo(db, sqliteHooks(), tableNames(prefix), target);
          } finally {
            await db.destroy();
          }
        },
        async query<R>(text: string, params: unknown[] = []) {
          const statement = probe.prepare(text);
          return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as R[];
        },
      };
    },
    async dispose() {
      for (const host of hosts.splice(0)) await host.destroy();
      for (const { store, probe } of made.splice(0)) {
        await store.close();
        probe.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SQLite `:memory:` stores (one private database each, the probe reads it through the store's own handle). */
export function sqliteMemoryFixture(): StoreFixture {
  const made: { store: SqlTicketStore; database: Database.Database }[] = [];
  return {
    kind: 'sqlite-memory',
    async create(options = {}) {
      const prefix = options.tablePrefix ?? PREFIX;
      // A :memory: database is private to its handle, so the test keeps the handle and
      // hands it to the store; the probe then shares the connection (still bypassing
      // the store's code).
      const database = new Database(':memory:');
      const store = sqliteStore({ database, tablePrefix: prefix });
      await store.migrate();
      made.push({ store, database });
      return {
        store,
        location: {},
        second: async () => store,
        hostDb() {
          // The same private connection; closing the host's Kysely must not close it.
          const shared = { prepare: (text: string) => database.prepare(text), close: () => undefined };
          return new Kysely<any>({ dialect: new SqliteDialect({ database: shared }) });
        },
        table: (name) => prefix + name,
        async migrateTo(target) {
          // The store's own private connection (closing this Kysely leaves it open).
          const shared = { prepare: (text: string) => database.prepare(text), close: () => undefined };
          const db = new Kysely<any>({ dialect: new SqliteDialect({ database: shared }) });
          try {
            return await migrateDatabaseTo(db, sqliteHooks(), tableNames(prefix), target);
          } finally {
            await db.destroy();
          }
        },
        async query<R>(text: string, params: unknown[] = []) {
          const statement = database.prepare(text);
          return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as R[];
        },
      };
    },
    async dispose() {
      for (const { store, database } of made.splice(0)) {
        await store.close();
        database.close();
      }
    },
  };
}

/**
 * Postgres stores, each in a fresh schema: on the server at `TICKETRY_PG_URL`, else on
 * one PGlite instance per fixture (per test file). Throws in CI without a server.
 */
export function postgresFixture(): StoreFixture {
  if (PG_URL) return realPostgresFixture(PG_URL);
  if (REQUIRE_PG) {
    throw new Error(
      'TICKETRY_PG_URL is not set, but CI / TICKETRY_REQUIRE_PG requires a real Postgres server for the Postgres store tests',
    );
  }
  return pgliteFixture();
}

function schemaName(): string {
  return `tk_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

function realPostgresFixture(url: string): StoreFixture {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const made: { store: SqlTicketStore; schema: string }[] = [];
  const extra: SqlTicketStore[] = [];
  let checked: Promise<void> | undefined;
  return {
    kind: 'postgres',
    async create(options = {}) {
      // Fail loudly (not skip) when the server in TICKETRY_PG_URL cannot be reached.
      checked ??= pool.query('select 1').then(
        () => undefined,
        (err: unknown) => {
          throw new Error(`TICKETRY_PG_URL=${url} is unreachable: ${String(err)}`, { cause: err });
        },
      );
      await checked;
      const schema = schemaName();
      const prefix = options.tablePrefix ?? PREFIX;
      const store = postgresStore({ connectionString: url, schema, tablePrefix: prefix, poolConfig: { max: 10 } });
      made.push({ store, schema });
      await store.migrate();
      return {
        store,
        location: { url, schema },
        async second() {
          const other = postgresStore({ connectionString: url, schema, tablePrefix: prefix, poolConfig: { max: 10 } });
          extra.push(other);
          return other;
        },
        // On the fixture's probe pool, which dispose() ends (so never destroy this one).
        hostDb: () => new Kysely<any>({ dialect: new PostgresDialect({ pool }) }),
        table: (name) => `"${schema}"."${prefix}${name}"`,
        // On the probe pool, which dispose() ends: this Kysely is never destroyed.
        migrateTo: (target) =>
          migrateDatabaseTo(
            new Kysely<any>({ dialect: new PostgresDialect({ pool }) }),
            postgresHooks(),
            tableNames(prefix, schema),
            target,
          ),
        async query<R>(text: string, params: unknown[] = []) {
          return (await pool.query(text, params)).rows as R[];
        },
      };
    },
    async dispose() {
      for (const store of extra.splice(0)) await store.close();
      for (const { store, schema } of made.splice(0)) {
        await store.close();
        await pool.query(`drop schema if exists "${schema}" cascade`);
      }
      await pool.end();
    },
  };
}

function pgliteFixture(): StoreFixture {
  let instance: Promise<{ db: Kysely<any>; close: () => Promise<void> }> | undefined;
  const open = () =>
    (instance ??= (async () => {
      const [{ PGlite }, { PGliteDialect }] = await Promise.all([
        import('@electric-sql/pglite'),
        import('kysely-pglite-dialect'),
      ]);
      // Its own timestamp parser reads the years 1-99 as 2001-2099 (pglite-parsers.ts).
      const pglite = await PGlite.create({ parsers: PGLITE_TIMESTAMP_PARSERS });
      return {
        db: new Kysely<any>({ dialect: new PGliteDialect(pglite) }),
        close: () => pglite.close(),
      };
    })());
  const made: { store: SqlTicketStore; schema: string }[] = [];
  return {
    kind: 'pglite',
    async create(options = {}) {
      const { db } = await open();
      const schema = schemaName();
      const prefix = options.tablePrefix ?? PREFIX;
      const store = postgresStore({ db, schema, tablePrefix: prefix });
      made.push({ store, schema });
      await store.migrate();
      return {
        store,
        location: { schema },
        second: async () => postgresStore({ db, schema, tablePrefix: prefix }),
        hostDb: () => db,
        table: (name) => `"${schema}"."${prefix}${name}"`,
        migrateTo: (target) => migrateDatabaseTo(db, postgresHooks(), tableNames(prefix, schema), target),
        async query<R>(text: string, params: unknown[] = []) {
          return (await db.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
        },
      };
    },
    async dispose() {
      if (!instance) return;
      const { db, close } = await instance;
      for (const { store, schema } of made.splice(0)) {
        await store.close();
        await sql.raw(`drop schema if exists "${schema}" cascade`).execute(db);
      }
      await close();
      instance = undefined;
    },
  };
}

/**
 * MySQL / MariaDB stores on the server at `TICKETRY_MYSQL_URL`, each in a fresh database
 * created on that server (and dropped by `dispose()`). Throws without a URL.
 */
export function mysqlFixture(): StoreFixture {
  if (!MYSQL_URL) throw new Error('mysqlFixture() needs TICKETRY_MYSQL_URL');
  const base = new URL(MYSQL_URL);
  const urlFor = (database: string) => {
    const url = new URL(base.toString());
    url.pathname = `/${database}`;
    return url.toString();
  };
  const pool = (database: string) => {
    const made = mysql.createPool({ uri: urlFor(database), connectionLimit: 4, charset: 'utf8mb4_bin', dateStrings: true });
    made.on('error' as never, () => undefined);
    return made;
  };
  const query = <R>(on: mysql.Pool, text: string, params: unknown[] = []) =>
    new Promise<R[]>((resolve, reject) =>
      on.query(text, params, (err, rows) => (err ? reject(err) : resolve((Array.isArray(rows) ? rows : []) as R[]))),
    );
  const end = (on: mysql.Pool) => new Promise<void>((resolve) => on.end(() => resolve()));
  // Creates and drops the databases; each store's probe has its own pool on its database.
  const admin = pool('');
  const run = <R>(text: string, params: unknown[] = []) => query<R>(admin, text, params);
  const made: { store: SqlTicketStore; database: string; probe: mysql.Pool }[] = [];
  const extra: SqlTicketStore[] = [];
  const hosts: Kysely<any>[] = [];
  let checked: Promise<void> | undefined;
  return {
    kind: 'mysql',
    async create(options = {}) {
      checked ??= run('select 1').then(
        () => undefined,
        (err: unknown) => {
          throw new Error(`TICKETRY_MYSQL_URL=${MYSQL_URL} is unreachable: ${String(err)}`, { cause: err });
        },
      );
      await checked;
      // Named after the run's database (CI drops `<it>_%` after the run, should a test crash).
      const database = `${(base.pathname.slice(1) || 'tk').slice(0, 40)}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      await run(`create database \`${database}\` character set utf8mb4 collate utf8mb4_bin`);
      const prefix = options.tablePrefix ?? PREFIX;
      const uri = urlFor(database);
      const store = mysqlStore({ uri, tablePrefix: prefix, poolOptions: { connectionLimit: 10 } });
      const probe = pool(database);
      made.push({ store, database, probe });
      await store.migrate();
      const hostPool = () => pool(database);
      return {
        store,
        location: { url: uri, database },
        async second() {
          const other = mysqlStore({ uri, tablePrefix: prefix, poolOptions: { connectionLimit: 10 } });
          extra.push(other);
          return other;
        },
        hostDb() {
          const db = new Kysely<any>({ dialect: new MysqlDialect({ pool: hostPool() }) });
          hosts.push(db);
          return db;
        },
        table: (name) => `\`${database}\`.\`${prefix}${name}\``,
        async migrateTo(target) {
          const db = new Kysely<any>({ dialect: new MysqlDialect({ pool: hostPool() }) });
          try {
            return await migrateDatabaseTo(db, mysqlHooks({ driverDates: 'string' }), tableNames(prefix), target);
          } finally {
            await db.destroy();
          }
        },
        query: <R>(text: string, params: unknown[] = []) => query<R>(probe, text, params),
      };
    },
    async dispose() {
      for (const host of hosts.splice(0)) await host.destroy();
      for (const store of extra.splice(0)) await store.close();
      for (const { store, database, probe } of made.splice(0)) {
        await store.close();
        await end(probe);
        await run(`drop database if exists \`${database}\``);
      }
      await end(admin);
    },
  };
}

/** The fixture for `kind`, for test files that loop over every store. */
export function fixtureFor(kind: 'sqlite-file' | 'sqlite-memory' | 'postgres'): StoreFixture {
  if (kind === 'sqlite-file') return sqliteFileFixture();
  if (kind === 'sqlite-memory') return sqliteMemoryFixture();
  return postgresFixture();
}

/** Whether the Postgres fixture of this run is a real server (false: PGlite). */
export const POSTGRES_IS_REAL: boolean = PG_URL !== undefined;

/**
 * The store's own reads as a `QueryContext` on the fixture's host connection, for
 * calling the shared SQL (`adapters/sql/*-queries.ts`) directly: tables named with
 * `prefix`, in the fixture's schema.
 */
export function storeQueryContext(fx: FixtureStore, hooks: SqlDialectHooks, prefix: string): QueryContext {
  let db = fx.hostDb() as Kysely<TicketryDatabase>;
  if (fx.location.schema !== undefined) db = db.withSchema(fx.location.schema);
  db = db.withPlugin(new TableNamePlugin(tableNames(prefix, fx.location.schema)));
  return { db, hooks, statements: new StatementCache() };
}
