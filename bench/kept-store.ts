/**
 * The store of a data set kept by `bench/seed-keep.ts`, for the probes: `FILE=<path>` opens
 * that SQLite file, `MYSQL_DB=<name>` that database on the local MySQL/MariaDB server,
 * else `DB=<name>` (default `lead_1m`) that database on the local Postgres server. Migrates
 * it first (and says how long that took), and gives a way to run plain SQL on it beside
 * the store (read-only on SQLite).
 */
import pg from 'pg';
import { mysqlStore } from '../adapters/mysql/index.js';
import { postgresStore } from '../adapters/postgres/index.js';
import { sqliteStore } from '../adapters/sqlite/index.js';
import type { TicketStore } from '../src/index.js';
import { mysqlPool } from './capture.js';
import { mysqlRaw } from './replay.js';

export interface KeptStore {
  kind: 'sqlite' | 'postgres' | 'mysql';
  store: TicketStore & { migrate(): Promise<void>; close(): Promise<void> };
  /** Runs `sql` beside the store and returns its rows. */
  rows(sql: string): Promise<any[]>;
}

export async function openKeptStore(): Promise<KeptStore> {
  const file = process.env.FILE;
  const mysqlDb = process.env.MYSQL_DB;
  if (mysqlDb !== undefined) {
    const uri = `${process.env.MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306'}/${mysqlDb}`;
    const store = mysqlStore({ uri });
    const t0 = performance.now();
    await store.migrate();
    console.log('migrate', ((performance.now() - t0) / 1000).toFixed(1), 's');
    const raw = mysqlRaw(mysqlPool(uri, 1));
    return { kind: 'mysql', store, rows: (sql) => raw.query(sql, []) as Promise<any[]> };
  }
  const url = `postgres://postgres@127.0.0.1:5432/${process.env.DB ?? 'lead_1m'}`;
  const store = file ? sqliteStore({ filename: file }) : postgresStore({ connectionString: url });
  const t0 = performance.now();
  await store.migrate();
  console.log('migrate', ((performance.now() - t0) / 1000).toFixed(1), 's');
  if (file) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    return { kind: 'sqlite', store, rows: async (sql) => db.prepare(sql).all() };
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return { kind: 'postgres', store, rows: async (sql) => (await pool.query(sql)).rows };
}
