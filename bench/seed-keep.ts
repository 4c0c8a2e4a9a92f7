/**
 * Seeds a database that stays (unlike `stores.bench.ts`, which drops its own) with the
 * benchmark data set: N tickets (default 1,000,000) for `acme` and a tenth for `other`,
 * their messages, audit rows and events, then the migrations' rebuilds, for probing
 * search and plans at scale (`bench/search-probe.ts`).
 *
 *   FILE=/tmp/1m.db npx tsx bench/seed-keep.ts          # SQLite
 *   DB=ticketry_1m npx tsx bench/seed-keep.ts           # a database on the local Postgres (dropped first)
 *   MYSQL_DB=ticketry_1m npx tsx bench/seed-keep.ts     # a database on the local MySQL/MariaDB (dropped first)
 *
 * At 1.1M tickets on the 2-core machine (session 13): SQLite 12 min, Postgres 16.
 */
import Database from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { mysqlStore } from '../adapters/mysql/index.js';
import { postgresStore } from '../adapters/postgres/index.js';
import { sqliteStore } from '../adapters/sqlite/index.js';
import { mysqlPool } from './capture.js';
import { mysqlRaw } from './replay.js';
import { emptyCatalog, type TenantPlan } from './seed-data.js';
import { seedMysql } from './seed-mysql.js';
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
} else if (process.env.MYSQL_DB) {
  const name = process.env.MYSQL_DB;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('MYSQL_DB must be a plain lower-case identifier');
  const server = process.env.MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306';
  const admin = mysqlRaw(mysqlPool(`${server}/mysql`, 1));
  await admin.query(`drop database if exists \`${name}\``, []);
  await admin.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`, []);
  const url = `${server}/${name}`;
  const store = mysqlStore({ uri: url });
  await store.migrate();
  await store.close();
  const pool = mysqlPool(url, 2);
  const raw = mysqlRaw(pool);
  const session = await raw.connect();
  const report = await seedMysql((text, params) => session.query(text, params ?? []), 'ticketry_', plans, catalogs);
  session.release();
  console.log('seeded', report.rows, seconds(), 's');
  console.log('rebuilt (ms)', await backfillDerived(new Kysely<any>({ dialect: new MysqlDialect({ pool }) }), 'mysql'));
  await raw.query('analyze table ticketry_tickets, ticketry_messages, ticketry_ticket_search, ticketry_message_search, ticketry_ticket_stats, ticketry_ticket_stats_daily, ticketry_ticket_stats_weekly, ticketry_ticket_stats_monthly', []);
} else {
  throw new Error('set FILE (SQLite), DB (Postgres) or MYSQL_DB (MySQL/MariaDB)');
}
console.log('done', seconds(), 's');
