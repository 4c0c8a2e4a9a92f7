/**
 * Contract: what a caller gets for bad input, bad options and failing host callbacks
 * (always a typed error that says what to fix), and the rules of who may set what.
 */
import { TicketError } from '../errors.js';
import { createTicketService } from '../index.js';
import {
  assert,
  customer,
  operator,
  rejectsWith,
  resellerStaff,
  withDesk,
  type ContractOptions,
} from './harness.js';

export function serviceInputTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('inputs, options and host callbacks', () => {
    it(
      'a form gets every invalid field at once, enum errors list the allowed values, messages fit the operation',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const e = await rejectsWith(desk.create(c, { subject: ' ', body: '', priority: 5 as never }), 'validation');
        assert.ok(TicketError.is(e, 'validation'));
        assert.deepEqual(e.issues.map((i) => i.field).sort(), ['body', 'priority', 'subject']);
        assert.equal(e.field, e.issues[0]!.field);

        const bad = await rejectsWith(desk.list(operator(), { status: 'nope' as never }), 'validation', { field: 'status' });
        for (const status of ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed']) {
          assert.match(bad.message, new RegExp(status));
        }
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const empty = await rejectsWith(desk.addReply(c, t.id, { body: '   ' }), 'validation', { field: 'body' });
        assert.doesNotMatch(empty.message, /Subject/);
        await rejectsWith(
          desk.getStats(operator(), { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
          'validation',
          { field: 'to' },
        );
      }),
    );

    it(
      'a ticket number is found in any letter case, in every operation that takes one',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const lower = t.number.toLowerCase();
        assert.notEqual(lower, t.number);
        assert.equal((await desk.get(c, lower)).ticket.id, t.id);
        assert.equal((await desk.addReply(staff, lower, { body: 'hi' })).ticketId, t.id);
        assert.equal((await desk.update(staff, lower, { priority: 'high' })).id, t.id);
        assert.ok((await desk.audit(staff, lower)).length >= 3);
        await rejectsWith(desk.get(customer(), lower), 'not_found');
      }),
    );

    it(
      'flushEvents and runScheduledWork refuse malformed options with a validation error',
      withDesk(o, async ({ desk }) => {
        await rejectsWith(desk.flushEvents({ limit: -5 }), 'validation', { field: 'limit' });
        await rejectsWith(desk.flushEvents({ limit: 'x' as never }), 'validation', { field: 'limit' });
        await rejectsWith(desk.flushEvents(null as never), 'validation');
        await rejectsWith(desk.runScheduledWork({ limit: 0 }), 'validation', { field: 'limit' });
        assert.equal(await desk.flushEvents(), 0);
      }),
    );

    it(
      'createTicketService refuses bad options with a config error naming the option',
      withDesk(o, async ({ store }) => {
        const refused = (options: unknown, field: string) => {
          let caught: unknown;
          try {
            createTicketService(options as never);
          } catch (err) {
            caught = err;
          }
          assert.ok(TicketError.is(caught, 'config'), `expected a config error for ${field}, got ${String(caught)}`);
          assert.equal(caught.params.field, field);
        };
        refused(undefined, 'options');
        refused({}, 'store');
        refused({ store: {} }, 'store');
        for (const tenantId of ['', {}, 42]) refused({ store, tenantId }, 'tenantId');
        refused({ store, clock: new Date() }, 'clock');
        refused({ store, generateId: 'id' }, 'generateId');
        refused({ store, directory: { getSubscriber: () => null } }, 'directory');
        refused({ store, config: { priorities: [] } }, 'priorities');
      }),
    );

    it(
      'a failing host callback reaches the caller as a typed error with the original as cause, and writes nothing',
      withDesk(o, async ({ desk, peer }) => {
        const boom = new Error('directory down');
        const broken = peer({
          directory: {
            getSubscriber: () => {
              throw boom;
            },
            getStaff: async () => {
              throw boom;
            },
          },
        });
        const e = await rejectsWith(broken.create(operator(), { subject: 's', body: 'b', subscriberId: 'sub-1' }), 'internal');
        assert.equal(e.cause, boom);
        assert.equal(e.params.callback, 'directory.getSubscriber');
        const t = await desk.create(operator(), { subject: 's', body: 'b', subscriberId: 'sub-1' });
        await rejectsWith(broken.update(operator(), t.id, { assigneeId: 'agent-1' }), 'internal');
        assert.equal((await desk.list(operator())).items.length, 1);

        const badClock = peer({ clock: () => 'tomorrow' as never });
        await rejectsWith(badClock.create(customer(), { subject: 's', body: 'b' }), 'config', { field: 'clock' });
        const badIds = peer({ generateId: () => '' });
        await rejectsWith(badIds.create(customer(), { subject: 's', body: 'b' }), 'config', { field: 'generateId' });
        assert.equal((await desk.list(operator())).items.length, 1);
      }),
    );

    it(
      "the directory, not the customer's session, says which reseller a subscriber belongs to",
      withDesk(o, async ({ desk, directory }) => {
        const c = customer(undefined, 'r2'); // the session claims reseller r2
        directory.addSubscriber(c.id, 'r1'); // the host's records say r1
        const t = await desk.create(c, { subject: 's', body: 'b' });
        assert.equal((await desk.get(operator(), t.id)).ticket.resellerId, 'r1');
        assert.equal((await desk.list(resellerStaff('r1'))).items.length, 1);
        assert.equal((await desk.list(resellerStaff('r2'))).items.length, 0);
        directory.strict = true;
        await rejectsWith(desk.create(customer(), { subject: 's', body: 'b' }), 'forbidden');
      }),
    );

    it(
      'an unknown staff id and another reseller’s staff member are refused as assignees with the same answer',
      withDesk(o, async ({ desk, directory }) => {
        directory.strict = true;
        directory.staff.set('rs-other', { id: 'rs-other', name: 'Other', resellerId: 'r2' });
        const c = customer(undefined, 'r1');
        directory.addSubscriber(c.id, 'r1');
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const agent = resellerStaff('r1');
        const unknown = await rejectsWith(desk.update(agent, t.id, { assigneeId: 'rs-ghost' }), 'validation', {
          field: 'assigneeId',
        });
        const other = await rejectsWith(desk.update(agent, t.id, { assigneeId: 'rs-other' }), 'validation', {
          field: 'assigneeId',
        });
        assert.equal(unknown.message.replace('rs-ghost', 'X'), other.message.replace('rs-other', 'X'));
      }),
    );

    it(
      'opening a ticket records it; assigning it or setting a deadline needs tickets.edit',
      withDesk(o, async ({ desk }) => {
        const opener = operator(['tickets.view', 'tickets.create']);
        const base = { subject: 's', body: 'b', subscriberId: 'sub-1' };
        const t = await desk.create(opener, { ...base, priority: 'urgent', status: 'resolved' });
        assert.equal(t.priority, 'urgent');
        assert.equal(t.status, 'resolved');
        await rejectsWith(desk.create(opener, { ...base, assigneeId: opener.id }), 'forbidden');
        await rejectsWith(desk.create(opener, { ...base, deadlineAt: '2026-04-01T00:00:00Z' }), 'forbidden');
        const editor = operator(['tickets.view', 'tickets.create', 'tickets.edit']);
        const assigned = await desk.create(editor, { ...base, assigneeId: editor.id });
        assert.equal(assigned.assigneeId, editor.id);
      }),
    );

    it(
      'a reply may resolve or wait on the customer with tickets.reply alone; other statuses need tickets.edit',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.update(operator(), t.id, { status: 'on_hold' });
        const replier = operator(['tickets.view', 'tickets.reply']);
        await rejectsWith(desk.addReply(replier, t.id, { body: 'x', status: 'in_progress' }), 'forbidden');
        const waiting = await desk.addReply(replier, t.id, { body: 'Please send logs', status: 'pending' });
        assert.equal(waiting.ticket.status, 'pending');
        const solved = await desk.addReply(replier, t.id, { body: 'Solved', status: 'resolved' });
        assert.equal(solved.ticket.status, 'resolved');
      }),
    );

    it(
      'addReply returns the ticket as it is after the reply, equal to a fresh read',
      withDesk(o, async ({ desk }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        const reply = await desk.addReply(staff, t.id, { body: 'Answer' });
        assert.equal(reply.ticket.status, 'pending');
        assert.deepEqual(reply.ticket, (await desk.get(staff, t.id)).ticket);
      }),
    );

    it(
      'reseller staff with tickets.view_all may open tickets for any reseller’s subscriber; without it, only their own',
      withDesk(o, async ({ desk, directory }) => {
        directory.addSubscriber('sub-of-r2', 'r2');
        const base = { subject: 's', body: 'b', subscriberId: 'sub-of-r2' };
        await rejectsWith(desk.create(resellerStaff('r1'), base), 'not_found');
        const central = resellerStaff('r1', ['tickets.view', 'tickets.view_all', 'tickets.create']);
        const t = await desk.create(central, base);
        assert.equal(t.resellerId, 'r2');
      }),
    );
  });
}
