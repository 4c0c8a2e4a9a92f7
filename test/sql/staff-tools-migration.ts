/**
 * Migration 003 (`003-staff-tools`) on a store that already holds tickets: the store is
 * taken down to migration 002 with the migrations' own `down` (`FixtureStore.migrateTo`),
 * holding tickets written through the store and one written with plain SQL while at 002,
 * then `migrate()` brings it to the latest migration. Every old ticket must read back
 * unchanged, with 003's backfill (`customerPriority` = its priority, `addressedTo`
 * 'reseller' exactly when it has a reseller) and the other new fields at their defaults;
 * the new tables and the new index must work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreListQuery, StoreScope, TicketRow } from '../../src/store.js';
import type { SavedFilter, Ticket } from '../../src/types.js';
import { tenant, ticketRow } from './rows.js';
import type { FixtureStore, StoreFixture } from './stores.js';

const BASE = Date.parse('2026-03-02T10:00:00.000Z');
const at = (seconds: number) => new Date(BASE + seconds * 1000);
/** A lock expiry no run of these tests reaches. */
const FAR = new Date('2100-01-01T00:00:00.000Z');

const staff = (tenantId: string): StoreScope => ({ tenantId, visibility: 'staff', includeDeleted: true });
/** Without `includeDeleted`: what a staff list shows. */
const listScope = (tenantId: string): StoreScope => ({ tenantId, visibility: 'staff' });
const list = (over: Partial<StoreListQuery> = {}): StoreListQuery => ({ sort: 'newest', limit: 200, ...over });

/** The columns and tables migration 003 adds. */
const NEW_COLUMNS = [
  'merged_into_id',
  'locked_by_id',
  'locked_by_name',
  'locked_until',
  'raised',
  'customer_priority',
  'waiting_since',
  'customer_message_at',
  'addressed_to',
  'requester_reseller_id',
];
const NEW_TABLES = ['favorites', 'read_marks', 'saved_filters'] as const;

/** `row` as a store reads it back, without the tenant. */
function asTicket(row: TicketRow): Ticket {
  const { tenantId: _tenant, ...ticket } = row;
  return ticket;
}

/** What migration 003 makes of a ticket that existed at 002: its 002 fields, the backfill, defaults. */
function upgraded(row: TicketRow): Ticket {
  return {
    ...asTicket(row),
    mergedIntoId: null,
    lockedById: null,
    lockedByName: null,
    lockedUntil: null,
    raised: false,
    customerPriority: row.priority,
    waitingSince: null,
    customerMessageAt: null,
    addressedTo: row.resellerId === null ? 'operator' : 'reseller',
    requesterResellerId: null,
  };
}

/** Registers the migration-003 upgrade test for the stores `makeFixture` makes. */
export function staffToolsMigrationTests(name: string, makeFixture: () => StoreFixture): void {
  describe(`SQL store migration 003: ${name}`, () => {
    let fixture: StoreFixture;
    beforeAll(() => {
      fixture = makeFixture();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    const isPostgres = (fx: FixtureStore) => fx.location.schema !== undefined;
    const indexExists = async (fx: FixtureStore, index: string): Promise<boolean> => {
      const rows = fx.location.database !== undefined
        ? await fx.query(`select index_name from information_schema.statistics where table_schema = ? and index_name = ? limit 1`, [
            fx.location.database,
            index,
          ])
        : isPostgres(fx)
        ? await fx.query(`select indexname from pg_indexes where schemaname = $1 and indexname = $2`, [
            fx.location.schema,
            index,
          ])
        : await fx.query(`select name from sqlite_master where type = 'index' and name = ?`, [index]);
      return rows.length === 1;
    };
    const migrationNames = async (fx: FixtureStore) =>
      (await fx.query<{ name: string }>(`select name from ${fx.table('migrations')} order by name`)).map((r) => r.name);

    it('migration 003 upgrades a store holding tickets', async () => {
      const prefix = 'm3_';
      const fx = await fixture.create({ tablePrefix: prefix });
      const t = tenant();
      const other = tenant();

      // Tickets written through the store, with every field 003 adds set to something its
      // `down` must drop and its `up` must not bring back.
      const rows: TicketRow[] = [];
      const priorities = ['low', 'normal', 'high', 'urgent'];
      const resellers = [null, 'r1', null, 'r2', 'r1'];
      for (let n = 1; n <= 10; n++) {
        const tenantId = n === 10 ? other : t;
        rows.push(
          ticketRow(tenantId, n, {
            priority: priorities[n % priorities.length]!,
            resellerId: resellers[n % resellers.length]!,
            status: n % 3 === 0 ? 'resolved' : 'open',
            resolvedAt: n % 3 === 0 ? at(n + 100) : null,
            archived: n === 4,
            deletedAt: n === 5 ? at(500) : null,
            assigneeId: n % 2 === 0 ? 'st-9' : null,
            attention: n % 2,
            mergedIntoId: n === 2 ? rows[0]!.id : null,
            lockedById: 'st-1',
            lockedByName: 'Staff One',
            lockedUntil: FAR,
            raised: true,
            customerPriority: 'customer-chose-this',
            waitingSince: at(n),
            customerMessageAt: at(n + 1),
            // The opposite of what the backfill derives from the reseller.
            addressedTo: resellers[n % resellers.length] === null ? 'reseller' : 'operator',
            requesterResellerId: 'r9',
          }),
        );
      }
      const favoriteBefore = rows[0]!;
      await fx.store.transaction(async (tx) => {
        for (const row of rows) await tx.insertTicket(row.tenantId, row);
        await tx.setFavorite(t, 'st-1', favoriteBefore.id, true, at(10));
        await tx.markRead(t, 'st-1', favoriteBefore.id, at(11));
        await tx.saveFilter(t, { id: 'f-old', staffId: 'st-1', name: 'old', query: { q: 'x' }, createdAt: at(1), updatedAt: at(1) });
      });
      expect(await fx.store.findTicket(staff(t), rows[1]!.id)).toStrictEqual(asTicket(rows[1]!));

      // Down to 002: 003's `down` runs; its columns, index and tables are gone, the tickets stay.
      expect(await fx.migrateTo('002-ticket-stats')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext', 'down 010-owner-tokens', 'down 009-search-walk', 'down 008-stats-by-day', 'down 007-search', 'down 006-list-columns', 'down 005-email-delivery', 'down 004-attachments', 'down 003-staff-tools']);
      expect(await migrationNames(fx)).toStrictEqual(['001-initial', '002-ticket-stats']);
      for (const column of NEW_COLUMNS) {
        await expect(fx.query(`select ${column} from ${fx.table('tickets')}`), column).rejects.toThrow();
      }
      for (const table of NEW_TABLES) {
        await expect(fx.query(`select count(*) as n from ${fx.table(table)}`), table).rejects.toThrow();
      }
      expect(await indexExists(fx, `${prefix}tickets_addressed_idx`)).toBe(false);
      expect(await indexExists(fx, `${prefix}tickets_queue_idx`)).toBe(true);

      // One more ticket written at 002 with plain SQL: a copy of ticket 1's 002 columns
      // (exactly the columns a 002 store has), as another id and number, urgent, of reseller r3.
      const p = (i: number) => (isPostgres(fx) ? `$${i}` : '?');
      const [source] = await fx.query<Record<string, unknown>>(
        `select * from ${fx.table('tickets')} where tenant_id = ${p(1)} and id = ${p(2)}`,
        [t, rows[0]!.id],
      );
      expect(Object.keys(source!).filter((c) => NEW_COLUMNS.includes(c))).toStrictEqual([]);
      const at002: TicketRow = { ...rows[0]!, id: 'tk-written-at-002', number: 'TKT-2002', priority: 'urgent', resellerId: 'r3' };
      const copy: Record<string, unknown> = {
        ...source!,
        id: at002.id,
        number: at002.number,
        priority: at002.priority,
        reseller_id: at002.resellerId,
      };
      const columns = Object.keys(copy);
      await fx.query(
        `insert into ${fx.table('tickets')} (${columns.join(', ')}) values (${columns.map((_, i) => p(i + 1)).join(', ')})`,
        columns.map((c) => copy[c]),
      );

      // Up to the latest migration: 003 and what came after it run.
      const latest = [
        '001-initial',
        '002-ticket-stats',
        '003-staff-tools',
        '004-attachments',
        '005-email-delivery',
        '006-list-columns',
        '007-search',
        '008-stats-by-day',
        '009-search-walk',
        '010-owner-tokens',
        '011-fulltext',
        '012-reseller-queue',
        '013-stats-by-week',
        '014-search-walk-order',
        '015-message-search-text',
        '016-waiting-order',
        '017-status-queue',
      ];
      await fx.store.migrate();
      expect(await migrationNames(fx)).toStrictEqual(latest);
      expect(await indexExists(fx, `${prefix}tickets_addressed_idx`)).toBe(true);
      await fx.store.migrate();
      expect(await migrationNames(fx)).toStrictEqual(latest);

      // Every old ticket reads back with its 002 fields, the backfill and the defaults.
      for (const row of [...rows, at002]) {
        const read = await fx.store.findTicket(staff(row.tenantId), row.id);
        expect(read, row.number).toStrictEqual(upgraded(row));
      }
      expect(upgraded(at002)).toMatchObject({ customerPriority: 'urgent', addressedTo: 'reseller' });
      // The expectations cover both levels and every priority.
      expect(new Set(rows.map((r) => upgraded(r).addressedTo))).toStrictEqual(new Set(['reseller', 'operator']));
      expect(new Set(rows.map((r) => upgraded(r).customerPriority))).toStrictEqual(new Set(priorities));
      // The rows as the database holds them (not only as the mapper reads them).
      const raw = await fx.query<Record<string, unknown>>(
        `select id, priority, reseller_id, customer_priority, addressed_to, raised from ${fx.table('tickets')}`,
      );
      expect(raw).toHaveLength(rows.length + 1);
      for (const r of raw) {
        expect(r.customer_priority, String(r.id)).toBe(r.priority);
        expect(r.addressed_to, String(r.id)).toBe(r.reseller_id === null ? 'operator' : 'reseller');
        expect([false, 0]).toContain(r.raised);
      }

      // The new index serves the addressed-level filter; the old per-staff state did not survive `down`.
      const ofTenant = [...rows, at002].filter((r) => r.tenantId === t && r.deletedAt === null);
      const addressed = await fx.store.listTickets(listScope(t), list({ addressedTo: 'reseller' }));
      expect(addressed.map((s) => s.id).sort()).toStrictEqual(
        ofTenant.filter((r) => r.resellerId !== null).map((r) => r.id).sort(),
      );
      const toOperator = await fx.store.listTickets(listScope(t), list({ addressedTo: 'operator' }));
      expect(toOperator.map((s) => s.id).sort()).toStrictEqual(
        ofTenant.filter((r) => r.resellerId === null).map((r) => r.id).sort(),
      );
      expect(await fx.store.listFilters(t, 'st-1')).toStrictEqual([]);
      for (const table of NEW_TABLES) {
        const [count] = await fx.query<{ n: number | string }>(`select count(*) as n from ${fx.table(table)}`);
        expect(Number(count!.n), table).toBe(0);
      }
      const before = await fx.store.listTickets(listScope(t), list({ viewerId: 'st-1' }));
      expect(before.filter((s) => s.favorite || s.readAt !== null)).toStrictEqual([]);

      // The new tables work on the upgraded store.
      const [a, b] = [at002, rows[2]!];
      const filter: SavedFilter = {
        id: 'f-1',
        staffId: 'st-1',
        name: 'mine',
        query: { assigneeId: 'me', status: ['open'] },
        createdAt: at(20),
        updatedAt: at(20),
      };
      let saved: SavedFilter | undefined;
      await fx.store.transaction(async (tx) => {
        await tx.setFavorite(t, 'st-1', a.id, true, at(20));
        await tx.setFavorite(t, 'st-1', b.id, true, at(21));
        await tx.setFavorite(t, 'st-1', b.id, false, at(22));
        await tx.markRead(t, 'st-1', a.id, at(30));
        await tx.markRead(t, 'st-1', a.id, at(25));
        saved = await tx.saveFilter(t, filter);
      });
      expect(saved).toStrictEqual(filter);
      expect(await fx.store.listFilters(t, 'st-1')).toStrictEqual([filter]);
      expect(await fx.store.listFilters(t, 'st-2')).toStrictEqual([]);
      const favorites = await fx.store.listTickets(listScope(t), list({ viewerId: 'st-1', favorites: true }));
      expect(favorites.map((s) => [s.id, s.favorite, s.readAt])).toStrictEqual([[a.id, true, at(30)]]);
      const marked = await fx.store.listTickets(listScope(t), list({ viewerId: 'st-1' }));
      expect(marked.filter((s) => s.favorite || s.readAt !== null).map((s) => s.id)).toStrictEqual([a.id]);

      // The new columns take writes: a lock, a raise and a customer message on an old ticket.
      const current = (await fx.store.findTicket(staff(t), b.id))!;
      const patch = {
        lockedById: 'st-2',
        lockedByName: 'Staff Two',
        lockedUntil: FAR,
        raised: true,
        waitingSince: at(40),
        customerMessageAt: at(40),
      };
      expect(await fx.store.transaction((tx) => tx.updateTicket(t, b.id, current.version, patch))).toBe(true);
      expect(await fx.store.findTicket(staff(t), b.id)).toStrictEqual({ ...current, ...patch, version: current.version + 1 });
    });
  });
}
