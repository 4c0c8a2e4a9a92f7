/** Contract: replies, internal notes, the status machine, assignment, audit and events. */
import { createTicketService } from '../index.js';
import type { TicketStore } from '../store.js';
import {
  assert,
  customer,
  operator,
  rejectsWith,
  system,
  withDesk,
  type ContractOptions,
} from './harness.js';

export function threadTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('threads and internal notes', () => {
    it(
      'internal notes never reach the customer: not in get, not in replyCount or lastReplyAt, not in customer events',
      withDesk(o, async ({ desk, events, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.update(staff, t.id, { assigneeId: 'agent-2' });
        clock.minutes(5);
        const reply = await desk.addReply(staff, t.id, { body: 'We are on it' });
        clock.minutes(5);
        const note = await desk.addReply(staff, t.id, { body: 'Customer is late on payments', internal: true });
        assert.equal(note.internal, true);

        const customerView = await desk.get(c, t.id);
        assert.ok(!customerView.messages.some((m) => m.id === note.id), 'no internal message for the customer');
        assert.ok(!customerView.messages.some((m) => m.body.includes('late on payments')));
        assert.deepEqual(
          customerView.messages.filter((m) => m.authorType !== 'system').map((m) => m.body),
          ['b', 'We are on it'],
        );
        const staffView = await desk.get(staff, t.id);
        assert.ok(staffView.messages.some((m) => m.id === note.id));

        const [mine] = (await desk.list(c)).items;
        assert.equal(mine!.replyCount, 1);
        assert.equal(mine!.lastReplyAt?.getTime(), reply.createdAt.getTime());
        const [theirs] = (await desk.list(staff)).items;
        assert.equal(theirs!.replyCount, 2);
        assert.equal(theirs!.lastReplyAt?.getTime(), note.createdAt.getTime());

        const noteEvent = events.find((e) => e.type === 'ticket.replied' && e.message.id === note.id);
        assert.ok(noteEvent);
        assert.equal(noteEvent.notify.customerId, null);
        assert.deepEqual(noteEvent.notify.staffIds, ['agent-2']);
        const forCustomer = events.filter((e) => e.notify.customerId === c.id);
        assert.ok(forCustomer.length > 0);
        for (const e of forCustomer) {
          assert.ok(!JSON.stringify(e).includes('late on payments'), `${e.type} leaks the internal note`);
        }
        assert.equal((await desk.get(c, t.id)).ticket.status, 'pending', 'the internal note changed no status');
      }),
    );

    it(
      'status flips: a public staff reply waits on the customer, a customer reply reopens resolved and closed',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.addReply(staff, t.id, { body: 'note', internal: true });
        assert.equal((await desk.get(staff, t.id)).ticket.status, 'open');
        await desk.addReply(staff, t.id, { body: 'reply' });
        assert.equal((await desk.get(staff, t.id)).ticket.status, 'pending');
        await desk.addReply(c, t.id, { body: 'still broken' });
        assert.equal((await desk.get(staff, t.id)).ticket.status, 'open');
        await desk.addReply(staff, t.id, { body: 'fixed', status: 'resolved' });
        const resolved = (await desk.get(c, t.id)).ticket;
        assert.equal(resolved.status, 'resolved');
        assert.ok(resolved.resolvedAt);
        await desk.addReply(c, t.id, { body: 'no it is not' });
        const reopened = (await desk.get(c, t.id)).ticket;
        assert.equal(reopened.status, 'open');
        assert.equal(reopened.resolvedAt, null);
        await desk.update(staff, t.id, { status: 'closed' });
        await desk.addReply(c, t.id, { body: 'again' });
        assert.equal((await desk.get(c, t.id)).ticket.status, 'open');

        const changes = events.filter((e) => e.type === 'ticket.status_changed').map((e) => `${e.from}>${e.to}`);
        assert.deepEqual(changes, ['open>pending', 'pending>open', 'open>resolved', 'resolved>open', 'open>closed', 'closed>open']);
        const customerReply = events.filter((e) => e.type === 'ticket.replied' && e.actor.kind === 'customer');
        for (const e of customerReply) assert.deepEqual(e.notify, { customerId: null, staffIds: [], queue: true });
      }),
    );

    it(
      'customers close only their own resolved ticket; staff with tickets.edit set any status, even open -> closed',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const e = await rejectsWith(desk.update(c, t.id, { status: 'closed' }), 'invalid_transition');
        assert.deepEqual([e.params.from, e.params.to], ['open', 'closed']);
        await rejectsWith(desk.update(c, t.id, { status: 'in_progress' }), 'invalid_transition');
        await rejectsWith(desk.addReply(c, t.id, { body: 'x', status: 'closed' }), 'validation', { field: 'status' });
        await rejectsWith(desk.addReply(c, t.id, { body: 'x', internal: true }), 'validation', { field: 'internal' });
        for (const status of ['in_progress', 'on_hold', 'pending', 'resolved'] as const) {
          const next = await desk.update(staff, t.id, { status });
          assert.equal(next.status, status);
        }
        const closed = await desk.update(c, t.id, { status: 'closed' });
        assert.equal(closed.status, 'closed');
        const changes = events.filter((e) => e.type === 'ticket.status_changed');
        // A change staff make through update() is news for the customer; the customer's own is not.
        assert.equal(changes.at(-2)!.notify.customerId, c.id);
        assert.equal(changes.at(-1)!.notify.customerId, null);
        const other = await desk.create(c, { subject: 'dup', body: 'b' });
        assert.equal((await desk.update(staff, other.id, { status: 'closed' })).status, 'closed');
        await rejectsWith(desk.update(operator(['tickets.view', 'tickets.reply']), t.id, { status: 'open' }), 'forbidden');
      }),
    );

    it(
      'system notes record status and assignment changes; customers see status notes only',
      withDesk(o, async ({ desk, directory }) => {
        directory.addStaff('agent-1', 'Alice');
        directory.addStaff('agent-2', 'Bob');
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.update(staff, t.id, { assigneeId: 'agent-1', priority: 'high' });
        await desk.update(staff, t.id, { status: 'in_progress' });
        const notes = (await desk.get(staff, t.id)).messages.filter((m) => m.authorType === 'system');
        assert.deepEqual(
          notes.map((m) => m.system),
          [
            { kind: 'assigned', from: null, to: 'agent-1' },
            { kind: 'priority_changed', from: 'normal', to: 'high' },
            { kind: 'status_changed', from: 'open', to: 'in_progress' },
          ],
        );
        assert.equal(notes[0]!.body, 'Assigned to Alice');
        const seen = (await desk.get(c, t.id)).messages.filter((m) => m.authorType === 'system');
        assert.deepEqual(
          seen.map((m) => m.system?.kind),
          ['status_changed'],
        );
        // System notes never count as replies.
        assert.equal((await desk.list(staff)).items[0]!.replyCount, 0);
      }),
    );

    it(
      'assignment: reassignment is audited with both names, notifies the new assignee, and filters by me / unassigned',
      withDesk(o, async ({ desk, directory, events }) => {
        directory.strict = true;
        directory.addStaff('agent-1', 'Alice');
        directory.addStaff('agent-2', 'Bob');
        const alice = operator(undefined, 'agent-1');
        const c = customer();
        directory.addSubscriber(c.id, null);
        const t = await desk.create(c, { subject: 'a', body: 'b' });
        const u = await desk.create(c, { subject: 'u', body: 'b' });
        await desk.update(alice, t.id, { assigneeId: 'agent-1' });
        assert.deepEqual(
          (await desk.list(alice, { assigneeId: 'me' })).items.map((x) => x.id),
          [t.id],
        );
        assert.deepEqual(
          (await desk.list(alice, { assigneeId: null })).items.map((x) => x.id),
          [u.id],
        );
        await desk.update(alice, t.id, { assigneeId: 'agent-2' }, { ip: '203.0.113.7', userAgent: 'panel', requestId: 'req-1' });
        const trail = await desk.audit(alice, t.id);
        const last = trail[trail.length - 1]!;
        assert.equal(last.action, 'updated');
        assert.deepEqual(last.changes.assigneeId, { from: 'agent-1', to: 'agent-2' });
        assert.deepEqual(last.changes.assigneeName, { from: 'Alice', to: 'Bob' });
        assert.equal(last.ip, '203.0.113.7');
        assert.equal(last.userAgent, 'panel');
        assert.equal(last.requestId, 'req-1');
        assert.equal(last.actorId, 'agent-1');
        const assigned = events.filter((e) => e.type === 'ticket.assigned');
        assert.equal(assigned.length, 2);
        assert.deepEqual(assigned[0]!.notify.staffIds, [], 'self-assignment tells nobody');
        assert.deepEqual(assigned[1]!.notify.staffIds, ['agent-2']);
        await rejectsWith(desk.update(alice, t.id, { assigneeId: 'ghost' }), 'validation', { field: 'assigneeId' });
        // A customer reply now notifies the assignee, not the queue.
        await desk.addReply(c, t.id, { body: 'hello?' });
        const lastReply = events.filter((e) => e.type === 'ticket.replied').pop()!;
        assert.deepEqual(lastReply.notify, { customerId: null, staffIds: ['agent-2'], queue: false });
      }),
    );

    it(
      'updates carry versions: a stale expectedVersion is a conflict and writes nothing',
      withDesk(o, async ({ desk }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        const v2 = await desk.update(staff, t.id, { priority: 'high', expectedVersion: 1 });
        assert.equal(v2.version, 2);
        await rejectsWith(desk.update(staff, t.id, { priority: 'low', expectedVersion: 1 }), 'conflict');
        const now = (await desk.get(staff, t.id)).ticket;
        assert.equal(now.priority, 'high');
        assert.equal(now.version, 2);
        // A no-op update writes nothing and keeps the version.
        assert.equal((await desk.update(staff, t.id, { priority: 'high' })).version, 2);
        await rejectsWith(desk.update(staff, 'missing-id', { priority: 'low' }), 'not_found');
      }),
    );

    it(
      'events are emitted only after commit, carry the ticket and actor, and every change is audited',
      withDesk(o, async ({ store, clock, directory, tenantId }) => {
        // The service runs on a store that counts the transactions in flight, so a
        // listener can tell, synchronously and deterministically, whether it was called
        // inside one; and it reads the change back through the store, awaited below.
        const watched = watchTransactions(store);
        const desk = createTicketService({ store: watched.store, tenantId, clock: clock.now, directory });
        const seen: { type: string; open: number; read: Promise<boolean> }[] = [];
        desk.events.on('*', (type, e) => {
          const ticketId = (e as { ticket: { id: string } }).ticket.id;
          seen.push({
            type,
            open: watched.open(),
            read: store.findTicket({ tenantId, visibility: 'staff' }, ticketId).then((t) => t !== null),
          });
        });
        const c = customer();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const staff = operator();
        await desk.addReply(staff, t.id, { body: 'r' });
        await desk.update(staff, t.id, { category: 'billing' });
        await desk.addReply(c, t.id, { body: 'c' });
        assert.ok(seen.length >= 4, `expected events for every change, got ${seen.map((x) => x.type).join(', ')}`);
        assert.ok(watched.total() >= 4, 'every change ran in a transaction');
        for (const x of seen) {
          assert.equal(x.open, 0, `${x.type} was emitted while a transaction was still open`);
          assert.equal(await x.read, true, `${x.type}: the change was not visible to a read when the listener ran`);
        }
        assert.deepEqual(
          (await desk.audit(staff, t.id)).map((a) => a.action),
          ['created', 'replied', 'updated', 'replied'],
        );
        const sys = await desk.list(system);
        assert.equal(sys.items.length, 1);
      }),
    );

    it(
      'a throwing listener does not undo or fail the operation',
      withDesk(
        o,
        async ({ desk }) => {
          desk.events.on('ticket.created', () => {
            throw new Error('listener bug');
          });
          const t = await desk.create(customer(), { subject: 's', body: 'b' });
          assert.equal((await desk.get(operator(), t.id)).ticket.id, t.id);
        },
        { onListenerError: () => undefined },
      ),
    );
  });
}

/**
 * `store` with its `transaction` counted: `open()` is how many are in flight right now,
 * `total()` how many have started. Every other member is the store's own.
 */
function watchTransactions(store: TicketStore): { store: TicketStore; open: () => number; total: () => number } {
  let open = 0;
  let total = 0;
  const watched = new Proxy(store, {
    get(target, prop) {
      if (prop === 'transaction') {
        return async (fn: Parameters<TicketStore['transaction']>[0]) => {
          open += 1;
          total += 1;
          try {
            return await target.transaction(fn);
          } finally {
            open -= 1;
          }
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: watched, open: () => open, total: () => total };
}
