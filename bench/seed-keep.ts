/**
 * Seeds a database that stays (unlike `stores.bench.ts`, which drops its own) with the
 * benchmark data set: N tickets (default 1,000,000) for `acme` and a tenth for `other`,
 * their messages, audit rows and events, then the migrations' rebuilds, for probing
 * search and plans at scale (`bench/search-probe.ts`).
 *
 *   FILE=/tmp/1m.db npx tsx bench/seed-keep.ts          # SQLite
 *   DB=ticketry_1m npx tsx bench/seed-keep.ts           # a database on the local Postgres (dropped first)
 *
 * SQLite at 1M: about 40 min on a loaded 2-core machine; Postgres about 60.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { postgresStore } from '../adapters/postgres/index.js';
import { sqliteStore } from '../adapters/sqlite/index.js';
import { emptyCatalog, type TenantPlan } from './seed-data.js';
import { seedPostgres } from './seed-postgres.js';
import { seedSqlite } from './seed-sqlite.js';
import { backfillDerived, NOW, OTHER_TENANT, TENANT } from './store-targets.js';

const tickets = Number(process.env.N ?? 1_000_000);
const plans: TenantPlan[] = [
  { tenantId: TENANT, tickets, now: NOW, seed: 1, batchSize: 5000 },
  { tenantId: OTHER_TENANT, tickets: Math.max(100, Math.floor(tickets / 10)), now: NOW, seed: 2, batchSize: 5000 },
];
const catalogs = [emptyCatalog(TENANT), emptyCatalog(OTHER_TENANT)];
const t0 = performance.now();
const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);

if (process.env.FILE) {
  const filename = process.env.FILE;
  for (const f of [filename, `${filename}-wal`, `${filename}-shm`]) rmSync(f, { force: true });
  const store = sqliteStore({ filename });
  await store.migrate();
  await store.close();
  const report = seedSqlite(filename, 'ticketry_', plans, catalogs);
  console.log('seeded', report.rows, seconds(), 's');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(filename) }) });
  console.log('rebuilt (ms)', await backfillDerived(db, 'sqlite'));
  await db.destroy();
} else if (process.env.DB) {
  const name = process.env.DB;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('DB must be a plain lower-case identifier');
  const server = process.env.PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
  const admin = new pg.Pool({ connectionString: `${server}/postgres`, max: 1 });
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = `${server}/${name}`;
  const store = postgresStore({ connectionString: url });
  await store.migrate();
  await store.close();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const client = await pool.connect();
  const report = await seedPostgres(async (text, params) => client.query(text, params), 'public', 'ticketry_', plans, catalogs);
  client.release();
  console.log('seeded', report.rows, seconds(), 's');
  console.log('rebuilt (ms)', await backfillDerived(new Kysely<any>({ dialect: new PostgresDialect({ pool }) }), 'postgres', 'public'));
  await pool.query('vacuum analyze');
  await pool.end();
} else {
  throw new Error('set FILE (SQLite) or DB (Postgres)');
}
console.log('done', seconds(), 's');
