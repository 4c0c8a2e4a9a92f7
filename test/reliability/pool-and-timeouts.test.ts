/**
 * Pool exhaustion and stuck statements, on Postgres (the throwaway cluster) and MariaDB:
 *
 * - A host pool of 2 connections (pg `Pool({ max: 2 })`, mysql2 `connectionLimit: 2`)
 *   handed in as `{ pool }`, under 100 concurrent calls (creates, replies, lists, stats,
 *   scheduled work), with a host directory that itself queries the same pool: every call
 *   completes. ticketry never holds a connection while it waits for another, nor calls
 *   the directory inside a transaction — either would deadlock here (both connections
 *   held, each waiting for a third).
 * - `statementTimeoutMs`: a reply stuck behind a row lock another connection holds fails
 *   with `unavailable` in about the timeout, writes nothing, and once the lock is gone
 *   the same service replies.
 */
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService, type Directory } from '../../src/index.js';
import { ALL, customer, operator } from '../../src/testing/harness.js';
import { fmt, freshDb, type Db, type StoreKind } from './harness.js';
import { record } from './ledger.js';

const CALLS = 100;
const GUARD_MS = 60_000;
const TIMEOUT_MS = 1000;

/** A host pool of `max` connections, a store on it, and a query on the same pool (for the directory). */
interface HostPool {
  store: SqlTicketStore;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
}

function hostPool(db: Db, max: number): HostPool {
  if (db.target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: db.target.url, max });
    pool.on('error', () => undefined);
    return {
      store: postgresStore({ pool, schema: db.target.schema }),
      query: (text) => pool.query(text),
      end: () => pool.end(),
    };
  }
  const url = (db.target as { url: string }).url;
  const pool = mysql.createPool({ uri: url, connectionLimit: max, charset: 'utf8mb4', timezone: 'Z' });
  pool.on('error' as never, () => undefined);
  return {
    store: mysqlStore({ pool }),
    query: (text) => new Promise((resolve, reject) => pool.query(text, (err, rows) => (err ? reject(err) : resolve(rows)))),
    end: () => new Promise<void>((resolve) => pool.end(() => resolve())),
  };
}

/** One connection of the host, outside ticketry: holds a row lock until `release`. */
async function holdTicketLock(db: Db, ticketId: string): Promise<() => Promise<void>> {
  if (db.target.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.target.url });
    await client.connect();
    await client.query('begin');
    await client.query(`select id from ${db.t('tickets')} where id = $1 for update`, [ticketId]);
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  }
  const connection = mysql.createConnection({ uri: (db.target as { url: string }).url });
  const q = (text: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => connection.query(text, params, (err) => (err ? reject(err) : resolve())));
  await q('begin');
  await q(`select id from ${db.t('tickets')} where id = ? for update`, [ticketId]);
  return async () => {
    await q('rollback');
    connection.destroy();
  };
}

function withGuard<T>(what: string, promise: Promise<T>, ms = GUARD_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms (a deadlock?)`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Row counts of the tenant, and the ticket's version: equal before and after a failed call. */
async function snapshot(db: Db, tenantId: string): Promise<string> {
  const parts: string[] = [];
  for (const table of ['tickets', 'messages', 'audit', 'outbox', 'ticket_stats']) {
    const [row] = await db.probe(`select count(*) as n from ${db.t(table)} where tenant_id = ?`, [tenantId]);
    parts.push(`${table}=${Number(row!.n)}`);
  }
  const versions = await db.probe(`select id, version, updated_at from ${db.t('tickets')} where tenant_id = ? order by id`, [tenantId]);
  return `${parts.join(' ')} ${JSON.stringify(versions.map((v) => [v.id, Number(v.version), String(v.updated_at)]))}`;
}

describe.each(['postgres', 'mysql'] as StoreKind[])('pool exhaustion and statement timeout: %s', (kind) => {
  const dbs: Db[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it(`a host pool of 2 under ${CALLS} concurrent calls, with a directory on the same pool: every call completes`, async () => {
    const db = await freshDb(kind);
    dbs.push(db);
    const host = hostPool(db, 2);
    let directoryCalls = 0;
    // The host's directory reads its own tables through the same 2-connection pool.
    const directory: Directory = {
      getSubscriber: async (id) => {
        directoryCalls += 1;
        await host.query('select 1');
        return { id, resellerId: null };
      },
      getStaff: async (id) => {
        directoryCalls += 1;
        await host.query('select 1');
        return { id };
      },
    };
    try {
      const tenantId = `t-${randomUUID()}`;
      const desk = createTicketService({ store: host.store, tenantId, directory });
      const staff = operator(ALL);
      const customers = Array.from({ length: 10 }, () => customer());
      const seed = await withGuard('10 seed tickets on a pool of 2', Promise.all(customers.map((c) => desk.create(c, { subject: 'seed', body: 'first' }))));
      const started = performance.now();
      const kinds = ['create', 'reply', 'staff reply', 'list', 'stats', 'scheduled work'] as const;
      const outcomes = await withGuard(
        `${CALLS} calls on a pool of 2`,
        Promise.allSettled(
          Array.from({ length: CALLS }, (_, i) => {
            const c = i % customers.length;
            switch (kinds[i % kinds.length]) {
              case 'create':
                return desk.create(customers[c]!, { subject: `s${i}`, body: `b${i}` });
              case 'reply':
                return desk.addReply(customers[c]!, seed[c]!.id, { body: `r${i}` });
              case 'staff reply':
                return desk.addReply(staff, seed[c]!.id, { body: `a${i}` });
              case 'list':
                return desk.list(staff, { limit: 25 });
              case 'stats':
                return desk.getStats(staff);
              default:
                return desk.runScheduledWork();
            }
          }),
        ),
      );
      const ms = performance.now() - started;
      const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
      record({
        scenario: 'pool of 2, 100 concurrent calls',
        store: kind,
        tried: `${CALLS} concurrent calls (6 kinds) on a host pool of 2, directory on the same pool (${fmt(directoryCalls)} lookups)`,
        lost: failed.length,
        figures: `all done in ${fmt(ms)} ms, ${failed.length} failed`,
      });
      expect(failed).toStrictEqual([]);
    } finally {
      // After a deadlock the pool never gets its clients back: do not wait for it for ever.
      await Promise.race([host.end(), new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
  });

  it('statementTimeoutMs: a reply stuck behind a row lock is `unavailable` in about the timeout, writes nothing, and the same service works after', async () => {
    const db = await freshDb(kind);
    dbs.push(db);
    const store =
      db.target.kind === 'postgres'
        ? postgresStore({ connectionString: db.target.url, schema: db.target.schema, statementTimeoutMs: TIMEOUT_MS })
        : mysqlStore({ uri: (db.target as { url: string }).url, statementTimeoutMs: TIMEOUT_MS });
    try {
      const tenantId = `t-${randomUUID()}`;
      const desk = createTicketService({ store, tenantId });
      const who = customer();
      const ticket = await desk.create(who, { subject: 'stuck', body: 'first' });
      const before = await snapshot(db, tenantId);
      const release = await holdTicketLock(db, ticket.id);
      const started = performance.now();
      let caught: unknown;
      try {
        await withGuard('the stuck reply', desk.addReply(who, ticket.id, { body: 'waits for the lock' }), 60_000);
      } catch (err) {
        caught = err;
      } finally {
        await release();
      }
      const ms = performance.now() - started;
      const after = await snapshot(db, tenantId);
      const code = TicketError.is(caught) ? caught.code : String(caught);
      const reply = await desk.addReply(who, ticket.id, { body: 'after the lock' });
      record({
        scenario: 'statement timeout (row lock held)',
        store: kind,
        tried: `a reply behind a row lock, statementTimeoutMs ${TIMEOUT_MS}`,
        lost: (code === 'unavailable' ? 0 : 1) + (after === before ? 0 : 1),
        figures: `failed as ${code} after ${fmt(ms)} ms; rows unchanged: ${after === before}; next reply ok`,
      });
      expect(code).toBe('unavailable');
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
      expect(ms).toBeLessThan(TIMEOUT_MS + 10_000);
      expect(after).toBe(before);
      expect(reply.ticket.id).toBe(ticket.id);
    } finally {
      await store.close();
    }
  });
});
