/**
 * Contract: bulk actions. Each ticket goes through its single operation in its own
 * transaction; the result says per ticket, in input order, what happened; one refusal
 * never undoes the others; a malformed call or an action the actor may not take at all
 * is refused before any ticket is touched.
 */
import type { BulkResult, StoreTx, TicketStore } from '../index.js';
import { ALL, assert, customer, operator, rejectsWith, resellerStaff, withDesk, type ContractOptions } from './harness.js';

/** The outcome of each result, as `id:ok` or `id:code`. */
const outcomes = (results: BulkResult[]) => results.map((r) => `${r.ticketId}:${r.ok ? 'ok' : r.error.code}`);

/**
 * `store`, except that locking the ticket `badId` inside a transaction throws a plain
 * `Error`, as a broken store or a bug would: not a refusal, so bulk must not swallow it.
 */
function breakingOn(store: TicketStore, badId: string): TicketStore {
  const wrapTx = (tx: StoreTx): StoreTx =>
    new Proxy(tx, {
      get(target, prop) {
        if (prop === 'lockTicket') {
          return async (scope: Parameters<StoreTx['lockTicket']>[0], ref: string) => {
            if (ref === badId) throw new Error('the disk is on fire');
            return target.lockTicket(scope, ref);
          };
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'transaction') {
        return <T>(fn: (tx: StoreTx) => Promise<T>) => target.transaction((tx) => fn(wrapTx(tx)));
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function bulkTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('bulk actions', () => {
    it(
      'each ticket on its own: results in input order, duplicates collapsed, out-of-scope and unknown ids not_found, one refusal undoes nothing',
      withDesk(o, async ({ desk }) => {
        const c = customer(undefined, 'r1');
        const staff = resellerStaff('r1', ['tickets.view', 'tickets.edit', 'tickets.reply']);
        const a = await desk.create(c, { subject: 'a', body: 'b' });
        const b = await desk.create(c, { subject: 'b', body: 'b' });
        const gone = await desk.create(c, { subject: 'gone', body: 'b' });
        const theirs = await desk.create(customer(undefined, 'r2'), { subject: 'theirs', body: 'b' });
        await desk.delete(operator(ALL), gone.id);

        const results = await desk.bulk(staff, [b.number, 'no-such', a.id, theirs.id, gone.id, b.number, a.id], {
          type: 'status',
          status: 'in_progress',
        });
        assert.deepEqual(outcomes(results), [
          `${b.number}:ok`,
          'no-such:not_found',
          `${a.id}:ok`,
          `${theirs.id}:not_found`,
          `${gone.id}:invalid_transition`,
        ]);
        const first = results[0]!;
        assert.ok(first.ok);
        assert.equal(first.ticket?.id, b.id);
        assert.equal(first.ticket?.status, 'in_progress');
        const refused = results[4]!;
        assert.ok(!refused.ok);
        assert.match(refused.error.message, /deleted/);
        assert.equal(refused.error.params?.from, 'open', 'the error keeps its params');
        const missing = results[1]!;
        assert.ok(!missing.ok);
        assert.deepEqual(missing.error.params, { ticket: 'no-such' });

        assert.equal((await desk.get(staff, a.id)).ticket.status, 'in_progress', 'the refusals undid nothing');
        assert.equal((await desk.get(operator(), theirs.id)).ticket.status, 'open', 'out of scope: untouched');
        const audit = await desk.audit(staff, b.id);
        assert.equal(audit.filter((e) => e.action === 'updated').length, 1, 'the duplicate ran once');

        const archived = await desk.bulk(staff, [a.id, b.id], { type: 'archive' });
        assert.deepEqual(outcomes(archived), [`${a.id}:invalid_transition`, `${b.id}:invalid_transition`]);
        assert.deepEqual(await desk.bulk(staff, [], { type: 'close' }), []);
      }),
    );

    it(
      'assign, status, priority, close, archive, favorite, unlock and delete in bulk: every ticket audited and evented as by its own operation',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const boss = operator(ALL);
        const agent = operator(undefined, 'agent-7');
        const tickets = [];
        for (const subject of ['one', 'two', 'three']) tickets.push(await desk.create(c, { subject, body: 'b', priority: 'low' }));
        const ticketIds = tickets.map((t) => t.id);
        const allOk = (results: BulkResult[]) => assert.deepEqual(outcomes(results), ticketIds.map((id) => `${id}:ok`));

        events.length = 0;
        const assigned = await desk.bulk(boss, ticketIds, { type: 'assign', assigneeId: agent.id });
        allOk(assigned);
        for (const r of assigned) assert.equal(r.ok && r.ticket?.assigneeId, agent.id);
        const assignedEvents = events.filter((e) => e.type === 'ticket.assigned');
        assert.deepEqual(assignedEvents.map((e) => e.ticket.id), ticketIds);
        assert.equal(new Set(assignedEvents.map((e) => e.changeId)).size, 3, 'one change per ticket');
        assert.ok(assignedEvents.every((e) => e.notify.staffIds.includes(agent.id)));

        const raised = await desk.bulk(boss, ticketIds, { type: 'priority', priority: 'urgent' });
        allOk(raised);
        for (const r of raised) {
          assert.ok(r.ok && r.ticket);
          assert.deepEqual([r.ticket.priority, r.ticket.customerPriority], ['urgent', 'low']);
        }
        allOk(await desk.bulk(boss, ticketIds, { type: 'status', status: 'on_hold' }));

        // The agent takes a lock on one; bulk unlock without force leaves it, with force releases it.
        await desk.lock(agent, tickets[0]!.id);
        const unforced = await desk.bulk(boss, ticketIds, { type: 'unlock' });
        assert.deepEqual(outcomes(unforced), [`${tickets[0]!.id}:locked`, `${tickets[1]!.id}:ok`, `${tickets[2]!.id}:ok`]);
        allOk(await desk.bulk(boss, ticketIds, { type: 'unlock', force: true }));
        assert.equal((await desk.get(boss, tickets[0]!.id)).ticket.lockedById, null);

        const closed = await desk.bulk(boss, ticketIds, { type: 'close' });
        allOk(closed);
        for (const r of closed) assert.equal(r.ok && r.ticket?.status, 'closed');
        const archived = await desk.bulk(boss, ticketIds, { type: 'archive' });
        for (const r of archived) assert.equal(r.ok && r.ticket?.archived, true);

        const favorite = await desk.bulk(agent, ticketIds.slice(0, 2), { type: 'favorite', on: true });
        assert.deepEqual(favorite.map((r) => r.ok && r.ticket), [null, null]);
        const favorites = await desk.list(agent, { favorites: true, archived: true });
        assert.deepEqual(new Set(favorites.items.map((t) => t.id)), new Set(ticketIds.slice(0, 2)));

        for (const id of ticketIds) {
          const actions = (await desk.audit(boss, id)).map((e) => e.action).filter((a) => a !== 'created');
          // assign, priority, status, close; the released lock on the first; the archive.
          const expected = ['updated', 'updated', 'updated', ...(id === ticketIds[0] ? ['locked', 'unlocked'] : []), 'updated', 'archived'];
          assert.deepEqual(actions, expected, `audit of ${id}`);
        }

        events.length = 0;
        const deleted = await desk.bulk(boss, ticketIds, { type: 'delete' });
        allOk(deleted);
        assert.deepEqual(deleted.map((r) => r.ok && r.ticket), [null, null, null]);
        assert.equal((await desk.list(boss, { deleted: true })).items.length, 3);
        assert.deepEqual(events.filter((e) => e.type === 'ticket.deleted').map((e) => e.ticket.id), ticketIds);
        const again = await desk.bulk(boss, ticketIds, { type: 'delete' });
        assert.deepEqual(outcomes(again), ticketIds.map((id) => `${id}:invalid_transition`));
      }),
    );

    it(
      'a malformed call, or an action the actor may not take at all, is refused before any ticket is touched; customers may only archive their own',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const version = (await desk.get(staff, t.id)).ticket.version;
        const ids = [t.id];

        await rejectsWith(desk.bulk(staff, Array.from({ length: 201 }, (_, i) => `id-${i}`), { type: 'close' }), 'validation', {
          field: 'ticketIds',
        });
        await rejectsWith(desk.bulk(staff, t.id as never, { type: 'close' }), 'validation', { field: 'ticketIds' });
        await rejectsWith(desk.bulk(staff, [t.id, ''], { type: 'close' }), 'validation', { field: 'ticketIds.1' });
        await rejectsWith(desk.bulk(staff, ids, { type: 'explode' } as never), 'validation', { field: 'action.type' });
        await rejectsWith(desk.bulk(staff, ids, { type: 'status', status: 'done' } as never), 'validation', {
          field: 'action.status',
        });
        await rejectsWith(desk.bulk(staff, ids, { type: 'close', status: 'open' } as never), 'validation', {
          field: 'action.status',
        });
        await rejectsWith(desk.bulk(staff, ids, { type: 'priority', priority: 'meh' }), 'validation', { field: 'action.priority' });
        await rejectsWith(desk.bulk(staff, ids, { type: 'favorite' } as never), 'validation', { field: 'action.on' });
        await rejectsWith(desk.bulk(staff, ids, { type: 'delete' }), 'forbidden');
        await rejectsWith(desk.bulk(operator(['tickets.view', 'tickets.reply']), ids, { type: 'close' }), 'forbidden');
        await rejectsWith(desk.bulk(operator(['tickets.reply']), ids, { type: 'favorite', on: true }), 'forbidden');
        await rejectsWith(desk.bulk(c, ids, { type: 'close' }), 'forbidden');
        await rejectsWith(desk.bulk(c, ids, { type: 'delete' }), 'forbidden');
        await rejectsWith(desk.bulk({ kind: 'staff', id: 's' } as never, ids, { type: 'close' }), 'validation');
        assert.equal((await desk.get(staff, t.id)).ticket.version, version, 'nothing was written');

        const unknown = await desk.bulk(staff, Array.from({ length: 200 }, (_, i) => `id-${i}`), { type: 'close' });
        assert.equal(unknown.length, 200);
        assert.ok(unknown.every((r) => !r.ok && r.error.code === 'not_found'));

        await desk.update(staff, t.id, { status: 'closed' });
        const other = await desk.create(customer(), { subject: 'not yours', body: 'b' });
        await desk.update(staff, other.id, { status: 'closed' });
        const mine = await desk.bulk(c, [t.id, other.id], { type: 'archive' });
        assert.deepEqual(outcomes(mine), [`${t.id}:ok`, `${other.id}:not_found`]);
        assert.deepEqual(mine[0], { ticketId: t.id, ok: true, ticket: null }, 'customers never get the staff row');
        assert.deepEqual((await desk.list(c, { archived: true })).items.map((x) => x.id), [t.id]);
      }),
    );

    it(
      'only ticketry errors become failed results: anything else propagates, and the tickets done before it stay done',
      withDesk(o, async ({ desk, store, peer }) => {
        const c = customer();
        const staff = operator();
        const [a, b, d] = [
          await desk.create(c, { subject: 'a', body: 'b' }),
          await desk.create(c, { subject: 'b', body: 'b' }),
          await desk.create(c, { subject: 'd', body: 'b' }),
        ];
        const broken = peer({ store: breakingOn(store, b.id) });
        let caught: unknown;
        try {
          await broken.bulk(staff, [a.id, 'missing', b.id, d.id], { type: 'close' });
        } catch (err) {
          caught = err;
        }
        assert.ok(caught instanceof Error && caught.message === 'the disk is on fire', `propagated: ${String(caught)}`);
        assert.equal((await desk.get(staff, a.id)).ticket.status, 'closed', 'done before the failure: stays done');
        assert.equal((await desk.get(staff, b.id)).ticket.status, 'open');
        assert.equal((await desk.get(staff, d.id)).ticket.status, 'open', 'after the failure: not attempted');
      }),
    );
  });
}
