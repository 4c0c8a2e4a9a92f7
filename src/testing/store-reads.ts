/**
 * Store contract, on the interface: scope in every read, keyset pages in every sort, list
 * filters and search, and the thread's order and visibility.
 */
import assert from 'node:assert/strict';
import type { StoreListQuery, StoreScope, TicketRow } from '../store.js';
import type { TicketSort } from '../types.js';
import { parseSearch } from '../search/search-query.js';
import type { ContractOptions } from './harness.js';
import { at, message, numberedTicket as row, tenant } from './rows.js';
import { withStore } from './store-harness.js';

const cmpId = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

export function storeReadTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: reads', () => {
    it(
      'honours tenant, subscriber, reseller and soft-delete scope in every read, listMessages included',
      withStore(o, async ({ store, tenantId: t, staff, customer, list, insert }) => {
        const other = tenant();
        const mine = row(t, 1, { subscriberId: 's1', resellerId: 'r1' });
        const theirs = row(t, 2, { subscriberId: 's2', resellerId: 'r2' });
        const direct = row(t, 3, { subscriberId: 's3', resellerId: null });
        const deleted = row(t, 4, { subscriberId: 's1', resellerId: 'r1', deletedAt: at(5) });
        const foreign = row(other, 1, { subscriberId: 's1', resellerId: 'r1' });
        await insert(mine, theirs, direct, deleted, foreign);
        await store.transaction(async (tx) => {
          for (const r of [mine, theirs, deleted]) await tx.insertMessage(t, message(r.id, { opening: true }));
          await tx.insertMessage(other, message(foreign.id, { opening: true }));
        });

        assert.equal((await store.findTicket(staff(), 'TKT-1'))?.id, mine.id);
        assert.equal((await store.findTicket(staff({}, other), 'TKT-1'))?.id, foreign.id);
        assert.equal(await store.findTicket(staff({}, other), mine.id), null);
        assert.equal(await store.findTicket(customer('s2'), mine.id), null);
        assert.equal(await store.findTicket(staff({ resellerId: 'r2' }), 'TKT-1'), null);
        assert.equal(await store.findTicket(staff(), deleted.id), null);
        assert.equal((await store.findTicket(staff({ includeDeleted: true }), deleted.id))?.id, deleted.id);

        const numbers = async (scope: StoreScope, q: Partial<StoreListQuery> = {}) =>
          (await store.listTickets(scope, list({ sort: 'oldest', ...q }))).map((x) => x.number);
        assert.deepStrictEqual(await numbers(staff()), ['TKT-1', 'TKT-2', 'TKT-3']);
        assert.deepStrictEqual(await numbers(staff({ includeDeleted: true })), ['TKT-1', 'TKT-2', 'TKT-3', 'TKT-4']);
        assert.deepStrictEqual(await numbers(customer('s1')), ['TKT-1']);
        assert.deepStrictEqual(await numbers(staff({ resellerId: 'r1' })), ['TKT-1']);
        assert.deepStrictEqual(await numbers(staff(), { subscriberId: 's3' }), ['TKT-3']);

        // The thread of a ticket outside the scope is empty, whoever asks.
        assert.equal((await store.listMessages(customer('s1'), mine.id)).length, 1);
        assert.deepStrictEqual(await store.listMessages(customer('s2'), mine.id), []);
        assert.deepStrictEqual(await store.listMessages(staff({ resellerId: 'r2' }), mine.id), []);
        assert.deepStrictEqual(await store.listMessages(staff({}, other), mine.id), []);
        assert.deepStrictEqual(await store.listMessages(staff(), deleted.id), []);
        assert.equal((await store.listMessages(staff({ includeDeleted: true }), deleted.id)).length, 1);
      }),
    );

    it(
      'pages with keyset positions through every sort, ties broken by id',
      withStore(o, async ({ store, tenantId: t, staff, list, insert }) => {
        const base = at(0).getTime();
        const rows = Array.from({ length: 31 }, (_, i) =>
          row(t, i, {
            attention: [0, 2, 3][i % 3]!,
            // Many equal timestamps, so the id tie-break decides.
            createdAt: new Date(base + Math.floor(i / 4) * 1000),
            updatedAt: new Date(base + (i % 5) * 1000),
            // A third nobody waits on; the rest in few distinct instants.
            waitingSince: i % 3 === 0 ? null : new Date(base + (i % 4) * 1000),
          }),
        );
        await insert(...rows);
        const waited = (t: TicketRow) => t.waitingSince?.getTime() ?? Number.MAX_SAFE_INTEGER;
        const expected: Record<Exclude<TicketSort, 'relevance'>, TicketRow[]> = {
          queue: [...rows].sort(
            (x, y) => y.attention - x.attention || y.updatedAt.getTime() - x.updatedAt.getTime() || -cmpId(x.id, y.id),
          ),
          updated: [...rows].sort((x, y) => y.updatedAt.getTime() - x.updatedAt.getTime() || -cmpId(x.id, y.id)),
          newest: [...rows].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || -cmpId(x.id, y.id)),
          oldest: [...rows].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || cmpId(x.id, y.id)),
          // Longest waiting first, tickets nobody waits on last; ids break ties.
          waiting: [...rows].sort(
            (x, y) => waited(x) - waited(y) || cmpId(x.id, y.id),
          ),
        };
        for (const sort of ['queue', 'updated', 'newest', 'oldest', 'waiting'] as const) {
          const full = await store.listTickets(staff(), list({ sort }));
          assert.deepStrictEqual(full.map((x) => x.id), expected[sort].map((x) => x.id), sort);
          const paged: string[] = [];
          let after: StoreListQuery['after'];
          for (let guard = 0; guard < 20; guard++) {
            const page = await store.listTickets(staff(), list({ sort, limit: 4, after }));
            paged.push(...page.map((x) => x.id));
            const last = page.at(-1);
            if (page.length < 4 || !last) break;
            after = {
              attention: last.attention,
              at:
                sort === 'waiting'
                  ? last.waitingSince
                  : sort === 'newest' || sort === 'oldest'
                    ? last.createdAt
                    : last.updatedAt,
              id: last.id,
            };
          }
          assert.deepStrictEqual(paged, expected[sort].map((x) => x.id), `${sort}, paged`);
        }
      }),
    );

    it(
      'applies every list filter, AND-ed, and searches words (folded, punctuation separating them) in number, subject and visible bodies',
      withStore(o, async ({ store, tenantId: t, staff, customer, list, insert }) => {
        const a = row(t, 1, { priority: 'high', category: 'billing', department: 'finance', assigneeId: 'op-1', subject: 'Invoice 100% wrong', createdAt: at(0) });
        const b = row(t, 2, { status: 'closed', archived: true, priority: 'low', category: 'wifi', subject: 'WiFi_down in the BASEMENT', createdAt: at(10) });
        const c = row(t, 3, { status: 'pending', priority: 'high', category: 'wifi', subject: 'Slow', createdAt: at(20) });
        const d = row(t, 4, { subject: 'ÄRGER mit dem Ωmega-Router', createdAt: at(30) });
        await insert(a, b, c, d);
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(c.id, { body: 'The router LED blinks ORANGE' }));
          await tx.insertMessage(t, message(c.id, { body: 'internal: customer owes money', internal: true, authorType: 'staff' }));
          await tx.insertMessage(t, message(a.id, { body: 'hidden remark about ROUTER', hidden: true }));
        });
        const numbers = async (q: Partial<StoreListQuery>, scope: StoreScope = staff()) =>
          (await store.listTickets(scope, list({ sort: 'oldest', ...q }))).map((x) => x.number);
        const expect = async (q: Partial<StoreListQuery>, want: string[], scope?: StoreScope) =>
          assert.deepStrictEqual(await numbers(q, scope), want, JSON.stringify(q));

        await expect({ status: ['open', 'pending'] }, ['TKT-1', 'TKT-3', 'TKT-4']);
        await expect({ status: [] }, []);
        await expect({ priority: ['high'], category: ['wifi'] }, ['TKT-3']);
        await expect({ department: ['finance'] }, ['TKT-1']);
        await expect({ assigneeId: 'op-1' }, ['TKT-1']);
        await expect({ assigneeId: null }, ['TKT-2', 'TKT-3', 'TKT-4']);
        await expect({ archived: true }, ['TKT-2']);
        await expect({ archived: false }, ['TKT-1', 'TKT-3', 'TKT-4']);
        await expect({ createdFrom: at(10) }, ['TKT-2', 'TKT-3', 'TKT-4']);
        await expect({ createdTo: at(10) }, ['TKT-1']);
        await expect({ createdFrom: at(0), createdTo: at(20) }, ['TKT-1', 'TKT-2']);
        await expect({ search: parseSearch('tkt-2') }, ['TKT-2']);
        // Words are runs of letters and digits: `%` and `_` separate them, and match nothing
        // themselves (no LIKE wildcards).
        await expect({ search: parseSearch('100%') }, ['TKT-1']);
        await expect({ search: parseSearch('wifi_down') }, ['TKT-2']);
        await expect({ search: parseSearch('"wifi down in"') }, ['TKT-2']);
        await expect({ search: parseSearch('0%_') }, []);
        await expect({ search: parseSearch('%') }, []);
        await expect({ search: parseSearch('_') }, []);
        await expect({ search: parseSearch('basement') }, ['TKT-2']);
        await expect({ search: parseSearch('led blinks') }, ['TKT-3']);
        // Message bodies count only where the scope may see them.
        await expect({ search: parseSearch('owes money') }, ['TKT-3']);
        await expect({ search: parseSearch('owes money') }, [], customer('sub-1'));
        await expect({ search: parseSearch('router') }, ['TKT-1', 'TKT-3', 'TKT-4']);
        await expect({ search: parseSearch('router') }, ['TKT-3', 'TKT-4'], customer('sub-1'));
        // Case folding beyond ASCII, like String#toLowerCase.
        await expect({ search: parseSearch('ärger MIT dem ωMEGA') }, ['TKT-4']);
        await expect({ search: parseSearch('slow'), status: ['open'] }, []);
      }),
    );

    it(
      'lists a thread oldest first with ties in insertion order, hiding internal and hidden messages from customers',
      withStore(o, async ({ store, tenantId: t, staff, customer }) => {
        const ticket = row(t, 1);
        const same = at(0);
        const later = new Date(same.getTime() + 1);
        const ms = [
          message(ticket.id, { id: `z-${ticket.id}`, opening: true, createdAt: same }),
          message(ticket.id, { id: `a-${ticket.id}`, createdAt: later }),
          message(ticket.id, { id: `y-${ticket.id}`, internal: true, createdAt: same }),
          message(ticket.id, { id: `b-${ticket.id}`, hidden: true, createdAt: same }),
          message(ticket.id, { id: `c-${ticket.id}`, createdAt: same }),
        ];
        await store.transaction(async (tx) => {
          await tx.insertTicket(ticket.tenantId, ticket);
          for (const m of ms) await tx.insertMessage(t, m);
        });
        const ids = (list: { id: string }[]) => list.map((m) => m.id[0]).join('');
        assert.equal(ids(await store.listMessages(staff(), ticket.id)), 'zybca');
        assert.equal(ids(await store.listMessages(customer('sub-1'), ticket.id)), 'zca');
      }),
    );
  });
}
