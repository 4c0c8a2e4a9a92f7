/**
 * Contract: SLA clocks on tickets (due times, pauses, priority changes, deadlines,
 * calendars), with an injected clock. The default calendar is Mon–Fri 09:00–17:00 UTC; 2026-03-02 is a Monday.
 */
import { assert, customer, operator, rejectsWith, withDesk, type ContractOptions } from './harness.js';
import { config, iso } from './sla-fixtures.js';

export function slaTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('SLA', () => {
    it(
      'due times follow the policy: urgent in 1 calendar hour, normal in 1 business day',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const urgent = await desk.create(operator(), { subject: 'down', body: 'b', subscriberId: c.id, priority: 'urgent', status: 'open' });
        // Staff opened it: first response met at creation.
        assert.equal(urgent.firstResponseDueAt, null);
        assert.equal(urgent.sla.firstResponseMet, true);
        assert.equal(iso(urgent.resolutionDueAt), '2026-03-02T14:00:00.000Z');
        const normal = (await desk.get(operator(), (await desk.create(c, { subject: 'slow', body: 'b' })).id)).ticket;
        assert.equal(iso(normal.firstResponseDueAt), '2026-03-03T10:00:00.000Z');
        // 16 business hours: Mon 7 h + Tue 8 h + Wed 1 h.
        assert.equal(iso(normal.resolutionDueAt), '2026-03-04T10:00:00.000Z');
        // Warning at 80 % of 8 business hours: 6 h 24 min after Mon 10:00.
        assert.equal(iso(normal.sla.firstResponseWarnAt), '2026-03-02T16:24:00.000Z');
      }, { config }),
    );

    it(
      'first response is the first public staff reply; internal notes do not count',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        clock.minutes(30);
        await desk.addReply(staff, t.id, { body: 'note', internal: true });
        let now = (await desk.get(staff, t.id)).ticket;
        assert.equal(now.firstResponseAt, null);
        assert.ok(now.firstResponseDueAt);
        clock.minutes(30);
        await desk.addReply(staff, t.id, { body: 'answer' });
        now = (await desk.get(staff, t.id)).ticket;
        assert.equal(iso(now.firstResponseAt), '2026-03-02T11:00:00.000Z');
        assert.equal(now.firstResponseDueAt, null);
        assert.equal(now.sla.firstResponseMet, true);
        clock.minutes(30);
        await desk.addReply(staff, t.id, { body: 'second answer' });
        assert.equal(iso((await desk.get(staff, t.id)).ticket.firstResponseAt), '2026-03-02T11:00:00.000Z');
      }, { config }),
    );

    it(
      'a pause over a night and a weekend costs only its open minutes',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        clock.set('2026-03-06T15:00:00Z'); // Friday
        const t = (await desk.get(staff, (await desk.create(c, { subject: 's', body: 'b' })).id)).ticket;
        assert.equal(iso(t.resolutionDueAt), '2026-03-10T15:00:00.000Z'); // Fri 2h + Mon 8h + Tue 6h
        clock.set('2026-03-06T16:00:00Z');
        await desk.addReply(staff, t.id, { body: 'please send logs' }); // pending: paused
        const paused = (await desk.get(staff, t.id)).ticket;
        assert.equal(paused.status, 'pending');
        assert.equal(paused.resolutionDueAt, null);
        assert.equal(paused.sla.resolutionRemaining, 15 * 60);
        clock.set('2026-03-09T10:00:00Z'); // Monday
        await desk.addReply(c, t.id, { body: 'logs attached' });
        const resumed = (await desk.get(staff, t.id)).ticket;
        // 15 h left from Mon 10:00: Mon 7 h + Tue 8 h.
        assert.equal(iso(resumed.resolutionDueAt), '2026-03-10T17:00:00.000Z');
      }, { config }),
    );

    it(
      'a pause inside business hours moves the due time by exactly its length',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const t = (await desk.get(staff, (await desk.create(customer(), { subject: 's', body: 'b' })).id)).ticket; // Mon 10:00
        assert.equal(iso(t.firstResponseDueAt), '2026-03-03T10:00:00.000Z');
        clock.set('2026-03-02T11:00:00Z');
        await desk.update(staff, t.id, { status: 'on_hold' });
        clock.set('2026-03-02T13:17:00Z');
        const back = await desk.update(staff, t.id, { status: 'in_progress' });
        assert.equal(iso(back.firstResponseDueAt), '2026-03-03T12:17:00.000Z');
        assert.equal(iso(back.resolutionDueAt), '2026-03-04T12:17:00.000Z');
      }, { config }),
    );

    it(
      'a priority change mid-way moves the clock by the difference of the targets',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' }); // normal, Mon 10:00
        clock.set('2026-03-02T10:30:00Z');
        const up = await desk.update(staff, t.id, { priority: 'urgent' });
        // 30 minutes spent of a 1-hour target.
        assert.equal(iso(up.firstResponseDueAt), '2026-03-02T11:00:00.000Z');
        assert.equal(iso(up.resolutionDueAt), '2026-03-02T14:00:00.000Z');
        clock.set('2026-03-02T10:40:00Z');
        const down = await desk.update(staff, t.id, { priority: 'normal' });
        assert.equal(iso(down.firstResponseDueAt), '2026-03-03T10:00:00.000Z');
      }, { config }),
    );

    it(
      'a reopen resumes the resolution clock; compliance follows the final resolution',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' }); // normal: resolve within 16 business hours
        clock.set('2026-03-02T12:00:00Z');
        await desk.addReply(staff, t.id, { body: 'fixed', status: 'resolved' });
        let now = (await desk.get(staff, t.id)).ticket;
        assert.equal(now.resolutionDueAt, null);
        assert.equal(now.sla.resolutionMet, true);
        assert.equal(now.sla.resolutionRemaining, 14 * 60);
        clock.set('2026-03-03T09:00:00Z');
        await desk.addReply(c, t.id, { body: 'broken again' });
        now = (await desk.get(staff, t.id)).ticket;
        assert.equal(now.sla.resolutionMet, null);
        assert.equal(iso(now.resolutionDueAt), '2026-03-04T15:00:00.000Z'); // 14 h from Tue 09:00
        clock.set('2026-03-05T09:00:00Z');
        await desk.update(staff, t.id, { status: 'resolved' });
        now = (await desk.get(staff, t.id)).ticket;
        assert.equal(now.sla.resolutionMet, false);
        const stats = await desk.getStats(staff);
        assert.deepEqual(stats.sla, [{ priority: 'normal', firstResponse: { met: 1, total: 1 }, resolution: { met: 0, total: 1 } }]);
      }, { config }),
    );

    it(
      'a per-ticket deadline overrides the resolution target',
      withDesk(o, async ({ desk }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        const next = await desk.update(staff, t.id, { deadlineAt: '2026-03-20T12:00:00Z' });
        assert.equal(iso(next.resolutionDueAt), '2026-03-20T12:00:00.000Z');
        assert.equal(iso(next.deadlineAt), '2026-03-20T12:00:00.000Z');
        const cleared = await desk.update(staff, t.id, { deadlineAt: null });
        assert.equal(iso(cleared.resolutionDueAt), '2026-03-04T10:00:00.000Z');
      }, { config }),
    );

    it(
      'tickets staff open as pending or resolved: first response met, resolution paused or met',
      withDesk(o, async ({ desk }) => {
        const staff = operator();
        const pending = await desk.create(staff, { subject: 'p', body: 'b', subscriberId: 's', status: 'pending' });
        assert.equal(pending.sla.firstResponseMet, true);
        assert.equal(pending.firstResponseDueAt, null);
        assert.equal(pending.resolutionDueAt, null);
        assert.equal(pending.sla.resolutionRemaining, 16 * 60);
        const resolved = await desk.create(staff, { subject: 'r', body: 'b', subscriberId: 's', status: 'resolved' });
        assert.equal(resolved.sla.resolutionMet, true);
        assert.equal(resolved.resolutionDueAt, null);
        // Phone tickets do not pull the first-response average toward zero.
        assert.equal((await desk.getStats(staff)).avgFirstResponseSeconds, null);
      }, { config }),
    );

    it(
      'a first response given while the ticket is on hold is met against the paused clock',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' }); // due Tue 10:00
        clock.set('2026-03-02T11:00:00Z');
        const held = await desk.update(staff, t.id, { status: 'on_hold' });
        assert.equal(held.firstResponseDueAt, null);
        assert.equal(held.sla.firstResponseRemaining, 7 * 60);
        clock.set('2026-03-04T12:00:00Z'); // two days later, but the clock was paused
        await desk.addReply(staff, t.id, { body: 'answer' });
        const now = (await desk.get(staff, t.id)).ticket;
        assert.equal(now.sla.firstResponseMet, true);
        assert.equal(iso(now.firstResponseAt), '2026-03-04T12:00:00.000Z');
      }, { config }),
    );

    it(
      'a deadline set while paused applies when the clock resumes',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        clock.set('2026-03-02T11:00:00Z');
        await desk.update(staff, t.id, { status: 'on_hold' });
        const set = await desk.update(staff, t.id, { deadlineAt: new Date('2026-03-06T12:00:00Z') });
        assert.equal(set.resolutionDueAt, null);
        clock.set('2026-03-02T13:00:00Z');
        const resumed = await desk.update(staff, t.id, { status: 'in_progress' });
        assert.equal(iso(resumed.resolutionDueAt), '2026-03-06T12:00:00.000Z');
      }, { config }),
    );

    it(
      'a department’s calendar governs its tickets’ business-time targets',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const night = (await desk.get(operator(), (await desk.create(c, { subject: 'n', body: 'b', department: 'night' })).id)).ticket;
        // 8 business hours on a 20:00–24:00 desk from Monday 10:00: Mon 4 h + Tue 4 h.
        assert.equal(iso(night.firstResponseDueAt), '2026-03-04T00:00:00.000Z');
        const day = (await desk.get(operator(), (await desk.create(c, { subject: 'd', body: 'b' })).id)).ticket;
        assert.equal(iso(day.firstResponseDueAt), '2026-03-03T10:00:00.000Z');
        await rejectsWith(desk.create(c, { subject: 'x', body: 'b', department: 'nope' }), 'validation', { field: 'department' });
      }, {
        config: {
          ...config,
          departments: [
            {
              id: 'night',
              name: 'Night desk',
              calendar: {
                timeZone: 'UTC',
                week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['20:00', '24:00']]])),
              },
            },
          ],
        },
      }),
    );
    it(
      'time on hold never counts, even when the clock is rebuilt after a target-less priority or a cleared deadline',
      withDesk(o, async ({ desk, clock }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' }); // normal: 16 business h, Mon 10:00
        clock.set('2026-03-02T10:30:00Z');
        await desk.update(staff, t.id, { status: 'on_hold' }); // 30 min used
        clock.set('2026-03-03T17:00:00Z');
        const back = await desk.update(staff, t.id, { status: 'in_progress' });
        // 15 h 30 min left from Tue 17:00: Wed 8 h, Thu 7 h 30 min.
        assert.equal(iso(back.resolutionDueAt), '2026-03-05T16:30:00.000Z');
        // Through `low` (no resolution target) and back, at the same instant: nothing moves.
        await desk.update(staff, t.id, { priority: 'low' });
        const again = await desk.update(staff, t.id, { priority: 'normal' });
        assert.equal(iso(again.resolutionDueAt), '2026-03-05T16:30:00.000Z');
        // A deadline set and cleared at the same instant: nothing moves either.
        await desk.update(staff, t.id, { deadlineAt: '2026-03-20T12:00:00Z' });
        const cleared = await desk.update(staff, t.id, { deadlineAt: null });
        assert.equal(iso(cleared.resolutionDueAt), '2026-03-05T16:30:00.000Z');
        assert.equal(cleared.sla.resolutionElapsed, 30);
      }, { config }),
    );
  });
}
