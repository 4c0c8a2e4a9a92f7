/**
 * The search index of the SQL stores (migration 007, adapters/sql/search-queries.ts) on
 * data that was not written through the index: a store taken down to migration 006,
 * given rows with plain SQL (a new ticket and message, an edited body) and migrated up
 * again must find everything as it now reads; rows bulk-loaded around the store are
 * found once `rebuildSearchIndex` ran, and a rebuild changes nothing else. The contract
 * suite (src/testing/search.ts) covers the index kept by the store's own writes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { mysqlHooks } from '../../adapters/mysql/mysql-hooks.js';
import { postgresHooks } from '../../adapters/postgres/postgres-hooks.js';
import type { SqlDialectHooks } from '../../adapters/sql/dialect-hooks.js';
import { walkedPage } from '../../adapters/sql/list-queries.js';
import { rebuildSearchIndex } from '../../adapters/sql/migrations/007-search.js';
import { tableNames } from '../../adapters/sql/table-names.js';
import { sqliteHooks } from '../../adapters/sqlite/sqlite-hooks.js';
import { parseSearch } from '../../src/search/search-query.js';
import type { StoreScope, TicketStore } from '../../src/store.js';
import { message, tenant, ticketRow } from './rows.js';
import {
  POSTGRES_IS_REAL,
  mysqlFixture,
  mysqlSkipReason,
  postgresFixture,
  sqliteFileFixture,
  sqliteMemoryFixture,
  storeQueryContext,
  type FixtureStore,
  type StoreFixture,
} from './stores.js';

const PREFIX = 's7_';
const staff = (tenantId: string): StoreScope => ({ tenantId, visibility: 'staff' });
const customer = (tenantId: string, subscriberId: string): StoreScope => ({ tenantId, visibility: 'customer', subscriberId });

/** `[number, rank]` of what `q` finds, best first. */
async function find(store: TicketStore, scope: StoreScope, q: string): Promise<[string, number][]> {
  const rows = await store.listTickets(scope, { sort: 'relevance', limit: 200, search: parseSearch(q) });
  return rows.map((r) => [r.number, r.searchRank ?? -1]);
}

function hooksOf(kind: StoreFixture['kind']): SqlDialectHooks {
  if (kind === 'postgres' || kind === 'pglite') return postgresHooks();
  if (kind === 'mysql') return mysqlHooks({ driverDates: 'string' });
  return sqliteHooks();
}

/** Plain SQL on the fixture's probe: placeholders as the dialect writes them. */
function writer(fx: FixtureStore, kind: StoreFixture['kind']) {
  const mark = (i: number) => (kind === 'postgres' || kind === 'pglite' ? `$${i}` : '?');
  const table = (name: 'tickets' | 'messages') => fx.table(name);
  return {
    /** Copies a row of `tickets`/`messages` (selected by tenant and id) with `changes`, leaving out `position` and the generated `waiting_order`. */
    async copy(name: 'tickets' | 'messages', tenantId: string, id: string, changes: Record<string, unknown>) {
      const [source] = await fx.query<Record<string, unknown>>(
        `select * from ${table(name)} where tenant_id = ${mark(1)} and id = ${mark(2)}`,
        [tenantId, id],
      );
      const row: Record<string, unknown> = { ...source!, ...changes };
      delete row.position;
      delete row.waiting_order;
      // JSON columns come back parsed from Postgres; write them as text.
      for (const key of ['system', 'email']) if (row[key] !== null && typeof row[key] === 'object') row[key] = JSON.stringify(row[key]);
      const columns = Object.keys(row);
      await fx.query(
        `insert into ${table(name)} (${columns.join(', ')}) values (${columns.map((_, i) => mark(i + 1)).join(', ')})`,
        columns.map((c) => row[c]),
      );
    },
    async setBody(tenantId: string, id: string, body: string) {
      await fx.query(`update ${table('messages')} set body = ${mark(1)} where tenant_id = ${mark(2)} and id = ${mark(3)}`, [body, tenantId, id]);
    },
  };
}

function searchIndexTests(name: string, makeFixture: () => StoreFixture): void {
  describe(`SQL search index: ${name}`, () => {
    const fixture = makeFixture();
    afterAll(() => fixture.dispose());

    it('migration 007 indexes what a store at 006 held: tickets and messages written through it and with plain SQL, edits included', async () => {
      const fx = await fixture.create({ tablePrefix: PREFIX });
      const sql = writer(fx, fixture.kind);
      const t = tenant();
      const a = ticketRow(t, 1, { subject: 'Printer on fire' });
      const b = ticketRow(t, 2, { subject: 'Ärger mit dem Router', subscriberId: 'sub-2' });
      const opening = message(a.id, { body: 'toner everywhere', opening: true });
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(t, a);
        await tx.insertTicket(t, b);
        await tx.insertMessage(t, opening);
        await tx.insertMessage(t, message(a.id, { body: 'call the fire brigade', internal: true, authorType: 'staff' }));
        await tx.insertMessage(t, message(b.id, { body: 'Сеть не работает', opening: true }));
        await tx.insertMessage(t, message(b.id, { body: 'rude words', hidden: true }));
      });
      expect(await find(fx.store, staff(t), 'toner')).toStrictEqual([['TKT-1', 0]]);

      expect(await fx.migrateTo('006-list-columns')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext', 'down 010-owner-tokens', 'down 009-search-walk', 'down 008-stats-by-day', 'down 007-search']);
      await expect(fx.query(`select count(*) as n from ${fx.table('tickets').replace('tickets', 'ticket_search')}`)).rejects.toThrow();

      // At 006, with plain SQL: a new ticket with a message, and an edited body.
      await sql.copy('tickets', t, a.id, { id: 'tk-at-006', number: 'TKT-6', subject: 'Scanner jammed' });
      await sql.copy('messages', t, opening.id, { id: 'm-at-006', ticket_id: 'tk-at-006', body: 'paper feed broken' });
      await sql.setBody(t, opening.id, 'toner gone');

      await fx.store.migrate();
      const s = staff(t);
      expect(await find(fx.store, s, 'printer')).toStrictEqual([['TKT-1', 1]]);
      expect(await find(fx.store, s, 'toner gone')).toStrictEqual([['TKT-1', 0]]);
      expect(await find(fx.store, s, 'everywhere')).toStrictEqual([]);
      expect(await find(fx.store, s, 'fire brigade')).toStrictEqual([['TKT-1', 0]]);
      expect(await find(fx.store, customer(t, 'sub-1'), 'brigade')).toStrictEqual([]);
      expect(await find(fx.store, s, 'scanner')).toStrictEqual([['TKT-6', 1]]);
      expect(await find(fx.store, s, '"paper feed"')).toStrictEqual([['TKT-6', 0]]);
      expect(await find(fx.store, s, 'tkt-6')).toStrictEqual([['TKT-6', 2]]);
      expect(await find(fx.store, s, 'arger router')).toStrictEqual([['TKT-2', 1]]);
      expect(await find(fx.store, s, 'СЕТЬ')).toStrictEqual([['TKT-2', 0]]);
      expect(await find(fx.store, s, 'rude')).toStrictEqual([['TKT-2', 0]]);
      expect(await find(fx.store, customer(t, 'sub-2'), 'rude')).toStrictEqual([]);
      expect(await find(fx.store, customer(t, 'sub-2'), 'сеть')).toStrictEqual([['TKT-2', 0]]);

      // The store's writes go on indexing after the upgrade.
      await fx.store.transaction(async (tx) => {
        await tx.insertMessage(t, message('tk-at-006', { body: 'fixed by a technician' }));
        await tx.insertTicket(t, ticketRow(t, 7, { subject: 'Printer again' }));
      });
      expect(await find(fx.store, s, 'technician')).toStrictEqual([['TKT-6', 0]]);
      expect(await find(fx.store, s, 'printer')).toStrictEqual([['TKT-7', 1], ['TKT-1', 1]]);
    });

    it('rebuildSearchIndex indexes rows loaded around the store; a second rebuild changes nothing', async () => {
      const fx = await fixture.create({ tablePrefix: PREFIX });
      const sql = writer(fx, fixture.kind);
      const t = tenant();
      const a = ticketRow(t, 1, { subject: 'Modem blinking' });
      const opening = message(a.id, { body: 'orange light', opening: true });
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(t, a);
        await tx.insertMessage(t, opening);
      });
      // Bulk-loaded around the store: not in the index yet.
      await sql.copy('tickets', t, a.id, { id: 'tk-loaded', number: 'TKT-2', subject: 'Loaded ticket' });
      await sql.copy('messages', t, opening.id, { id: 'm-loaded', ticket_id: 'tk-loaded', body: 'bulk body' });
      expect(await find(fx.store, staff(t), 'loaded')).toStrictEqual([]);

      const hooks = hooksOf(fixture.kind);
      const ctx = { names: tableNames(PREFIX, fx.location.schema), types: hooks.types, dialect: hooks };
      const rebuild = () => (fx.hostDb() as Kysely<any>).transaction().execute((trx) => rebuildSearchIndex(trx, ctx));
      const everything = async () => ({
        loaded: await find(fx.store, staff(t), 'loaded'),
        bulk: await find(fx.store, staff(t), 'bulk body'),
        modem: await find(fx.store, staff(t), 'modem orange'),
        number: await find(fx.store, staff(t), 'TKT-2'),
      });
      await rebuild();
      const once = await everything();
      expect(once).toStrictEqual({
        loaded: [['TKT-2', 1]],
        bulk: [['TKT-2', 0]],
        modem: [['TKT-1', 0]],
        number: [['TKT-2', 2]],
      });
      await rebuild();
      expect(await everything()).toStrictEqual(once);

      // The store's writes after a rebuild are indexed beside it, and edits replace.
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(t, ticketRow(t, 3, { subject: 'Modem replaced' }));
        await tx.updateMessage(t, 'm-loaded', { body: 'edited body' });
      });
      expect(await find(fx.store, staff(t), 'modem')).toStrictEqual([['TKT-3', 1], ['TKT-1', 1]]);
      expect(await find(fx.store, staff(t), 'bulk')).toStrictEqual([]);
      expect(await find(fx.store, staff(t), 'edited')).toStrictEqual([['TKT-2', 0]]);

      // The walk over message matches reads each message's text by key (on SQLite migration
      // 015's table): filled by the rebuild, replaced by the edit. MySQL/MariaDB never walk.
      if (fixture.kind !== 'mysql') {
        const qctx = storeQueryContext(fx, hooks, PREFIX);
        const walked = async (q: string) =>
          (await walkedPage(qctx, staff(t), { sort: 'relevance', limit: 1, search: parseSearch(q) }, 'messages'))?.map((r) => r.number);
        expect(await walked('edited')).toStrictEqual(['TKT-2']);
        // The old text is found no more: the walk reads every ticket and finds nothing.
        expect(await walked('bulk')).toStrictEqual([]);
        expect(await walked('orange')).toStrictEqual(['TKT-1']);
      }
    });

    it("the store's rebuildSearchIndex() and rebuildListColumns() take in rows written around it", async () => {
      const fx = await fixture.create({ tablePrefix: PREFIX });
      const sql = writer(fx, fixture.kind);
      const t = tenant();
      const a = ticketRow(t, 1, { subject: 'Router reboot' });
      const opening = message(a.id, { body: 'it reboots', opening: true });
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(t, a);
        await tx.insertMessage(t, opening);
      });
      // A reply and a ticket written with plain SQL: neither searched nor counted yet.
      const no = fixture.kind === 'postgres' || fixture.kind === 'pglite' ? false : 0;
      await sql.copy('messages', t, opening.id, { id: 'm-around', opening: no, body: 'firmware upgraded' });
      await sql.copy('tickets', t, a.id, { id: 'tk-around', number: 'TKT-9', subject: 'Imported ticket' });
      const replies = async () =>
        (await fx.store.listTickets(staff(t), { sort: 'oldest', limit: 10 })).map((r) => [r.number, r.replyCount]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      expect(await find(fx.store, staff(t), 'firmware')).toStrictEqual([]);
      expect(await find(fx.store, staff(t), 'imported')).toStrictEqual([]);
      expect(await replies()).toStrictEqual([['TKT-1', 0], ['TKT-9', 0]]);

      await fx.store.rebuildSearchIndex();
      expect(await find(fx.store, staff(t), 'firmware')).toStrictEqual([['TKT-1', 0]]);
      expect(await find(fx.store, staff(t), 'imported')).toStrictEqual([['TKT-9', 1]]);
      await fx.store.rebuildListColumns();
      expect(await replies()).toStrictEqual([['TKT-1', 1], ['TKT-9', 0]]);
      await expect(fx.store.transaction(() => fx.store.rebuildSearchIndex())).rejects.toMatchObject({ code: 'config' });
    });
  });
}

searchIndexTests('sqlite (file)', sqliteFileFixture);
searchIndexTests('sqlite (:memory:)', sqliteMemoryFixture);
searchIndexTests(POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', postgresFixture);
// MySQL/MariaDB only with a server (mysqlSkipReason says why not, and fails in CI without one).
if (mysqlSkipReason() === null) searchIndexTests('mysql', mysqlFixture);
