/**
 * Contract: rules that close holes — malformed actors fail closed, resellers stay inside
 * their own subscribers, replies only change status as allowed, deleted and archived
 * tickets behave, events never leave before commit.
 */
import { TicketError } from '../errors.js';
import {
  assert,
  customer,
  operator,
  rejectsWith,
  resellerStaff,
  ticketRow,
  withDesk,
  type ContractOptions,
} from './harness.js';

export function ruleTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('rules', () => {
    it(
      'a malformed actor fails closed with a validation error, never with wider access',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const t = await desk.create(c, { subject: 'private', body: 'my secret' });
        const ghost = { kind: 'customer', id: undefined } as never;
        await rejectsWith(desk.list(ghost), 'validation', { field: 'actor.id' });
        await rejectsWith(desk.get(ghost, t.number), 'validation', { field: 'actor.id' });
        await rejectsWith(desk.addReply(ghost, t.id, { body: 'x' }), 'validation', { field: 'actor.id' });
        await rejectsWith(desk.create({ kind: 'admin', id: 'x' } as never, { subject: 's', body: 'b' }), 'validation');
        await rejectsWith(desk.get({ kind: 'staff', id: 's' } as never, t.id), 'validation', { field: 'actor.permissions' });
        await rejectsWith(desk.get(null as never, t.id), 'validation');
        await rejectsWith(
          desk.get(operator(['tickets.view', 'tickets.superpower' as never]), t.id),
          'validation',
          { field: 'actor.permissions.1' },
        );
        await rejectsWith(desk.get(operator(), t.id, { ip: 42 } as never), 'validation', { field: 'context.ip' });
        assert.equal((await desk.get(c, t.id)).messages.length, 1);
      }),
    );

    it(
      'reseller staff open tickets for subscribers only through a directory that vouches for them',
      withDesk(o, async ({ peer }) => {
        const blind = peer({ directory: undefined });
        await rejectsWith(
          blind.create(resellerStaff('r1'), { subject: 's', body: 'b', subscriberId: 'sub-of-r2' }),
          'config',
          { field: 'directory' },
        );
        // Operator staff may still file at operator level without a directory.
        const t = await blind.create(operator(), { subject: 's', body: 'b', subscriberId: 'sub-x' });
        assert.equal(t.resellerId, null);
        assert.equal((await blind.list(resellerStaff('r2'))).items.length, 0);
      }),
    );

    it(
      'a ticket cannot be assigned to another reseller’s staff',
      withDesk(o, async ({ desk, directory, events }) => {
        directory.staff.set('r2-agent', { id: 'r2-agent', name: 'R2', resellerId: 'r2' });
        directory.staff.set('r1-agent', { id: 'r1-agent', name: 'R1', resellerId: 'r1' });
        directory.staff.set('op-agent', { id: 'op-agent', name: 'Op', resellerId: null });
        const t = await desk.create(customer(undefined, 'r1'), { subject: 's', body: 'b' });
        const r1 = resellerStaff('r1');
        await rejectsWith(desk.update(r1, t.id, { assigneeId: 'r2-agent' }), 'validation', { field: 'assigneeId' });
        assert.ok(!events.some((e) => e.notify.staffIds.includes('r2-agent')));
        assert.equal((await desk.update(r1, t.id, { assigneeId: 'r1-agent' })).assigneeId, 'r1-agent');
        assert.equal((await desk.update(operator(), t.id, { assigneeId: 'op-agent' })).assigneeId, 'op-agent');
        await rejectsWith(
          desk.create(operator(), { subject: 's', body: 'b', subscriberId: 'sub-op', assigneeId: 'r2-agent' }),
          'validation',
          { field: 'assigneeId' },
        );
      }),
    );

    it(
      'a reply may resolve (or wait on the customer); any other status needs tickets.edit, and an internal note never carries one',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const replier = operator(['tickets.view', 'tickets.reply']);
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await rejectsWith(desk.addReply(replier, t.id, { body: 'x', status: 'closed' }), 'forbidden');
        await rejectsWith(desk.addReply(replier, t.id, { body: 'x', status: 'on_hold' }), 'forbidden');
        await rejectsWith(desk.addReply(operator(), t.id, { body: 'x', internal: true, status: 'closed' }), 'validation', {
          field: 'status',
        });
        assert.equal((await desk.get(c, t.id)).ticket.status, 'open');
        await desk.addReply(replier, t.id, { body: 'done', status: 'resolved' });
        assert.equal((await desk.get(c, t.id)).ticket.status, 'resolved');
        await desk.addReply(operator(), t.id, { body: 'parking it', status: 'on_hold' });
        assert.equal((await desk.get(c, t.id)).ticket.status, 'on_hold');
      }),
    );

    it(
      'a system reply is not a first response, nor is a ticket the system opens',
      withDesk(o, async ({ desk }) => {
        const opened = await desk.create({ kind: 'system' }, { subject: 'Line down detected', body: 'b', subscriberId: 'sub-9' });
        assert.equal(opened.firstResponseAt, null);
        assert.equal(opened.createdByType, 'system');
        assert.ok(opened.firstResponseDueAt);
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        await desk.addReply({ kind: 'system' }, t.id, { body: 'We received your request' });
        const now = (await desk.get(operator(), t.id)).ticket;
        assert.equal(now.firstResponseAt, null);
        assert.equal(now.status, 'open', 'an automated message waits on nobody');
        assert.equal(now.sla.firstResponseMet, null);
        assert.ok(now.firstResponseDueAt, 'the first-response clock still runs');
      }),
    );

    it(
      'a deleted ticket reads as not found and refuses every change with invalid_transition',
      withDesk(o, async ({ desk, store, tenantId }) => {
        const c = customer();
        const row = ticketRow(tenantId, { subscriberId: c.id, deletedAt: new Date('2026-03-01T00:00:00Z') });
        await store.transaction((tx) => tx.insertTicket(row.tenantId, row));
        const staff = operator();
        await rejectsWith(desk.get(staff, row.id), 'not_found');
        assert.equal((await desk.list(staff)).items.length, 0);
        await rejectsWith(desk.addReply(c, row.id, { body: 'hello?' }), 'invalid_transition');
        await rejectsWith(desk.update(staff, row.id, { status: 'open' }), 'invalid_transition');
        const stored = await store.findTicket({ tenantId, visibility: 'staff', includeDeleted: true }, row.id);
        assert.equal(stored!.version, 1);
      }),
    );

    it(
      'archived is a flag on closed tickets: any move out of closed un-archives',
      withDesk(o, async ({ desk, store, tenantId }) => {
        const c = customer();
        const staff = operator();
        const a = ticketRow(tenantId, { subscriberId: c.id, status: 'closed', archived: true, number: 'A-1' });
        const b = ticketRow(tenantId, { subscriberId: c.id, status: 'closed', archived: true, number: 'A-2' });
        const d = ticketRow(tenantId, { subscriberId: c.id, status: 'closed', archived: true, number: 'A-3' });
        await store.transaction(async (tx) => {
          for (const row of [a, b, d]) await tx.insertTicket(row.tenantId, row);
        });
        assert.deepEqual(
          (await desk.list(staff, { archived: true, sort: 'oldest' })).items.map((t) => t.number).sort(),
          ['A-1', 'A-2', 'A-3'],
        );
        await desk.addReply(c, a.id, { body: 'it is back' });
        await desk.addReply(staff, b.id, { body: 'one more thing' });
        await desk.update(staff, d.id, { status: 'resolved' });
        for (const [id, status] of [
          [a.id, 'open'],
          [b.id, 'pending'],
          [d.id, 'resolved'],
        ] as const) {
          const t = (await desk.get(staff, id)).ticket;
          assert.equal(t.status, status);
          assert.equal(t.archived, false, `${status} ticket still archived`);
        }
        assert.equal((await desk.list(staff, { archived: true })).items.length, 0);
        assert.equal((await desk.list(staff, { archived: false })).items.length, 3);
      }),
    );

    it(
      'events are emitted after the transaction has ended, never inside it',
      withDesk(o, async ({ desk, store }) => {
        const probes: Promise<string>[] = [];
        desk.events.on('*', () => {
          // Inside a transaction a new one cannot start (transactions do not nest).
          probes.push(
            store.transaction(async () => undefined).then(
              () => 'outside',
              (e: unknown) => (TicketError.is(e, 'config') ? 'inside' : `error: ${String(e)}`),
            ),
          );
        });
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        await desk.update(operator(), t.id, { priority: 'high', assigneeId: 'someone' });
        assert.deepEqual(await Promise.all(probes), ['outside', 'outside', 'outside']);
      }),
    );

    it(
      'a store honours the scope in listMessages too',
      withDesk(o, async ({ desk, store, tenantId }) => {
        const a = customer();
        const t = await desk.create(a, { subject: 's', body: 'b' });
        const other = { tenantId, subscriberId: 'someone-else', visibility: 'customer' as const };
        assert.deepEqual(await store.listMessages(other, t.id), []);
        assert.deepEqual(await store.listMessages({ tenantId, resellerId: 'r9', visibility: 'staff' }, t.id), []);
        assert.equal((await store.listMessages({ tenantId, subscriberId: a.id, visibility: 'customer' }, t.id)).length, 1);
      }),
    );
  });
}
