/**
 * Store contract, called on the interface directly, for what issue 9's operations store:
 * the new ticket fields round-trip; messages are found within scope, changed in place and
 * moved between tickets in time order; favorites, read marks and saved filters are per
 * staff member and per tenant; list rows carry the viewer's marks and honour the new
 * filters; per-assignee counts skip what they must.
 */
import assert from 'node:assert/strict';
import { TicketError } from '../errors.js';
import type { ContractOptions } from './harness.js';
import { at, caught, message, numberedTicket as row, ticketRow } from './rows.js';
import { withStore } from './store-harness.js';

const isCode = (err: unknown, code: string) => TicketError.is(err) && err.code === code;

export function storeStaffToolTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: messages, marks and filters', () => {
    it(
      'round-trips the lock, merge, raise, waiting, customer priority and addressing fields',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const ticket = row(t, 1, {
          mergedIntoId: 'tk-target',
          lockedById: 'op-1',
          lockedByName: 'Олег 🚀',
          lockedUntil: at(900.001),
          raised: true,
          customerPriority: 'urgent',
          waitingSince: at(1.999),
          customerMessageAt: at(2.5),
          addressedTo: 'reseller',
          requesterResellerId: 'r-9',
        });
        await insert(ticket);
        const { tenantId: _t, ...expected } = ticket;
        assert.deepStrictEqual(await store.findTicket(staff(), ticket.id), expected);
        const plain = row(t, 2);
        await insert(plain);
        await store.transaction((tx) =>
          tx.updateTicket(t, plain.id, 1, { lockedById: 'op-2', lockedUntil: at(60), raised: true, waitingSince: null }),
        );
        const after = await store.findTicket(staff(), plain.id);
        assert.equal(after!.lockedById, 'op-2');
        assert.deepStrictEqual(after!.lockedUntil, at(60));
        assert.equal(after!.raised, true);
        assert.equal(after!.waitingSince, null);
        // The requester, like the owner, never changes.
        const err = await caught(store.transaction((tx) => tx.updateTicket(t, plain.id, 2, { requesterResellerId: 'x' } as never)));
        assert.ok(isCode(err, 'config'), 'requesterResellerId is not patchable');
      }),
    );

    it(
      'findMessage answers within scope and visibility only; updateMessage changes one message in place',
      withStore(o, async ({ store, tenantId: t, staff, customer, insert }) => {
        const mine = row(t, 1, { subscriberId: 'sub-1' });
        const deleted = row(t, 2, { subscriberId: 'sub-1', deletedAt: at(5) });
        await insert(mine, deleted);
        const open = message(mine.id, { opening: true });
        const note = message(mine.id, { authorType: 'staff', authorId: 'op-1', internal: true, createdAt: at(1) });
        const hidden = message(mine.id, { authorType: 'staff', authorId: 'op-1', hidden: true, createdAt: at(2) });
        const gone = message(deleted.id, { createdAt: at(3) });
        await store.transaction(async (tx) => {
          for (const m of [open, note, hidden, gone]) await tx.insertMessage(t, m);
        });
        assert.deepStrictEqual(await store.findMessage(staff(), note.id), note);
        assert.deepStrictEqual(await store.findMessage(customer('sub-1'), open.id), open);
        assert.equal(await store.findMessage(customer('sub-1'), note.id), null, 'internal: not for customers');
        assert.equal(await store.findMessage(customer('sub-1'), hidden.id), null, 'hidden: not for customers');
        assert.equal(await store.findMessage(customer('sub-2'), open.id), null, "another subscriber's");
        assert.equal(await store.findMessage(staff({ resellerId: 'r-1' }), open.id), null, "another reseller's");
        assert.equal(await store.findMessage(staff({}, `${t}-other`), open.id), null, 'another tenant');
        assert.equal(await store.findMessage(staff(), gone.id), null, 'a deleted ticket');
        assert.deepStrictEqual(await store.findMessage(staff({ includeDeleted: true }), gone.id), gone);

        const edited = at(10.123);
        assert.equal(
          await store.transaction((tx) => tx.updateMessage(t, open.id, { body: 'new', html: '<p>new</p>', editedAt: edited })),
          true,
        );
        assert.equal(await store.transaction((tx) => tx.updateMessage(t, hidden.id, { hidden: false })), true);
        assert.equal(await store.transaction((tx) => tx.updateMessage(t, 'm-missing', { hidden: true })), false);
        assert.equal(await store.transaction((tx) => tx.updateMessage(`${t}-other`, open.id, { hidden: true })), false);
        const thread = await store.listMessages(staff(), mine.id);
        assert.deepStrictEqual(thread.map((m) => [m.id, m.body, m.hidden]), [
          [open.id, 'new', false],
          [note.id, note.body, false],
          [hidden.id, hidden.body, false],
        ]);
        assert.deepStrictEqual(thread[0]!.editedAt, edited);
        assert.equal(thread[0]!.html, '<p>new</p>');
        for (const bad of [{ ticketId: 'x' }, { internal: true }, { hidden: 'yes' }, { editedAt: new Date(NaN) }]) {
          const err = await caught(store.transaction((tx) => tx.updateMessage(t, open.id, bad as never)));
          assert.ok(isCode(err, 'config') || isCode(err, 'validation'), `refuses ${JSON.stringify(bad)}`);
        }
      }),
    );

    it(
      'moveMessages moves a thread into another ticket, interleaved by time, ties in insertion order, with one opening',
      withStore(o, async ({ store, tenantId: t, staff, list, insert }) => {
        const source = row(t, 1);
        const target = row(t, 2);
        await insert(source, target);
        // Equal times on both sides: the earlier insertion stays first.
        const t1 = message(target.id, { opening: true, createdAt: at(0), body: 't1' });
        const s1 = message(source.id, { opening: true, createdAt: at(0), body: 's1' });
        const s2 = message(source.id, { createdAt: at(5), body: 's2' });
        const t2 = message(target.id, { createdAt: at(7), body: 't2' });
        const s3 = message(source.id, { createdAt: at(9), body: 's3', authorType: 'staff', authorId: 'op', internal: true });
        await store.transaction(async (tx) => {
          for (const m of [t1, s1, s2, t2, s3]) await tx.insertMessage(t, m);
        });
        await store.transaction((tx) => tx.moveMessages(t, [s1.id, s2.id, s3.id], target.id, null));
        const thread = await store.listMessages(staff(), target.id);
        assert.deepStrictEqual(thread.map((m) => m.body), ['t1', 's1', 's2', 't2', 's3']);
        assert.deepStrictEqual(thread.map((m) => m.opening), [true, false, false, false, false]);
        assert.ok(thread.every((m) => m.ticketId === target.id));
        assert.deepStrictEqual(await store.listMessages(staff(), source.id), []);
        const counts = Object.fromEntries((await store.listTickets(staff(), list())).map((x) => [x.id, x.replyCount]));
        assert.equal(counts[target.id], 4, 'replies counted where they now are');
        assert.equal(counts[source.id], 0);

        // Split back: the first moved message becomes the new thread's opening one.
        await store.transaction((tx) => tx.moveMessages(t, [s2.id, t2.id], source.id, s2.id));
        assert.deepStrictEqual(
          (await store.listMessages(staff(), source.id)).map((m) => [m.body, m.opening]),
          [['s2', true], ['t2', false]],
        );
        // A move that fails with the transaction leaves every message where it was.
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.moveMessages(t, [s1.id], source.id, null);
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.deepStrictEqual((await store.listMessages(staff(), target.id)).map((m) => m.body), ['t1', 's1', 's3']);
      }),
    );

    it(
      'favorites and read marks belong to one staff member and one tenant; list rows carry the viewer’s',
      withStore(o, async ({ store, tenantId: t, staff, list, insert }) => {
        const a = row(t, 1);
        const b = row(t, 2);
        const c = row(t, 3);
        const elsewhere = ticketRow(`${t}-other`, { id: a.id, number: 'X-1' });
        await insert(a, b, c, elsewhere);
        await store.transaction(async (tx) => {
          await tx.setFavorite(t, 'op-1', a.id, true, at(1));
          await tx.setFavorite(t, 'op-1', a.id, true, at(2));
          await tx.setFavorite(t, 'op-1', b.id, true, at(3));
          await tx.setFavorite(t, 'op-2', c.id, true, at(4));
          await tx.setFavorite(t, 'op-1', b.id, false, at(5));
          await tx.markRead(t, 'op-1', a.id, at(20));
          await tx.markRead(t, 'op-1', a.id, at(10));
          await tx.markRead(t, 'op-2', b.id, at(30));
        });
        const rows = await store.listTickets(staff(), list({ viewerId: 'op-1', sort: 'oldest' }));
        assert.deepStrictEqual(
          rows.map((x) => [x.number, x.favorite, x.readAt?.getTime() ?? null]),
          [
            ['TKT-1', true, at(20).getTime()],
            ['TKT-2', false, null],
            ['TKT-3', false, null],
          ],
          'the read mark never moves backwards; removing a favorite removes it',
        );
        const favorites = await store.listTickets(staff(), list({ viewerId: 'op-1', favorites: true }));
        assert.deepStrictEqual(favorites.map((x) => x.id), [a.id]);
        assert.deepStrictEqual(
          (await store.listTickets(staff(), list({ viewerId: 'op-2', favorites: true }))).map((x) => x.id),
          [c.id],
        );
        const anonymous = await store.listTickets(staff(), list());
        assert.ok(anonymous.every((x) => x.favorite === false && x.readAt === null), 'no viewer: no marks');
        const other = await store.listTickets(staff({}, `${t}-other`), list({ viewerId: 'op-1' }));
        assert.deepStrictEqual(other.map((x) => [x.favorite, x.readAt]), [[false, null]], 'marks stay in their tenant');
        // A mark for a ticket that does not exist is refused like any dangling row.
        const err = await caught(store.transaction((tx) => tx.setFavorite(t, 'op-1', 'tk-missing', true, at(1))));
        assert.ok(isCode(err, 'conflict'), `a favorite of a missing ticket is a conflict, got ${String(err)}`);
      }),
    );

    it(
      'lists only deleted tickets with deleted: true, and filters by the addressed level',
      withStore(o, async ({ store, tenantId: t, staff, list, insert }) => {
        const live = row(t, 1, { addressedTo: 'reseller', resellerId: 'r-1' });
        const up = row(t, 2, { addressedTo: 'operator', resellerId: 'r-1' });
        const gone = row(t, 3, { deletedAt: at(9) });
        await insert(live, up, gone);
        assert.deepStrictEqual(
          (await store.listTickets(staff({ includeDeleted: true }), list({ deleted: true }))).map((x) => x.id),
          [gone.id],
        );
        assert.deepStrictEqual((await store.listTickets(staff(), list({ deleted: true }))).map((x) => x.id), []);
        assert.deepStrictEqual(
          (await store.listTickets(staff(), list({ addressedTo: 'operator', sort: 'oldest' }))).map((x) => x.id),
          [up.id],
        );
        assert.deepStrictEqual(
          (await store.listTickets(staff({ resellerId: 'r-1' }), list({ addressedTo: 'reseller' }))).map((x) => x.id),
          [live.id],
        );
      }),
    );

    it(
      'scopes by requester and addressed level in every read, stats included',
      withStore(o, async ({ store, tenantId: t, staff, customer, list, insert }) => {
        // Subscriber "r-1" and reseller "r-1" share an id: the scope still tells them apart.
        const own = row(t, 1, { subscriberId: 'r-1' });
        const request = row(t, 2, { subscriberId: 'r-1', requesterResellerId: 'r-1', addressedTo: 'operator' });
        const overHead = row(t, 3, { resellerId: 'r-2', addressedTo: 'operator' });
        const toReseller = row(t, 4, { resellerId: 'r-2', addressedTo: 'reseller' });
        await insert(own, request, overHead, toReseller);
        const m = message(request.id, { opening: true });
        await store.transaction((tx) => tx.insertMessage(t, m));
        const ids = async (scope: Parameters<typeof store.listTickets>[0]) =>
          (await store.listTickets(scope, list({ sort: 'oldest' }))).map((x) => x.number);
        assert.deepStrictEqual(await ids({ ...customer('r-1'), requesterResellerId: null }), ['TKT-1']);
        assert.deepStrictEqual(await ids({ tenantId: t, visibility: 'customer', requesterResellerId: 'r-1' }), ['TKT-2']);
        assert.deepStrictEqual(await ids(staff({ resellerId: 'r-2', addressedTo: 'reseller' })), ['TKT-4']);
        assert.equal(await store.findTicket({ ...customer('r-1'), requesterResellerId: null }, request.id), null);
        assert.equal(await store.findMessage({ ...customer('r-1'), requesterResellerId: null }, m.id), null);
        assert.deepStrictEqual(await store.listMessages({ ...customer('r-1'), requesterResellerId: null }, request.id), []);
        assert.equal(await store.findTicket(staff({ resellerId: 'r-2', addressedTo: 'reseller' }), overHead.id), null);
        const stats = await store.getStats(staff({ resellerId: 'r-2', addressedTo: 'reseller' }), {
          unresolved: ['open'],
          firstResponseOf: ['customer'],
        });
        assert.equal(stats.counts.open, 1, 'a reseller’s stats leave out what went over their head');
      }),
    );

    it(
      'saved filters: replace by name keeping id and creation, list oldest first, delete only one’s own',
      withStore(o, async ({ store, tenantId: t }) => {
        const filter = (id: string, staffId: string, name: string, q: Record<string, unknown>, s: number) => ({
          id,
          staffId,
          name,
          query: q,
          createdAt: at(s),
          updatedAt: at(s),
        });
        const first = await store.transaction((tx) =>
          tx.saveFilter(t, filter('f-1', 'op-1', 'Urgent billing', { priority: ['urgent'], category: 'billing' }, 1)),
        );
        assert.deepStrictEqual(first, filter('f-1', 'op-1', 'Urgent billing', { priority: ['urgent'], category: 'billing' }, 1));
        await store.transaction((tx) => tx.saveFilter(t, filter('f-2', 'op-1', 'Mine', { assigneeId: 'me' }, 2)));
        await store.transaction((tx) => tx.saveFilter(t, filter('f-3', 'op-2', 'Mine', { assigneeId: 'me', q: 'Ü "x"' }, 3)));
        await store.transaction((tx) => tx.saveFilter(`${t}-other`, filter('f-1', 'op-1', 'Theirs', {}, 4)));
        const replaced = await store.transaction((tx) =>
          tx.saveFilter(t, filter('f-9', 'op-1', 'Urgent billing', { priority: ['urgent', 'high'] }, 5)),
        );
        assert.equal(replaced.id, 'f-1', 'the same name keeps its id');
        assert.deepStrictEqual(replaced.createdAt, at(1));
        assert.deepStrictEqual(replaced.updatedAt, at(5));
        assert.deepStrictEqual(replaced.query, { priority: ['urgent', 'high'] });
        assert.deepStrictEqual(
          (await store.listFilters(t, 'op-1')).map((f) => [f.id, f.name]),
          [
            ['f-1', 'Urgent billing'],
            ['f-2', 'Mine'],
          ],
        );
        assert.deepStrictEqual((await store.listFilters(t, 'op-2'))[0]!.query, { assigneeId: 'me', q: 'Ü "x"' });
        assert.equal(await store.transaction((tx) => tx.deleteFilter(t, 'op-2', 'f-2')), false, "not op-2's");
        assert.equal(await store.transaction((tx) => tx.deleteFilter(t, 'op-1', 'f-2')), true);
        assert.equal(await store.transaction((tx) => tx.deleteFilter(t, 'op-1', 'f-2')), false, 'already gone');
        assert.deepStrictEqual((await store.listFilters(t, 'op-1')).map((f) => f.id), ['f-1']);
        assert.deepStrictEqual((await store.listFilters(`${t}-other`, 'op-1')).map((f) => f.name), ['Theirs']);
      }),
    );

    it(
      'countOpenByAssignee counts non-deleted tickets in the given statuses, every asked id present',
      withStore(o, async ({ store, tenantId: t, insert }) => {
        await insert(
          row(t, 1, { assigneeId: 'op-1', status: 'open' }),
          row(t, 2, { assigneeId: 'op-1', status: 'pending' }),
          row(t, 3, { assigneeId: 'op-1', status: 'closed' }),
          row(t, 4, { assigneeId: 'op-1', status: 'open', deletedAt: at(1) }),
          row(t, 5, { assigneeId: 'op-2', status: 'in_progress' }),
          row(t, 6, { assigneeId: 'op-3', status: 'open' }),
        );
        await insert(ticketRow(`${t}-other`, { assigneeId: 'op-2', status: 'open' }));
        assert.deepStrictEqual(
          await store.countOpenByAssignee(t, ['op-1', 'op-2', 'op-9'], ['open', 'in_progress', 'pending', 'on_hold']),
          { 'op-1': 2, 'op-2': 1, 'op-9': 0 },
        );
        assert.deepStrictEqual(await store.countOpenByAssignee(t, [], ['open']), {});
      }),
    );
  });
}
