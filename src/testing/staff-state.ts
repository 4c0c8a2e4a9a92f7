/**
 * Contract: per-staff state. Favorites (BILLmanager's `ticket.favorite`) with the
 * `favorites: true` filter and the `favorite` flag; the last-read pointer behind `unread`;
 * saved filters (`ticket.setfilter`); and the waiting time (`delay`/`wait_time`) with its
 * sort. Each is one staff member's own, in one tenant, and invisible to customers.
 */
import { randomUUID } from 'node:crypto';
import type { TicketService } from '../index.js';
import type { Actor } from '../types.js';
import {
  assert,
  customer,
  operator,
  rejectsWith,
  resellerStaff,
  system,
  withDesk,
  type ContractOptions,
} from './harness.js';

type ListQuery = NonNullable<Parameters<TicketService['list']>[1]>;

/** Every id `actor` lists with `query`, page by page (`limit` per page); also the page count. */
async function pages(desk: TicketService, actor: Actor, query: ListQuery, limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let count = 0;
  do {
    const page = await desk.list(actor, { ...query, limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((t) => t.id));
    cursor = page.nextCursor ?? undefined;
    count += 1;
  } while (cursor);
  return { ids, count };
}

export function staffStateTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('staff state', () => {
    it(
      "favorites are each staff member's own: the favorites filter pages through them, list rows carry the flag",
      withDesk(o, async ({ desk, clock, events }) => {
        const c = customer();
        const a = operator();
        const b = operator();
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          if (i % 2 === 0) clock.minutes(1); // equal timestamps too
          ids.push((await desk.create(c, { subject: `t${i}`, body: 'b' })).id);
        }
        const versionsOf = async () =>
          Object.fromEntries((await desk.list(a, { sort: 'oldest' })).items.map((t) => [t.id, t.version]));
        const versions = await versionsOf();
        const customerBefore = await desk.list(c);
        events.length = 0;
        for (const id of ids.slice(0, 5)) await desk.favorite(a, id, true);
        await desk.favorite(a, ids[2]!, true); // twice: still one favorite
        await desk.favorite(b, ids[5]!, true);

        // In list order (equal creation times break ties by id).
        const order = (await desk.list(a, { sort: 'oldest' })).items.map((t) => t.id);
        const inOrder = (set: string[]) => order.filter((id) => set.includes(id));
        const mine = await pages(desk, a, { favorites: true, sort: 'oldest' }, 2);
        assert.deepEqual(mine.ids, inOrder(ids.slice(0, 5)));
        assert.equal(mine.count, 3);
        assert.deepEqual((await desk.list(b, { favorites: true })).items.map((t) => t.id), [ids[5]]);
        const flagged = async (who: typeof a) =>
          (await desk.list(who, { sort: 'oldest' })).items.filter((t) => t.favorite).map((t) => t.id);
        assert.deepEqual(await flagged(a), inOrder(ids.slice(0, 5)));
        assert.deepEqual(await flagged(b), [ids[5]]);
        assert.deepEqual(await flagged(operator()), []);
        // Filters combine with favorites.
        await desk.update(a, ids[1]!, { status: 'on_hold' });
        assert.deepEqual((await desk.list(a, { favorites: true, status: 'on_hold' })).items.map((t) => t.id), [ids[1]]);

        await desk.favorite(a, ids[0]!, false);
        await desk.favorite(a, ids[6]!, false); // never a favorite: nothing to remove
        assert.deepEqual((await pages(desk, a, { favorites: true, sort: 'oldest' }, 2)).ids, inOrder(ids.slice(1, 5)));

        // Personal state: no version, no event, nothing for the customer.
        assert.deepEqual(
          events.filter((e) => e.type !== 'ticket.updated' && e.type !== 'ticket.status_changed').map((e) => e.type),
          [],
        );
        assert.deepEqual(await versionsOf(), { ...versions, [ids[1]!]: versions[ids[1]!]! + 1 }, 'only the update moved a version');
        const customerAfter = await desk.list(c);
        assert.deepEqual(
          customerAfter.items.filter((t) => t.id !== ids[1]),
          customerBefore.items.filter((t) => t.id !== ids[1]),
        );
        assert.ok(!Object.keys(customerAfter.items[0]!).includes('favorite'));
      }),
    );

    it(
      'favorite: customers and the system are forbidden; scope, references and the flag are checked',
      withDesk(o, async ({ desk }) => {
        const c = customer(undefined, 'r1');
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const staff = operator();
        await rejectsWith(desk.favorite(c, t.id, true), 'forbidden');
        await rejectsWith(desk.favorite(system, t.id, true), 'forbidden');
        await rejectsWith(desk.list(c, { favorites: true }), 'validation', { field: 'favorites' });
        await rejectsWith(desk.favorite(operator([]), t.id, true), 'forbidden');
        await rejectsWith(desk.favorite(resellerStaff('r2'), t.id, true), 'not_found');
        await rejectsWith(desk.favorite(staff, 'no-such-ticket', true), 'not_found');
        await rejectsWith(desk.favorite(staff, '', true), 'validation', { field: 'ticketId' });
        await rejectsWith(desk.favorite(staff, t.id, 'yes' as never), 'validation', { field: 'on' });
        await rejectsWith(desk.favorite(staff, t.id, true, { ip: 5 } as never), 'validation', { field: 'context.ip' });
        await rejectsWith(desk.list(staff, { favorites: 'yes' as never }), 'validation', { field: 'favorites' });
        // Reseller staff favorite in their scope, by number; their favorites list stays in scope.
        const own = resellerStaff('r1');
        await desk.favorite(own, t.number, true);
        assert.deepEqual((await desk.list(own, { favorites: true })).items.map((r) => r.id), [t.id]);
      }),
    );

    it(
      'unread: a customer message after the last read turns it on; markRead and get turn it off, per staff member',
      withDesk(o, async ({ desk, clock, events }) => {
        const c = customer();
        const a = operator();
        const b = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const byStaff = await desk.create(a, { subject: 'by staff', body: 'b', subscriberId: c.id });
        const unread = async (who: typeof a, id = t.id) =>
          (await desk.list(who, { sort: 'oldest' })).items.find((r) => r.id === id)!.unread;
        assert.equal(await unread(a), true, 'a customer wrote and a never read it');
        assert.equal(await unread(a, byStaff.id), false, 'no customer message yet');

        clock.minutes(1);
        events.length = 0;
        await desk.markRead(a, t.id);
        assert.equal(await unread(a), false);
        assert.equal(await unread(b), true, "a's pointer is a's own");
        assert.deepEqual(events, [], 'marking read emits nothing');

        clock.minutes(1);
        await desk.addReply(b, t.id, { body: 'Staff answer' });
        await desk.addReply(b, t.id, { body: 'Staff note', internal: true });
        assert.equal(await unread(a), false, 'only customer messages make a ticket unread');

        clock.minutes(1);
        await desk.addReply(c, t.id, { body: 'Customer again' });
        assert.equal(await unread(a), true);
        clock.minutes(1);
        await desk.get(a, t.number);
        assert.equal(await unread(a), false, 'reading the ticket with get marks it read');
        assert.equal(await unread(b), true);
        await desk.get(c, t.id); // the customer reading it marks nothing for staff
        await desk.get(system, t.id);
        assert.equal(await unread(b), true);

        clock.minutes(1);
        await desk.addReply(c, byStaff.id, { body: 'reply to staff ticket' });
        assert.equal(await unread(a, byStaff.id), true);
        await desk.markRead(a, byStaff.number);
        assert.equal(await unread(a, byStaff.id), false);

        const customerView = await desk.list(c);
        assert.ok(!Object.keys(customerView.items[0]!).includes('unread'));
      }),
    );

    it(
      'get moves the read mark only past a customer message it has not covered, so viewing a read ticket writes nothing',
      withDesk(o, async ({ desk, store, clock, tenantId }) => {
        const c = customer();
        const a = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const byStaff = await desk.create(a, { subject: 'by staff', body: 'b', subscriberId: c.id });
        // What the mark is, read straight from the store's rows (a list row carries it).
        const mark = async (id: string) => {
          const [row] = (await store.listTickets({ tenantId, visibility: 'staff' }, { limit: 100, sort: 'oldest', viewerId: a.id })).filter(
            (r) => r.id === id,
          );
          return row!.readAt?.getTime() ?? null;
        };
        const unread = async (id: string) => (await desk.list(a, { sort: 'oldest' })).items.find((r) => r.id === id)!.unread;

        clock.minutes(1);
        const firstRead = clock.now().getTime();
        await desk.get(a, t.id);
        assert.equal(await mark(t.id), firstRead, 'the first view marks the ticket read');
        clock.minutes(1);
        await desk.get(a, t.id);
        assert.equal(await mark(t.id), firstRead, 'a view with nothing new from the customer leaves the mark');
        await desk.get(a, byStaff.id);
        assert.equal(await mark(byStaff.id), null, 'no customer message: nothing to mark');

        clock.minutes(1);
        await desk.addReply(c, t.id, { body: 'more' });
        await desk.addReply(c, byStaff.id, { body: 'a customer answer' });
        assert.equal(await unread(t.id), true);
        assert.equal(await unread(byStaff.id), true, 'a ticket viewed before any customer message still turns unread');
        clock.minutes(1);
        await desk.get(a, t.id);
        await desk.get(a, byStaff.id);
        assert.equal(await mark(t.id), clock.now().getTime(), 'a view after a customer message moves the mark');
        assert.equal(await unread(t.id), false);
        assert.equal(await unread(byStaff.id), false);
      }),
    );

    it(
      'markRead: customers and the system are forbidden; scope and references are checked',
      withDesk(o, async ({ desk }) => {
        const c = customer(undefined, 'r1');
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await rejectsWith(desk.markRead(c, t.id), 'forbidden');
        await rejectsWith(desk.markRead(system, t.id), 'forbidden');
        await rejectsWith(desk.markRead(operator([]), t.id), 'forbidden');
        await rejectsWith(desk.markRead(resellerStaff('r2'), t.id), 'not_found');
        await rejectsWith(desk.markRead(operator(), 'no-such-ticket'), 'not_found');
        await rejectsWith(desk.markRead(operator(), 42 as never), 'validation', { field: 'ticketId' });
        await rejectsWith(desk.markRead(operator(), t.id, { ip: 5 } as never), 'validation', { field: 'context.ip' });
        const own = resellerStaff('r1');
        await desk.markRead(own, t.id);
        assert.equal((await desk.list(own)).items[0]!.unread, false);
      }),
    );

    it(
      "saved filters: save, replace by name, list oldest first, use with list, delete; each staff member's own, per tenant",
      withDesk(o, async ({ desk, clock, peer }) => {
        const c = customer();
        const a = operator();
        const b = operator();
        const urgent = await desk.create(a, { subject: 'u', body: 'b', subscriberId: c.id, priority: 'urgent' });
        await desk.create(a, { subject: 'n', body: 'b', subscriberId: c.id });
        await desk.update(a, urgent.id, { assigneeId: a.id });

        const first = await desk.saveFilter(a, 'Urgent', { priority: 'urgent' });
        assert.equal(first.name, 'Urgent');
        assert.equal(first.staffId, a.id);
        assert.deepEqual(first.query, { priority: 'urgent' });
        assert.deepEqual(first.createdAt, clock.now());
        clock.minutes(1);
        const from = new Date('2026-01-01T00:00:00.000Z');
        const mine = await desk.saveFilter(a, '  Mine  ', { assigneeId: 'me', status: ['open', 'pending'], createdFrom: from });
        assert.equal(mine.name, 'Mine', 'names are trimmed');
        assert.deepEqual(mine.query, { assigneeId: 'me', status: ['open', 'pending'], createdFrom: from.toISOString() });
        clock.minutes(1);
        const replaced = await desk.saveFilter(a, 'Urgent', { priority: ['urgent', 'high'], sort: 'waiting' });
        assert.equal(replaced.id, first.id, 'the same name replaces, keeping the id');
        assert.deepEqual(replaced.createdAt, first.createdAt);
        assert.deepEqual(replaced.updatedAt, clock.now());
        assert.deepEqual(replaced.query, { priority: ['urgent', 'high'], sort: 'waiting' });

        const listed = await desk.listFilters(a);
        assert.deepEqual(listed.map((f) => [f.id, f.name]), [[first.id, 'Urgent'], [mine.id, 'Mine']]);
        assert.deepEqual(listed[0]!.query, replaced.query);
        // A saved query is a list query as it stands (the stored dates are ISO strings).
        const used = await desk.list(a, listed[1]!.query as ListQuery);
        assert.deepEqual(used.items.map((t) => t.id), [urgent.id]);
        assert.deepEqual((await desk.list(a, listed[0]!.query as ListQuery)).items.map((t) => t.id), [urgent.id]);

        // Another staff member has their own filters and cannot touch a's.
        assert.deepEqual(await desk.listFilters(b), []);
        await rejectsWith(desk.deleteFilter(b, first.id), 'not_found');
        const theirs = await desk.saveFilter(b, 'Urgent', { priority: 'low' });
        assert.notEqual(theirs.id, first.id);
        assert.deepEqual((await desk.listFilters(a)).map((f) => f.query), [replaced.query, mine.query]);

        // Another tenant on the same store sees none of them.
        const elsewhere = peer({ tenantId: `t-${randomUUID()}` });
        assert.deepEqual(await elsewhere.listFilters(a), []);
        await rejectsWith(elsewhere.deleteFilter(a, first.id), 'not_found');
        assert.equal((await desk.listFilters(a)).length, 2);

        await desk.deleteFilter(a, first.id);
        assert.deepEqual((await desk.listFilters(a)).map((f) => f.name), ['Mine']);
        await rejectsWith(desk.deleteFilter(a, first.id), 'not_found');
        assert.deepEqual((await desk.listFilters(b)).map((f) => f.id), [theirs.id]);
      }),
    );

    it(
      'saved filters: the name and query are checked as list checks them; customers and the system are forbidden',
      withDesk(o, async ({ desk }) => {
        const staff = operator();
        const c = customer();
        await rejectsWith(desk.saveFilter(staff, '', {}), 'validation', { field: 'name' });
        await rejectsWith(desk.saveFilter(staff, '   ', {}), 'validation', { field: 'name' });
        await rejectsWith(desk.saveFilter(staff, 'x'.repeat(101), {}), 'validation', { field: 'name' });
        await rejectsWith(desk.saveFilter(staff, 7 as never, {}), 'validation', { field: 'name' });
        assert.equal((await desk.saveFilter(staff, 'x'.repeat(100), {})).name.length, 100);
        await rejectsWith(desk.saveFilter(staff, 'f', { status: 'nope' as never }), 'validation', { field: 'query.status' });
        await rejectsWith(desk.saveFilter(staff, 'f', { limit: 500 }), 'validation', { field: 'query.limit' });
        await rejectsWith(desk.saveFilter(staff, 'f', { bogus: 1 } as never), 'validation', { field: 'query.bogus' });
        await rejectsWith(desk.saveFilter(staff, 'f', { sort: 'random' as never }), 'validation', { field: 'query.sort' });
        await rejectsWith(desk.saveFilter(staff, 'f', { cursor: 'abc' }), 'validation', { field: 'query.cursor' });
        await rejectsWith(desk.saveFilter(staff, 'f', null as never), 'validation', { field: 'query' });
        await rejectsWith(desk.saveFilter(staff, 'f', [] as never), 'validation', { field: 'query' });
        await rejectsWith(desk.deleteFilter(staff, ''), 'validation', { field: 'filterId' });
        await rejectsWith(desk.deleteFilter(staff, 'no-such-filter'), 'not_found');
        await rejectsWith(desk.saveFilter(staff, 'f', {}, { ip: 5 } as never), 'validation', { field: 'context.ip' });
        await rejectsWith(desk.listFilters(staff, { ip: 5 } as never), 'validation', { field: 'context.ip' });
        await rejectsWith(desk.deleteFilter(staff, 'x', { ip: 5 } as never), 'validation', { field: 'context.ip' });
        assert.deepEqual((await desk.listFilters(staff)).map((f) => f.name), ['x'.repeat(100)], 'refused saves stored nothing');

        await rejectsWith(desk.saveFilter(c, 'f', {}), 'forbidden');
        await rejectsWith(desk.listFilters(c), 'forbidden');
        await rejectsWith(desk.deleteFilter(c, 'x'), 'forbidden');
        await rejectsWith(desk.saveFilter(system, 'f', {}), 'forbidden');
        await rejectsWith(desk.listFilters(system), 'forbidden');
        await rejectsWith(desk.saveFilter(operator(['tickets.reply']), 'f', {}), 'forbidden');
        await rejectsWith(desk.listFilters(operator([])), 'forbidden');
      }),
    );

    it(
      'waiting: a customer message starts the wait, a public staff reply or pending, resolved, closed ends it; notes do not',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const opened = clock.now();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const row = async () => {
          const r = (await desk.list(staff)).items.find((x) => x.id === t.id)!;
          return { since: r.waitingSince, seconds: r.waitingSeconds };
        };
        assert.deepEqual(await row(), { since: opened, seconds: 0 });
        clock.minutes(10);
        assert.deepEqual(await row(), { since: opened, seconds: 600 });
        await desk.addReply(staff, t.id, { body: 'looking', internal: true });
        await desk.addReply(system, t.id, { body: 'We received your message' });
        await desk.update(staff, t.id, { status: 'in_progress', priority: 'high' });
        clock.minutes(5);
        await desk.addReply(c, t.id, { body: 'hello?' });
        assert.deepEqual(await row(), { since: opened, seconds: 900 }, 'waiting since the first unanswered message');

        await desk.addReply(staff, t.id, { body: 'Answer', status: 'in_progress' });
        assert.deepEqual(await row(), { since: null, seconds: null }, 'a public staff reply ends the wait');
        const asked = clock.minutes(1);
        await desk.addReply(c, t.id, { body: 'another question' });
        assert.deepEqual(await row(), { since: asked, seconds: 0 });
        await desk.update(staff, t.id, { status: 'pending' });
        assert.deepEqual((await row()).since, null, 'pending waits on the customer');
        const again = clock.minutes(1);
        await desk.addReply(c, t.id, { body: 'more' });
        assert.deepEqual((await row()).since, again);
        await desk.update(staff, t.id, { status: 'resolved' });
        assert.deepEqual((await row()).since, null);
        await desk.addReply(c, t.id, { body: 'not fixed' });
        assert.ok((await row()).since);
        await desk.update(staff, t.id, { status: 'closed' });
        assert.deepEqual(await row(), { since: null, seconds: null });

        const byStaff = await desk.create(staff, { subject: 'call', body: 'notes', subscriberId: c.id });
        assert.equal(byStaff.waitingSince, null, 'nobody waits on a ticket staff opened');
        const customerRow = (await desk.list(c)).items[0]!;
        assert.ok(!Object.keys(customerRow).some((k) => k.startsWith('waiting')));
      }),
    );

    it(
      "sort 'waiting': longest waiting first, tickets nobody waits on last, paged across that boundary",
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const made: { id: string; since: number | null }[] = [];
        for (let i = 0; i < 11; i++) {
          if (i % 3 === 0) clock.minutes(1); // several wait since the same instant
          const t = await desk.create(c, { subject: `t${i}`, body: 'b' });
          made.push({ id: t.id, since: clock.now().getTime() });
        }
        // Answer three (nobody waits on them any more), then make an early one wait again later.
        for (const i of [1, 4, 8]) {
          await desk.addReply(staff, made[i]!.id, { body: 'answer' });
          made[i]!.since = null;
        }
        clock.minutes(1);
        await desk.addReply(staff, made[0]!.id, { body: 'answer' });
        await desk.addReply(c, made[0]!.id, { body: 'but' });
        made[0]!.since = clock.now().getTime();
        await desk.create(staff, { subject: 'staff', body: 'b', subscriberId: c.id }).then((t) => made.push({ id: t.id, since: null }));
        clock.minutes(1);

        const byId = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
        const expected = [
          ...made.filter((m) => m.since !== null).sort((x, y) => x.since! - y.since! || byId(x.id, y.id)),
          ...made.filter((m) => m.since === null).sort((x, y) => byId(x.id, y.id)),
        ].map((m) => m.id);
        const all = await desk.list(staff, { sort: 'waiting', limit: 200 });
        assert.deepEqual(all.items.map((t) => t.id), expected);
        const seconds = all.items.map((t) => t.waitingSeconds);
        assert.deepEqual(
          seconds,
          [...seconds].sort((x, y) => (x === null ? 1 : y === null ? -1 : y - x)),
          'waitingSeconds falls along the page, nulls last',
        );
        for (const limit of [1, 3, 4, 7]) {
          const paged = await pages(desk, staff, { sort: 'waiting' }, limit);
          assert.deepEqual(paged.ids, expected, `pages of ${limit}`);
          assert.equal(paged.count, Math.ceil(expected.length / limit));
        }
        const filtered = await pages(desk, staff, { sort: 'waiting', status: 'pending' }, 2);
        assert.deepEqual(filtered.ids, [made[1]!.id, made[4]!.id, made[8]!.id].sort(byId));

        await rejectsWith(desk.list(c, { sort: 'waiting' }), 'validation', { field: 'sort' });
        const first = await desk.list(staff, { sort: 'waiting', limit: 2 });
        await rejectsWith(desk.list(staff, { sort: 'queue', cursor: first.nextCursor! }), 'validation', { field: 'cursor' });
        const queue = await desk.list(staff, { sort: 'queue', limit: 2 });
        await rejectsWith(desk.list(staff, { sort: 'waiting', cursor: queue.nextCursor! }), 'validation', { field: 'cursor' });
      }),
    );
  });
}
