/**
 * Contract: merging duplicates and splitting a thread. Messages move between tickets of one
 * subscriber in time order, each side says where the other is, both are audited and
 * evented, a refusal or a failure writes nothing, and the customer learns only what they
 * can see.
 */
import { TicketError } from '../errors.js';
import { createTicketService, type TicketEvent } from '../index.js';
import type { StoreTx, TicketStore } from '../store.js';
import { assert, customer, operator, rejectsWith, resellerStaff, withDesk, type ContractOptions, type Desk } from './harness.js';
import { within } from './store-harness.js';

function ofType<K extends TicketEvent['type']>(events: readonly TicketEvent[], type: K): Extract<TicketEvent, { type: K }>[] {
  return events.filter((e): e is Extract<TicketEvent, { type: K }> => e.type === type);
}

/** `store` whose transactions throw at the first call of `method`, after the writes before it ran. */
function failingAt(store: TicketStore, method: keyof StoreTx): TicketStore {
  const bind = <T extends object>(target: T, wrap: (prop: string | symbol, value: unknown) => unknown) =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop) as unknown;
        const out = wrap(prop, value);
        if (out !== undefined) return out;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  return bind(store, (prop) =>
    prop === 'transaction'
      ? <T>(fn: (tx: StoreTx) => Promise<T>) =>
          store.transaction((tx) =>
            fn(
              bind(tx, (p) =>
                p === method
                  ? async () => {
                      throw new Error(`injected failure in ${String(method)}`);
                    }
                  : undefined,
              ),
            ),
          )
      : undefined,
  );
}

/** What a ticket looks like to staff, for before/after comparisons. */
async function snapshot(d: Desk, ticket: { id: string }) {
  const staff = operator();
  const detail = await d.desk.get(staff, ticket.id);
  return {
    version: detail.ticket.version,
    status: detail.ticket.status,
    mergedIntoId: detail.ticket.mergedIntoId,
    messages: detail.messages.map((m) => `${m.id}:${m.opening}`),
    audit: (await d.desk.audit(staff, ticket.id)).length,
  };
}

export function mergeSplitTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('merge and split', () => {
    it(
      'merge: the source’s messages join the target in time order; the source closes with a note naming the target, and still opens by id and number',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const target = await desk.create(c, { subject: 'Internet down', body: 'target opening' });
        clock.minutes(5);
        const source = await desk.create(c, { subject: 'No internet', body: 'source opening' });
        clock.minutes(5);
        const t1 = await desk.addReply(staff, target.id, { body: 'looking into it' });
        clock.minutes(5);
        const s1 = await desk.addReply(c, source.id, { body: 'still nothing' });
        clock.minutes(5);
        const s2 = await desk.addReply(staff, source.id, { body: 'duplicate of the other one', internal: true });
        clock.minutes(2);
        const s3 = await desk.addReply(staff, source.id, { body: 'wrong answer, hidden' });
        await desk.hideMessage(staff, s3.id);
        clock.minutes(3);
        const t2 = await desk.addReply(c, target.id, { body: 'any news?' });
        clock.minutes(5);
        await desk.update(staff, source.id, { priority: 'high' });
        const sourceOpening = (await desk.get(staff, source.id)).messages.find((m) => m.opening)!;
        const targetOpening = (await desk.get(staff, target.id)).messages.find((m) => m.opening)!;

        const merged = await desk.merge(staff, source.number.toLowerCase(), target.number);
        assert.equal(merged.source.id, source.id);
        assert.equal(merged.source.status, 'closed');
        assert.equal(merged.source.mergedIntoId, target.id);
        assert.equal(merged.target.id, target.id);
        assert.equal(merged.target.status, 'open', 'the target keeps its status');

        const thread = (await desk.get(staff, target.id)).messages;
        const people = thread.filter((m) => m.authorType !== 'system');
        assert.deepEqual(
          people.map((m) => m.id),
          [targetOpening.id, sourceOpening.id, t1.id, s1.id, s2.id, s3.id, t2.id],
          'one thread, in time order',
        );
        assert.deepEqual(
          people.filter((m) => m.opening).map((m) => m.id),
          [targetOpening.id],
          'only the target’s opening message opens it',
        );
        for (let i = 1; i < thread.length; i++) assert.ok(thread[i - 1]!.createdAt <= thread[i]!.createdAt);
        assert.equal(people.find((m) => m.id === s2.id)!.internal, true, 'an internal note stays internal');
        assert.equal(people.find((m) => m.id === s3.id)!.hidden, true, 'a hidden message stays hidden');
        assert.deepEqual(
          thread.filter((m) => m.authorType === 'system').map((m) => m.system),
          [{ kind: 'merged_from', sourceId: source.id, sourceNumber: source.number }],
          'the source’s system notes do not move',
        );

        for (const ref of [source.id, source.number]) {
          const old = await desk.get(staff, ref);
          assert.equal(old.ticket.id, source.id);
          assert.equal(old.ticket.mergedIntoId, target.id, 'the source says where it went');
          assert.deepEqual(
            old.messages.map((m) => m.system?.kind),
            ['priority_changed', 'merged_into'],
            'only its own history (system notes) stays',
          );
          assert.deepEqual(old.messages.at(-1)!.system, {
            kind: 'merged_into',
            targetId: target.id,
            targetNumber: target.number,
          });
        }

        // The customer: one thread without the internal note; the old ticket still opens.
        const mine = await desk.get(c, target.id);
        assert.deepEqual(
          mine.messages.filter((m) => m.authorType !== 'system').map((m) => m.id),
          [targetOpening.id, sourceOpening.id, t1.id, s1.id, t2.id],
        );
        const old = await desk.get(c, source.number);
        assert.equal(old.ticket.status, 'closed');
        assert.deepEqual(
          old.messages.at(-1)!.system,
          { kind: 'merged_into', targetId: target.id, targetNumber: target.number },
          'the customer reads where it went',
        );
        assert.deepEqual(mine.messages.at(-1)!.system, { kind: 'merged_from', sourceId: source.id, sourceNumber: source.number });
        // The customer has waited since their first unanswered message of either thread.
        assert.equal(merged.target.waitingSince?.getTime(), s1.createdAt.getTime());
        assert.equal(merged.target.customerMessageAt?.getTime(), t2.createdAt.getTime());
        assert.equal(merged.source.waitingSince, null);
        const rows = (await desk.list(c)).items;
        assert.equal(rows.find((r) => r.id === target.id)!.replyCount, 4);
        assert.equal(rows.find((r) => r.id === source.id)!.replyCount, 0);
        assert.equal((await desk.list(c, { q: 'still nothing' })).items.map((r) => r.id).join(), target.id, 'search follows the messages');
      }),
    );

    it(
      'merge refuses another subscriber’s ticket or one addressed to another level, itself, a closed or deleted target, an already merged source, out-of-scope tickets and actors without tickets.edit; nothing is written',
      withDesk(o, async (d) => {
        const { desk, store, tenantId, clock, events } = d;
        const c = customer(undefined, 'r1');
        const other = customer(undefined, 'r1');
        const staff = operator();
        const a = await desk.create(c, { subject: 'a', body: 'a' });
        const b = await desk.create(c, { subject: 'b', body: 'b' });
        const closed = await desk.create(c, { subject: 'closed', body: 'x' });
        await desk.update(staff, closed.id, { status: 'closed' });
        const deleted = await desk.create(c, { subject: 'deleted', body: 'x' });
        const row = (await desk.get(staff, deleted.id)).ticket;
        await store.transaction(async (tx) => {
          assert.ok(await tx.updateTicket(tenantId, deleted.id, row.version, { deletedAt: clock.now() }));
        });
        const foreign = await desk.create(other, { subject: 'other', body: 'x' });
        const overHead = await desk.create(c, { subject: 'to the operator', body: 'x', addressedTo: 'operator' });
        const before = [await snapshot(d, a), await snapshot(d, b)];
        const seen = events.length;

        const reason = async (p: Promise<unknown>, code: 'validation' | 'invalid_transition') =>
          (await rejectsWith(p, code)).params.reason;
        assert.equal(await reason(desk.merge(staff, a.id, foreign.id), 'validation'), 'different_subscriber');
        await rejectsWith(desk.merge(staff, a.id, foreign.id), 'validation', { field: 'targetId' });
        assert.equal(await reason(desk.merge(staff, a.id, overHead.id), 'validation'), 'different_address');
        assert.equal(await reason(desk.merge(staff, overHead.id, a.id), 'validation'), 'different_address');
        await rejectsWith(desk.merge(staff, a.id, a.id), 'validation', { field: 'targetId' });
        assert.equal(await reason(desk.merge(staff, a.id, a.number), 'validation'), 'same_ticket');
        assert.equal(await reason(desk.merge(staff, a.id, closed.id), 'invalid_transition'), 'target_closed');
        assert.equal(await reason(desk.merge(staff, a.id, deleted.id), 'invalid_transition'), 'target_deleted');
        await rejectsWith(desk.merge(staff, deleted.id, a.id), 'invalid_transition');
        await rejectsWith(desk.merge(staff, a.id, 'no-such-ticket'), 'not_found');
        await rejectsWith(desk.merge(resellerStaff('r2', ['tickets.view', 'tickets.edit']), a.id, b.id), 'not_found');
        await rejectsWith(desk.merge(c, a.id, b.id), 'forbidden');
        await rejectsWith(desk.merge(operator(['tickets.view', 'tickets.reply']), a.id, b.id), 'forbidden');
        await rejectsWith(desk.merge(staff, '', b.id), 'validation', { field: 'sourceId' });
        await rejectsWith(desk.merge(staff, a.id, 7 as unknown as string), 'validation', { field: 'targetId' });
        assert.deepEqual([await snapshot(d, a), await snapshot(d, b)], before, 'no refusal changed either ticket');
        assert.equal(events.length, seen, 'no refusal emitted anything');

        // Reseller staff merge their own subscriber's tickets; a merged source cannot merge again.
        await desk.merge(resellerStaff('r1', ['tickets.view', 'tickets.edit']), a.id, b.id);
        const c2 = await desk.create(c, { subject: 'c', body: 'c' });
        assert.equal((await rejectsWith(desk.merge(staff, a.id, c2.id), 'invalid_transition')).params.reason, 'already_merged');
        await rejectsWith(desk.merge(staff, c2.id, a.id), 'invalid_transition');
      }),
    );

    it(
      'merge is one transaction: a failure at any write leaves both tickets as they were and emits nothing',
      withDesk(o, async (d) => {
        const { desk, store, tenantId, clock } = d;
        const c = customer();
        const staff = operator();
        const target = await desk.create(c, { subject: 't', body: 't' });
        const source = await desk.create(c, { subject: 's', body: 's' });
        await desk.addReply(staff, source.id, { body: 'reply on source' });
        const before = [await snapshot(d, source), await snapshot(d, target)];
        for (const method of ['moveMessages', 'updateTicket', 'insertMessage', 'insertAudit', 'insertOutbox'] as const) {
          const broken = createTicketService({ store: failingAt(store, method), tenantId, clock: clock.now });
          const emitted: unknown[] = [];
          broken.events.on('*', (e) => emitted.push(e));
          await assert.rejects(broken.merge(staff, source.id, target.id), /injected failure/);
          assert.equal(emitted.length, 0, `no event after a failure in ${method}`);
          assert.deepEqual([await snapshot(d, source), await snapshot(d, target)], before, `a failure in ${method} left nothing`);
        }
        assert.equal((await desk.merge(staff, source.id, target.id)).source.status, 'closed', 'and it works afterwards');
      }),
    );

    it(
      'merge: audited and evented on both tickets; the customer is told once, through the source, with only what they can see',
      withDesk(o, async ({ desk, events, clock }) => {
        const c = customer();
        const staff = operator();
        const target = await desk.create(c, { subject: 't', body: 't' });
        const source = await desk.create(c, { subject: 's', body: 's' });
        await desk.update(staff, target.id, { assigneeId: 'agent-7' });
        await desk.addReply(staff, source.id, { body: 'secret internal remark', internal: true });
        clock.minutes(5);
        const seen = events.length;
        await desk.merge(staff, source.id, target.id, { requestId: 'req-merge' });

        const sourceTrail = (await desk.audit(staff, source.id)).at(-1)!;
        assert.equal(sourceTrail.action, 'merged_into');
        assert.deepEqual(sourceTrail.changes.mergedIntoId, { from: null, to: target.id });
        assert.deepEqual(sourceTrail.changes.status, { from: 'open', to: 'closed' });
        assert.equal(sourceTrail.requestId, 'req-merge');
        const targetTrail = (await desk.audit(staff, target.id)).at(-1)!;
        assert.equal(targetTrail.action, 'merged_from');
        assert.deepEqual(targetTrail.changes.mergedFromId, { from: null, to: source.id });

        const news = events.slice(seen);
        const merged = ofType(news, 'ticket.merged');
        assert.deepEqual(
          merged.map((e) => e.ticket.id).sort(),
          [source.id, target.id].sort(),
        );
        for (const e of merged) {
          assert.equal(e.sourceId, source.id);
          assert.equal(e.targetId, target.id);
          assert.equal(e.targetNumber, target.number);
        }
        const toCustomer = news.filter((e) => e.notify.customerId !== null);
        assert.deepEqual(toCustomer.map((e) => `${e.type}:${e.ticket.id}`), [`ticket.merged:${source.id}`]);
        assert.equal(toCustomer[0]!.customer?.ticket.status, 'closed');
        assert.deepEqual(merged.find((e) => e.ticket.id === target.id)!.notify.staffIds, ['agent-7']);
        for (const e of news) {
          if (e.customer) assert.ok(!JSON.stringify(e.customer).includes('secret'), `${e.type} leaks the internal note`);
        }
        const closedEvent = ofType(news, 'ticket.status_changed');
        assert.deepEqual(closedEvent.map((e) => `${e.ticket.id}:${e.from}>${e.to}`), [`${source.id}:open>closed`]);
      }),
    );

    it(
      'split: from a message onward into a new ticket with its own number, same subscriber, notes on both sides naming the other',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer(undefined, 'r1');
        const staff = operator();
        const t = await desk.create(c, { subject: 'Two problems', body: 'Email is broken and the wifi is slow', category: 'connectivity', priority: 'high' });
        clock.minutes(5);
        const r1 = await desk.addReply(staff, t.id, { body: 'Looking at the email' });
        clock.minutes(5);
        const c1 = await desk.addReply(c, t.id, { body: 'Also: the wifi drops every evening' });
        clock.minutes(5);
        const n1 = await desk.addReply(staff, t.id, { body: 'wifi belongs to the field team', internal: true });
        clock.minutes(5);
        const r2 = await desk.addReply(staff, t.id, { body: 'For the wifi: try channel 6' });
        clock.minutes(5);
        const other = await desk.create(c, { subject: 'unrelated', body: 'x' });
        clock.minutes(5);

        const { source, ticket } = await desk.split(staff, t.number, c1.id);
        assert.equal(source.id, t.id);
        assert.notEqual(ticket.id, t.id);
        assert.equal(ticket.number, 'TKT-3', 'the next number after the existing tickets');
        assert.notEqual(ticket.number, other.number);
        assert.equal(ticket.subscriberId, c.id);
        assert.equal(ticket.resellerId, 'r1');
        assert.equal(ticket.category, 'connectivity');
        assert.equal(ticket.priority, 'high');
        assert.equal(ticket.subject, 'Two problems');
        assert.equal(ticket.status, 'open');
        assert.equal(ticket.mergedIntoId, null);

        const moved = (await desk.get(staff, ticket.number)).messages;
        assert.deepEqual(
          moved.filter((m) => m.authorType !== 'system').map((m) => [m.id, m.opening]),
          [[c1.id, true], [n1.id, false], [r2.id, false]],
        );
        assert.deepEqual(moved.at(-1)!.system, { kind: 'split_from', ticketId: t.id, ticketNumber: t.number });
        const kept = (await desk.get(staff, t.id)).messages;
        assert.deepEqual(
          kept.filter((m) => m.authorType !== 'system').map((m) => m.id),
          [kept.find((m) => m.opening)!.id, r1.id],
        );
        assert.deepEqual(kept.at(-1)!.system, { kind: 'split_to', ticketId: ticket.id, ticketNumber: ticket.number });

        // The customer sees both tickets, each with the messages they can read.
        const mine = await desk.get(c, ticket.id);
        assert.deepEqual(
          mine.messages.filter((m) => m.authorType !== 'system').map((m) => m.id),
          [c1.id, r2.id],
        );
        assert.equal(mine.messages.find((m) => m.id === c1.id)!.opening, true);
        assert.deepEqual(mine.messages.at(-1)!.system, { kind: 'split_from', ticketId: t.id, ticketNumber: t.number });
        assert.deepEqual((await desk.get(c, t.id)).messages.at(-1)!.system, {
          kind: 'split_to',
          ticketId: ticket.id,
          ticketNumber: ticket.number,
        });
        // Each side's waiting clock follows its own thread: both last heard from staff.
        assert.equal(ticket.waitingSince, null);
        assert.equal(ticket.customerMessageAt?.getTime(), c1.createdAt.getTime());
        assert.equal(ticket.firstResponseAt?.getTime(), r2.createdAt.getTime());
        assert.equal(source.customerMessageAt?.getTime(), t.createdAt.getTime());
        const rows = (await desk.list(c)).items;
        assert.equal(rows.find((r) => r.id === ticket.id)!.replyCount, 1);
        assert.equal(rows.find((r) => r.id === t.id)!.replyCount, 1);
        await rejectsWith(desk.get(customer(), ticket.id), 'not_found');
        await rejectsWith(desk.get(resellerStaff('r2'), ticket.id), 'not_found');
        assert.equal((await desk.get(resellerStaff('r1'), ticket.id)).ticket.id, ticket.id);
      }),
    );

    it(
      'split: audited on both tickets; ticket.split for the source, ticket.created for the new one, which tells the customer only what they can read',
      withDesk(o, async ({ desk, events, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'first issue' });
        clock.minutes(5);
        const c1 = await desk.addReply(c, t.id, { body: 'second issue' });
        clock.minutes(5);
        await desk.addReply(staff, t.id, { body: 'confidential triage remark', internal: true });
        clock.minutes(5);
        const seen = events.length;
        const { ticket } = await desk.split(staff, t.id, c1.id, { requestId: 'req-split' });

        const sourceEntry = (await desk.audit(staff, t.id)).at(-1)!;
        assert.equal(sourceEntry.action, 'split');
        assert.deepEqual(sourceEntry.changes.splitToId, { from: null, to: ticket.id });
        assert.equal(sourceEntry.requestId, 'req-split');
        const newTrail = await desk.audit(staff, ticket.id);
        assert.equal(newTrail[0]!.action, 'created');
        assert.deepEqual(newTrail[0]!.changes.splitFromId, { from: null, to: t.id });
        assert.deepEqual(newTrail[0]!.changes.number, { from: null, to: ticket.number });

        const news = events.slice(seen);
        const [split] = ofType(news, 'ticket.split');
        assert.ok(split);
        assert.deepEqual([split.ticket.id, split.sourceId, split.newTicketId, split.fromMessageId], [t.id, t.id, ticket.id, c1.id]);
        assert.equal(split.notify.customerId, null);
        const [created] = ofType(news, 'ticket.created');
        assert.ok(created);
        assert.equal(created.ticket.id, ticket.id);
        assert.equal(created.message.id, c1.id);
        assert.equal(created.message.opening, true);
        assert.equal(created.notify.customerId, c.id);
        assert.equal(created.customer?.ticket.number, ticket.number);
        assert.equal(created.customer?.message?.body, 'second issue');
        for (const e of news) assert.ok(!JSON.stringify(e.customer).includes('confidential'), `${e.type} leaks the internal note`);
      }),
    );

    it(
      'split refuses the opening message, system and internal notes, hidden messages, another ticket’s message, out-of-scope tickets and actors without tickets.edit; nothing is written',
      withDesk(o, async (d) => {
        const { desk, events } = d;
        const c = customer(undefined, 'r1');
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const reply = await desk.addReply(staff, t.id, { body: 'public' });
        const note = await desk.addReply(staff, t.id, { body: 'internal', internal: true });
        const hidden = await desk.addReply(staff, t.id, { body: 'hidden' });
        await desk.hideMessage(staff, hidden.id);
        await desk.update(staff, t.id, { status: 'in_progress' });
        const thread = (await desk.get(staff, t.id)).messages;
        const opening = thread.find((m) => m.opening)!;
        const sys = thread.find((m) => m.authorType === 'system')!;
        const u = await desk.create(c, { subject: 'u', body: 'u' });
        const uReply = await desk.addReply(staff, u.id, { body: 'on u' });
        const before = await snapshot(d, t);
        const seen = events.length;

        const refusals: [string, string][] = [
          [opening.id, 'opening_message'],
          [sys.id, 'system_note'],
          [note.id, 'internal_note'],
          [hidden.id, 'hidden_message'],
          [uReply.id, 'other_ticket'],
        ];
        for (const [id, reason] of refusals) {
          const e = await rejectsWith(desk.split(staff, t.id, id), 'validation', { field: 'fromMessageId' });
          assert.equal(e.params.reason, reason);
        }
        await rejectsWith(desk.split(staff, t.id, 'no-such-message'), 'not_found');
        await rejectsWith(desk.split(staff, 'no-such-ticket', reply.id), 'not_found');
        await rejectsWith(desk.split(resellerStaff('r2', ['tickets.view', 'tickets.edit']), t.id, reply.id), 'not_found');
        await rejectsWith(desk.split(c, t.id, reply.id), 'forbidden');
        await rejectsWith(desk.split(operator(['tickets.view', 'tickets.reply']), t.id, reply.id), 'forbidden');
        await rejectsWith(desk.split(staff, t.id, ''), 'validation', { field: 'fromMessageId' });
        assert.deepEqual(await snapshot(d, t), before);
        assert.equal(events.length, seen);
        assert.equal((await desk.list(staff)).items.length, 2, 'no ticket was made');

        // A merged source has nothing left to split.
        await desk.merge(staff, t.id, u.id);
        await rejectsWith(desk.split(staff, t.id, reply.id), 'invalid_transition');
      }),
    );

    it(
      'split is one transaction: a failure at any write leaves no ticket, moves nothing, and gives the number back',
      withDesk(o, async (d) => {
        const { desk, store, tenantId, clock } = d;
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const reply = await desk.addReply(c, t.id, { body: 'split here' });
        const before = await snapshot(d, t);
        for (const method of ['insertTicket', 'moveMessages', 'updateTicket', 'insertMessage', 'insertAudit', 'insertOutbox'] as const) {
          const broken = createTicketService({ store: failingAt(store, method), tenantId, clock: clock.now });
          await assert.rejects(broken.split(staff, t.id, reply.id), /injected failure/);
          assert.deepEqual(await snapshot(d, t), before, `a failure in ${method} moved nothing`);
          assert.equal((await desk.list(staff)).items.length, 1, `a failure in ${method} made no ticket`);
        }
        const { ticket } = await desk.split(staff, t.id, reply.id);
        assert.equal(ticket.number, 'TKT-2', 'the failed splits gave their numbers back');
      }),
    );

    it(
      'a ticket another staff member has locked refuses hide, edit, merge and split with locked, naming the holder; the holder goes through, and so does everyone once it expires',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const holder = operator();
        const other = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const reply = await desk.addReply(holder, t.id, { body: 'r' });
        const c1 = await desk.addReply(c, t.id, { body: 'another issue' });
        const u = await desk.create(c, { subject: 'u', body: 'u' });
        await desk.lock(holder, t.id, { ttlSeconds: 600 });

        const locked = await rejectsWith(desk.hideMessage(other, reply.id), 'locked');
        assert.equal(locked.params.holderId, holder.id);
        await rejectsWith(desk.editMessage(other, reply.id, 'x'), 'locked');
        await rejectsWith(desk.merge(other, t.id, u.id), 'locked');
        await rejectsWith(desk.merge(other, u.id, t.id), 'locked');
        await rejectsWith(desk.split(other, t.id, c1.id), 'locked');
        assert.equal((await desk.get(holder, u.id)).messages.length, 1, 'the refused merge moved nothing');

        assert.equal((await desk.hideMessage(holder, reply.id)).hidden, true);
        clock.minutes(11);
        assert.equal((await desk.unhideMessage(other, reply.id)).hidden, false);
        assert.equal((await desk.split(other, t.id, c1.id)).ticket.subscriberId, c.id);
      }),
    );

    it(
      'two merges of one pair in opposite directions at once: one wins, the other is invalid_transition, and neither deadlocks',
      withDesk(o, async ({ desk, store, tenantId, clock }) => {
        const c = customer();
        const staff = operator();
        const second = createTicketService({
          store: o.secondStore ? await o.secondStore(store) : store,
          tenantId,
          clock: clock.now,
        });
        for (let round = 0; round < 3; round++) {
          const a = await desk.create(c, { subject: `a${round}`, body: 'a' });
          const b = await desk.create(c, { subject: `b${round}`, body: 'b' });
          const results = await within(
            20_000,
            Promise.allSettled([desk.merge(staff, a.id, b.id), second.merge(staff, b.id, a.id)]),
            'two opposite merges',
          );
          const won = results.filter((r) => r.status === 'fulfilled');
          const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          assert.equal(won.length, 1, `exactly one merge wins (round ${round})`);
          assert.equal(TicketError.is(lost[0]!.reason, 'invalid_transition'), true, String(lost[0]!.reason));
          const [x, y] = [(await desk.get(staff, a.id)).ticket, (await desk.get(staff, b.id)).ticket];
          assert.equal([x, y].filter((t) => t.mergedIntoId !== null).length, 1, 'one ticket merged into the other');
        }
      }),
    );

    it(
      'a merged source takes no more replies: its thread lives on in the target, where the reply belongs',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const staff = operator();
        const target = await desk.create(c, { subject: 'Internet down', body: 'first' });
        const source = await desk.create(c, { subject: 'Internet down again', body: 'second' });
        await desk.merge(staff, source.id, target.id);
        const before = await snapshot({ desk } as Desk, source);
        for (const [actor, input] of [
          [c, { body: 'any news?' }],
          [staff, { body: 'see the other ticket' }],
          [staff, { body: 'note', internal: true }],
        ] as const) {
          const err = await rejectsWith(desk.addReply(actor, source.number, input), 'invalid_transition');
          assert.equal(err.params.mergedIntoId, target.id, 'the refusal says where the thread went');
        }
        assert.deepStrictEqual(await snapshot({ desk } as Desk, source), before, 'nothing written');
        await desk.addReply(c, target.id, { body: 'any news?' });
      }),
    );

    it(
      'split at a merged-in message older than the ticket’s own opening message keeps that opening message with the ticket',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const older = await desk.create(c, { subject: 'Older', body: 'older opening' });
        clock.minutes(5);
        const newer = await desk.create(c, { subject: 'Newer', body: 'newer opening' });
        clock.minutes(5);
        await desk.merge(staff, older.id, newer.id);
        const thread = (await desk.get(staff, newer.id)).messages.filter((m) => !m.system);
        // The merged-in opening comes first in time, before the ticket's own opening.
        assert.deepEqual(thread.map((m) => [m.body, m.opening]), [['older opening', false], ['newer opening', true]]);
        clock.minutes(5);
        const { ticket } = await desk.split(staff, newer.id, thread[0]!.id);
        const kept = (await desk.get(staff, newer.id)).messages.filter((m) => !m.system);
        assert.deepEqual(kept.map((m) => [m.body, m.opening]), [['newer opening', true]]);
        const split = (await desk.get(staff, ticket.id)).messages.filter((m) => !m.system);
        assert.deepEqual(split.map((m) => [m.body, m.opening]), [['older opening', true]]);
      }),
    );
  });
}
