/**
 * What only the SQLite store does: lazy open, connection pragmas, handle ownership, a
 * host's Kysely transaction, lock and open failures, prefixes side by side.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';
import { caught, message, tenant, ticketRow } from './rows.js';

const dir = mkdtempSync(join(tmpdir(), 'ticketry-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => join(dir, `${name}-${Math.random().toString(36).slice(2)}.db`);
const staff = (tenantId: string) => ({ tenantId, visibility: 'staff' as const });


describe('sqlite store driver glue', () => {
  it('opens nothing in the factory, and the file in WAL mode with foreign keys and a busy timeout on first use', async () => {
    const filename = file('lazy');
    const store = sqliteStore({ filename, busyTimeoutMs: 1234 });
    expect(existsSync(filename)).toBe(false);
    await store.migrate();
    expect(existsSync(filename)).toBe(true);
    const probe = new Database(filename);
    try {
      expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      probe.close();
    }
    await store.close();
    await store.close();
    expect(TicketError.is(await caught(store.findTicket(staff('t'), 'x')), 'config')).toBe(true);
  });

  it("sets busy_timeout and foreign_keys on a handle it is given, and never closes it", async () => {
    const database = new Database(':memory:');
    const store = sqliteStore({ database, busyTimeoutMs: 4321 });
    await store.migrate();
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.pragma('busy_timeout', { simple: true })).toBe(4321);
    await store.close();
    expect(database.open).toBe(true);
    expect(database.prepare('select count(*) as n from ticketry_tickets').get()).toStrictEqual({ n: 0 });
    database.close();
  });

  it('reports a file that cannot be opened, and a database that stays locked, as unavailable', async () => {
    const missing = sqliteStore({ filename: join(dir, 'no', 'such', 'dir', 'x.db') });
    const err = await caught(missing.migrate());
    expect(TicketError.is(err, 'unavailable'), String(err)).toBe(true);
    await missing.close();

    const filename = file('busy');
    const store = sqliteStore({ filename, busyTimeoutMs: 50 });
    await store.migrate();
    const other = new Database(filename);
    try {
      other.exec('begin immediate');
      const busy = await caught(store.transaction((tx) => tx.insertTicket('t-busy', ticketRow('t-busy', 1))));
      expect(TicketError.is(busy, 'unavailable'), String(busy)).toBe(true);
      expect(String(((busy as TicketError).cause as { code?: string }).code)).toMatch(/^SQLITE_BUSY/);
      other.exec('rollback');
      // The store recovers once the lock is gone.
      const t = tenant();
      await store.transaction((tx) => tx.insertTicket(t, ticketRow(t, 1)));
      expect((await store.findTicket(staff(t), 'TKT-1'))?.number).toBe('TKT-1');
    } finally {
      other.close();
      await store.close();
    }
  });

  it("a full disk under a host's own Kysely ({ db }) is unavailable, with nothing written: the rollback's synchronous throw does not replace the error", async () => {
    // SQLITE_FULL rolls the transaction back by itself, and Kysely's SQLite connection then
    // throws "no transaction is active" from the store's ROLLBACK synchronously.
    const database = new Database(file('full'));
    const store = sqliteStore({ db: new Kysely<unknown>({ dialect: new SqliteDialect({ database }) }) });
    await store.migrate();
    const t = tenant();
    database.pragma(`max_page_count = ${Number(database.pragma('page_count', { simple: true }))}`);
    const row = ticketRow(t, 1);
    const error = await caught(
      store.transaction(async (tx) => {
        await tx.insertTicket(t, row);
        await tx.insertMessage(t, message(row.id, { body: 'x'.repeat(400_000), opening: true }));
      }),
    );
    expect(TicketError.is(error, 'unavailable'), String(error)).toBe(true);
    database.pragma('max_page_count = 1073741823');
    expect(await store.findTicket(staff(t), row.id)).toBeNull();
    await store.close();
    database.close();
  });

  it('says to run migrate() when the tables are missing', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const err = await caught(store.findTicket(staff('t'), 'x'));
    expect(TicketError.is(err, 'config'), String(err)).toBe(true);
    expect((err as TicketError).message).toMatch(/migrate\(\)/);
    await store.close();
  });

  it('keeps two prefixes side by side in one file, beside a host table', async () => {
    const filename = file('prefixes');
    const database = new Database(filename);
    database.exec('create table tickets (id text primary key, host_column text)');
    const a = sqliteStore({ database, tablePrefix: 'a_' });
    const b = sqliteStore({ database, tablePrefix: 'b_' });
    await a.migrate();
    await b.migrate();
    const t = tenant();
    await a.transaction((tx) => tx.insertTicket(t, ticketRow(t, 1)));
    expect(await b.findTicket(staff(t), 'TKT-1')).toBeNull();
    expect((await a.findTicket(staff(t), 'TKT-1'))?.number).toBe('TKT-1');
    const tables = database
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .all()
      .map((r) => (r as { name: string }).name);
    // Each store's tables, with the FTS5 tables of the search index (migration 007) and
    // the shadow tables SQLite keeps for each of them.
    const fts = (name: string) => [name, `${name}_config`, `${name}_data`, `${name}_docsize`, `${name}_idx`];
    const own = [
      'attachments',
      'audit',
      'counters',
      'email_messages',
      'favorites',
      ...fts('message_fts'),
      'message_search',
      'messages',
      'migrations',
      'migrations_lock',
      'outbox',
      'read_marks',
      'saved_filters',
      ...fts('ticket_fts'),
      'ticket_search',
      'ticket_stats',
      'ticket_stats_daily',
      'ticket_stats_monthly',
      'ticket_stats_weekly',
      'tickets',
    ];
    expect(tables).toStrictEqual([...own.map((n) => `a_${n}`), ...own.map((n) => `b_${n}`), 'tickets']);
    await a.close();
    await b.close();
    database.close();
  });

  it("joins a host's Kysely transaction given as { db: trx }", async () => {
    const database = new Database(file('host'));
    database.pragma('foreign_keys = ON');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
    try {
      await sqliteStore({ db }).migrate();
      await db.schema.createTable('host_accounts').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      const t = tenant();
      const row = ticketRow(t, 1);
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('host_accounts').values({ id: 'acc-1' }).execute();
          const store = sqliteStore({ db: trx });
          await store.transaction(async (tx) => {
            await tx.insertTicket(row.tenantId, row);
            await tx.insertMessage(t, message(row.id, { opening: true }));
          });
          throw new Error('host rollback');
        }),
      ).rejects.toThrow('host rollback');
      expect(await db.selectFrom('host_accounts').selectAll().execute()).toStrictEqual([]);
      const outside = sqliteStore({ db });
      expect(await outside.findTicket(staff(t), row.id)).toBeNull();

      await db.transaction().execute(async (trx) => {
        await trx.insertInto('host_accounts').values({ id: 'acc-2' }).execute();
        await sqliteStore({ db: trx }).transaction((tx) => tx.insertTicket(row.tenantId, row));
      });
      expect((await db.selectFrom('host_accounts').select('id').execute()).map((r) => r.id)).toStrictEqual(['acc-2']);
      expect((await outside.findTicket(staff(t), row.id))?.id).toBe(row.id);
    } finally {
      await db.destroy();
    }
  });
});
