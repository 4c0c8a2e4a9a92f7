/**
 * Contract: routing rules (category -> department and/or assignee) on create and on
 * category change, what the request names winning over them, round-robin and least-open
 * assignment among a department's members, the reseller boundary, the audit trail naming
 * the rule, and the configuration checks.
 */
import { randomUUID } from 'node:crypto';
import { createTicketService, type TicketServiceOptions } from '../index.js';
import type { Directory } from '../types.js';
import {
  assert,
  customer,
  operator,
  rejectsWith,
  TestDirectory,
  withDesk,
  type ContractOptions,
  type Desk,
} from './harness.js';

const departments = [
  { id: 'billing', name: 'Billing' },
  { id: 'sales', name: 'Sales' },
  { id: 'support', name: 'Support', assign: 'round_robin' as const },
  { id: 'noc', name: 'Network operations', assign: 'least_open' as const },
];

/** The harness directory, plus the members of each department. */
function withMembers(directory: TestDirectory, members: Record<string, string[]>): Directory {
  return {
    getSubscriber: (id) => directory.getSubscriber(id),
    getStaff: (id) => directory.getStaff(id),
    listDepartmentMembers: (department) => members[department] ?? [],
  };
}

/** A service on the test's store with routing config and department members. */
function routedDesk(d: Desk, config: TicketServiceOptions['config'], members: Record<string, string[]> = {}) {
  return d.peer({ config, directory: withMembers(d.directory, members) });
}

export function routingTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('routing', () => {
    it(
      'a rule sends a category to its department and assignee on create; the audit names the rule, the assignee is told',
      withDesk(o, async (d) => {
        const desk = routedDesk(d, {
          departments,
          routing: [{ category: ['billing', 'request'], department: 'billing', assigneeId: 'agent-b' }],
        });
        const events: { type: string; staffIds: string[] }[] = [];
        desk.events.on('*', (_t, e) => events.push({ type: e.type, staffIds: e.notify.staffIds }));
        const c = customer();
        const routed = await desk.create(c, { subject: 'Invoice twice', body: 'b', category: 'billing' });
        assert.equal(routed.department, 'billing', 'the customer sees the department');
        const staffView = (await desk.get(operator(), routed.id)).ticket;
        assert.equal(staffView.department, 'billing');
        assert.equal(staffView.assigneeId, 'agent-b');
        const [created] = await desk.audit(operator(), routed.id);
        assert.equal(created!.action, 'created');
        assert.deepEqual(created!.changes.routing, {
          from: null,
          to: { rule: 0, department: 'billing', assigneeId: 'agent-b', by: 'rule' },
        });
        assert.deepEqual(created!.changes.assigneeId, { from: null, to: 'agent-b' });
        assert.deepEqual(created!.changes.department, { from: null, to: 'billing' });
        assert.deepEqual(events, [{ type: 'ticket.created', staffIds: ['agent-b'] }]);

        // The second category of the rule routes the same way; other categories not at all.
        const request = await desk.create(c, { subject: 'New plan', body: 'b', category: 'request' });
        assert.equal((await desk.get(operator(), request.id)).ticket.assigneeId, 'agent-b');
        const wifi = await desk.create(c, { subject: 'SSID', body: 'b', category: 'wifi' });
        const plain = (await desk.get(operator(), wifi.id)).ticket;
        assert.equal(plain.department, null);
        assert.equal(plain.assigneeId, null);
        assert.equal((await desk.audit(operator(), wifi.id))[0]!.changes.routing, undefined);
      }),
    );

    it(
      'a category change routes the ticket again, with a note and an assigned event; the audit names the rule',
      withDesk(o, async (d) => {
        const desk = routedDesk(d, { departments, routing: [{ category: 'billing', department: 'billing', assigneeId: 'agent-b' }] });
        const events: { type: string; staffIds: string[] }[] = [];
        desk.events.on('*', (_t, e) => events.push({ type: e.type, staffIds: e.notify.staffIds }));
        const c = customer();
        const t = await desk.create(c, { subject: 'Charged twice', body: 'b', category: 'other' });
        assert.equal((await desk.get(operator(), t.id)).ticket.assigneeId, null);
        events.length = 0;
        const updated = await desk.update(operator(), t.id, { category: 'billing' });
        assert.equal(updated.department, 'billing');
        assert.equal(updated.assigneeId, 'agent-b');
        const entry = (await desk.audit(operator(), t.id)).at(-1)!;
        assert.equal(entry.action, 'updated');
        assert.deepEqual(entry.changes.category, { from: 'other', to: 'billing' });
        assert.deepEqual(entry.changes.routing!.to, { rule: 0, department: 'billing', assigneeId: 'agent-b', by: 'rule' });
        assert.ok(events.some((e) => e.type === 'ticket.assigned' && e.staffIds.includes('agent-b')));
        const notes = (await desk.get(operator(), t.id)).messages.filter((m) => m.system).map((m) => m.system!.kind);
        assert.ok(notes.includes('assigned') && notes.includes('department_changed'), notes.join());
        // Staff-only: the customer's view does not move with the assignment.
        assert.equal((await desk.get(c, t.id)).ticket.updatedAt.getTime(), t.updatedAt.getTime());

        // A change to a category no rule names leaves department and assignee as they are.
        await desk.update(operator(), t.id, { category: 'wifi' });
        const after = (await desk.get(operator(), t.id)).ticket;
        assert.equal(after.department, 'billing');
        assert.equal(after.assigneeId, 'agent-b');
      }),
    );

    it(
      'what the request names wins over the rules: an explicit department, assignee or null',
      withDesk(o, async (d) => {
        const desk = routedDesk(
          d,
          { departments, routing: [{ category: 'billing', department: 'billing', assigneeId: 'agent-b' }] },
          { support: ['s-1', 's-2'] },
        );
        const c = customer();
        const staff = operator();
        const byHand = await desk.create(staff, { subject: 's', body: 'b', subscriberId: c.id, category: 'billing', assigneeId: 'agent-x' });
        assert.equal(byHand.assigneeId, 'agent-x', 'the explicit assignee');
        assert.equal(byHand.department, 'billing', 'the rule still routes what the request left open');
        const unassigned = await desk.create(staff, { subject: 's', body: 'b', subscriberId: c.id, category: 'billing', assigneeId: null });
        assert.equal(unassigned.assigneeId, null, 'an explicit null is a choice too');
        // The customer chose a department: the rule's assignee belongs to the rule's
        // department, so the chosen department's own assignment applies instead.
        const chosen = await desk.create(c, { subject: 's', body: 'b', category: 'billing', department: 'support' });
        const row = (await desk.get(operator(), chosen.id)).ticket;
        assert.equal(row.department, 'support');
        assert.equal(row.assigneeId, 's-1');
        const none = await desk.create(c, { subject: 's', body: 'b', category: 'billing', department: null });
        assert.equal((await desk.get(operator(), none.id)).ticket.department, null);

        // On update: the patch's own department and assignee win over the new category's rule.
        const t = await desk.create(c, { subject: 's', body: 'b', category: 'other' });
        const moved = await desk.update(staff, t.id, { category: 'billing', department: 'sales', assigneeId: 'agent-s' });
        assert.equal(moved.department, 'sales');
        assert.equal(moved.assigneeId, 'agent-s');
      }),
    );

    it(
      'round-robin takes a department’s members in turn, deterministically, skipping ids the directory does not know',
      withDesk(o, async (d) => {
        d.directory.strict = true;
        for (const id of ['s-1', 's-2', 's-3']) d.directory.staff.set(id, { id, name: id });
        const config = { departments, routing: [{ category: 'connectivity', department: 'support' }] };
        const members = { support: ['s-1', 'ghost', 's-2', 's-3', 's-1'] };
        const desk = routedDesk(d, config, members);
        const c = customer();
        d.directory.addSubscriber(c.id, null);
        const assignees: (string | null)[] = [];
        let last = '';
        for (let i = 0; i < 7; i++) {
          const t = await desk.create(c, { subject: `line ${i}`, body: 'down', category: 'connectivity' });
          assignees.push((await desk.get(operator(), t.id)).ticket.assigneeId);
          last = t.id;
        }
        assert.deepEqual(assignees, ['s-1', 's-2', 's-3', 's-1', 's-2', 's-3', 's-1']);
        const [created] = await desk.audit(operator(), last);
        assert.deepEqual(created!.changes.routing!.to, { rule: 0, department: 'support', assigneeId: 's-1', by: 'round_robin' });
        // A create that rolls back (its ticket id is taken) gives its turn back.
        let clashed = false;
        const clashing = d.peer({
          config,
          directory: withMembers(d.directory, members),
          generateId: () => (clashed ? randomUUID() : ((clashed = true), last)),
        });
        await rejectsWith(clashing.create(c, { subject: 'dup', body: 'b', category: 'connectivity' }), 'conflict');
        const next = await desk.create(c, { subject: 'after the rollback', body: 'b', category: 'connectivity' });
        assert.equal((await desk.get(operator(), next.id)).ticket.assigneeId, 's-2');
        // A ticket already assigned keeps its assignee when its category routes it to the department it is in.
        const held = await desk.create(operator(), { subject: 's', body: 'b', subscriberId: c.id, category: 'wifi', department: 'support', assigneeId: 's-3' });
        assert.equal((await desk.update(operator(), held.id, { category: 'connectivity' })).assigneeId, 's-3');
        // One routed in from elsewhere gets the department's next member.
        const elsewhere = await desk.create(operator(), { subject: 's', body: 'b', subscriberId: c.id, category: 'wifi', assigneeId: 's-1' });
        const movedIn = await desk.update(operator(), elsewhere.id, { category: 'connectivity' });
        assert.equal(movedIn.department, 'support');
        assert.equal(movedIn.assigneeId, 's-3');
      }),
    );

    it(
      'least-open gives the ticket to the member with the fewest unresolved tickets (ties: the directory’s order)',
      withDesk(o, async (d) => {
        const desk = routedDesk(d, { departments, routing: [{ category: 'connectivity', department: 'noc' }] }, {
          noc: ['n-1', 'n-2', 'n-3'],
        });
        const c = customer();
        const staff = operator(['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply', 'tickets.delete']);
        const give = (assigneeId: string, status?: 'resolved' | 'pending') =>
          desk.create(staff, { subject: 's', body: 'b', subscriberId: c.id, category: 'wifi', assigneeId, ...(status ? { status } : {}) });
        await give('n-1');
        await give('n-1');
        await give('n-2', 'pending');
        await give('n-3');
        // Resolved tickets are not open work.
        await give('n-2', 'resolved');
        await give('n-2', 'resolved');
        const first = await desk.create(c, { subject: 'slow', body: 'b', category: 'connectivity' });
        assert.equal((await desk.get(staff, first.id)).ticket.assigneeId, 'n-2', 'n-2 and n-3 hold one each; n-2 is listed first');
        const second = await desk.create(c, { subject: 'slow', body: 'b', category: 'connectivity' });
        assert.equal((await desk.get(staff, second.id)).ticket.assigneeId, 'n-3');
        const [created] = await desk.audit(staff, second.id);
        assert.equal((created!.changes.routing!.to as { by: string }).by, 'least_open');
        // Resolving frees a member.
        await desk.update(staff, first.id, { status: 'resolved' });
        const third = await desk.create(c, { subject: 'slow', body: 'b', category: 'connectivity' });
        assert.equal((await desk.get(staff, third.id)).ticket.assigneeId, 'n-2');
      }),
    );

    it(
      'routing never gives a reseller’s ticket to another reseller’s staff, nor an operator-addressed ticket to reseller staff',
      withDesk(o, async (d) => {
        d.directory.staff.set('op-1', { id: 'op-1', name: 'Op', resellerId: null });
        d.directory.staff.set('r1-agent', { id: 'r1-agent', name: 'R1', resellerId: 'r1' });
        d.directory.staff.set('r2-agent', { id: 'r2-agent', name: 'R2', resellerId: 'r2' });
        const desk = routedDesk(
          d,
          {
            departments,
            routing: [
              { category: 'connectivity', department: 'support' },
              { category: 'billing', department: 'billing', assigneeId: 'r2-agent' },
            ],
          },
          { support: ['r2-agent', 'r1-agent', 'op-1'] },
        );
        const c1 = customer(undefined, 'r1');
        const c0 = customer();
        const assigned = async (c: typeof c1, extra: { addressedTo?: 'operator' } = {}) => {
          const t = await desk.create(c, { subject: 's', body: 'b', category: 'connectivity', ...extra });
          return (await desk.get(operator(), t.id)).ticket.assigneeId;
        };
        assert.deepEqual([await assigned(c1), await assigned(c1), await assigned(c1)], ['r1-agent', 'op-1', 'r1-agent']);
        assert.equal(await assigned(c0), 'op-1', 'operator-level subscribers: operator staff only');
        assert.equal(await assigned(c1, { addressedTo: 'operator' }), 'op-1', 'over the reseller’s head: operator staff only');
        // A rule naming another reseller's staff member routes the department, not the assignee.
        const t = await desk.create(c1, { subject: 's', body: 'b', category: 'billing' });
        const row = (await desk.get(operator(), t.id)).ticket;
        assert.equal(row.department, 'billing');
        assert.equal(row.assigneeId, null);
        // The same rule assigns r2's own subscribers.
        const t2 = await desk.create(customer(undefined, 'r2'), { subject: 's', body: 'b', category: 'billing' });
        assert.equal((await desk.get(operator(), t2.id)).ticket.assigneeId, 'r2-agent');
      }),
    );

    it(
      'the configuration is checked: rules name configured categories and departments, once each; assign needs the directory’s members',
      withDesk(o, async ({ store, clock, tenantId }) => {
        const make = (config: TicketServiceOptions['config'], directory?: Directory) =>
          createTicketService({ store, tenantId, clock: clock.now, config, ...(directory ? { directory } : {}) });
        const bad = (config: TicketServiceOptions['config'], field: string) => {
          try {
            make(config);
          } catch (err) {
            assert.equal((err as { code?: string }).code, 'config', String(err));
            assert.equal((err as { params: { field: string } }).params.field, field, String(err));
            return;
          }
          assert.fail(`expected a config error at ${field}`);
        };
        bad({ departments, routing: [{ category: 'bogus', department: 'billing' }] }, 'routing.0.category');
        bad({ departments, routing: [{ category: ['billing', 'bogus'], department: 'billing' }] }, 'routing.0.category.1');
        bad({ departments, routing: [{ category: 'billing', department: 'nowhere' }] }, 'routing.0.department');
        bad({ departments, routing: [{ category: 'billing' }] as never }, 'routing.0');
        bad(
          { departments, routing: [{ category: 'billing', department: 'billing' }, { category: ['wifi', 'billing'], assigneeId: 'x' }] },
          'routing.1.category.1',
        );
        bad({ departments: [{ id: 'd', name: 'D', assign: 'randomly' as never }] }, 'departments.0.assign');

        // A department that assigns needs members: refused when the service is created, or
        // at the latest when a ticket would be routed there (with nothing written).
        const config = { departments, routing: [{ category: 'connectivity', department: 'support' }] };
        let desk;
        try {
          desk = make(config, { getSubscriber: (id) => ({ id, resellerId: null }), getStaff: (id) => ({ id }) });
        } catch (err) {
          assert.equal((err as { code?: string }).code, 'config', String(err));
          return;
        }
        await rejectsWith(desk.create(customer(), { subject: 's', body: 'b', category: 'connectivity' }), 'config', {
          field: 'departments.2.assign',
        });
        assert.equal((await desk.list(operator())).items.length, 0);
      }),
    );
  });
}
