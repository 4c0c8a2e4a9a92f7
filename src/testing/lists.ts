/** Contract: list filters, sorts, pagination, search, and stats. */
import {
  assert,
  customer,
  operator,
  rejectsWith,
  resellerStaff,
  withDesk,
  type ContractOptions,
} from './harness.js';

type Priority = 'low' | 'normal' | 'high' | 'urgent';

export function listTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('list', () => {
    it(
      'staff default sort: unresolved urgent and high first, then most recently updated; customers: newest first',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const make = async (subject: string, priority: Priority) => {
          clock.minutes(1);
          return desk.create(staff, { subject, body: 'b', subscriberId: c.id, priority });
        };
        const low = await make('low', 'low');
        const urgent = await make('urgent', 'urgent');
        const normal = await make('normal', 'normal');
        const high = await make('high', 'high');
        const doneUrgent = await make('done urgent', 'urgent');
        clock.minutes(1);
        await desk.update(staff, doneUrgent.id, { status: 'resolved' });
        clock.minutes(1);
        await desk.addReply(staff, low.id, { body: 'bump' }); // most recently updated
        const queue = (await desk.list(staff)).items.map((t) => t.subject);
        assert.deepEqual(queue, ['urgent', 'high', 'low', 'done urgent', 'normal']);
        const mine = (await desk.list(c)).items.map((t) => t.subject);
        assert.deepEqual(mine, ['done urgent', 'high', 'normal', 'urgent', 'low']);
        assert.deepEqual(
          (await desk.list(staff, { sort: 'oldest' })).items.map((t) => t.id),
          [low.id, urgent.id, normal.id, high.id, doneUrgent.id],
        );
      }),
    );

    it(
      'pages with an opaque cursor through every sort without duplicates or gaps, even with equal timestamps',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const c = customer();
        const ids: string[] = [];
        for (let i = 0; i < 23; i++) {
          if (i % 3 === 0) clock.minutes(1); // several tickets share a timestamp
          const t = await desk.create(staff, {
            subject: `t${i}`,
            body: 'b',
            subscriberId: c.id,
            priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4],
          });
          ids.push(t.id);
        }
        for (const sort of ['queue', 'newest', 'oldest', 'updated'] as const) {
          const all = (await desk.list(staff, { sort, limit: 200 })).items.map((t) => t.id);
          const paged: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await desk.list(staff, { sort, limit: 5, ...(cursor ? { cursor } : {}) });
            paged.push(...page.items.map((t) => t.id));
            cursor = page.nextCursor ?? undefined;
            pages += 1;
          } while (cursor);
          assert.equal(pages, 5, sort);
          assert.deepEqual(paged, all, `paging in ${sort} order`);
          assert.equal(new Set(paged).size, 23);
        }
        await rejectsWith(desk.list(staff, { cursor: 'garbage' }), 'validation', { field: 'cursor' });
        const first = await desk.list(staff, { sort: 'newest', limit: 5 });
        await rejectsWith(desk.list(staff, { sort: 'oldest', cursor: first.nextCursor! }), 'validation', { field: 'cursor' });
        await rejectsWith(desk.list(staff, { limit: 201 }), 'validation', { field: 'limit' });
        await rejectsWith(desk.list(staff, { limit: 0 }), 'validation', { field: 'limit' });
      }),
    );

    it(
      'filters by status, priority, category, assignee and subscriber, within scope',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const a = customer(undefined, 'r1');
        const b = customer(undefined, 'r2');
        const t1 = await desk.create(a, { subject: '1', body: 'b', category: 'billing', priority: 'high' });
        clock.minutes(1);
        const t2 = await desk.create(a, { subject: '2', body: 'b', category: 'wifi' });
        clock.minutes(1);
        const t3 = await desk.create(b, { subject: '3', body: 'b', category: 'billing' });
        await desk.update(staff, t2.id, { status: 'on_hold', assigneeId: staff.id });
        const ids = async (q: Parameters<typeof desk.list>[1], actor = staff) =>
          (await desk.list(actor, { sort: 'oldest', ...q })).items.map((t) => t.id);
        assert.deepEqual(await ids({ category: 'billing' }), [t1.id, t3.id]);
        assert.deepEqual(await ids({ category: ['billing', 'wifi'], priority: 'normal' }), [t2.id, t3.id]);
        assert.deepEqual(await ids({ status: 'on_hold' }), [t2.id]);
        assert.deepEqual(await ids({ status: ['open'] }), [t1.id, t3.id]);
        assert.deepEqual(await ids({ assigneeId: 'me' }), [t2.id]);
        assert.deepEqual(await ids({ subscriberId: b.id }), [t3.id]);
        assert.deepEqual(await ids({ category: 'billing' }, resellerStaff('r2')), [t3.id]);
        await rejectsWith(desk.list(staff, { status: 'nope' as never }), 'validation', { field: 'status' });
        await rejectsWith(desk.list(a, { assigneeId: 'me' }), 'validation', { field: 'assigneeId' });
      }),
    );

    it(
      'search finds words and prefixes in the number, subject and visible bodies, folded; best match first, paged by cursor; customers never match internal notes',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const t1 = await desk.create(c, { subject: 'Router keeps REBOOTING', body: 'since monday' });
        clock.minutes(1);
        const t2 = await desk.create(c, { subject: 'Invoice', body: 'Charged twice for 100% of the plan; the router is fine' });
        await desk.addReply(staff, t2.id, { body: 'Secret escalation codeword', internal: true });
        const ids = async (q: string, actor: Parameters<typeof desk.list>[0] = staff) =>
          (await desk.list(actor, { q, sort: 'oldest' })).items.map((t) => t.id);
        assert.deepEqual(await ids('rebooting'), [t1.id]);
        assert.deepEqual(await ids('MONDAY'), [t1.id]);
        assert.deepEqual(await ids('reboo'), [t1.id], 'the last word is a prefix');
        assert.deepEqual(await ids('boot'), [], 'a prefix begins a word');
        assert.deepEqual(await ids('"charged twice"'), [t2.id]);
        assert.deepEqual(await ids('"twice charged"'), [], 'a phrase keeps its order');
        assert.deepEqual(await ids('plan charged'), [t2.id], 'separate words in any order');
        assert.deepEqual(await ids(t2.number), [t2.id]);
        assert.deepEqual(await ids(t2.number.toLowerCase()), [t2.id]);
        assert.deepEqual(await ids('100%'), [t2.id], 'punctuation separates words');
        assert.deepEqual(await ids('0%_'), [], 'no LIKE wildcards: 0 is no word here');
        assert.deepEqual(await ids('codeword'), [t2.id]);
        assert.deepEqual(await ids('codeword', c), []);
        // With q, the default order is the best match: the subject before a body, then newest.
        assert.deepEqual((await desk.list(staff, { q: 'router' })).items.map((t) => t.id), [t1.id, t2.id]);
        assert.deepEqual((await desk.list(c, { q: 'router' })).items.map((t) => t.id), [t1.id, t2.id]);
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await desk.list(c, { q: 'router', limit: 1, ...(cursor ? { cursor } : {}) });
          paged.push(...page.items.map((t) => t.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor && paged.length < 10);
        assert.deepEqual(paged, [t1.id, t2.id], 'relevance pages by cursor');
      }),
    );
  });

  describe('stats', () => {
    it(
      'counts every status, averages first response and resolution, and groups the backlog, within scope',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const c = customer(undefined, 'r1');
        const t1 = await desk.create(c, { subject: '1', body: 'b', category: 'billing', priority: 'high' });
        const t2 = await desk.create(c, { subject: '2', body: 'b', category: 'billing', priority: 'high' });
        const t3 = await desk.create(c, { subject: '3', body: 'b', category: 'wifi' });
        await desk.create(customer(undefined, 'r2'), { subject: 'other reseller', body: 'b' });
        clock.minutes(10);
        await desk.addReply(staff, t1.id, { body: 'r' }); // first response after 600 s
        clock.minutes(20);
        await desk.addReply(staff, t2.id, { body: 'r' }); // 1800 s
        await desk.update(staff, t2.id, { status: 'resolved' }); // resolved after 1800 s
        await desk.update(staff, t3.id, { status: 'on_hold' });
        await desk.addReply(staff, t3.id, { body: 'internal', internal: true }); // not a response

        const stats = await desk.getStats(resellerStaff('r1'));
        assert.deepEqual(stats.counts, { open: 0, in_progress: 0, pending: 1, on_hold: 1, resolved: 1, closed: 0 });
        assert.equal(stats.avgFirstResponseSeconds, 1200);
        assert.equal(stats.avgResolutionSeconds, 1800);
        assert.deepEqual(stats.backlog, [
          { category: 'billing', priority: 'high', count: 1 },
          { category: 'wifi', priority: 'normal', count: 1 },
        ]);
        const all = await desk.getStats(staff);
        assert.equal(all.counts.open, 1);
        assert.equal(typeof all.counts.open, 'number');
        const empty = await desk.getStats(staff, { from: new Date('2030-01-01T00:00:00Z') });
        assert.deepEqual(empty.counts, { open: 0, in_progress: 0, pending: 0, on_hold: 0, resolved: 0, closed: 0 });
        assert.equal(empty.avgFirstResponseSeconds, null);
        assert.deepEqual(empty.backlog, []);
      }),
    );
  });
}
