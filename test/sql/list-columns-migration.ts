/**
 * Migration 006 (`006-list-columns`) on a store that already holds tickets and messages:
 * the store is taken down to migration 005 with the migrations' own `down`
 * (`FixtureStore.migrateTo`), holding threads written through the store and messages
 * written with plain SQL while at 005 (replies, internal notes, hidden replies, system
 * notes, a ticket of its own), then `migrate()` brings it to the latest migration.
 * Every ticket's list row must count its replies as staff and as the customer do,
 * computed here from the messages written (not read back through the store); the
 * columns and indexes 006 adds must be there, and the upgraded store must keep counting.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreListQuery, StoreScope } from '../../src/store.js';
import type { Message } from '../../src/types.js';
import { message, tenant, ticketRow } from './rows.js';
import type { FixtureStore, StoreFixture } from './stores.js';

const BASE = Date.parse('2026-03-02T10:00:00.000Z');
const at = (seconds: number) => new Date(BASE + seconds * 1000);

const staff = (tenantId: string): StoreScope => ({ tenantId, visibility: 'staff' });
const customer = (tenantId: string, subscriberId: string): StoreScope => ({ tenantId, visibility: 'customer', subscriberId });
const list: StoreListQuery = { sort: 'newest', limit: 200 };

const NEW_COLUMNS = ['reply_count', 'last_reply_at', 'public_reply_count', 'public_last_reply_at'];
const NEW_INDEXES = ['tickets_reseller_updated_idx', 'tickets_requester_reseller_idx'];

/** What a message contributes to a count: the fields 006 reads. */
type Counted = Pick<Message, 'ticketId' | 'authorType' | 'opening' | 'internal' | 'hidden' | 'createdAt'>;

/** Counts and last reply of `ticketId` from `messages`, as staff (`public` false) or the customer count them. */
function expected(messages: readonly Counted[], ticketId: string, customerView: boolean) {
  let replyCount = 0;
  let last: number | null = null;
  for (const m of messages) {
    if (m.ticketId !== ticketId || m.opening || m.authorType === 'system') continue;
    if (customerView && (m.internal || m.hidden)) continue;
    replyCount += 1;
    last = Math.max(last ?? -Infinity, m.createdAt.getTime());
  }
  return { replyCount, lastReplyAt: last === null ? null : new Date(last) };
}

/** Registers the migration-006 upgrade test for the stores `makeFixture` makes. */
export function listColumnsMigrationTests(name: string, makeFixture: () => StoreFixture): void {
  describe(`SQL store migration 006: ${name}`, () => {
    let fixture: StoreFixture;
    beforeAll(() => {
      fixture = makeFixture();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    const dialect = (fx: FixtureStore) =>
      fx.location.database !== undefined ? 'mysql' : fx.location.schema !== undefined ? 'postgres' : 'sqlite';
    const indexExists = async (fx: FixtureStore, index: string): Promise<boolean> => {
      const rows =
        dialect(fx) === 'mysql'
          ? await fx.query(`select index_name from information_schema.statistics where table_schema = ? and index_name = ? limit 1`, [
              fx.location.database,
              index,
            ])
          : dialect(fx) === 'postgres'
            ? await fx.query(`select indexname from pg_indexes where schemaname = $1 and indexname = $2`, [fx.location.schema, index])
            : await fx.query(`select name from sqlite_master where type = 'index' and name = ?`, [index]);
      return rows.length === 1;
    };
    const migrationNames = async (fx: FixtureStore) =>
      (await fx.query<{ name: string }>(`select name from ${fx.table('migrations')} order by name`)).map((r) => r.name);

    /** A message as a plain-SQL INSERT of the 005 columns, values in the dialect's storage form. */
    const insertRaw = async (fx: FixtureStore, tenantId: string, m: Message) => {
      const d = dialect(fx);
      const bool = (v: boolean) => (d === 'postgres' ? v : v ? 1 : 0);
      const time = (v: Date) =>
        d === 'sqlite' ? v.getTime() : d === 'mysql' ? v.toISOString().replace('T', ' ').replace('Z', '') : v.toISOString();
      const row: Record<string, unknown> = {
        tenant_id: tenantId,
        id: m.id,
        ticket_id: m.ticketId,
        author_type: m.authorType,
        author_id: m.authorId,
        author_name: m.authorName,
        body: m.body,
        html: m.html,
        internal: bool(m.internal),
        hidden: bool(m.hidden),
        opening: bool(m.opening),
        system: m.system === null ? null : JSON.stringify(m.system),
        created_at: time(m.createdAt),
      };
      const columns = Object.keys(row);
      const p = (i: number) => (d === 'postgres' ? `$${i}` : '?');
      await fx.query(
        `insert into ${fx.table('messages')} (${columns.join(', ')}) values (${columns.map((_, i) => p(i + 1)).join(', ')})`,
        columns.map((c) => row[c]),
      );
    };

    it('migration 006 counts the replies of a store holding tickets, and the upgraded store keeps counting', async () => {
      const prefix = 'm6_';
      const fx = await fixture.create({ tablePrefix: prefix });
      const t = tenant();
      const other = tenant();

      // Written through the store at the latest migration: three tickets of t, one of another tenant.
      const a = ticketRow(t, 1, { subscriberId: 'sub-a' });
      const b = ticketRow(t, 2, { subscriberId: 'sub-a' });
      const c = ticketRow(t, 3, { subscriberId: 'sub-c', resellerId: 'r1' });
      const x = ticketRow(other, 1, { subscriberId: 'sub-a' });
      const written: Message[] = [
        message(a.id, { opening: true, createdAt: at(0) }),
        message(a.id, { createdAt: at(10) }),
        message(a.id, { authorType: 'staff', internal: true, createdAt: at(20) }),
        message(a.id, { authorType: 'staff', createdAt: at(30) }),
        message(a.id, { authorType: 'system', authorId: null, createdAt: at(35), system: { kind: 'status_changed', from: 'open', to: 'pending' } }),
        message(b.id, { opening: true, createdAt: at(1) }),
        message(c.id, { opening: true, createdAt: at(2) }),
        message(c.id, { authorType: 'staff', createdAt: at(40) }),
        message(x.id, { opening: true, createdAt: at(3) }),
        message(x.id, { createdAt: at(50) }),
      ];
      const hiddenLater = written[3]!;
      await fx.store.transaction(async (tx) => {
        for (const row of [a, b, c, x]) await tx.insertTicket(row.tenantId, row);
        for (const m of written) await tx.insertMessage(m.ticketId === x.id ? other : t, m);
        await tx.updateMessage(t, hiddenLater.id, { hidden: true });
      });
      hiddenLater.hidden = true;

      // Down to 005: 006's `down` runs (and what came after it); its columns and indexes are gone.
      expect(await fx.migrateTo('005-email-delivery')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext', 'down 010-owner-tokens', 'down 009-search-walk', 'down 008-stats-by-day', 'down 007-search', 'down 006-list-columns']);
      for (const column of NEW_COLUMNS) {
        await expect(fx.query(`select ${column} from ${fx.table('tickets')}`), column).rejects.toThrow();
      }
      for (const index of NEW_INDEXES) expect(await indexExists(fx, prefix + index), index).toBe(false);
      expect(await indexExists(fx, `${prefix}tickets_reseller_queue_idx`)).toBe(true);

      // Written with plain SQL at 005, which no store code counts: replies of every kind on
      // the old tickets, and a ticket of its own (a copy of b's 005 columns) with a thread.
      const p = (i: number) => (dialect(fx) === 'postgres' ? `$${i}` : '?');
      const [source] = await fx.query<Record<string, unknown>>(
        `select * from ${fx.table('tickets')} where tenant_id = ${p(1)} and id = ${p(2)}`,
        [t, b.id],
      );
      const d = { ...b, id: `tk-${randomUUID()}`, number: 'TKT-005' };
      const copy: Record<string, unknown> = { ...source!, id: d.id, number: d.number };
      const columns = Object.keys(copy);
      await fx.query(
        `insert into ${fx.table('tickets')} (${columns.join(', ')}) values (${columns.map((_, i) => p(i + 1)).join(', ')})`,
        columns.map((k) => copy[k]),
      );
      const at005: Message[] = [
        message(a.id, { createdAt: at(60) }),
        message(a.id, { authorType: 'system', authorId: null, createdAt: at(70), system: { kind: 'status_changed', from: 'pending', to: 'open' } }),
        message(b.id, { authorType: 'staff', internal: true, createdAt: at(65) }),
        message(b.id, { authorType: 'staff', createdAt: at(61) }),
        message(d.id, { opening: true, createdAt: at(80) }),
        message(d.id, { authorType: 'staff', hidden: true, createdAt: at(90) }),
        message(d.id, { createdAt: at(85) }),
      ];
      for (const m of at005) await insertRaw(fx, t, m);
      const all = [...written, ...at005];

      // Up to the latest migration: 006 and what came after it run.
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
      for (const index of NEW_INDEXES) expect(await indexExists(fx, prefix + index), index).toBe(true);
      await fx.store.migrate();
      expect(await migrationNames(fx)).toStrictEqual(latest);

      // Every row, as staff and as its customer count it, from the messages written.
      const rowsOf = async (scope: StoreScope) =>
        new Map((await fx.store.listTickets(scope, list)).map((r) => [r.id, { replyCount: r.replyCount, lastReplyAt: r.lastReplyAt }]));
      const check = async (what: string) => {
        const asStaff = await rowsOf(staff(t));
        for (const row of [a, b, c, d]) {
          expect(asStaff.get(row.id), `${what}: staff ${row.number}`).toStrictEqual(expected(all, row.id, false));
          const mine = await rowsOf(customer(t, row.subscriberId));
          expect(mine.get(row.id), `${what}: customer ${row.number}`).toStrictEqual(expected(all, row.id, true));
        }
        expect((await rowsOf(staff(other))).get(x.id), `${what}: other tenant`).toStrictEqual(expected(all, x.id, false));
      };
      await check('after the upgrade');
      // The expectations cover every case: internal, hidden, system, several replies, none.
      expect(expected(all, a.id, false)).toStrictEqual({ replyCount: 4, lastReplyAt: at(60) });
      expect(expected(all, a.id, true)).toStrictEqual({ replyCount: 2, lastReplyAt: at(60) });
      expect(expected(all, b.id, true)).toStrictEqual({ replyCount: 1, lastReplyAt: at(61) });
      expect(expected(all, d.id, false)).toStrictEqual({ replyCount: 2, lastReplyAt: at(90) });
      expect(expected(all, d.id, true)).toStrictEqual({ replyCount: 1, lastReplyAt: at(85) });

      // The columns as the database holds them (not only as the store reads them).
      const raw = await fx.query<Record<string, unknown>>(
        `select id, reply_count, public_reply_count, last_reply_at, public_last_reply_at from ${fx.table('tickets')} where tenant_id = ${p(1)}`,
        [t],
      );
      expect(raw).toHaveLength(4);
      for (const r of raw) {
        const id = String(r.id);
        expect(Number(r.reply_count), id).toBe(expected(all, id, false).replyCount);
        expect(Number(r.public_reply_count), id).toBe(expected(all, id, true).replyCount);
        expect(r.last_reply_at === null, id).toBe(expected(all, id, false).lastReplyAt === null);
      }

      // The upgraded store keeps counting: a reply, a hide, an unhide.
      const later = message(b.id, { createdAt: at(100) });
      await fx.store.transaction((tx) => tx.insertMessage(t, later));
      all.push(later);
      await check('after a reply');
      await fx.store.transaction((tx) => tx.updateMessage(t, later.id, { hidden: true }));
      later.hidden = true;
      await check('after a hide');
      await fx.store.transaction((tx) => tx.updateMessage(t, hiddenLater.id, { hidden: false }));
      hiddenLater.hidden = false;
      await check('after an unhide');
    });
  });
}
