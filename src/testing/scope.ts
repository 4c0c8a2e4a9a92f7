/** Contract: who sees what — customers, resellers, view_all, operators, tenants. */
import { createTicketService } from '../index.js';
import {
  ALL,
  assert,
  customer,
  operator,
  rejectsWith,
  resellerStaff,
  withDesk,
  type ContractOptions,
} from './harness.js';

export function scopeTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('scope', () => {
    it(
      'customer A never sees, replies to or changes customer B’s tickets: out of scope reads as not found',
      withDesk(o, async ({ desk }) => {
        const a = customer();
        const b = customer();
        const ta = await desk.create(a, { subject: 'A', body: 'a' });
        const tb = await desk.create(b, { subject: 'B', body: 'b' });
        assert.deepEqual(
          (await desk.list(a)).items.map((t) => t.id),
          [ta.id],
        );
        await rejectsWith(desk.get(a, tb.id), 'not_found');
        await rejectsWith(desk.get(a, tb.number), 'not_found');
        await rejectsWith(desk.addReply(a, tb.id, { body: 'hi' }), 'not_found');
        await rejectsWith(desk.update(a, tb.id, { status: 'closed' }), 'not_found');
        // A customer filtering by someone else's subscriber id still sees only their own.
        assert.equal((await desk.list(a, { subscriberId: b.id })).items.length, 0);
        assert.equal((await desk.getStats(a)).counts.open, 1);
        assert.equal((await desk.get(b, tb.id)).messages.length, 1, 'B’s thread is untouched');
      }),
    );

    it(
      'reseller staff see only their subscribers’ tickets; view_all widens to the tenant; operators see all',
      withDesk(o, async ({ desk, clock }) => {
        const c1 = customer(undefined, 'r1');
        const c2 = customer(undefined, 'r2');
        const c0 = customer();
        const t1 = await desk.create(c1, { subject: 'r1', body: 'b' });
        clock.minutes(1);
        const t2 = await desk.create(c2, { subject: 'r2', body: 'b' });
        clock.minutes(1);
        const t0 = await desk.create(c0, { subject: 'op', body: 'b' });
        assert.equal((await desk.get(operator(), t1.id)).ticket.resellerId, 'r1');
        assert.equal((await desk.get(operator(), t0.id)).ticket.resellerId, null);

        const r1 = resellerStaff('r1');
        const ids = async (actor: Parameters<typeof desk.list>[0]) =>
          (await desk.list(actor, { sort: 'oldest' })).items.map((t) => t.id);
        assert.deepEqual(await ids(r1), [t1.id]);
        await rejectsWith(desk.get(r1, t2.id), 'not_found');
        await rejectsWith(desk.addReply(r1, t2.id, { body: 'x' }), 'not_found');
        await rejectsWith(desk.update(r1, t2.id, { priority: 'high' }), 'not_found');
        await rejectsWith(desk.audit(r1, t2.id), 'not_found');
        assert.equal((await desk.getStats(r1)).counts.open, 1);

        const r1All = resellerStaff('r1', ['tickets.view', 'tickets.view_all', 'tickets.reply']);
        assert.deepEqual(await ids(r1All), [t1.id, t2.id, t0.id]);
        assert.equal((await desk.getStats(r1All)).counts.open, 3);
        await desk.addReply(r1All, t2.id, { body: 'picked up by the central team' });

        assert.deepEqual(await ids(operator()), [t1.id, t2.id, t0.id]);
      }),
    );

    it(
      'staff need tickets.view to read, tickets.reply to reply, tickets.edit to change; customers cannot read audit',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const blind = operator(['tickets.reply', 'tickets.edit']);
        await rejectsWith(desk.list(blind), 'forbidden');
        await rejectsWith(desk.get(blind, t.id), 'forbidden');
        await rejectsWith(desk.getStats(blind), 'forbidden');
        const viewer = operator(['tickets.view']);
        await rejectsWith(desk.addReply(viewer, t.id, { body: 'x' }), 'forbidden');
        await rejectsWith(desk.update(viewer, t.id, { priority: 'high' }), 'forbidden');
        await rejectsWith(desk.audit(c, t.id), 'forbidden');
        await rejectsWith(desk.update(c, t.id, { priority: 'high' }), 'validation', { field: 'priority' });
        assert.equal((await desk.get(viewer, t.id)).messages.length, 1);
        assert.equal((await desk.get(operator(ALL), t.id)).ticket.version, 1, 'nothing was changed');
      }),
    );

    it(
      'two tenants on one store never see each other; numbers are per tenant',
      withDesk(o, async ({ desk, store, clock, tenantId }) => {
        const other = createTicketService({ store, tenantId: `${tenantId}-other`, clock: clock.now });
        const c = customer();
        const mine = await desk.create(c, { subject: 'mine', body: 'b' });
        const theirs = await other.create(c, { subject: 'theirs', body: 'b' });
        assert.equal(mine.number, 'TKT-1');
        assert.equal(theirs.number, 'TKT-1');
        const op = operator();
        assert.deepEqual(
          (await desk.list(op)).items.map((t) => t.id),
          [mine.id],
        );
        assert.deepEqual(
          (await other.list(op)).items.map((t) => t.id),
          [theirs.id],
        );
        await rejectsWith(desk.get(op, theirs.id), 'not_found');
        assert.equal((await desk.get(c, 'TKT-1')).ticket.id, mine.id);
        assert.equal((await other.get(c, 'TKT-1')).ticket.id, theirs.id);
        await rejectsWith(other.get(c, mine.id), 'not_found');
        await rejectsWith(other.addReply(op, mine.id, { body: 'x' }), 'not_found');
        assert.equal((await other.getStats(op)).counts.open, 1);
        assert.equal((await desk.audit(op, mine.id)).length, 1);
      }),
    );
  });
}
