/**
 * The stores the benchmarks run against, set up outside the measurements: SQLite in a
 * temp file (WAL) through `sqliteStore({ filename })`, and Postgres — the server at
 * `TICKETRY_PG_URL` in a database created for the run and dropped after, or PGlite
 * in-process without it — and MySQL/MariaDB at `TICKETRY_MYSQL_URL`, in a database
 * created for the run and dropped after. Each is migrated, bulk-seeded, checked (tenant scoping, nothing
 * due for the scheduler), and every operation is recorded once through the driver tap
 * so the raw side can replay the same statements; the recorded statements' query plans
 * are printed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { mysqlStore } from '../adapters/mysql/index.js';
import { mysqlHooks } from '../adapters/mysql/mysql-hooks.js';
import { postgresStore } from '../adapters/postgres/index.js';
import { sessionOptions } from '../adapters/postgres/postgres-store.js';
import { postgresHooks } from '../adapters/postgres/postgres-hooks.js';
import { rebuildListColumns } from '../adapters/sql/migrations/006-list-columns.js';
import { rebuildSearchIndex } from '../adapters/sql/migrations/007-search.js';
import { rebuildStats } from '../adapters/sql/stats-rebuild.js';
import type { SqlTicketStore } from '../adapters/sql/sql-store.js';
import { tableNames } from '../adapters/sql/table-names.js';
import { sqliteStore } from '../adapters/sqlite/index.js';
import { sqliteHooks } from '../adapters/sqlite/sqlite-hooks.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { createTicketService, type TicketService } from '../src/service/create-ticket-service.js';
import type { Actor, CustomerActor, StaffActor } from '../src/types.js';
import { Recorder, mysqlPool, recordingMysqlPool, recordingPgPool, recordingPglite, recordingSqlite, type Statement } from './capture.js';
import { explainMysql, explainPostgres, explainSqlite, explainable, formatPlan, type StatementPlan } from './plans.js';
import {
  compileSteps,
  foldInLists,
  inListFrom,
  mysqlRaw,
  parameterAfter,
  pgRaw,
  pgliteRaw,
  prepareSqlite,
  replayPg,
  replaySqlite,
  type Row,
  type Step,
  type Vars,
} from './replay.js';
import { emptyCatalog, type SeedCatalog, type TenantPlan } from './seed-data.js';
import { seedMysql } from './seed-mysql.js';
import { seedPostgres } from './seed-postgres.js';
import { seedSqlite, type SeedReport } from './seed-sqlite.js';
import { PGLITE_TIMESTAMP_PARSERS } from '../test/sql/pglite-parsers.js';

/** The instant the seeded data ends at; every service in the benchmarks runs on this clock. */
export const NOW = new Date('2026-03-02T10:00:00.000Z');
/** The tenant that is measured, and the second tenant that must stay invisible to it. */
export const TENANT = 'acme';
export const OTHER_TENANT = 'other';
const PREFIX = 'ticketry_';

/** Options passed to `bench()` for one pair. */
export interface PairOptions {
  time: number;
  iterations: number;
  warmupTime: number;
  warmupIterations: number;
}

/** One measured operation: ticketry and the raw driver running the same statements. */
export interface BenchPair {
  key: string;
  title: string;
  ticketry: () => Promise<void>;
  raw: () => Promise<void>;
  options: PairOptions & { setup: () => Promise<void> };
  /** The statements of one recorded run, for the log. */
  statements: Statement[];
  /** Hand-written queries measured beside the pair (the ideal query, a raw GROUP BY). */
  extras: { name: string; run: () => Promise<void> }[];
}

/** A seeded store with its benchmark pairs. */
export interface BenchTarget {
  name: string;
  pairs: BenchPair[];
  plans: { op: string; plan: StatementPlan }[];
  /** A raw query with `?` placeholders, for checks. */
  query(sql: string, params: unknown[]): Promise<Row[]>;
  /** A table's name as the raw SQL writes it. */
  table(name: string): string;
  close(): Promise<void>;
}

/** What differs per driver. */
interface Driver {
  name: string;
  dialect: 'sqlite' | 'postgres' | 'mysql';
  store: SqlTicketStore;
  captureStore: SqlTicketStore;
  recorder: Recorder;
  seed(plans: TenantPlan[], catalogs: SeedCatalog[]): Promise<SeedReport>;
  /** Prepares the steps (SQLite) and returns the function that replays them. */
  replayer(steps: Step[], parallel: boolean): (vars: Vars) => Promise<void>;
  explain(st: Statement): Promise<StatementPlan>;
  /** A raw query with `?` placeholders (for the checks). */
  query(sql: string, params: unknown[]): Promise<Row[]>;
  /**
   * A statement with `?` placeholders the raw side runs again and again (a hand-written
   * query measured beside ticketry): prepared once on SQLite, sent as text on the pools.
   */
  statement(sql: string): (params: unknown[]) => Promise<Row[]>;
  /** Runs DDL or a statement without parameters, ignoring any rows. */
  exec(sql: string): Promise<void>;
  /** `"schema"."table"` or `"table"`. */
  table(name: string): string;
  info(): Promise<string>;
  /** Brings the database to a comparable state before a bench (SQLite: checkpoint the WAL). */
  settle(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- drivers

/**
 * The seed writes tickets and messages around the store, so what the store keeps as it
 * writes is empty after it: the stats buckets (`ticket_stats` and its per-day tables), the
 * list columns on the ticket rows and the search index. Fill them from the loaded rows
 * with the migrations' own rebuilds (`rebuildStats`, which is migration 008's and
 * `store.rebuildStats()`'s; 006's `rebuildListColumns`; 007's `rebuildSearchIndex`), in
 * one transaction. Returns the milliseconds each took (reported with the seed's index
 * rebuild).
 */
export async function backfillDerived(
  db: Kysely<any>,
  dialect: 'sqlite' | 'postgres' | 'mysql',
  schema?: string,
): Promise<Record<string, number>> {
  const hooks =
    dialect === 'sqlite' ? sqliteHooks() : dialect === 'mysql' ? mysqlHooks({ driverDates: 'string' }) : postgresHooks();
  const ctx = { names: tableNames(PREFIX, schema), types: hooks.types, dialect: hooks };
  const took: Record<string, number> = {};
  await db.transaction().execute(async (trx) => {
    for (const [name, rebuild] of [
      ['stats buckets', rebuildStats],
      ['list columns', rebuildListColumns],
      ['search index', rebuildSearchIndex],
    ] as const) {
      const started = performance.now();
      await rebuild(trx, ctx);
      took[name] = performance.now() - started;
    }
  });
  return took;
}

/** Adds the rebuilds' times to the seed report. */
function addRebuilds(report: SeedReport, took: Record<string, number>): SeedReport {
  for (const ms of Object.values(took)) report.indexMs += ms;
  report.rebuilds = took;
  return report;
}

/** `?` placeholders as Postgres's `$1`, `$2`, ... */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

async function sqliteDriver(): Promise<Driver> {
  const dir = mkdtempSync(join(tmpdir(), 'ticketry-bench-'));
  const filename = join(dir, 'bench.db');
  const store = sqliteStore({ filename });
  await store.migrate();
  // The raw side's own handle on the same file, with ticketry's per-connection settings
  // (the capture store applies them: busy_timeout, foreign_keys = ON, the casefold function).
  const raw = new Database(filename);
  const recorder = new Recorder();
  const captureStore = sqliteStore({ database: recordingSqlite(raw, recorder) });
  return {
    name: 'SQLite',
    dialect: 'sqlite',
    store,
    captureStore,
    recorder,
    async seed(plans, catalogs) {
      const report = seedSqlite(filename, PREFIX, plans, catalogs);
      const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(filename) }) });
      try {
        addRebuilds(report, await backfillDerived(db, 'sqlite'));
      } finally {
        await db.destroy();
      }
      return report;
    },
    replayer(steps) {
      prepareSqlite(raw, steps);
      return async (vars) => replaySqlite(steps, vars);
    },
    explain: async (st) => explainSqlite(raw, st),
    query: async (sql, params) => raw.prepare(sql).all(params) as Row[],
    statement(sql) {
      const prepared = raw.prepare(sql);
      return async (params) => prepared.all(params) as Row[];
    },
    exec: async (sql) => void raw.exec(sql),
    table: (name) => `"${PREFIX}${name}"`,
    settle: () => raw.pragma('wal_checkpoint(TRUNCATE)'),
    async info() {
      const version = raw.prepare('select sqlite_version() as v').get() as { v: string };
      const mode = raw.pragma('journal_mode', { simple: true });
      const sync = raw.pragma('synchronous', { simple: true });
      const mb = (statSync(filename).size / 1e6).toFixed(0);
      return `SQLite ${version.v} (better-sqlite3), file ${filename}, ${mb} MB, journal_mode=${mode}, synchronous=${sync} (library default; ticketry does not change it)`;
    },
    async close() {
      await captureStore.close();
      await store.close();
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresServerDriver(url: string): Promise<Driver> {
  // A database of our own, dropped after the run; where the role may not create
  // databases, a schema of our own in the given database instead.
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  admin.on('error', () => undefined);
  const name = `ticketry_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const target = new URL(url);
  let schema = 'public';
  let drop: () => Promise<unknown>;
  try {
    await admin.query(`create database "${name}"`);
    target.pathname = `/${name}`;
    drop = () => admin.query(`drop database if exists "${name}" with (force)`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42501') throw err;
    schema = name;
    drop = () => admin.query(`drop schema if exists "${name}" cascade`);
  }
  const benchUrl = target.toString();
  const where = schema === 'public' ? `database ${name}` : `schema ${name} of ${target.pathname.slice(1)}`;

  const store = postgresStore({ connectionString: benchUrl, schema, poolConfig: { max: 10 } });
  await store.migrate();
  // The raw side's sessions as ticketry's own pool makes them (jit off: postgres-store.ts).
  const pool = new pg.Pool({ connectionString: benchUrl, max: 10, options: sessionOptions(undefined) });
  pool.on('error', () => undefined);
  const raw = pgRaw(pool);
  const recorder = new Recorder();
  const capturePool = recordingPgPool(benchUrl, recorder);
  const captureStore = postgresStore({ pool: capturePool, schema });
  return {
    name: 'Postgres',
    dialect: 'postgres',
    store,
    captureStore,
    recorder,
    async seed(plans, catalogs) {
      const client = await pool.connect();
      let report: SeedReport;
      try {
        report = await seedPostgres(async (text, params) => client.query(text, params), schema, PREFIX, plans, catalogs);
      } finally {
        client.release();
      }
      // On the shared pool; never destroyed here (that would end the pool).
      addRebuilds(report, await backfillDerived(new Kysely<any>({ dialect: new PostgresDialect({ pool }) }), 'postgres', schema));
      // The rebuilds rewrote every ticket row (list columns) and filled new tables: vacuum
      // and analyze them, as autovacuum would.
      await pool.query(`vacuum analyze`);
      return report;
    },
    replayer: (steps, parallel) => (vars) => replayPg(raw, steps, vars, parallel),
    explain: (st) => explainPostgres(raw, st),
    query: (sql, params) => raw.query(numbered(sql), params),
    statement: (sql) => {
      const text = numbered(sql);
      return (params) => raw.query(text, params);
    },
    exec: async (sql) => void (await raw.query(sql, [])),
    table: (table) => `"${schema}"."${PREFIX}${table}"`,
    settle: () => undefined,
    async info() {
      const [row] = await raw.query(
        `select version() as v, current_setting('synchronous_commit') as sc, current_setting('shared_buffers') as sb,
                pg_size_pretty(pg_database_size(current_database())) as size`,
        [],
      );
      const host = `${target.hostname}:${target.port || 5432}`;
      return `${String(row!.v).split(' on ')[0]} server at ${host}, ${where} (database size ${String(row!.size)}), synchronous_commit=${String(row!.sc)}, shared_buffers=${String(row!.sb)}; pg pools of 10 for ticketry and raw`;
    },
    async close() {
      await captureStore.close();
      await store.close();
      await capturePool.end();
      await pool.end();
      await drop();
      await admin.end();
    },
  };
}

async function mysqlServerDriver(url: string): Promise<Driver> {
  // A database of our own on the server, dropped after the run.
  const admin = mysqlPool(url, 1);
  const name = `ticketry_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const adminRaw = mysqlRaw(admin);
  await adminRaw.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`, []);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const benchUrl = target.toString();
  const drop = () => adminRaw.query(`drop database if exists \`${name}\``, []);
  const end = (p: { end(cb: (err?: unknown) => void): void }) => new Promise<void>((resolve) => p.end(() => resolve()));

  const store = mysqlStore({ uri: benchUrl, poolOptions: { connectionLimit: 10 } });
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    await drop().catch(() => undefined);
    await end(admin);
    throw err;
  }
  const pool = mysqlPool(benchUrl, 10);
  const raw = mysqlRaw(pool);
  const recorder = new Recorder();
  const recording = recordingMysqlPool(benchUrl, recorder);
  const captureStore = mysqlStore({ pool: recording });
  return {
    name: 'MySQL',
    dialect: 'mysql',
    store,
    captureStore,
    recorder,
    async seed(plans, catalogs) {
      const session = await raw.connect();
      let report: SeedReport;
      try {
        report = await seedMysql((text, params) => session.query(text, params ?? []), PREFIX, plans, catalogs);
      } finally {
        session.release();
      }
      // On the shared pool; never destroyed here (that would end the pool).
      addRebuilds(report, await backfillDerived(new Kysely<any>({ dialect: new MysqlDialect({ pool }) }), 'mysql'));
      await raw.query(`analyze table \`${PREFIX}ticket_stats\`, \`${PREFIX}ticket_stats_daily\`, \`${PREFIX}tickets\``, []);
      return report;
    },
    replayer: (steps, parallel) => (vars) => replayPg(raw, steps, vars, parallel),
    explain: (st) => explainMysql(raw, st),
    query: (sql, params) => raw.query(sql, params),
    statement: (sql) => (params) => raw.query(sql, params),
    exec: async (sql) => void (await raw.query(sql, [])),
    table: (table) => `\`${PREFIX}${table}\``,
    settle: () => undefined,
    async info() {
      const [row] = await raw.query(
        `select version() as v, @@innodb_buffer_pool_size as bp, @@innodb_flush_log_at_trx_commit as flush,
                @@sync_binlog as sb, @@log_bin as lb,
                (select sum(data_length + index_length) from information_schema.tables where table_schema = database()) as size`,
        [],
      );
      const host = `${target.hostname}:${target.port || 3306}`;
      const mb = (n: unknown) => `${(Number(n) / 2 ** 20).toFixed(0)} MB`;
      return (
        `MySQL/MariaDB ${String(row!.v)} server at ${host}, database ${name} (data + indexes ${mb(row!.size)}), ` +
        `innodb_buffer_pool_size=${mb(row!.bp)}, innodb_flush_log_at_trx_commit=${String(row!.flush)}, log_bin=${String(row!.lb)}; ` +
        `mysql2 pools of 10 for ticketry and raw (READ COMMITTED, utf8mb4_bin)`
      );
    },
    async close() {
      await captureStore.close();
      await store.close();
      await end(recording);
      await end(pool);
      await drop();
      await end(admin);
    },
  };
}

async function pgliteDriver(): Promise<Driver> {
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  const pglite = await PGlite.create({ parsers: PGLITE_TIMESTAMP_PARSERS });
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
  const store = postgresStore({ db });
  await store.migrate();
  const raw = pgliteRaw(pglite);
  const recorder = new Recorder();
  const captureDb = new Kysely<any>({ dialect: new PGliteDialect(recordingPglite(pglite, recorder)) });
  const captureStore = postgresStore({ db: captureDb });
  return {
    name: 'PGlite',
    dialect: 'postgres',
    store,
    captureStore,
    recorder,
    async seed(plans, catalogs) {
      const report = await seedPostgres(async (text, params) => pglite.query(text, params) as never, 'public', PREFIX, plans, catalogs);
      addRebuilds(report, await backfillDerived(db, 'postgres', 'public'));
      await pglite.query(`vacuum analyze`);
      return report;
    },
    replayer: (steps, parallel) => (vars) => replayPg(raw, steps, vars, parallel),
    explain: (st) => explainPostgres(raw, st),
    query: (sql, params) => raw.query(numbered(sql), params),
    statement: (sql) => {
      const text = numbered(sql);
      return (params) => raw.query(text, params);
    },
    exec: async (sql) => void (await raw.query(sql, [])),
    table: (name) => `"public"."${PREFIX}${name}"`,
    settle: () => undefined,
    async info() {
      const [row] = await raw.query(`select version() as v, pg_size_pretty(pg_database_size(current_database())) as size`, []);
      return `PGlite (${String(row!.v).split(' on ')[0]}, WASM, in-memory, in-process; ${String(row!.size)}), one connection`;
    },
    async close() {
      await captureStore.close();
      await store.close();
      await pglite.close();
    },
  };
}

// ---------------------------------------------------------------- operations

const OPERATOR: StaffActor = {
  kind: 'staff',
  id: 'staff-01',
  name: 'Ana',
  resellerId: null,
  permissions: ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply'],
};

const CUSTOMER_BODY =
  'Hello, since yesterday evening my connection drops every few minutes. I restarted the router twice and ' +
  'checked the cables, but it keeps happening, mostly between 19:00 and 23:00. Could you please check the line?';
/** The staff reply's Markdown body (operation 6). */
export const STAFF_BODY =
  'Hello, thank you for reaching out. We ran a line test and see **CRC errors** on your port.\n\n' +
  'A technician will visit you on *Tuesday* between 8:00 and 12:00. Until then, please:\n\n' +
  '- keep the router powered on\n- use the grey DSL cable we sent\n\nSee [our guide](https://example.net/help/dsl) for details.';

/** An operation as both sides run it. */
interface OpSpec {
  key: string;
  title: string;
  /** Runs the operation through ticketry, for input `i`. */
  run(desk: TicketService, i: number): Promise<unknown>;
  /** The raw side's per-iteration variables known up front, for input `i`. */
  vars?(i: number): Vars;
  /** Values the recorded run produced that the raw side reads back itself, by variable name. */
  revealed?(result: unknown): Vars;
  /** Attaches read-backs and positional slots to the compiled steps. */
  wire?(steps: Step[]): void;
  /** Inputs of the two recordings and of iteration `n` of each side. */
  input?: { recordings: [number, number]; ticketry(n: number): number; raw(n: number): number };
  parallel?: boolean;
  /** How many distinct inputs the op cycles through (walked once by both sides before measuring). */
  rotation?: number;
  /** Runs once through ticketry before the op is recorded (finds a cursor, say). */
  before?(desk: TicketService): Promise<void>;
  options: PairOptions;
}

/** SQL with MySQL's backtick-quoted identifiers written the way SQLite and Postgres quote them. */
const dq = (sql: string) => sql.replaceAll('`', '"');
/** `findTicket`'s SELECT (by id or number, whatever columns it lists). */
const findTicketSelect = (sql: string) =>
  /^select "t"\..* from .*"ticketry_tickets" as "t" .*"t"\."number" = /.test(dq(sql));
/** `"version" = ` as the statement quotes it. */
const versionMarker = (sql: string) => (sql.includes('`version`') ? '`version` = ' : '"version" = ');

/** How deep the deep page of the staff queue is. */
const DEEP_PAGE = 10_000;
/** The phrase searched for: one subject in twenty (`Double charge for March`). */
const PHRASE = '"double charge"';

function specs(catalog: SeedCatalog, env: { time: number; replies: number; replyWarmup: number; queueLength: number }): OpSpec[] {
  const timed: PairOptions = { time: env.time, iterations: 5, warmupTime: Math.min(200, env.time), warmupIterations: 3 };
  // Rotations of inputs the two sides share. Both walk them once before measuring, so
  // neither pays for first touches the other then profits from.
  const ROTATION = 1000;
  const subscribers = catalog.subscribers.slice(0, ROTATION);
  const numbers = catalog.numbers.slice(0, ROTATION);
  const customerOf = (i: number): CustomerActor => {
    const s = subscribers[i % subscribers.length]!;
    return { kind: 'customer', id: s.id, resellerId: s.resellerId };
  };
  const opener = customerOf(0);
  const largestReseller = [...catalog.perReseller.entries()]
    .filter(([id]) => id !== null)
    .sort((a, b) => b[1] - a[1])[0]![0]!;
  const resellerStaff: StaffActor = {
    kind: 'staff',
    id: 'rs-agent-1',
    resellerId: largestReseller,
    permissions: ['tickets.view', 'tickets.reply'],
  };
  const number = (i: number) => numbers[i % numbers.length]!;
  // A page this deep in the staff queue (at most what the default queue holds, less a page).
  const depth = Math.min(DEEP_PAGE, Math.floor((env.queueLength - 51) / 50) * 50);
  let deepCursor: string | undefined;
  // The rare word: a serial number quoted in a median number of tickets; for the reseller,
  // one quoted in its tickets.
  const bySerialCount = [...catalog.serials.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const [word, count] = bySerialCount[Math.floor(bySerialCount.length / 2)]!;
  const rareWord = { word, count };
  const resellerWord = catalog.serialOf.get(largestReseller) ?? word;
  const pool = catalog.unanswered;
  const perSide = env.replies + env.replyWarmup;

  return [
    {
      key: 'create',
      title: '1. create (customer)',
      run: (desk) =>
        desk.create(opener, { subject: 'Connection drops every evening', body: CUSTOMER_BODY, category: 'connectivity', priority: 'normal' }),
      revealed: (result) => ({ number: (result as { number: string }).number }),
      wire(steps) {
        // MySQL has no RETURNING: the new value is read by a SELECT after the upsert.
        const counters = steps.filter((s) => dq(s.sql).includes('"ticketry_counters"'));
        const counter = counters.find((s) => /^select\b/i.test(s.sql)) ?? counters[0]!;
        counter.after = (rows, vars) => {
          vars.number = `TKT-${String(rows[0]!.value)}`;
        };
        // SQLite's search index: the ticket's FTS row is keyed by the key its index row
        // got (RETURNING), which the raw side reads from its own insert.
        const keyed = steps.find((s) => /^insert into "ticketry_ticket_search" .* returning "key"$/.test(dq(s.sql)));
        if (keyed) {
          keyed.after = (rows, vars) => {
            vars.searchKey = rows[0]!.key;
          };
          const fts = steps.find((s) => /^insert into "ticketry_ticket_fts" \("rowid", /.test(dq(s.sql)))!;
          fts.slots.push([0, 'searchKey']);
        }
      },
      options: timed,
    },
    {
      key: 'queue',
      title: '2. staff queue, first page',
      run: (desk) => desk.list(OPERATOR, { limit: 50 }),
      options: timed,
    },
    {
      key: 'reseller',
      title: `3. reseller queue, first page (${largestReseller}: ${catalog.perReseller.get(largestReseller)!.toLocaleString('en')} tickets)`,
      run: (desk) => desk.list(resellerStaff, { limit: 50 }),
      options: timed,
    },
    {
      key: 'customer',
      title: "4. customer's own list",
      run: (desk, i) => desk.list(customerOf(i), {}),
      vars: (i) => ({ subscriber: customerOf(i).id }),
      rotation: subscribers.length,
      options: timed,
    },
    {
      key: 'get',
      title: '5. get by number, with thread',
      run: (desk, i) => desk.get(OPERATOR, number(i)),
      vars: (i) => ({ ref: number(i) }),
      rotation: numbers.length,
      revealed: (result) => ({ ticketId: (result as { ticket: { id: string } }).ticket.id }),
      wire(steps) {
        steps.find((s) => findTicketSelect(s.sql))!.after = (rows, vars) => {
          vars.ticketId = rows[0]!.id;
        };
        // The attachments query spells out the thread's message ids as `IN (...)`, as many
        // as it has messages: the raw side reads them from its own thread rows, as ticketry does.
        const attachments = steps.find((s) => /"ticketry_attachments"/.test(dq(s.sql)) && / in \((\?|\$\d)/.test(s.sql));
        if (attachments) {
          steps.find((s) => /^select "m"\.\* from .*"ticketry_messages" as "m"/.test(dq(s.sql)))!.after = (rows, vars) => {
            vars.messageIds = rows.map((r) => r.id);
          };
          inListFrom(attachments, 'messageIds');
        }
      },
      options: timed,
    },
    {
      key: 'reply',
      title: '6. addReply by staff',
      run: (desk, i) => desk.addReply(OPERATOR, pool[i]!, { body: STAFF_BODY }),
      vars: (i) => ({ ticketId: pool[i]! }),
      wire(steps) {
        steps.find((s) => findTicketSelect(s.sql))!.after = (rows, vars) => {
          vars.version = rows[0]!.version;
          vars.nextVersion = Number(rows[0]!.version) + 1;
        };
        const update = steps.find((s) => /^(with "old" as \([\s\S]*?\) )?update "?[\w."]*ticketry_tickets" set/.test(dq(s.sql)))!;
        const version = versionMarker(update.sql);
        if (update.sql.startsWith('with')) {
          // Postgres reads the row's old stats columns in a FOR UPDATE CTE of the UPDATE:
          // the expected version is bound there, the next one in SET.
          update.slots.push([parameterAfter(update.sql, '"version" = ', 0), 'version']);
          update.slots.push([parameterAfter(update.sql, '"version" = ', 1), 'nextVersion']);
        } else {
          update.slots.push([parameterAfter(update.sql, version, 0), 'nextVersion']);
          update.slots.push([parameterAfter(update.sql, version, 1), 'version']);
          // SQLite and MySQL read the row's old stats columns in a SELECT just before the UPDATE.
          const old = steps.find((s) => /^select "t"\."id", "t"\."reseller_id"/.test(dq(s.sql)));
          old?.slots.push([parameterAfter(old.sql, versionMarker(old.sql), 0), 'version']);
        }
      },
      // Every iteration answers a different ticket: ticketry and raw each get their own.
      input: { recordings: [0, 1], ticketry: (n) => 2 + n, raw: (n) => 2 + perSide + n },
      options: { time: 0, iterations: env.replies, warmupTime: 0, warmupIterations: env.replyWarmup },
    },
    {
      key: 'stats',
      title: '7. getStats, whole tenant',
      run: (desk) => desk.getStats(OPERATOR),
      parallel: true,
      options: timed,
    },
    {
      key: 'queue-deep',
      title: `9. staff queue, page ${depth.toLocaleString('en')} rows deep`,
      // The cursor after row `depth` of the queue, found by paging there through ticketry.
      async before(desk) {
        let cursor: string | undefined;
        for (let seen = 0; seen < depth; ) {
          const page = await desk.list(OPERATOR, { limit: Math.min(200, depth - seen), ...(cursor ? { cursor } : {}) });
          seen += page.items.length;
          if (page.nextCursor === null) throw new Error(`the staff queue ends after ${seen} rows, before ${depth}`);
          cursor = page.nextCursor;
        }
        deepCursor = cursor;
      },
      run: (desk) => desk.list(OPERATOR, { limit: 50, cursor: deepCursor! }),
      options: timed,
    },
    {
      key: 'search-word',
      title: `10. search, one rare word (staff; ${rareWord.count} tickets)`,
      run: (desk) => desk.list(OPERATOR, { q: rareWord.word, limit: 50 }),
      options: timed,
    },
    {
      key: 'search-word-reseller',
      title: `11. search, one rare word (reseller staff, ${largestReseller})`,
      run: (desk) => desk.list(resellerStaff, { q: resellerWord, limit: 50 }),
      options: timed,
    },
    {
      key: 'search-phrase',
      title: `12. search, a phrase (staff: ${PHRASE})`,
      run: (desk) => desk.list(OPERATOR, { q: PHRASE, limit: 50 }),
      options: timed,
    },
    {
      key: 'search-phrase-reseller',
      title: `13. search, a phrase (reseller staff, ${largestReseller})`,
      run: (desk) => desk.list(resellerStaff, { q: PHRASE, limit: 50 }),
      options: timed,
    },
    {
      key: 'stats-window',
      title: '14. getStats, last 30 days',
      // Ends at the clock (10:00 UTC): both edges are partial days.
      run: (desk) => desk.getStats(OPERATOR, { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW }),
      options: timed,
    },
    {
      key: 'scheduled',
      title: '8. runScheduledWork, nothing due',
      run: (desk) => desk.runScheduledWork(),
      options: timed,
    },
  ];
}

// ---------------------------------------------------------------- hand-written baselines

/** `later - earlier` in milliseconds, as each dialect writes it (the hooks' `millisBetween`). */
function millis(dialect: Driver['dialect'], later: string, earlier: string): string {
  if (dialect === 'sqlite') return `(${later} - ${earlier})`;
  if (dialect === 'postgres') return `round(extract(epoch from (${later} - ${earlier})) * 1000)::bigint`;
  return `cast(round(timestampdiff(microsecond, ${earlier}, ${later}) / 1000) as signed)`;
}

/**
 * Queries a person would write by hand for the same answer, measured through the raw
 * driver beside the pair:
 *
 * - the staff queue page from an ideal table: exactly the tickets of the default queue
 *   (the tenant's, not deleted, not archived) with every column a list row shows, and an
 *   index in the queue's order, so the page is one index range of 51 entries; the
 *   viewer's favorite and read mark joined by primary key, as a list row shows them;
 * - whole-tenant stats as one `GROUP BY` over the tickets, computing the same sums the
 *   stats buckets keep (what the stats would cost without the aggregates).
 */
async function baselines(driver: Driver, key: string, catalog: SeedCatalog): Promise<{ name: string; run: () => Promise<void> }[]> {
  const t = (name: string) => driver.table(name);
  const notArchived = driver.dialect === 'postgres' ? 'not archived' : 'archived = 0';
  if (key === 'queue') {
    const ideal = t('bench_queue_ideal');
    await driver.exec(`drop table if exists ${ideal}`);
    await driver.exec(
      `create table ${ideal} as select * from ${t('tickets')} where tenant_id = '${TENANT}' and deleted_at is null and ${notArchived}`,
    );
    const index = driver.dialect === 'postgres' ? `"${PREFIX}bench_queue_ideal_idx"` : `${PREFIX}bench_queue_ideal_idx`;
    await driver.exec(`create index ${index} on ${ideal} (tenant_id, attention desc, updated_at desc, id desc)`);
    if (driver.dialect === 'postgres') await driver.exec(`analyze ${ideal}`);
    if (driver.dialect === 'mysql') await driver.exec(`analyze table ${ideal}`);
    const page = driver.statement(
      `select i.*, f.ticket_id as favorite, r.read_at from ${ideal} i ` +
        `left join ${t('favorites')} f on f.tenant_id = i.tenant_id and f.staff_id = ? and f.ticket_id = i.id ` +
        `left join ${t('read_marks')} r on r.tenant_id = i.tenant_id and r.staff_id = ? and r.ticket_id = i.id ` +
        `where i.tenant_id = ? order by i.attention desc, i.updated_at desc, i.id desc limit 51`,
    );
    const rows = await page([OPERATOR.id, OPERATOR.id, TENANT]);
    if (rows.length !== 51) throw new Error(`the ideal queue page has ${rows.length} rows, not 51`);
    return [{ name: 'ideal query, ideal table', run: async () => void (await page([OPERATOR.id, OPERATOR.id, TENANT])) }];
  }
  if (key === 'stats') {
    const ms = (column: string) => millis(driver.dialect, column, 'created_at');
    const isTrue = (column: string) => `sum(case when ${column} then 1 else 0 end)`;
    const groupBy = driver.statement(
      `select status, category, priority, created_by_type, count(*) as n, ` +
        `coalesce(sum(${ms('first_response_at')}), 0) as fr_ms_sum, count(first_response_at) as fr_n, ` +
        `coalesce(sum(${ms('resolved_at')}), 0) as res_ms_sum, count(resolved_at) as res_n, ` +
        `${isTrue('sla_first_response_met')} as fr_met, count(sla_first_response_met) as fr_total, ` +
        `${isTrue('sla_resolution_met')} as res_met, count(sla_resolution_met) as res_total ` +
        `from ${t('tickets')} where tenant_id = ? and deleted_at is null ` +
        `group by status, category, priority, created_by_type`,
    );
    // The same tickets as the stats: every non-deleted ticket of the tenant (as seeded,
    // plus the ones the recordings of earlier operations created).
    const rows = await groupBy([TENANT]);
    const counted = rows.reduce((sum, row) => sum + Number(row.n), 0);
    const seeded = [...catalog.perStatus.values()].reduce((a, b) => a + b, 0);
    const [all] = await driver.query(`select count(*) as n from ${t('tickets')} where tenant_id = ? and deleted_at is null`, [TENANT]);
    if (counted !== Number(all!.n) || counted < seeded) {
      throw new Error(`raw GROUP BY counts ${counted} tickets, the tenant has ${String(all!.n)} (${seeded} seeded)`);
    }
    return [{ name: 'raw GROUP BY over the tickets', run: async () => void (await groupBy([TENANT])) }];
  }
  return [];
}

// ---------------------------------------------------------------- setup

/** Options of `openTarget`. */
export interface TargetOptions {
  kind: 'sqlite' | 'postgres' | 'mysql';
  tickets: number;
  /** Time per benchmark, ms. */
  time: number;
  log: (line: string) => void;
}

/** Opens, seeds, checks and records one store, and returns its benchmark pairs. */
export async function openTarget(options: TargetOptions): Promise<BenchTarget> {
  const url = process.env.TICKETRY_PG_URL;
  const mysqlUrl = process.env.TICKETRY_MYSQL_URL;
  if (options.kind === 'mysql' && !mysqlUrl) {
    throw new Error('BENCH_STORES=mysql needs TICKETRY_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test)');
  }
  const driver =
    options.kind === 'sqlite'
      ? await sqliteDriver()
      : options.kind === 'mysql'
        ? await mysqlServerDriver(mysqlUrl!)
        : url
          ? await postgresServerDriver(url)
          : await pgliteDriver();
  try {
    return await prepareTarget(driver, options);
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
}

async function prepareTarget(driver: Driver, options: TargetOptions): Promise<BenchTarget> {
  const { log, tickets } = options;
  const otherTickets = Math.max(100, Math.floor(tickets / 10));
  const plans: TenantPlan[] = [
    { tenantId: TENANT, tickets, now: NOW, seed: 1, batchSize: 5000 },
    { tenantId: OTHER_TENANT, tickets: otherTickets, now: NOW, seed: 2, batchSize: 5000 },
  ];
  const catalogs = [emptyCatalog(TENANT), emptyCatalog(OTHER_TENANT)];
  const t0 = performance.now();
  const report = await driver.seed(plans, catalogs);
  const catalog = catalogs[0]!;
  log(
    `[${driver.name}] seeded ${Object.entries(report.rows).map(([t, n]) => `${n} ${t}`).join(', ')} ` +
      `(${TENANT}: ${tickets} tickets, ${OTHER_TENANT}: ${otherTickets}) in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
      `(load ${(report.loadMs / 1000).toFixed(1)} s, indexes/analyze ${(report.indexMs / 1000).toFixed(1)} s)`,
  );
  if (report.missing.length > 0) log(`[${driver.name}] generated columns the schema does not have (left out): ${report.missing.join(', ')}`);
  if (report.rebuilds) {
    log(
      `[${driver.name}] rebuilt after the load (the migrations' rebuilds): ` +
        Object.entries(report.rebuilds).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(', '),
    );
  }
  log(`[${driver.name}] ${await driver.info()}`);

  const desk = createTicketService({ store: driver.store, tenantId: TENANT, clock: () => NOW });
  const generated: string[] = [];
  let recordingIds = false;
  const captureDesk = createTicketService({
    store: driver.captureStore,
    tenantId: TENANT,
    clock: () => NOW,
    generateId: () => {
      const id = randomUUID();
      if (recordingIds) generated.push(id);
      return id;
    },
  });
  await checkScoping(driver, desk, catalogs, log);

  const replyBudget = Math.floor((catalog.unanswered.length - 2) / 2);
  const replyWarmup = Math.min(10, Math.floor(replyBudget / 10));
  const replies = Math.min(Number(process.env.BENCH_REPLIES ?? 300), replyBudget - replyWarmup);
  if (replies < 20) throw new Error(`only ${catalog.unanswered.length} unanswered tickets: seed more (BENCH_TICKETS)`);

  const [queue] = await driver.query(
    `select count(*) as n from ${driver.table('tickets')} where tenant_id = ? and deleted_at is null and ${driver.dialect === 'postgres' ? 'not archived' : 'archived = 0'}`,
    [TENANT],
  );
  const queueLength = Number(queue!.n);

  const pairs: BenchPair[] = [];
  const plansOut: { op: string; plan: StatementPlan }[] = [];
  const only = process.env.BENCH_OPS?.split(',').map((s) => s.trim());
  for (const spec of specs(catalog, { time: options.time, replies, replyWarmup, queueLength })) {
    if (only && !only.includes(spec.key)) continue;
    await spec.before?.(desk);
    const input = spec.input ?? { recordings: [0, 1] as [number, number], ticketry: (n: number) => n, raw: (n: number) => n };
    // Record twice, on different inputs: the statements must not depend on the input.
    const runs: { statements: Statement[]; ids: string[]; result: unknown }[] = [];
    for (const i of input.recordings) {
      generated.length = 0;
      recordingIds = true;
      const { result, statements } = await driver.recorder.record(() => spec.run(captureDesk, i));
      recordingIds = false;
      runs.push({ statements, ids: [...generated], result });
    }
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    // Statements sent at once (getStats on a pool) arrive in any order.
    const texts = (r: typeof a) => {
      const sqls = r.statements.map((st) => foldInLists(st.sql));
      return (spec.parallel ? sqls.sort() : sqls).join('\n;\n');
    };
    if (texts(a) !== texts(b) || a.ids.length !== b.ids.length) {
      throw new Error(`${spec.key}: the statements differ between two runs:\n${texts(a)}\n---\n${texts(b)}`);
    }
    if (spec.key === 'scheduled') {
      const result = a.result as { warnings: number; breaches: number; autoClosed: string[]; redelivered: number };
      if (result.warnings + result.breaches + result.autoClosed.length + result.redelivered !== 0) {
        throw new Error(`runScheduledWork found work in the seeded data: ${JSON.stringify(result)}`);
      }
    }

    const templateValues: Vars = { ...spec.vars?.(input.recordings[0]), ...spec.revealed?.(a.result) };
    a.ids.forEach((id, k) => (templateValues[`id${k}`] = id));
    const steps = compileSteps(a.statements, templateValues);
    spec.wire?.(steps);
    const replay = driver.replayer(steps, spec.parallel ?? false);
    const idCount = a.ids.length;

    const rawRun = async (i: number) => {
      const vars: Vars = spec.vars ? spec.vars(i) : {};
      for (let k = 0; k < idCount; k++) vars[`id${k}`] = randomUUID();
      await replay(vars);
    };
    let warmed = false;
    const setup = async () => {
      driver.settle();
      if (warmed || spec.rotation === undefined) return;
      warmed = true;
      for (let i = 0; i < spec.rotation; i++) {
        await spec.run(desk, i);
        await rawRun(i);
      }
    };

    let nTicketry = 0;
    let nRaw = 0;
    pairs.push({
      key: spec.key,
      title: spec.title,
      statements: a.statements,
      extras: await baselines(driver, spec.key, catalog),
      // Before each bench (warmup and run): a checkpointed WAL, warm rotations.
      options: { ...spec.options, setup },
      // Async functions: tinybench would otherwise call each once more to find out.
      ticketry: async () => {
        await spec.run(desk, input.ticketry(nTicketry++));
      },
      raw: async () => {
        await rawRun(input.raw(nRaw++));
      },
    });

    log(
      `[${driver.name} ${spec.key}] ${a.statements.length} statements: ` +
        a.statements.map((st) => st.sql.replace(/\s+/g, ' ').slice(0, 48)).join(' ; '),
    );
    for (const st of a.statements.filter(explainable)) {
      const plan = await driver.explain(st);
      plansOut.push({ op: spec.key, plan });
      log(formatPlan(`${driver.name} ${spec.key}`, plan));
    }
  }
  // The CPU part of addReply that the raw side does not do: rendering the staff Markdown.
  renderMarkdown(STAFF_BODY);
  const r0 = performance.now();
  for (let i = 0; i < 200; i++) renderMarkdown(STAFF_BODY);
  log(`[${driver.name}] renderMarkdown(reply body, ${STAFF_BODY.length} chars): ${((performance.now() - r0) / 200).toFixed(3)} ms per call`);

  const scans = plansOut.filter((p) => p.plan.fullScans.length > 0);
  log(
    `[${driver.name}] ${plansOut.length} planned statements; full scans in ${scans.length}: ` +
      (scans.map((s) => `${s.op} (${s.plan.fullScans.map((l) => l.trim()).join('; ')})`).join(', ') || 'none'),
  );

  // Reads first, on the data exactly as seeded; the writes (which grow the tables and, in
  // SQLite, the WAL) last. The titles keep their numbers; the report sorts by them.
  const order = [
    'queue',
    'queue-deep',
    'reseller',
    'customer',
    'get',
    'search-word',
    'search-word-reseller',
    'search-phrase',
    'search-phrase-reseller',
    'stats',
    'stats-window',
    'scheduled',
    'create',
    'reply',
  ];
  pairs.sort((x, y) => order.indexOf(x.key) - order.indexOf(y.key));
  return {
    name: driver.name,
    pairs,
    plans: plansOut,
    query: (sql, params) => driver.query(sql, params),
    table: (name) => driver.table(name),
    close: () => driver.close(),
  };
}

/** Tenant scoping holds at this size: stats and lists of one tenant never count the other's rows. */
async function checkScoping(
  driver: Driver,
  desk: TicketService,
  catalogs: SeedCatalog[],
  log: (line: string) => void,
): Promise<void> {
  const sum = (c: SeedCatalog) => [...c.perStatus.values()].reduce((a, b) => a + b, 0);
  const other = createTicketService({ store: driver.store, tenantId: OTHER_TENANT, clock: () => NOW });
  const [mine, theirs] = await Promise.all([desk.getStats(OPERATOR), other.getStats(OPERATOR)]);
  const total = (s: { counts: Record<string, number> }) => Object.values(s.counts).reduce((a, b) => a + b, 0);
  if (total(mine) !== sum(catalogs[0]!) || total(theirs) !== sum(catalogs[1]!)) {
    throw new Error(`scoping: stats ${total(mine)}/${total(theirs)} != seeded ${sum(catalogs[0]!)}/${sum(catalogs[1]!)}`);
  }
  // The same subscriber id exists in both tenants; each tenant's list holds only its own
  // (its default list: archived tickets leave it).
  const otherSubscribers = Math.max(10, Math.floor(catalogs[1]!.tickets / 4));
  const subscriber =
    catalogs[0]!.subscribers.find((s) => Number(s.id.slice(4)) <= otherSubscribers) ?? catalogs[0]!.subscribers[0]!;
  const customer: Actor = { kind: 'customer', id: subscriber.id, resellerId: subscriber.resellerId };
  const page = await desk.list(customer, { limit: 200 });
  const rows = await driver.query(
    `select count(*) as n from ${driver.table('tickets')} where tenant_id = ? and subscriber_id = ? and deleted_at is null and not archived`,
    [TENANT, subscriber.id],
  );
  if (page.items.length !== Number(rows[0]!.n)) {
    throw new Error(`scoping: customer list has ${page.items.length} tickets, the tenant has ${String(rows[0]!.n)}`);
  }
  log(
    `[${driver.name}] scoping ok: ${TENANT} stats count ${total(mine)}, ${OTHER_TENANT} ${total(theirs)}; ` +
      `${subscriber.id} sees ${page.items.length} of its ${TENANT} tickets`,
  );
}
