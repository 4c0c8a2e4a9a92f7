/**
 * Contract: what the scheduled scans do with SLA clocks and the outbox: warnings and
 * breaches once per ticket and target across instances, auto-close, redelivery of events
 * a crash left behind, and compliance in stats. The default calendar is Mon–Fri
 * 09:00–17:00 UTC; 2026-03-02 is a Monday.
 */
import { randomUUID } from 'node:crypto';
import type { TicketEvent } from '../index.js';
import { assert, customer, operator, parallel, withDesk, type ContractOptions } from './harness.js';
import { config, iso } from './sla-fixtures.js';

export function slaScanTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('SLA scans', () => {
    it(
      'warnings and breaches are emitted once per ticket and target, even with two instances scanning at once',
      withDesk(o, async ({ desk, clock, peer, tenantId }) => {
        const c = customer();
        const events: TicketEvent[] = [];
        const instances = [desk, peer(), peer()];
        for (const d of instances) d.events.on('*', (_t, e) => events.push(e as TicketEvent));
        const tickets = await parallel(5, (i) => desk.create(c, { subject: `u${i}`, body: 'b', priority: 'high' }));
        // Another tenant on the same store, due at the same moment: never claimed by this tenant's scans.
        const neighbour = peer({ tenantId: `${tenantId}-neighbour` });
        const theirs = await neighbour.create(c, { subject: 'theirs', body: 'b', priority: 'high' });
        events.length = 0;
        const scan = () => Promise.all(instances.map((d) => d.runScheduledWork()));

        clock.set('2026-03-02T13:00:00Z'); // 3 h of a 4 h target: not yet 80 %
        assert.deepEqual((await scan()).map((r) => r.warnings + r.breaches), [0, 0, 0]);
        clock.set('2026-03-02T13:20:00Z'); // past 3 h 12 min
        const warned = await scan();
        assert.equal(warned.reduce((n, r) => n + r.warnings, 0), 5);
        assert.equal(events.filter((e) => e.type === 'sla.warning').length, 5);
        assert.deepEqual(
          new Set(events.map((e) => e.ticket.id)),
          new Set(tickets.map((t) => t.id)),
        );
        const w = events.find((e) => e.type === 'sla.warning');
        assert.ok(w && w.type === 'sla.warning');
        assert.equal(w.target, 'firstResponse');
        assert.equal(iso(w.dueAt), '2026-03-02T14:00:00.000Z', 'dueAt is when the target breaches');
        clock.set('2026-03-02T14:30:00Z');
        await scan();
        await scan();
        const breaches = events.filter((e) => e.type === 'sla.breached');
        assert.equal(breaches.length, 5);
        assert.equal(iso((breaches[0] as { dueAt: Date }).dueAt), '2026-03-02T14:00:00.000Z');
        assert.ok(breaches.every((e) => e.notify.queue));
        const t = (await desk.get(operator(), tickets[0]!.id)).ticket;
        assert.equal(iso(t.sla.firstResponseBreachedAt), '2026-03-02T14:30:00.000Z');
        assert.equal(events.filter((e) => e.type === 'sla.warning').length, 5, 'no second warning');
        assert.ok(!events.some((e) => e.ticket.id === theirs.id));
        const own = await neighbour.runScheduledWork();
        assert.deepEqual([own.warnings, own.breaches], [1, 1]);
      }, { config }),
    );

    it(
      'auto-close: resolved and pending tickets with no customer answer for the configured time are closed once',
      withDesk(o, async ({ desk, clock, peer, events }) => {
        const c = customer();
        const staff = operator();
        const second = peer();
        second.events.on('*', (_t, e) => events.push(e as TicketEvent));
        const resolved = await desk.create(c, { subject: 'r', body: 'b' });
        await desk.update(staff, resolved.id, { status: 'resolved' });
        const pending = await desk.create(c, { subject: 'p', body: 'b' });
        await desk.addReply(staff, pending.id, { body: 'waiting on you' });
        const open = await desk.create(c, { subject: 'o', body: 'b' });
        const held = await desk.create(c, { subject: 'h', body: 'b' });
        await desk.update(staff, held.id, { status: 'on_hold' });
        const working = await desk.create(c, { subject: 'w', body: 'b' });
        await desk.update(staff, working.id, { status: 'in_progress' });
        const answered = await desk.create(c, { subject: 'a', body: 'b' });
        await desk.addReply(staff, answered.id, { body: 'q' });
        clock.hours(24 * 7 - 1);
        await desk.addReply(c, answered.id, { body: 'answer' });
        await desk.addReply(staff, answered.id, { body: 'thanks' }); // pending again, but only just
        assert.deepEqual((await desk.runScheduledWork()).autoClosed, []);
        clock.hours(2);
        const runs = await Promise.all([desk.runScheduledWork(), second.runScheduledWork()]);
        const closed = runs.flatMap((r) => r.autoClosed).sort();
        assert.deepEqual(closed, [resolved.id, pending.id].sort());
        for (const id of [resolved.id, pending.id]) {
          const detail = await desk.get(c, id);
          assert.equal(detail.ticket.status, 'closed');
          assert.deepEqual(detail.messages.at(-1)!.system, { kind: 'auto_closed', afterHours: 168 });
        }
        assert.equal((await desk.get(c, open.id)).ticket.status, 'open');
        assert.equal((await desk.get(c, held.id)).ticket.status, 'on_hold');
        assert.equal((await desk.get(c, working.id)).ticket.status, 'in_progress');
        assert.equal((await desk.get(c, answered.id)).ticket.status, 'pending');
        const closedEvents = events.filter((e) => e.type === 'ticket.status_changed' && e.to === 'closed');
        assert.equal(closedEvents.length, 2, 'each ticket closed exactly once across both instances');
      }, { config }),
    );

    it(
      'an idle runScheduledWork only reads: no write transaction until something is due, then one per due alert',
      withDesk(o, async ({ desk, store, peer, clock }) => {
        const c = customer();
        await desk.create(c, { subject: 'due later', body: 'b', priority: 'high' });
        let transactions = 0;
        const counting = new Proxy(store, {
          get(target, prop) {
            if (prop === 'transaction') {
              return (fn: Parameters<typeof store.transaction>[0]) => {
                transactions++;
                return target.transaction(fn);
              };
            }
            const value = Reflect.get(target, prop) as unknown;
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        const scheduler = peer({ store: counting });
        const idle = await scheduler.runScheduledWork();
        assert.deepEqual(
          { ...idle, autoClosed: idle.autoClosed.length },
          { warnings: 0, breaches: 0, autoClosed: 0, redelivered: 0, orphanBlobsRemoved: 0 },
        );
        // A store without probeScheduledWork claims every alert kind, as before the probe existed.
        assert.equal(transactions, typeof store.probeScheduledWork === 'function' ? 0 : 4);
        transactions = 0;
        clock.set('2026-03-02T13:20:00Z'); // the first-response warning is due; nothing else
        assert.equal((await scheduler.runScheduledWork()).warnings, 1);
        assert.equal(transactions, typeof store.probeScheduledWork === 'function' ? 1 : 4);
      }, { config }),
    );

    it(
      'events left in the outbox come back typed as they were written: Dates, change ids, the customer view',
      withDesk(o, async ({ desk, store, peer, clock }) => {
        // A store whose writes leave their events to the host (as inside a host transaction).
        const deferring = new Proxy(store, {
          get(target, prop) {
            if (prop === 'deferEvents') return true;
            const value = Reflect.get(target, prop) as unknown;
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        const quiet = peer({ store: deferring });
        const c = customer();
        const staff = operator();
        const t = await quiet.create(c, { subject: 's', body: 'b' });
        const deadline = new Date(clock.now().getTime() + 86_400_000);
        await quiet.update(staff, t.id, { deadlineAt: deadline, assigneeId: staff.id, status: 'in_progress' });
        const reply = await quiet.addReply(staff, t.id, { body: 'On it' });
        const seen: TicketEvent[] = [];
        desk.events.on('*', (_type, e) => seen.push(e as TicketEvent));
        assert.equal(await desk.flushEvents(), 6);

        const updated = seen.find((e) => e.type === 'ticket.updated');
        assert.ok(updated && updated.type === 'ticket.updated');
        const change = updated.changes.deadlineAt as { from: unknown; to: unknown };
        assert.ok(change.to instanceof Date, 'a Date inside changes stays a Date');
        assert.equal(change.to.getTime(), deadline.getTime());
        const ofUpdate = seen.filter((e) => e.changeId === updated.changeId).map((e) => e.type);
        assert.deepEqual(ofUpdate.sort(), ['ticket.assigned', 'ticket.status_changed', 'ticket.updated']);
        const replied = seen.find((e) => e.type === 'ticket.replied');
        assert.ok(replied && replied.type === 'ticket.replied');
        assert.ok(replied.message.createdAt instanceof Date);
        assert.equal(replied.customer?.message?.id, reply.id);
        assert.ok(replied.customer?.ticket.updatedAt instanceof Date);
        assert.deepEqual(replied.notify, { customerId: c.id, staffIds: [], queue: false });
      }),
    );

    it(
      'events committed but never emitted (a crash) are re-emitted once by runScheduledWork',
      withDesk(o, async ({ desk, store, tenantId, clock }) => {
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        const eventId = randomUUID();
        await store.transaction((tx) =>
          tx.insertOutbox(tenantId, {
            id: eventId,
            ticketId: t.id,
            type: 'ticket.updated',
            payload: {
              type: 'ticket.updated',
              eventId,
              tenantId,
              ticket: JSON.parse(JSON.stringify(t)) as Record<string, unknown>,
              actor: { kind: 'system' },
              notify: { customerId: null, staffIds: [], queue: false },
              occurredAt: clock.now().toISOString(),
              changes: {},
            },
            createdAt: clock.now(),
          }),
        );
        const seen: TicketEvent[] = [];
        desk.events.on('ticket.updated', (e) => seen.push(e));
        clock.minutes(5);
        const first = await desk.runScheduledWork();
        assert.equal(first.redelivered, 1);
        assert.equal(seen.length, 1);
        assert.equal(seen[0]!.eventId, eventId);
        assert.ok(seen[0]!.ticket.createdAt instanceof Date);
        assert.equal(seen[0]!.ticket.createdAt.getTime(), t.createdAt.getTime());
        assert.equal((await desk.runScheduledWork()).redelivered, 0);
      }),
    );
    it(
      'compliance: a late first response and a breach closed without a reply both count as missed',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const late = await desk.create(c, { subject: 'late', body: 'b' }); // due Tue 10:00
        const silent = await desk.create(c, { subject: 'silent', body: 'b', priority: 'high' }); // due Mon 14:00
        clock.set('2026-03-02T14:30:00Z');
        assert.equal((await desk.runScheduledWork()).breaches, 1);
        assert.equal((await desk.get(staff, silent.id)).ticket.sla.firstResponseMet, false);
        clock.set('2026-03-02T15:00:00Z');
        await desk.update(staff, silent.id, { status: 'closed' });
        clock.set('2026-03-03T11:00:00Z');
        await desk.addReply(staff, late.id, { body: 'sorry for the wait' });
        assert.equal((await desk.get(staff, late.id)).ticket.sla.firstResponseMet, false);
        const stats = await desk.getStats(staff);
        assert.deepEqual(
          stats.sla.map((x) => [x.priority, x.firstResponse.met, x.firstResponse.total]),
          [
            ['high', 0, 1],
            ['normal', 0, 1],
          ],
        );
        // Only the late ticket has a first response: 25 hours.
        assert.equal(stats.avgFirstResponseSeconds, 25 * 3600);
      }, { config }),
    );

  });
}
