/**
 * Contract: the reply counts and last reply times of list rows, through every message
 * change. A reply is a customer or staff message after the opening one (never a system
 * note); staff count every reply, internal notes and hidden messages included, the
 * customer only those they can read. Stores may keep these on the ticket row (the SQL
 * stores do, migration 006): every change that moves a message in or out of a count
 * must move the count — a reply, an internal note, a hide and an unhide, a merge and a
 * split — and nothing else may (an edit, a status change and its system note).
 *
 * The scenarios spell out the expected numbers; the random walk compares every list row
 * with the thread each side reads (`get`) after every step.
 */
import type { TicketService } from '../index.js';
import type { StoreScope, StoreTicketSummary } from '../store.js';
import type { Actor, CustomerActor, Message, StaffActor } from '../types.js';
import { assert, customer, operator, withDesk, type ContractOptions } from './harness.js';
import { message, ticketRow } from './rows.js';
import { withStore } from './store-harness.js';
import { seededRandom } from './seeded-random.js';

/** A list row's counts, as compared here. */
interface Counts {
  replyCount: number;
  lastReplyAt: string | null;
}

const counts = (replyCount: number, lastReplyAt: Date | null): Counts => ({
  replyCount,
  lastReplyAt: lastReplyAt === null ? null : lastReplyAt.toISOString(),
});

/** The counts of every row `actor` lists (archived too), by ticket id. */
async function listed(desk: TicketService, actor: Actor): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  let cursor: string | null = null;
  do {
    const page: { items: { id: string; replyCount: number; lastReplyAt: Date | null }[]; nextCursor: string | null } =
      await desk.list(actor, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const row of page.items) out.set(row.id, counts(row.replyCount, row.lastReplyAt));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/** The counts a thread implies: replies after the opening message, never system notes. */
function fromThread(thread: readonly Pick<Message, 'opening' | 'authorType' | 'createdAt'>[]): Counts {
  let n = 0;
  let last: Date | null = null;
  for (const m of thread) {
    if (m.opening || m.authorType === 'system') continue;
    n += 1;
    if (last === null || m.createdAt > last) last = m.createdAt;
  }
  return counts(n, last);
}


export function listCountTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('list counts: replies and the last reply, as staff and as the customer count them', () => {
    /** Asserts the staff and the customer list row of `ticketId`. */
    const expectRow = async (
      desk: TicketService,
      staff: StaffActor,
      c: CustomerActor,
      ticketId: string,
      asStaff: Counts,
      asCustomer: Counts,
      what: string,
    ) => {
      assert.deepStrictEqual((await listed(desk, staff)).get(ticketId), asStaff, `${what}: staff row`);
      assert.deepStrictEqual((await listed(desk, c)).get(ticketId), asCustomer, `${what}: customer row`);
    };

    it(
      'a reply counts for both sides, an internal note for staff only; system notes, edits and status changes move nothing',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 'Line drops', body: 'Every evening' });
        const other = await desk.create(c, { subject: 'Invoice', body: 'Wrong amount' });
        await expectRow(desk, staff, c, t.id, counts(0, null), counts(0, null), 'opening message only');

        const r1at = clock.minutes(5);
        const r1 = await desk.addReply(c, t.id, { body: 'Still dropping' });
        await expectRow(desk, staff, c, t.id, counts(1, r1at), counts(1, r1at), 'customer reply');

        const n1at = clock.minutes(5);
        await desk.addReply(staff, t.id, { body: 'Line test scheduled', internal: true });
        await expectRow(desk, staff, c, t.id, counts(2, n1at), counts(1, r1at), 'internal note');

        // A reply that changes the status writes a status note too: the reply counts, the note not.
        const s1at = clock.minutes(5);
        await desk.addReply(staff, t.id, { body: 'Please check the filter', status: 'pending' });
        const statusNotes = (await desk.get(staff, t.id)).messages.filter((m) => m.authorType === 'system');
        assert.ok(statusNotes.length >= 1, 'the status change left a system note');
        await expectRow(desk, staff, c, t.id, counts(3, s1at), counts(2, s1at), 'reply with a status change');

        clock.minutes(5);
        await desk.update(staff, t.id, { status: 'on_hold' });
        clock.minutes(5);
        await desk.editMessage(staff, r1.id, 'Still dropping, every night');
        await expectRow(desk, staff, c, t.id, counts(3, s1at), counts(2, s1at), 'status change and edit');
        await expectRow(desk, staff, c, other.id, counts(0, null), counts(0, null), 'the other ticket');
      }),
    );

    it(
      'hiding takes a reply out of the customer’s count and last reply, unhiding brings it back; staff keep counting it',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 'Router', body: 'Blinking red' });
        const r1at = clock.minutes(5);
        const r1 = await desk.addReply(c, t.id, { body: 'Now orange' });
        const s1at = clock.minutes(5);
        const s1 = await desk.addReply(staff, t.id, { body: 'Wrong ticket, sorry' });
        await expectRow(desk, staff, c, t.id, counts(2, s1at), counts(2, s1at), 'two replies');

        await desk.hideMessage(staff, s1.id);
        await expectRow(desk, staff, c, t.id, counts(2, s1at), counts(1, r1at), 'latest reply hidden');
        await desk.hideMessage(staff, r1.id);
        await expectRow(desk, staff, c, t.id, counts(2, s1at), counts(0, null), 'both hidden');
        await desk.unhideMessage(staff, s1.id);
        await expectRow(desk, staff, c, t.id, counts(2, s1at), counts(1, s1at), 'latest unhidden');
        await desk.unhideMessage(staff, r1.id);
        await expectRow(desk, staff, c, t.id, counts(2, s1at), counts(2, s1at), 'both unhidden');

        // A reply written after a hidden one: the customer's last reply is the new one.
        await desk.hideMessage(staff, s1.id);
        const r2at = clock.minutes(5);
        await desk.addReply(c, t.id, { body: 'Green now' });
        await expectRow(desk, staff, c, t.id, counts(3, r2at), counts(2, r2at), 'reply after a hidden one');
        // The customer's updatedAt follows what they can see.
        const mine = (await desk.list(c)).items.find((x) => x.id === t.id)!;
        assert.deepStrictEqual(mine.updatedAt, r2at);
      }),
    );

    it(
      'merge: the source’s replies, internal and hidden ones included, count in the target; the source counts none',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const target = await desk.create(c, { subject: 'No internet', body: 'Since noon' });
        const a1at = clock.minutes(5);
        await desk.addReply(staff, target.id, { body: 'Checking' });
        clock.minutes(5);
        const source = await desk.create(c, { subject: 'Internet down', body: 'Nothing works' });
        const b1at = clock.minutes(5);
        await desk.addReply(c, source.id, { body: 'Still nothing' });
        clock.minutes(5);
        await desk.addReply(staff, source.id, { body: 'Duplicate', internal: true });
        const b3at = clock.minutes(5);
        const b3 = await desk.addReply(staff, source.id, { body: 'Wrong answer' });
        await desk.hideMessage(staff, b3.id);
        await expectRow(desk, staff, c, source.id, counts(3, b3at), counts(1, b1at), 'source before');
        await expectRow(desk, staff, c, target.id, counts(1, a1at), counts(1, a1at), 'target before');

        clock.minutes(5);
        await desk.merge(staff, source.id, target.id);
        // The source's opening message is a reply in the target now.
        await expectRow(desk, staff, c, target.id, counts(5, b3at), counts(3, b1at), 'target after the merge');
        await expectRow(desk, staff, c, source.id, counts(0, null), counts(0, null), 'source after the merge');
      }),
    );

    it(
      'split: the moved replies count in the new ticket (its first message opens it), the kept ones in the source',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 'Two problems', body: 'TV and phone' });
        const r1at = clock.minutes(5);
        await desk.addReply(c, t.id, { body: 'The TV has no signal' });
        clock.minutes(5);
        const s1 = await desk.addReply(staff, t.id, { body: 'About the phone: which model?' });
        clock.minutes(5);
        await desk.addReply(staff, t.id, { body: 'Phone team owns this', internal: true });
        clock.minutes(5);
        const h1 = await desk.addReply(staff, t.id, { body: 'Posted twice' });
        await desk.hideMessage(staff, h1.id);
        const r2at = clock.minutes(5);
        const r2 = await desk.addReply(c, t.id, { body: 'A Gigaset' });

        clock.minutes(5);
        const { ticket: split } = await desk.split(staff, t.id, s1.id);
        await expectRow(desk, staff, c, split.id, counts(3, r2at), counts(1, r2at), 'the new ticket');
        await expectRow(desk, staff, c, t.id, counts(1, r1at), counts(1, r1at), 'the source');

        await desk.hideMessage(staff, r2.id);
        await expectRow(desk, staff, c, split.id, counts(3, r2at), counts(0, null), 'the new ticket, its reply hidden');
      }),
    );

    it(
      'a random walk of replies, notes, hides, edits, status changes, merges and splits: every row matches the threads',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const rand = seededRandom(1306);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
        const live: string[] = [];
        for (let i = 0; i < 3; i++) {
          live.push((await desk.create(c, { subject: `Walk ${i}`, body: `Opening ${i}` })).id);
          clock.minutes(1);
        }
        const all = new Set(live);

        /** Every listed row against the thread its side reads. */
        const check = async (step: string) => {
          const asStaff = await listed(desk, staff);
          const asCustomer = await listed(desk, c);
          for (const id of all) {
            assert.deepStrictEqual(asStaff.get(id), fromThread((await desk.get(staff, id)).messages), `${step}: staff row ${id}`);
            assert.deepStrictEqual(asCustomer.get(id), fromThread((await desk.get(c, id)).messages), `${step}: customer row ${id}`);
          }
        };

        const ops = ['customer reply', 'staff reply', 'internal note', 'status', 'hide', 'unhide', 'edit', 'merge', 'split'] as const;
        for (let step = 0; step < 30; step++) {
          // Sometimes no time passes: replies at one instant must count once each.
          if (rand() < 0.8) clock.minutes(1 + Math.floor(rand() * 10));
          const op = pick(ops);
          const id = pick(live);
          const thread = (await desk.get(staff, id)).messages;
          const replies = thread.filter((m) => !m.opening && m.authorType !== 'system');
          if (op === 'customer reply') await desk.addReply(c, id, { body: `customer ${step}` });
          else if (op === 'staff reply') await desk.addReply(staff, id, { body: `staff ${step}` });
          else if (op === 'internal note') await desk.addReply(staff, id, { body: `note ${step}`, internal: true });
          else if (op === 'status') await desk.update(staff, id, { status: pick(['open', 'pending', 'on_hold', 'in_progress'] as const) });
          else if (op === 'hide' && replies.some((m) => !m.hidden)) await desk.hideMessage(staff, pick(replies.filter((m) => !m.hidden)).id);
          else if (op === 'unhide' && replies.some((m) => m.hidden)) await desk.unhideMessage(staff, pick(replies.filter((m) => m.hidden)).id);
          // (A split at a merged-in message older than the ticket's own opening takes every
          // message along: a thread may hold system notes only.)
          else if (op === 'edit' && thread.some((m) => m.authorType !== 'system')) {
            await desk.editMessage(staff, pick(thread.filter((m) => m.authorType !== 'system')).id, `edited ${step}`);
          }
          else if (op === 'merge' && live.length > 1) {
            const target = pick(live.filter((x) => x !== id));
            await desk.merge(staff, id, target);
            live.splice(live.indexOf(id), 1);
          } else if (op === 'split') {
            const points = replies.filter((m) => !m.internal && !m.hidden);
            if (points.length === 0) continue;
            const { ticket } = await desk.split(staff, id, pick(points).id);
            live.push(ticket.id);
            all.add(ticket.id);
          } else continue;
          await check(`step ${step} (${op})`);
        }
        assert.ok(all.size > 3 && live.length < all.size, `the walk split and merged (${all.size} tickets, ${live.length} live)`);
      }),
    );

    it(
      'store: replies and ticket updates in one transaction, in either order, on one ticket or two, count the replies alone',
      withStore(o, async ({ store, tenantId: t, staff, customer: customerScope, list }) => {
        // A store may count a reply in the ticket's next UPDATE (the SQL stores hold it back
        // until then): whatever the order, the counts are the replies', inside the
        // transaction and after it, and an update that fails or a rollback changes nothing.
        const a = ticketRow(t, { subscriberId: 'sub-1' });
        const b = ticketRow(t, { subscriberId: 'sub-1' });
        const at = (s: number) => new Date(a.createdAt.getTime() + s * 1000);
        const rowsOf = async (read: (scope: StoreScope) => Promise<StoreTicketSummary[]>, scope: StoreScope) =>
          new Map((await read(scope)).map((r) => [r.id, counts(r.replyCount, r.lastReplyAt)]));
        const expectCounts = async (
          read: (scope: StoreScope) => Promise<StoreTicketSummary[]>,
          expected: Record<string, [Counts, Counts]>,
          what: string,
        ) => {
          const asStaff = await rowsOf(read, staff());
          const asCustomer = await rowsOf(read, customerScope('sub-1'));
          for (const [id, [s, c]] of Object.entries(expected)) {
            assert.deepStrictEqual(asStaff.get(id), s, `${what}: staff, ${id === a.id ? 'a' : 'b'}`);
            assert.deepStrictEqual(asCustomer.get(id), c, `${what}: customer, ${id === a.id ? 'a' : 'b'}`);
          }
        };
        const committed = (scope: StoreScope) => store.listTickets(scope, list());
        await store.transaction(async (tx) => {
          await tx.insertTicket(t, a);
          await tx.insertTicket(t, b);
          await tx.insertMessage(t, message(a.id, { opening: true, createdAt: at(0) }));
          await tx.insertMessage(t, message(b.id, { opening: true, createdAt: at(1) }));
        });
        let versionA = a.version;
        let versionB = b.version;

        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(a.id, { createdAt: at(10) }));
          await tx.insertMessage(t, message(a.id, { authorType: 'staff', internal: true, createdAt: at(20) }));
          assert.equal(await tx.updateTicket(t, a.id, versionA, { updatedAt: at(20) }), true);
          versionA += 1;
          await tx.insertMessage(t, message(b.id, { authorType: 'staff', createdAt: at(15) }));
          await expectCounts((scope) => tx.listTickets(scope, list()), {
            [a.id]: [counts(2, at(20)), counts(1, at(10))],
            [b.id]: [counts(1, at(15)), counts(1, at(15))],
          }, 'read inside the transaction');
          // A reply to a, then an update of b: a's reply is counted on its own.
          await tx.insertMessage(t, message(a.id, { createdAt: at(30) }));
          assert.equal(await tx.updateTicket(t, b.id, versionB, { updatedAt: at(30) }), true);
          versionB += 1;
        });
        await expectCounts(committed, {
          [a.id]: [counts(3, at(30)), counts(2, at(30))],
          [b.id]: [counts(1, at(15)), counts(1, at(15))],
        }, 'committed');

        // An update at a stale version changes nothing, nor does a refused patch the caller
        // catches, and the reply before them still counts.
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(a.id, { createdAt: at(40) }));
          assert.equal(await tx.updateTicket(t, a.id, versionA - 1, { updatedAt: at(40) }), false);
          await assert.rejects(tx.updateTicket(t, a.id, versionA, { updatedAt: 'not a date' as never }));
        });
        await expectCounts(committed, { [a.id]: [counts(4, at(40)), counts(3, at(40))] }, 'after a stale update');

        // Rolled back after the update that counted the reply: no trace.
        const boom = new Error('rolled back');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertMessage(t, message(a.id, { createdAt: at(50) }));
            assert.equal(await tx.updateTicket(t, a.id, versionA, { updatedAt: at(50) }), true);
            throw boom;
          }),
          (err) => err === boom,
        );
        await expectCounts(committed, { [a.id]: [counts(4, at(40)), counts(3, at(40))] }, 'after a rollback');
      }),
    );

    it(
      'store: replies inserted out of time order, hidden or internal from the start, system notes, a hide, a move and a rollback',
      withStore(o, async ({ store, tenantId: t, staff, customer: customerScope, list }) => {
        const a = ticketRow(t, { subscriberId: 'sub-1' });
        const b = ticketRow(t, { subscriberId: 'sub-1' });
        const at = (s: number) => new Date(a.createdAt.getTime() + s * 1000);
        const rows = async (scope: StoreScope) =>
          new Map((await store.listTickets(scope, list())).map((r: StoreTicketSummary) => [r.id, counts(r.replyCount, r.lastReplyAt)]));
        const expect = async (id: string, asStaff: Counts, asCustomer: Counts, what: string) => {
          assert.deepStrictEqual((await rows(staff())).get(id), asStaff, `${what}: staff`);
          assert.deepStrictEqual((await rows(customerScope('sub-1'))).get(id), asCustomer, `${what}: customer`);
        };
        const late = message(a.id, { createdAt: at(50) });
        const early = message(a.id, { createdAt: at(30) });
        const hidden = message(a.id, { authorType: 'staff', hidden: true, createdAt: at(60) });
        const internal = message(a.id, { authorType: 'staff', internal: true, createdAt: at(70) });
        await store.transaction(async (tx) => {
          await tx.insertTicket(t, a);
          await tx.insertTicket(t, b);
          await tx.insertMessage(t, message(a.id, { opening: true, createdAt: at(0) }));
          await tx.insertMessage(t, message(b.id, { opening: true, createdAt: at(1) }));
          await tx.insertMessage(t, late);
          await tx.insertMessage(t, early);
          await tx.insertMessage(t, hidden);
          await tx.insertMessage(t, internal);
          await tx.insertMessage(t, message(a.id, { authorType: 'system', authorId: null, createdAt: at(80), system: { kind: 'status_changed', from: 'open', to: 'pending' } }));
        });
        await expect(a.id, counts(4, at(70)), counts(2, at(50)), 'inserted');

        // A rolled-back reply leaves no trace in the counts.
        const boom = new Error('rolled back');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertMessage(t, message(a.id, { createdAt: at(90) }));
            throw boom;
          }),
          (err) => err === boom,
        );
        await expect(a.id, counts(4, at(70)), counts(2, at(50)), 'after a rollback');

        await store.transaction((tx) => tx.updateMessage(t, late.id, { hidden: true }));
        await expect(a.id, counts(4, at(70)), counts(1, at(30)), 'the latest public reply hidden');
        await store.transaction((tx) => tx.updateMessage(t, hidden.id, { hidden: false }));
        await expect(a.id, counts(4, at(70)), counts(2, at(60)), 'a hidden reply shown');
        await store.transaction((tx) => tx.updateMessage(t, early.id, { body: 'edited', html: '<p>edited</p>', editedAt: at(100) }));
        await expect(a.id, counts(4, at(70)), counts(2, at(60)), 'an edit');

        // Moving the shown reply and the internal note to b; b's opening stays its opening.
        await store.transaction((tx) => tx.moveMessages(t, [hidden.id, internal.id], b.id, null));
        await expect(a.id, counts(2, at(50)), counts(1, at(30)), 'a after the move');
        await expect(b.id, counts(2, at(70)), counts(1, at(60)), 'b after the move');
        // Moving a message in as b's opening message takes it out of b's replies.
        await store.transaction((tx) => tx.moveMessages(t, [early.id], b.id, early.id));
        await expect(a.id, counts(1, at(50)), counts(0, null), 'a after the second move');
        await expect(b.id, counts(2, at(70)), counts(1, at(60)), 'b with a second opening message');
      }),
    );
  });
}
