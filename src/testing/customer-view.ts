/**
 * Contract: the customer's view. Customers get their own shape in every result (no staff
 * ids, SLA bookkeeping, flags or versions), and nothing in it moves because of staff-only
 * activity: internal notes, assignments, deadlines, SLA scans.
 */
import { assert, customer, operator, rejectsWith, withDesk, type ContractOptions } from './harness.js';

/** Exactly the fields a customer's ticket carries. */
const TICKET_KEYS = [
  'archived',
  'category',
  'createdAt',
  'department',
  'id',
  'label',
  'number',
  'priority',
  'resolvedAt',
  'status',
  'subject',
  'updatedAt',
];
const SUMMARY_KEYS = [...TICKET_KEYS, 'lastReplyAt', 'replyCount'].sort();
const MESSAGE_KEYS = ['attachments', 'authorName', 'authorType', 'body', 'createdAt', 'editedAt', 'html', 'id', 'opening', 'system', 'ticketId'];

const keys = (o: object) => Object.keys(o).sort();

export function customerViewTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('the customer view', () => {
    it(
      'create, get, list, addReply and update give customers their own shape, without staff fields',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer(undefined, 'r1');
        const staff = operator();
        const created = await desk.create(c, { subject: 'Slow', body: 'Evenings' });
        assert.deepEqual(keys(created), TICKET_KEYS);
        await desk.update(staff, created.id, { assigneeId: staff.id, deadlineAt: new Date('2026-04-01T00:00:00Z') });
        clock.minutes(5);
        await desk.addReply(staff, created.id, { body: 'Fixed', status: 'resolved' });

        const detail = await desk.get(c, created.number);
        assert.deepEqual(keys(detail.ticket), TICKET_KEYS);
        for (const m of detail.messages) assert.deepEqual(keys(m), MESSAGE_KEYS);
        const page = await desk.list(c);
        assert.deepEqual(keys(page.items[0]!), SUMMARY_KEYS);
        clock.minutes(5);
        const reply = await desk.addReply(c, created.id, { body: 'Not fixed' });
        assert.deepEqual(keys(reply).filter((k) => k !== 'ticket'), MESSAGE_KEYS);
        assert.deepEqual(keys(reply.ticket), TICKET_KEYS);
        assert.equal(reply.ticket.status, 'open');
        await desk.addReply(staff, created.id, { body: 'Now fixed', status: 'resolved' });
        const closed = await desk.update(c, created.id, { status: 'closed' });
        assert.deepEqual(keys(closed), TICKET_KEYS);
        assert.equal(closed.status, 'closed');
      }),
    );

    it(
      'internal notes, assignments, deadlines and SLA scans change nothing a customer can see',
      withDesk(
        o,
        async ({ desk, clock }) => {
          const c = customer();
          const staff = operator();
          const t = await desk.create(c, { subject: 's', body: 'b', priority: 'high' });
          clock.minutes(10);
          await desk.addReply(staff, t.id, { body: 'We are looking', status: 'pending' });
          await desk.addReply(c, t.id, { body: 'Thanks' });
          const before = { detail: await desk.get(c, t.id), list: await desk.list(c) };

          clock.minutes(10);
          await desk.addReply(staff, t.id, { body: 'Escalate to field team', internal: true });
          clock.minutes(10);
          await desk.update(staff, t.id, { assigneeId: 'agent-9' });
          clock.minutes(10);
          await desk.update(staff, t.id, { deadlineAt: new Date(clock.now().getTime() + 3_600_000) });
          clock.hours(10);
          const scan = await desk.runScheduledWork();
          assert.ok(scan.warnings + scan.breaches > 0, 'the scan raised an SLA alert');

          assert.deepEqual(await desk.get(c, t.id), before.detail);
          assert.deepEqual(await desk.list(c), before.list);
          // Staff saw every one of those changes.
          const row = (await desk.get(staff, t.id)).ticket;
          assert.ok(row.updatedAt > before.detail.ticket.updatedAt);
        },
        { config: { sla: { targets: { high: { firstResponse: { hours: 1 }, resolution: { hours: 4 } } } } } },
      ),
    );

    it(
      "a customer's updatedAt moves with replies they can read and status changes",
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        assert.deepEqual(t.updatedAt, t.createdAt);
        const replyAt = clock.minutes(30);
        await desk.addReply(staff, t.id, { body: 'Answer' });
        assert.deepEqual((await desk.get(c, t.id)).ticket.updatedAt, replyAt);
        const closedAt = clock.minutes(30);
        await desk.update(staff, t.id, { status: 'closed' });
        const [row] = (await desk.list(c)).items;
        assert.deepEqual(row!.updatedAt, closedAt);
        assert.deepEqual(row!.lastReplyAt, replyAt);
      }),
    );

    it(
      'an event addressed to the customer carries their view of it; no other event does',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.update(staff, t.id, { assigneeId: staff.id, status: 'in_progress' });
        await desk.addReply(staff, t.id, { body: 'Internal', internal: true });
        const reply = await desk.addReply(staff, t.id, { body: 'Public answer' });
        for (const e of events) {
          if (e.notify.customerId === null) {
            assert.equal(e.customer, null, `${e.type} is not for the customer`);
            continue;
          }
          assert.ok(e.customer, `${e.type} notifies the customer`);
          assert.deepEqual(keys(e.customer.ticket), TICKET_KEYS);
          if (e.customer.message) assert.deepEqual(keys(e.customer.message), MESSAGE_KEYS);
        }
        const toCustomer = events.filter((e) => e.customer !== null);
        assert.deepEqual(
          toCustomer.map((e) => e.type),
          ['ticket.status_changed', 'ticket.replied'],
        );
        const replied = toCustomer[1]!;
        assert.equal(replied.customer!.message!.id, reply.id);
        assert.deepEqual(replied.customer!.ticket, (await desk.get(c, t.id)).ticket);
      }),
    );

    it(
      'customers sort their list by creation only: the queue and update orders follow staff activity',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        await desk.create(c, { subject: 's', body: 'b' });
        await rejectsWith(desk.list(c, { sort: 'updated' }), 'validation', { field: 'sort' });
        await rejectsWith(desk.list(c, { sort: 'queue' }), 'validation', { field: 'sort' });
        assert.equal((await desk.list(c, { sort: 'oldest' })).items.length, 1);
      }),
    );
  });
}
