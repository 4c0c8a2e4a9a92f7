/**
 * Contract: the addressed level (seed 002) — a ticket addressed to the subscriber's
 * reseller or straight to the operator, reseller staff opening tickets of their own to
 * the operator and reading them as customers would — and the customer-facing status
 * labels (`config.customerStatuses`, seeds 003 and 004).
 */
import { resellerRequester } from '../service/addressed-level.js';
import { createTicketService, customerStatusLabel } from '../index.js';
import {
  ALL,
  assert,
  customer,
  operator,
  rejectsWith,
  resellerStaff,
  ticketRow,
  withDesk,
  type ContractOptions,
} from './harness.js';

export function addressingTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('addressed level', () => {
    it(
      'a ticket goes to the subscriber’s reseller by default, or straight to the operator, over the reseller’s head',
      withDesk(o, async ({ desk, clock }) => {
        const c1 = customer(undefined, 'r1');
        const c0 = customer();
        const toReseller = await desk.create(c1, { subject: 'via reseller', body: 'b' });
        clock.minutes(1);
        const toOperator = await desk.create(c1, { subject: 'over their head', body: 'b', addressedTo: 'operator' });
        clock.minutes(1);
        const own = await desk.create(c0, { subject: 'operator subscriber', body: 'b' });
        const op = operator();
        assert.equal((await desk.get(op, toReseller.id)).ticket.addressedTo, 'reseller');
        assert.equal((await desk.get(op, toOperator.id)).ticket.addressedTo, 'operator');
        assert.equal((await desk.get(op, own.id)).ticket.addressedTo, 'operator');
        await rejectsWith(desk.create(c0, { subject: 's', body: 'b', addressedTo: 'reseller' }), 'validation', {
          field: 'addressedTo',
        });

        // The reseller's staff see what is addressed to them, not what went over their head.
        const r1 = resellerStaff('r1');
        assert.deepEqual(
          (await desk.list(r1)).items.map((t) => t.id),
          [toReseller.id],
        );
        await rejectsWith(desk.get(r1, toOperator.id), 'not_found');
        await rejectsWith(desk.addReply(r1, toOperator.id, { body: 'x' }), 'not_found');
        await rejectsWith(desk.update(r1, toOperator.id, { priority: 'high' }), 'not_found');
        assert.equal((await desk.getStats(r1)).counts.open, 1);
        // view_all and the operator see both; staff filter by level.
        const central = resellerStaff('r1', ['tickets.view', 'tickets.view_all']);
        assert.equal((await desk.list(central)).items.length, 3);
        assert.deepEqual(
          (await desk.list(op, { addressedTo: 'operator', sort: 'oldest' })).items.map((t) => t.id),
          [toOperator.id, own.id],
        );
        assert.deepEqual(
          (await desk.list(op, { addressedTo: 'reseller' })).items.map((t) => t.id),
          [toReseller.id],
        );
        // The customer sees both of their tickets, whoever they went to.
        assert.equal((await desk.list(c1)).items.length, 2);
        await desk.addReply(op, toOperator.id, { body: 'the operator answers' });
        assert.equal((await desk.get(c1, toOperator.id)).messages.length, 2);
      }),
    );

    it(
      'a ticket addressed to the operator is never assigned to the reseller’s staff, who could not see it',
      withDesk(o, async ({ desk, directory }) => {
        directory.staff.set('r1-agent', { id: 'r1-agent', name: 'R1', resellerId: 'r1' });
        const c1 = customer(undefined, 'r1');
        await rejectsWith(
          desk.create(operator(), { subject: 's', body: 'b', subscriberId: c1.id, addressedTo: 'operator', assigneeId: 'r1-agent' }),
          'validation',
          { field: 'assigneeId' },
        );
        const t = await desk.create(operator(), { subject: 's', body: 'b', subscriberId: c1.id, assigneeId: 'r1-agent' });
        assert.equal(t.assigneeId, 'r1-agent');
        assert.equal(t.addressedTo, 'reseller');
        // Nor later, by update.
        const up = await desk.create(c1, { subject: 's', body: 'b', addressedTo: 'operator' });
        await rejectsWith(desk.update(operator(), up.id, { assigneeId: 'r1-agent' }), 'validation', { field: 'assigneeId' });
        assert.equal((await desk.get(operator(), up.id)).ticket.assigneeId, null);
        // Reseller staff open their subscribers' tickets at their own level.
        await rejectsWith(
          desk.create(resellerStaff('r1'), { subject: 's', body: 'b', subscriberId: c1.id, addressedTo: 'operator' }),
          'validation',
          { field: 'addressedTo' },
        );
      }),
    );

    it(
      'reseller staff open a request of their own to the operator, read and answer it as customers would; the operator’s staff answer',
      withDesk(o, async ({ desk, directory }) => {
        const alice = resellerStaff('r1', ['tickets.view', 'tickets.create', 'tickets.reply'], 'r1-alice');
        const bob = resellerStaff('r1', ['tickets.view', 'tickets.reply'], 'r1-bob');
        const eve = resellerStaff('r2', undefined, 'r2-eve');
        for (const s of [alice, bob, eve]) directory.staff.set(s.id, { id: s.id, name: s.name!, resellerId: s.resellerId! });
        const asAlice = resellerRequester(alice);
        const asBob = resellerRequester(bob);

        const opened = await desk.create(asAlice, { subject: 'Our uplink flaps', body: 'since 9:00' });
        assert.equal((opened as { assigneeId?: unknown }).assigneeId, undefined, 'the customer’s view');
        assert.equal(opened.status, 'open');
        const op = operator();
        const row = (await desk.get(op, opened.id)).ticket;
        assert.equal(row.requesterResellerId, 'r1');
        assert.equal(row.resellerId, null, 'owned at operator level');
        assert.equal(row.subscriberId, 'r1', 'the reseller is the operator’s customer');
        assert.equal(row.addressedTo, 'operator');
        assert.equal(row.createdByType, 'customer');
        assert.equal(row.createdById, alice.id);
        assert.equal(row.firstResponseAt, null, 'it waits for the operator’s answer');

        // The operator's staff answer, and keep a note to themselves.
        await desk.addReply(op, opened.id, { body: 'Looking at the port', internal: true });
        await desk.addReply(op, opened.id, { body: 'Replaced the optic' });
        // Every staff member of the reseller reads it as a customer: no notes, no staff ids.
        const read = await desk.get(asBob, opened.number);
        assert.deepEqual(
          read.messages.map((m) => m.body),
          ['since 9:00', 'Replaced the optic'],
        );
        assert.equal((read.ticket as { assigneeId?: unknown }).assigneeId, undefined);
        assert.equal(read.ticket.status, 'pending');
        assert.deepEqual(
          (await desk.list(asBob)).items.map((t) => t.id),
          [opened.id],
        );
        const reply = await desk.addReply(asBob, opened.id, { body: 'Flapping again' });
        assert.equal(reply.ticket.status, 'open', 'a customer reply reopens');
        assert.equal(reply.authorType, 'customer');

        // Not in the reseller's staff queue, and nobody else's.
        assert.equal((await desk.list(alice)).items.length, 0);
        await rejectsWith(desk.get(alice, opened.id), 'not_found');
        await rejectsWith(desk.get(resellerRequester(eve), opened.id), 'not_found');
        assert.equal((await desk.list(resellerRequester(eve))).items.length, 0);
        await rejectsWith(desk.get(eve, opened.id), 'not_found');
        // A subscriber whose id happens to equal the reseller's id sees none of it.
        const namesake = customer('r1');
        assert.equal((await desk.list(namesake)).items.length, 0);
        await rejectsWith(desk.get(namesake, opened.id), 'not_found');
        await rejectsWith(desk.addReply(namesake, opened.id, { body: 'x' }), 'not_found');
        // And the requester sees none of the reseller's subscribers' tickets.
        const sub = await desk.create(customer(undefined, 'r1'), { subject: 'sub', body: 'b' });
        await rejectsWith(desk.get(asAlice, sub.id), 'not_found');
        assert.equal((await desk.list(alice)).items[0]!.id, sub.id);
      }),
    );

    it(
      'reseller staff may also open the request as staff (addressedTo operator, no subscriber); the directory must know them',
      withDesk(o, async ({ desk, directory }) => {
        const alice = resellerStaff('r1', ['tickets.view', 'tickets.create', 'tickets.reply'], 'r1-alice');
        directory.staff.set(alice.id, { id: alice.id, name: 'Alice', resellerId: 'r1' });
        const t = await desk.create(alice, { subject: 'Need more IPs', body: 'a /29 please', addressedTo: 'operator' });
        assert.equal(t.requesterResellerId, 'r1');
        assert.equal(t.createdByType, 'customer', 'filed as the reseller, a customer of the operator');
        assert.equal(t.firstResponseAt, null);
        assert.equal((await desk.get(resellerRequester(alice), t.id)).ticket.subject, 'Need more IPs');
        await rejectsWith(
          desk.create(resellerStaff('r1', ['tickets.view'], 'r1-alice'), { subject: 's', body: 'b', addressedTo: 'operator' }),
          'forbidden',
        );
        await rejectsWith(desk.create(resellerRequester(alice), { subject: 's', body: 'b', addressedTo: 'reseller' }), 'validation', {
          field: 'addressedTo',
        });
        // The directory, not the session, says whose staff someone is.
        const mallory = resellerStaff('r2', ALL, 'r1-mallory');
        directory.staff.set(mallory.id, { id: mallory.id, name: 'M', resellerId: 'r1' });
        await rejectsWith(desk.create(resellerRequester(mallory), { subject: 's', body: 'b' }), 'forbidden');
        await rejectsWith(desk.create(resellerRequester(resellerStaff('r1')), { subject: 's', body: 'b' }), 'forbidden');
        // Operator staff have nobody above them.
        assert.throws(() => resellerRequester(operator()), (e: unknown) => (e as { code?: string }).code === 'validation');
      }),
    );
  });

  describe('customer status labels', () => {
    it(
      'by default a customer sees new / under_review / awaiting_response / closed / archived, never moved by assignment',
      withDesk(o, async ({ desk, store, tenantId }) => {
        const c = customer();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const label = async () => (await desk.get(c, t.id)).ticket.label;
        assert.equal(t.label, 'new');
        await desk.update(operator(), t.id, { assigneeId: 'agent-1' });
        assert.equal(await label(), 'new', 'assignment is staff-only');
        await desk.update(operator(), t.id, { status: 'in_progress' });
        assert.equal(await label(), 'under_review');
        await desk.update(operator(), t.id, { status: 'on_hold' });
        assert.equal(await label(), 'under_review');
        await desk.addReply(operator(), t.id, { body: 'try a reboot' });
        assert.equal(await label(), 'awaiting_response');
        assert.equal((await desk.list(c)).items[0]!.label, 'awaiting_response', 'list rows carry it');
        const replied = await desk.addReply(c, t.id, { body: 'did not help' });
        assert.equal(replied.ticket.label, 'new');
        await desk.update(operator(), t.id, { status: 'resolved' });
        assert.equal(await label(), 'closed');
        const closed = await desk.update(c, t.id, { status: 'closed' });
        assert.equal(closed.label, 'closed');
        const archived = ticketRow(tenantId, { subscriberId: c.id, status: 'closed', archived: true });
        await store.transaction((tx) => tx.insertTicket(tenantId, archived));
        assert.equal((await desk.get(c, archived.id)).ticket.label, 'archived');
      }),
    );

    it(
      'a host maps statuses to its own labels: NoxPanel’s Nuevo (open, unassigned) / Abierto, or new until staff answer',
      withDesk(o, async ({ peer }) => {
        const nox = peer({
          config: {
            customerStatuses: [
              { label: 'Nuevo', status: ['open'], assigned: false },
              { label: 'Abierto', status: ['open', 'in_progress'] },
              { label: 'Pendiente Cliente', status: ['pending'] },
              { label: 'En Espera', status: ['on_hold'] },
              { label: 'Resuelto', status: ['resolved'] },
              { label: 'Cerrado', status: ['closed'] },
            ],
          },
        });
        const c = customer();
        const t = await nox.create(c, { subject: 's', body: 'b' });
        assert.equal(t.label, 'Nuevo');
        await nox.update(operator(), t.id, { assigneeId: 'agente-1' });
        assert.equal((await nox.get(c, t.id)).ticket.label, 'Abierto', 'the host chose to show assignment');
        await nox.update(operator(), t.id, { status: 'on_hold' });
        assert.equal((await nox.list(c)).items[0]!.label, 'En Espera');

        const answered = peer({
          config: {
            customerStatuses: [
              { label: 'archived', archived: true },
              { label: 'new', status: ['open'], answered: false },
              { label: 'awaiting_response', status: ['pending', 'resolved'] },
              { label: 'closed', status: ['closed'] },
              { label: 'under_review' },
            ],
          },
        });
        const u = await answered.create(c, { subject: 's', body: 'b' });
        assert.equal(u.label, 'new');
        await answered.addReply(operator(), u.id, { body: 'on it' });
        assert.equal((await answered.get(c, u.id)).ticket.label, 'awaiting_response');
        assert.equal((await answered.addReply(c, u.id, { body: 'still broken' })).ticket.label, 'under_review');
        // A staff note answers nobody.
        const v = await answered.create(c, { subject: 's', body: 'b' });
        await answered.addReply(operator(), v.id, { body: 'note', internal: true });
        assert.equal((await answered.get(c, v.id)).ticket.label, 'new');
      }),
    );

    it(
      'the label rules are checked, and customerStatusLabel falls back to the status itself',
      withDesk(o, async ({ store }) => {
        const bad = (customerStatuses: unknown, field: string) => {
          assert.throws(
            () => createTicketService({ store, config: { customerStatuses: customerStatuses as never } }),
            (e: unknown) => (e as { code?: string; params?: { field?: string } }).code === 'config' &&
              (e as { params: { field: string } }).params.field === field,
            field,
          );
        };
        bad([{ label: 'x', status: ['bogus'] }], 'customerStatuses.0.status.0');
        bad([{ label: '' }], 'customerStatuses.0.label');
        bad([{ label: 'x', assigned: 'yes' }], 'customerStatuses.0.assigned');
        bad([{ label: 'all' }, { label: 'never', status: ['open'] }], 'customerStatuses.1');
        bad([], 'customerStatuses');
        const rules = [{ label: 'waiting', status: ['pending' as const] }];
        assert.equal(customerStatusLabel(rules, { status: 'pending', archived: false }), 'waiting');
        assert.equal(customerStatusLabel(rules, { status: 'on_hold', archived: false }), 'on_hold');
        assert.throws(() => customerStatusLabel(null as never, { status: 'open', archived: false }), (e: unknown) => (e as { code?: string }).code === 'validation');
      }),
    );
  });
}
