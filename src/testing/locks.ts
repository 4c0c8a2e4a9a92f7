/**
 * Contract: staff locks (BILLmanager's blocking, `ticket.unblock`). A lock blocks other
 * staff members' writes with `locked` (naming holder and expiry) unless they force it with
 * `tickets.edit`; the holder keeps writing; customers and the system are never blocked;
 * locks expire on the injected clock; customers never see a trace of one.
 */
import { TicketError } from '../errors.js';
import {
  assert,
  customer,
  operator,
  rejectsWith,
  resellerStaff,
  system,
  withDesk,
  type ContractOptions,
} from './harness.js';

const MINUTE = 60_000;

export function lockTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('locks', () => {
    it(
      "another staff member's lock blocks replies, notes and edits with locked naming holder and expiry; the holder, customers and the system keep writing",
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const holder = operator();
        const other = operator();
        const t = await desk.create(c, { subject: 'Router', body: 'down' });
        const takenAt = clock.minutes(1);
        const locked = await desk.lock(holder, t.id);
        const until = new Date(takenAt.getTime() + 15 * MINUTE);
        assert.equal(locked.lockedById, holder.id);
        assert.equal(locked.lockedByName, holder.name);
        assert.deepEqual(locked.lockedUntil, until, 'the default time to live is 15 minutes');

        clock.minutes(1);
        const refused = await rejectsWith(desk.addReply(other, t.id, { body: 'Me too' }), 'locked', {
          message: new RegExp(holder.id),
        });
        assert.ok(TicketError.is(refused, 'locked'));
        assert.equal(refused.params.holderId, holder.id);
        assert.equal(refused.params.holderName, holder.name);
        assert.deepEqual(refused.params.until, until);
        assert.match(refused.message, new RegExp(until.toISOString()));
        await rejectsWith(desk.addReply(other, t.id, { body: 'note', internal: true }), 'locked');
        await rejectsWith(desk.update(other, t.id, { priority: 'high' }), 'locked');
        await rejectsWith(desk.update(other, t.id, { status: 'closed' }), 'locked');
        // Nothing of the refused writes was stored.
        const staffView = await desk.get(other, t.id);
        assert.equal(staffView.ticket.priority, 'normal');
        assert.ok(!staffView.messages.some((m) => m.body === 'Me too' || m.body === 'note'));

        // Personal state is not a write to the ticket: a lock does not stop it.
        await desk.favorite(other, t.id, true);
        await desk.markRead(other, t.id);
        await desk.get(other, t.id);

        const own = await desk.addReply(holder, t.id, { body: 'Looking into it' });
        assert.equal(own.ticket.lockedById, holder.id, "the holder's reply keeps the lock");
        await desk.update(holder, t.id, { priority: 'high' });
        await desk.addReply(c, t.id, { body: 'Still down' });
        await desk.addReply(system, t.id, { body: 'Automatic reminder' });
        await desk.update(system, t.id, { status: 'in_progress' });

        const after = (await desk.get(holder, t.id)).ticket;
        assert.equal(after.lockedById, holder.id);
        assert.deepEqual(after.lockedUntil, until, 'replies neither extend nor release the lock');
        const [row] = (await desk.list(other)).items;
        assert.equal(row!.lockedById, holder.id, 'the holder shows in staff lists');
        assert.equal(row!.lockedByName, holder.name);
        assert.deepEqual(row!.lockedUntil, until);
      }),
    );

    it(
      'force: staff with tickets.edit write through a lock (audited, the lock stays); without it forbidden; taking or releasing the lock needs force too',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const holder = operator();
        const editor = operator(); // the default staff permissions include tickets.edit
        const replier = operator(['tickets.view', 'tickets.reply']);
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.lock(holder, t.id);

        const forced = await desk.addReply(editor, t.id, { body: 'Urgent fix', force: true });
        assert.equal(forced.ticket.lockedById, holder.id, 'forcing a write leaves the lock with its holder');
        await desk.update(editor, t.id, { priority: 'urgent', force: true });
        const trail = await desk.audit(editor, t.id);
        const overridden = trail.filter((e) => e.changes.lockOverridden);
        assert.deepEqual(
          overridden.map((e) => [e.action, e.changes.lockOverridden]),
          [
            ['replied', { from: holder.id, to: editor.id }],
            ['updated', { from: holder.id, to: editor.id }],
          ],
        );
        const denied = await rejectsWith(desk.addReply(replier, t.id, { body: 'x', force: true }), 'forbidden');
        assert.equal(denied.params.permission, 'tickets.edit');
        await rejectsWith(desk.addReply(replier, t.id, { body: 'x' }), 'locked');
        await rejectsWith(desk.addReply(c, t.id, { body: 'x', force: true }), 'validation', { field: 'force' });

        await rejectsWith(desk.lock(editor, t.id), 'locked');
        await rejectsWith(desk.lock(replier, t.id, { force: true }), 'forbidden');
        events.length = 0;
        const taken = await desk.lock(editor, t.id, { force: true });
        assert.equal(taken.lockedById, editor.id);
        const lockedEvent = events.find((e) => e.type === 'ticket.locked');
        assert.ok(lockedEvent && lockedEvent.type === 'ticket.locked');
        assert.deepEqual(lockedEvent.notify.staffIds, [holder.id], 'the previous holder hears their lock was taken');
        assert.deepEqual(lockedEvent.lockedUntil, taken.lockedUntil);
        await rejectsWith(desk.addReply(holder, t.id, { body: 'mine?' }), 'locked');

        await rejectsWith(desk.unlock(holder, t.id), 'locked');
        await rejectsWith(desk.unlock(replier, t.id, { force: true }), 'forbidden');
        events.length = 0;
        const released = await desk.unlock(holder, t.id, { force: true });
        assert.equal(released.lockedById, null);
        assert.equal(released.lockedUntil, null);
        const unlockedEvent = events.find((e) => e.type === 'ticket.unlocked');
        assert.ok(unlockedEvent);
        assert.deepEqual(unlockedEvent.notify.staffIds, [editor.id]);
        await desk.addReply(replier, t.id, { body: 'free again' });

        // The system (a host job) releases any lock, without force.
        await desk.lock(holder, t.id);
        const bySystem = await desk.unlock(system, t.id);
        assert.equal(bySystem.lockedById, null);
      }),
    );

    it(
      'locks expire on the injected clock; the holder re-locking extends; a time to live between 1 s and 24 h',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const holder = operator();
        const other = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.lock(holder, t.id, { ttlSeconds: 60 });
        clock.advance(30_000);
        await rejectsWith(desk.addReply(other, t.id, { body: 'x' }), 'locked');
        const extended = await desk.lock(holder, t.id, { ttlSeconds: 120 });
        assert.deepEqual(extended.lockedUntil, new Date(clock.now().getTime() + 120_000));
        clock.advance(61_000); // past the first lock's expiry, inside the extension
        await rejectsWith(desk.update(other, t.id, { priority: 'high' }), 'locked');
        clock.advance(59_000); // exactly at the expiry: expired
        const row = (await desk.list(other)).items.find((r) => r.id === t.id)!;
        assert.equal(row.lockedById, null, 'an expired lock reads as no lock in lists');
        assert.equal(row.lockedByName, null);
        assert.equal(row.lockedUntil, null);
        const detail = await desk.get(other, t.id);
        assert.equal(detail.ticket.lockedById, null, 'and in get');
        const reply = await desk.addReply(other, t.id, { body: 'after expiry' });
        assert.equal(reply.ticket.lockedById, null);
        const mine = await desk.lock(other, t.id);
        assert.equal(mine.lockedById, other.id, 'an expired lock needs no force');
        // Releasing an expired (or no) lock changes nothing.
        clock.hours(1);
        const auditBefore = (await desk.audit(other, t.id)).length;
        const unchanged = await desk.unlock(other, t.id);
        assert.equal(unchanged.lockedById, null);
        assert.equal((await desk.audit(other, t.id)).length, auditBefore, 'nothing to release, nothing written');

        const max = await desk.lock(holder, t.id, { ttlSeconds: 86_400 });
        assert.deepEqual(max.lockedUntil, new Date(clock.now().getTime() + 86_400_000));
        for (const ttlSeconds of [0, -5, 86_401, 1.5, Number.NaN]) {
          await rejectsWith(desk.lock(holder, t.id, { ttlSeconds }), 'validation', { field: 'ttlSeconds' });
        }
        await rejectsWith(desk.lock(holder, t.id, { ttlSeconds: '60' as never }), 'validation', { field: 'ttlSeconds' });
        await rejectsWith(desk.lock(holder, t.id, { until: 5 } as never), 'validation', { field: 'until' });
        await rejectsWith(desk.lock(holder, t.id, { force: 'yes' } as never), 'validation', { field: 'force' });
        await rejectsWith(desk.unlock(holder, t.id, { force: 1 } as never), 'validation', { field: 'force' });
      }),
    );

    it(
      'a lock leaves no trace a customer can see: no field, updatedAt unchanged, no event for them; staff get audit entries and events',
      withDesk(o, async ({ desk, clock, events }) => {
        const c = customer();
        const holder = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        clock.minutes(5);
        await desk.addReply(holder, t.id, { body: 'Answer' });
        const before = { detail: await desk.get(c, t.id), list: await desk.list(c) };
        const staffBefore = (await desk.get(holder, t.id)).ticket;
        events.length = 0;

        clock.minutes(5);
        const locked = await desk.lock(holder, t.id, { ttlSeconds: 600 });
        clock.minutes(1);
        const unlocked = await desk.unlock(holder, t.id);
        clock.minutes(1);
        await desk.lock(holder, t.id);

        assert.deepEqual(await desk.get(c, t.id), before.detail);
        assert.deepEqual(await desk.list(c), before.list);
        assert.ok(!Object.keys(before.detail.ticket).some((k) => k.startsWith('locked')));
        assert.deepEqual(locked.updatedAt, staffBefore.updatedAt, 'a lock is not activity: staff updatedAt stays');
        assert.equal(locked.version, staffBefore.version + 1, 'but it is a write: the version moves');
        assert.equal(unlocked.version, staffBefore.version + 2);

        assert.deepEqual(
          events.map((e) => e.type),
          ['ticket.locked', 'ticket.unlocked', 'ticket.locked'],
        );
        for (const e of events) {
          assert.equal(e.notify.customerId, null, `${e.type} is not for the customer`);
          assert.equal(e.customer, null);
        }
        const trail = (await desk.audit(holder, t.id)).filter((e) => e.action === 'locked' || e.action === 'unlocked');
        assert.deepEqual(
          trail.map((e) => [e.action, e.actorId, e.changes.lockedById]),
          [
            ['locked', holder.id, { from: null, to: holder.id }],
            ['unlocked', holder.id, { from: holder.id, to: null }],
            ['locked', holder.id, { from: null, to: holder.id }],
          ],
        );
        assert.deepEqual(trail[0]!.changes.lockedUntil, { from: null, to: locked.lockedUntil!.toISOString() });
        assert.deepEqual(trail[1]!.changes.lockedUntil, { from: locked.lockedUntil!.toISOString(), to: null });
      }),
    );

    it(
      'staff racing for one lock: exactly one gets it, every other is refused with locked naming the winner',
      withDesk(o, async ({ desk }) => {
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        const racers = Array.from({ length: 6 }, () => operator());
        const results = await Promise.allSettled(racers.map((r) => desk.lock(r, t.id)));
        const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        assert.equal(won.length, 1, 'one lock');
        const winner = won[0]!.lockedById;
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          assert.ok(TicketError.is(r.reason, 'locked'), String(r.reason));
          assert.equal(r.reason.params.holderId, winner);
        }
        assert.equal((await desk.get(racers[0]!, t.id)).ticket.lockedById, winner);
        const trail = (await desk.audit(racers[0]!, t.id)).filter((e) => e.action === 'locked');
        assert.equal(trail.length, 1);
      }),
    );

    it(
      'who may lock: staff with tickets.reply within scope; customers and the system cannot; bad references',
      withDesk(o, async ({ desk, directory }) => {
        const c = customer(undefined, 'r1');
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const staff = operator();
        await rejectsWith(desk.lock(c, t.id), 'forbidden');
        await rejectsWith(desk.unlock(c, t.id), 'forbidden');
        await rejectsWith(desk.lock(system, t.id), 'forbidden');
        const viewer = await rejectsWith(desk.lock(operator(['tickets.view']), t.id), 'forbidden');
        assert.equal(viewer.params.permission, 'tickets.reply');
        await rejectsWith(desk.unlock(operator(['tickets.view']), t.id), 'forbidden');
        await rejectsWith(desk.lock(resellerStaff('r2'), t.id), 'not_found');
        await desk.lock(staff, t.id);
        await rejectsWith(desk.unlock(resellerStaff('r2'), t.id, { force: true }), 'not_found');
        await rejectsWith(desk.lock(staff, 'no-such-ticket'), 'not_found');
        await rejectsWith(desk.lock(staff, ''), 'validation', { field: 'ticketId' });
        await rejectsWith(desk.lock({ kind: 'staff', id: '' } as never, t.id), 'validation');
        await rejectsWith(desk.lock(staff, t.id, {}, { ip: 5 } as never), 'validation', { field: 'context.ip' });
        await rejectsWith(desk.unlock(staff, t.id, {}, { requestId: 5 } as never), 'validation', { field: 'context.requestId' });

        // Reseller staff of the ticket's reseller lock it; by number too.
        const own = resellerStaff('r1');
        const other = await rejectsWith(desk.lock(own, t.number), 'locked');
        assert.equal(other.params.holderId, staff.id);
        await desk.unlock(staff, t.number);
        assert.equal((await desk.lock(own, t.number.toLowerCase())).lockedById, own.id);

        // A nameless actor shows the directory's name for them.
        const nameless = { kind: 'staff' as const, id: 'agent-7', permissions: ['tickets.view', 'tickets.reply', 'tickets.edit'] as const };
        directory.addStaff('agent-7', 'Agent Seven');
        const taken = await desk.lock({ ...nameless, permissions: [...nameless.permissions] }, t.id, { force: true });
        assert.equal(taken.lockedByName, 'Agent Seven');
      }),
    );
  });
}
