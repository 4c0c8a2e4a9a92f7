/**
 * What only the MySQL / MariaDB store must get right beyond the contract suite, against
 * the server at TICKETRY_MYSQL_URL: instants exact whatever the server's session time
 * zone and however the host's mysql2 pool parses DATETIMEs, utf8mb4 text (emoji, CJK),
 * keys compared by code point, and a server that does not answer mapped to
 * `unavailable`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { setStatementTimeout } from '../../adapters/mysql/mysql-store.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/service/create-ticket-service.js';
import { tenant, ticketRow } from './rows.js';
import { mysqlFixture, mysqlSkipReason, type FixtureStore, type StoreFixture } from './stores.js';

const skip = mysqlSkipReason();

// No server needed: the factory checks its options before any I/O.
describe('mysqlStore poolOptions', () => {
  const refused = (poolOptions: unknown) => {
    try {
      mysqlStore({ uri: 'mysql://root@127.0.0.1:1/none', poolOptions: poolOptions as never });
    } catch (err) {
      return TicketError.is(err, 'config') ? (err as TicketError & { params?: { field?: string } }).params?.field : String(err);
    }
    return 'accepted';
  };

  it('refuses what is not a plain object of mysql2 settings, naming the field, without a warning from mysql2', () => {
    const warned: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void warned.push(args);
    try {
      expect(refused(new Array(100_000).fill(1))).toBe('poolOptions');
      expect(refused('connectionLimit=2')).toBe('poolOptions');
      expect(refused(null)).toBe('poolOptions');
      expect(refused(new Map())).toBe('poolOptions');
      expect(refused({ connectionLimt: 2 })).toBe('poolOptions.connectionLimt');
      expect(refused({ [Symbol('x')]: 1 })).toBe('poolOptions.Symbol(x)');
      expect(refused({ timezone: 'local' })).toBe('poolOptions.timezone');
      expect(refused({ dateStrings: false })).toBe('poolOptions.dateStrings');
      expect(refused(Object.assign(Object.create(null), { connectTimeout: 1000 }))).toBe('accepted');
    } finally {
      console.error = error;
    }
    expect(warned).toStrictEqual([]);
  });

  it("sets the statement timeout with MariaDB's max_statement_time, or MySQL 8's two settings where that is unknown", async () => {
    const sent = (server: 'mariadb' | 'mysql') => {
      const statements: string[] = [];
      const connection = {
        async executeQuery(q: { sql: string }) {
          statements.push(q.sql);
          if (server === 'mysql' && q.sql.includes('max_statement_time')) throw Object.assign(new Error('Unknown system variable'), { errno: 1193 });
          return { rows: [] };
        },
        async *streamQuery() {},
      };
      return setStatementTimeout(connection as never, 1500).then(() => statements);
    };
    expect(await sent('mariadb')).toStrictEqual(['set session max_statement_time = 1.500']);
    expect(await sent('mysql')).toStrictEqual([
      'set session max_statement_time = 1.500',
      'set session max_execution_time = 1500',
      'set session innodb_lock_wait_timeout = 2',
    ]);
  });

  it('takes mysql2 pool settings', async () => {
    const store = mysqlStore({ uri: 'mysql://root@127.0.0.1:1/none', poolOptions: { connectionLimit: 2, connectTimeout: 1000, ssl: undefined } });
    await store.close();
  });
});

describe.skipIf(skip !== null)(`MySQL driver${skip === null ? '' : ` (${skip})`}`, () => {
  let fixture: StoreFixture;
  let fx: FixtureStore;
  beforeAll(async () => {
    fixture = mysqlFixture();
    fx = await fixture.create();
  });
  afterAll(async () => {
    await fixture?.dispose();
  });

  it('keeps instants exact through host pools that parse DATETIMEs in other zones, whatever the session time zone', async () => {
    const t = tenant();
    const createdAt = new Date('2026-03-29T01:30:00.123Z');
    const row = ticketRow(t, 1, { createdAt, updatedAt: createdAt });
    await fx.store.transaction((tx) => tx.insertTicket(t, row));
    for (const timezone of ['local', 'Z', '+05:30', '-08:00'] as const) {
      const pool = mysql.createPool({ uri: fx.location.url!, connectionLimit: 2, timezone });
      pool.on('connection', (c) => c.query("set session time_zone = '+09:00'"));
      const store = mysqlStore({ pool });
      try {
        const found = await store.findTicket({ tenantId: t, visibility: 'staff' }, row.id);
        expect(found?.createdAt.toISOString(), timezone).toBe(createdAt.toISOString());
      } finally {
        await store.close();
        await new Promise<void>((resolve) => pool.end(() => resolve()));
      }
    }
    const [raw] = await fx.query<{ created_at: string }>(`select created_at from ${fx.table('tickets')} where id = ?`, [row.id]);
    expect(raw!.created_at).toBe('2026-03-29 01:30:00.123');
  });

  it('round-trips emoji and CJK subjects and bodies, and finds them by search', async () => {
    const t = tenant();
    const desk = createTicketService({ store: fx.store, tenantId: t });
    const customer = { kind: 'customer' as const, id: 'c-1' };
    const subject = 'Сеть не работает 🚀 网络中断 ネット';
    const created = await desk.create(customer, { subject, body: '路由器 😀 wi-fi' });
    expect((await desk.get(customer, created.id)).ticket.subject).toBe(subject);
    expect((await desk.list(customer, { q: '网络' })).items.map((i) => i.id)).toStrictEqual([created.id]);
    expect((await desk.list(customer, { q: 'сеть' })).items.map((i) => i.id)).toStrictEqual([created.id]);
    expect((await desk.list(customer, { q: '路由器' })).items.map((i) => i.id)).toStrictEqual([created.id]);
    // Search looks up words (letters and digits); an emoji alone is none, so it finds nothing.
    expect((await desk.list(customer, { q: '😀' })).items).toStrictEqual([]);
  });

  it('compares keys by code point: ids differing only in case are two tickets, and sort as JavaScript sorts', async () => {
    const t = tenant();
    const rows = ['b', 'B', 'a', 'A', 'é', 'e'].map((id, i) => ({ ...ticketRow(t, i + 1), id }));
    await fx.store.transaction(async (tx) => {
      for (const row of rows) await tx.insertTicket(t, row);
    });
    const found = await fx.store.findTicket({ tenantId: t, visibility: 'staff' }, 'B');
    expect(found?.id).toBe('B');
    const [{ ids }] = (await fx.query<{ ids: string }>(
      `select group_concat(id order by id separator ',') as ids from ${fx.table('tickets')} where tenant_id = ?`,
      [t],
    )) as [{ ids: string }];
    expect(ids.split(',')).toStrictEqual(rows.map((r) => r.id).sort());
  });

  it('a transaction that loses a deadlock is run again on a fresh transaction: both writers succeed, nothing is counted twice', async () => {
    const t = tenant();
    const second = await fx.second();
    // Each transaction locks one counter row, waits until the other holds its row too,
    // then asks for the other's: InnoDB picks a victim and rolls it back whole.
    let held = 0;
    const bothHold = () =>
      new Promise<void>((resolve) => {
        held += 1;
        const check = () => (held >= 2 ? resolve() : setTimeout(check, 5));
        check();
      });
    let runs = 0;
    const crossed = (store: typeof fx.store, first: string, then: string) =>
      store.transaction(async (tx) => {
        runs += 1;
        await tx.nextSequence(t, first);
        if (runs <= 2) await bothHold();
        await tx.nextSequence(t, then);
      });
    await Promise.all([crossed(fx.store, 'a', 'b'), crossed(second, 'b', 'a')]);
    expect(runs, 'the deadlock victim ran once more').toBe(3);
    const values = await fx.query<{ key: string; value: number }>(
      `select \`key\`, value from ${fx.table('counters')} where tenant_id = ? order by \`key\``,
      [t],
    );
    // Each counter bumped once by each transaction: the victim's first run left nothing.
    expect(values.map((r) => [r.key, Number(r.value)])).toStrictEqual([
      ['a', 2],
      ['b', 2],
    ]);
  });

  it('a call waits at most acquireTimeoutMs for a free pool connection, then is unavailable; the pool works on after', async () => {
    const store = mysqlStore({ uri: fx.location.url!, poolOptions: { connectionLimit: 1 }, acquireTimeoutMs: 300 });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      // The pool's only connection, held by an open transaction.
      const holder = store.transaction(async () => {
        entered();
        await held;
      });
      await inside;
      const err = await store.findTicket({ tenantId: 't', visibility: 'staff' }, 'x').catch((e: unknown) => e);
      expect(TicketError.is(err, 'unavailable'), String(err)).toBe(true);
      release();
      await holder;
      // The connection that came free went back to the pool: the next call gets it.
      expect(await store.findTicket({ tenantId: 't', visibility: 'staff' }, 'x')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('refuses an acquireTimeoutMs that is not a whole number of milliseconds', () => {
    for (const acquireTimeoutMs of [0, -1, 1.5, Number.NaN, '100']) {
      let caught: unknown;
      try {
        mysqlStore({ uri: 'mysql://root@127.0.0.1:1/none', acquireTimeoutMs: acquireTimeoutMs as never });
      } catch (e) {
        caught = e;
      }
      expect(TicketError.is(caught, 'config'), String(acquireTimeoutMs)).toBe(true);
      expect((caught as TicketError).params).toMatchObject({ field: 'acquireTimeoutMs' });
    }
  });

  it('a server that does not answer is unavailable, never a raw driver error', async () => {
    const store = mysqlStore({ uri: 'mysql://root@127.0.0.1:1/none', poolOptions: { connectTimeout: 2000 } });
    try {
      const err = await store.findTicket({ tenantId: 't', visibility: 'staff' }, 'x').catch((e: unknown) => e);
      expect(TicketError.is(err, 'unavailable'), String(err)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
