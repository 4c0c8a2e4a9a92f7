/**
 * Contract: a ticket's lifecycle beside its status: archive and unarchive (closed tickets
 * only), soft delete and restore (`tickets.delete`; a deleted ticket vanishes from every
 * read, count and scan), the per-ticket deadline, and staff raising a ticket to the top of
 * the queue with the customer's own priority kept beside the staff one.
 */
import type { Ticket, TicketEvent } from '../index.js';
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
import { config, iso } from './sla-fixtures.js';

/** Who deletes and restores: operator staff holding every permission, `tickets.delete` included. */
const admin = () => operator(ALL);

/** The ids of a list page. */
const ids = (page: { items: { id: string }[] }) => page.items.map((t) => t.id);

export function lifecycleTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('lifecycle: archive, delete and restore, deadline and raise', () => {
    it(
      'archive: closed tickets only, by their customer or by staff with tickets.edit; archived tickets leave the default lists and archived: true lists them',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 'mine', body: 'b' });
        const other = await desk.create(c, { subject: 'other', body: 'b' });
        for (const status of ['open', 'in_progress', 'pending', 'on_hold', 'resolved'] as const) {
          if (status !== 'open') await desk.update(staff, t.id, { status });
          const e = await rejectsWith(desk.archive(c, t.id), 'invalid_transition');
          assert.deepEqual([e.params.action, e.params.from, e.params.to], ['archive', status, status]);
          await rejectsWith(desk.archive(staff, t.id), 'invalid_transition');
        }
        await desk.update(c, t.id, { status: 'closed' });
        const closed = (await desk.get(c, t.id)).ticket;
        const version = (await desk.get(staff, t.id)).ticket.version;
        await rejectsWith(desk.archive(operator(['tickets.view', 'tickets.reply']), t.id), 'forbidden');
        await rejectsWith(desk.archive(customer(), t.id), 'not_found');
        assert.equal((await desk.get(staff, t.id)).ticket.version, version, 'refusals write nothing');

        const archived = await desk.archive(c, t.id);
        assert.equal(archived.archived, true);
        assert.equal(archived.status, 'closed');
        assert.equal(archived.label, 'archived');
        assert.ok(!('assigneeId' in archived), 'the customer gets their own view');
        assert.equal(archived.updatedAt.getTime(), closed.updatedAt.getTime(), "the customer's view moves on no archive");
        const again = await desk.archive(staff, t.id);
        assert.equal(again.version, version + 1, 'archiving an archived ticket changes nothing');

        assert.deepEqual(ids(await desk.list(c)), [other.id]);
        assert.deepEqual(ids(await desk.list(staff)), [other.id]);
        assert.deepEqual(ids(await desk.list(c, { archived: true })), [t.id]);
        assert.deepEqual(ids(await desk.list(staff, { archived: true })), [t.id]);
        assert.deepEqual(ids(await desk.list(staff, { archived: false })), [other.id]);
        assert.equal((await desk.list(c, { archived: true })).items[0]!.label, 'archived');
        assert.equal((await desk.get(c, t.id)).ticket.archived, true, 'get still opens an archived ticket');

        await desk.update(staff, other.id, { status: 'closed' });
        const byStaff = await desk.archive(staff, other.id);
        assert.equal(byStaff.archived, true);
        assert.equal(byStaff.assigneeId, null, 'staff get the staff row');
        assert.deepEqual(ids(await desk.list(c)), []);

        const audit = (await desk.audit(staff, t.id)).filter((a) => a.action === 'archived');
        assert.equal(audit.length, 1);
        assert.deepEqual(audit[0]!.changes, { archived: { from: false, to: true } });
        assert.deepEqual([audit[0]!.actorKind, audit[0]!.actorId], ['customer', c.id]);
        const announced = events.filter((e) => e.type === 'ticket.archived');
        assert.deepEqual(announced.map((e) => e.ticket.id), [t.id, other.id]);
        for (const e of announced) {
          assert.deepEqual(e.notify, { customerId: null, staffIds: [], queue: false });
          assert.equal(e.customer, null);
        }
      }),
    );

    it(
      'unarchive; a customer reply brings an archived ticket back open, a public staff reply back pending, a status change out of closed too; an internal note leaves it archived',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await rejectsWith(desk.unarchive(c, t.id), 'invalid_transition');
        const putAway = async () => {
          await desk.update(staff, t.id, { status: 'closed' });
          return desk.archive(staff, t.id);
        };

        await putAway();
        const back = await desk.unarchive(c, t.id);
        assert.deepEqual([back.archived, back.status, back.label], [false, 'closed', 'closed']);
        assert.deepEqual(ids(await desk.list(c)), [t.id]);
        const version = (await desk.get(staff, t.id)).ticket.version;
        assert.equal((await desk.unarchive(staff, t.id)).version, version, 'unarchiving a ticket not archived changes nothing');
        await rejectsWith(desk.unarchive(operator(['tickets.view']), t.id), 'forbidden');

        await desk.archive(staff, t.id);
        await desk.addReply(staff, t.id, { body: 'for the record', internal: true });
        let seen = (await desk.get(staff, t.id)).ticket;
        assert.deepEqual([seen.archived, seen.status], [true, 'closed'], 'an internal note leaves it archived');

        const reply = await desk.addReply(c, t.id, { body: 'it broke again' });
        assert.deepEqual([reply.ticket.status, reply.ticket.archived, reply.ticket.label], ['open', false, 'new']);
        assert.deepEqual(ids(await desk.list(c)), [t.id]);
        assert.deepEqual(ids(await desk.list(c, { archived: true })), []);

        await putAway();
        const answer = await desk.addReply(staff, t.id, { body: 'a late answer' });
        assert.deepEqual([answer.ticket.status, answer.ticket.archived], ['pending', false]);

        await putAway();
        seen = await desk.update(staff, t.id, { status: 'in_progress' });
        assert.deepEqual([seen.status, seen.archived], ['in_progress', false]);

        const audit = (await desk.audit(staff, t.id)).filter((a) => a.action === 'unarchived');
        assert.equal(audit.length, 1);
        assert.deepEqual(audit[0]!.changes, { archived: { from: true, to: false } });
        const out = events.filter((e) => e.type === 'ticket.unarchived');
        assert.equal(out.length, 1);
        assert.deepEqual(out[0]!.notify, { customerId: null, staffIds: [], queue: false });
      }),
    );

    it(
      'delete needs tickets.delete (customers never); a deleted ticket is not found by get or audit, leaves every list, search and stats bucket, and any change to it is invalid_transition',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const staff = operator();
        const boss = admin();
        const t = await desk.create(c, { subject: 'printer on fire', body: 'b', priority: 'high' });
        const keep = await desk.create(c, { subject: 'keep me', body: 'b' });
        await desk.addReply(staff, t.id, { body: 'looking' });
        const statsBefore = await desk.getStats(boss);

        const e = await rejectsWith(desk.delete(staff, t.id), 'forbidden');
        assert.equal(e.params.permission, 'tickets.delete');
        await rejectsWith(desk.delete(c, t.id), 'forbidden');
        await rejectsWith(desk.delete(boss, 'no-such-ticket'), 'not_found');
        await rejectsWith(desk.delete(boss, ''), 'validation', { field: 'ticketId' });
        assert.equal(await desk.delete(boss, t.number), undefined);

        for (const actor of [c, staff, boss]) {
          await rejectsWith(desk.get(actor, t.id), 'not_found');
          await rejectsWith(desk.get(actor, t.number), 'not_found');
          assert.deepEqual(ids(await desk.list(actor)), [keep.id]);
          assert.deepEqual(ids(await desk.list(actor, { q: 'printer' })), []);
        }
        assert.deepEqual(ids(await desk.list(staff, { archived: true })), []);
        await rejectsWith(desk.audit(staff, t.id), 'not_found');
        const stats = await desk.getStats(boss);
        assert.equal(stats.counts.pending, statsBefore.counts.pending - 1);
        assert.equal(stats.counts.open, statsBefore.counts.open);
        assert.equal(
          stats.backlog.reduce((n, b) => n + b.count, 0),
          statsBefore.backlog.reduce((n, b) => n + b.count, 0) - 1,
        );
        assert.ok(!stats.backlog.some((b) => b.priority === 'high'));
        const customerStats = await desk.getStats(c);
        assert.equal(customerStats.counts.pending, 0);

        const [row] = (await desk.list(boss, { deleted: true })).items;
        const version = row!.version;
        const refusals = [
          () => desk.addReply(c, t.id, { body: 'hello?' }),
          () => desk.addReply(boss, t.id, { body: 'hm' }),
          () => desk.addReply(boss, t.id, { body: 'note', internal: true }),
          () => desk.update(boss, t.id, { status: 'closed' }),
          () => desk.update(boss, t.id, { priority: 'low' }),
          () => desk.archive(boss, t.id),
          () => desk.unarchive(boss, t.id),
          () => desk.delete(boss, t.id),
        ];
        for (const refusal of refusals) await rejectsWith(refusal(), 'invalid_transition');
        const [after] = (await desk.list(boss, { deleted: true })).items;
        assert.equal(after!.version, version, 'nothing was written');
        assert.equal(after!.replyCount, 1);
        await rejectsWith(desk.restore(boss, keep.id), 'invalid_transition');

        const deleted = events.filter((e) => e.type === 'ticket.deleted');
        assert.equal(deleted.length, 1);
        assert.equal(deleted[0]!.notify.customerId, null);
        assert.equal(deleted[0]!.customer, null);
        assert.ok(deleted[0]!.ticket.deletedAt instanceof Date);
      }),
    );

    it(
      'every other operation on a deleted ticket is invalid_transition too, and writes nothing: lock, unlock, favorite, read marks, hide, edit, merge either way, split',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const boss = admin();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const other = await desk.create(c, { subject: 'other', body: 'b' });
        const staffReply = await desk.addReply(boss, t.id, { body: 'staff' });
        const customerReply = await desk.addReply(c, t.id, { body: 'customer' });
        await desk.delete(boss, t.id);
        const row = async () => (await desk.list(boss, { deleted: true })).items[0]!;
        const before = await row();
        const otherVersion = (await desk.get(boss, other.id)).ticket.version;
        events.length = 0;
        // One at a time, each started only when the previous one was refused.
        const attempts: [string, () => Promise<unknown>][] = [
          ['lock', () => desk.lock(boss, t.id)],
          ['unlock', () => desk.unlock(boss, t.id, { force: true })],
          ['favorite', () => desk.favorite(boss, t.id, true)],
          ['markRead', () => desk.markRead(boss, t.id)],
          ['hideMessage', () => desk.hideMessage(boss, staffReply.id)],
          ['editMessage', () => desk.editMessage(boss, staffReply.id, 'changed')],
          ['merge from', () => desk.merge(boss, t.id, other.id)],
          ['merge into', () => desk.merge(boss, other.id, t.id)],
          ['split', () => desk.split(boss, t.id, customerReply.id)],
        ];
        for (const [name, attempt] of attempts) {
          const e = await rejectsWith(attempt(), 'invalid_transition');
          assert.match(e.message, /deleted/, name);
        }
        const after = await row();
        assert.deepEqual(
          [after.version, after.replyCount, after.favorite, after.lockedById],
          [before.version, before.replyCount, false, null],
        );
        assert.equal((await desk.get(boss, other.id)).ticket.version, otherVersion);
        assert.equal(events.length, 0);
        const restored = await desk.get(boss, (await desk.restore(boss, t.id)).id);
        assert.equal(restored.messages.find((m) => m.id === staffReply.id)?.body, 'staff');
        assert.equal(restored.messages.find((m) => m.id === staffReply.id)?.hidden, false);
      }),
    );

    it(
      'staff with tickets.delete list deleted tickets; restore brings a ticket back exactly as it was, and stats count it again',
      withDesk(o, async ({ desk, clock, events }) => {
        const c = customer();
        const staff = operator();
        const boss = admin();
        const t = await desk.create(c, { subject: 's', body: 'b', priority: 'high' });
        await desk.update(staff, t.id, { assigneeId: staff.id, status: 'in_progress', raised: true });
        await desk.addReply(staff, t.id, { body: 'public' });
        await desk.addReply(staff, t.id, { body: 'internal', internal: true });
        const other = await desk.create(c, { subject: 'other', body: 'b' });
        const before = await desk.get(boss, t.id);
        const statsBefore = await desk.getStats(boss);

        clock.minutes(5);
        await desk.delete(boss, t.id);
        await desk.delete(boss, other.id);
        assert.deepEqual(new Set(ids(await desk.list(boss, { deleted: true }))), new Set([t.id, other.id]));
        await rejectsWith(desk.list(staff, { deleted: true }), 'forbidden');
        await rejectsWith(desk.list(c, { deleted: true }), 'validation', { field: 'deleted' });
        await rejectsWith(desk.restore(staff, t.id), 'forbidden');
        await rejectsWith(desk.restore(c, t.id), 'forbidden');

        clock.minutes(5);
        const restored = await desk.restore(boss, t.id);
        assert.equal(restored.deletedAt, null);
        const { version: v1, sla: s1, ...was } = before.ticket;
        const { version: v2, sla: s2, ...is } = restored;
        assert.deepEqual(is, was, 'every field as it was');
        assert.equal(v2, v1 + 2, 'deleted and restored: two writes');
        assert.equal(iso(s2.firstResponseBreachedAt), iso(s1.firstResponseBreachedAt));
        const after = await desk.get(boss, t.id);
        assert.deepEqual(after.ticket, restored);
        assert.deepEqual(after.messages.map((m) => m.id), before.messages.map((m) => m.id));
        assert.deepEqual(ids(await desk.list(boss, { deleted: true })), [other.id]);
        assert.deepEqual(ids(await desk.list(staff)), [t.id], 'back in its place in the queue');
        const stats = await desk.getStats(boss);
        assert.deepEqual(stats.counts, { ...statsBefore.counts, open: statsBefore.counts.open - 1 });
        await rejectsWith(desk.restore(boss, t.id), 'invalid_transition');

        const audit = (await desk.audit(boss, t.id)).filter((a) => a.action === 'deleted' || a.action === 'restored');
        assert.deepEqual(audit.map((a) => a.action), ['deleted', 'restored']);
        // Audit changes are JSON: a Date may come back as its ISO string.
        const when = (v: unknown) => new Date(v as string | Date).toISOString();
        assert.equal(when(audit[0]!.changes.deletedAt!.to), when(audit[1]!.changes.deletedAt!.from));
        assert.equal(when(audit[0]!.changes.deletedAt!.to), '2026-03-02T10:05:00.000Z');
        assert.equal(audit[1]!.changes.deletedAt!.to, null);
        const lifecycle = events.filter((e) => e.type === 'ticket.deleted' || e.type === 'ticket.restored');
        assert.deepEqual(lifecycle.map((e) => e.type), ['ticket.deleted', 'ticket.deleted', 'ticket.restored']);
        for (const e of lifecycle) {
          assert.equal(e.notify.customerId, null, `${e.type} is staff-only`);
          assert.equal(e.customer, null);
        }
        // The assignee hears their ticket went away, and came back.
        assert.deepEqual(lifecycle[0]!.notify.staffIds, [staff.id]);
      }),
    );

    it(
      'runScheduledWork neither alerts on nor auto-closes a deleted ticket; once restored, it does',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const boss = admin();
        const due = await desk.create(c, { subject: 'due', body: 'b', priority: 'high' });
        const done = await desk.create(c, { subject: 'done', body: 'b' });
        await desk.update(staff, done.id, { status: 'resolved' });
        await desk.delete(boss, due.id);
        await desk.delete(boss, done.id);
        const seen: TicketEvent[] = [];
        desk.events.on('*', (_t, e) => seen.push(e as TicketEvent));

        clock.hours(24 * 8); // past the 4 h first response of `high` and the 168 h auto-close
        const quiet = await desk.runScheduledWork();
        assert.deepEqual([quiet.warnings, quiet.breaches, quiet.autoClosed], [0, 0, []]);
        assert.equal(seen.length, 0, 'no event about a deleted ticket');

        await desk.restore(boss, due.id);
        await desk.restore(boss, done.id);
        seen.length = 0;
        const work = await desk.runScheduledWork();
        assert.deepEqual([work.warnings, work.breaches, work.autoClosed], [1, 1, [done.id]]);
        assert.ok(seen.some((e) => e.type === 'sla.breached' && e.ticket.id === due.id));
      }, { config }),
    );

    it(
      'lifecycle operations are scoped: another reseller\'s ticket is not found; malformed input is a validation error',
      withDesk(o, async ({ desk }) => {
        const mine = customer(undefined, 'r1');
        const t = await desk.create(mine, { subject: 's', body: 'b' });
        const boss = admin();
        await desk.update(boss, t.id, { status: 'closed' });
        const outsider = resellerStaff('r2', ['tickets.view', 'tickets.edit', 'tickets.delete']);
        await rejectsWith(desk.archive(outsider, t.id), 'not_found');
        await rejectsWith(desk.delete(outsider, t.id), 'not_found');
        const insider = resellerStaff('r1', ['tickets.view', 'tickets.edit', 'tickets.delete']);
        assert.equal((await desk.archive(insider, t.id)).archived, true);
        await desk.delete(insider, t.id);
        await rejectsWith(desk.restore(outsider, t.id), 'not_found');
        assert.equal((await desk.restore(insider, t.id)).archived, true, 'restored archived, as it was');
        assert.equal((await desk.unarchive(insider, t.id)).archived, false);

        await rejectsWith(desk.archive(boss, ''), 'validation', { field: 'ticketId' });
        await rejectsWith(desk.unarchive(boss, 42 as never), 'validation', { field: 'ticketId' });
        await rejectsWith(desk.restore(boss, 'x'.repeat(201)), 'validation', { field: 'ticketId' });
        await rejectsWith(desk.delete({ kind: 'staff', id: 'x' } as never, t.id), 'validation');
        await rejectsWith(desk.archive({ kind: 'customer' } as never, t.id), 'validation', { field: 'actor.id' });
        await rejectsWith(desk.archive(boss, t.id, { ip: 42 } as never), 'validation');
      }),
    );

    it(
      'a per-ticket deadline overrides the SLA resolution due time, and clearing it brings the target back',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const mine = await desk.create(c, { subject: 's', body: 'b', priority: 'normal' });
        const t = (await desk.get(staff, mine.id)).ticket;
        // normal: 16 business hours from Monday 10:00 on a 09:00-17:00 calendar.
        assert.equal(iso(t.resolutionDueAt), '2026-03-04T10:00:00.000Z');
        await rejectsWith(desk.update(c, t.id, { deadlineAt: '2026-03-03T12:00:00Z' }), 'validation', { field: 'deadlineAt' });
        const tight = await desk.update(staff, t.id, { deadlineAt: '2026-03-02T15:00:00Z' });
        assert.equal(iso(tight.deadlineAt), '2026-03-02T15:00:00.000Z');
        assert.equal(iso(tight.resolutionDueAt), '2026-03-02T15:00:00.000Z');
        assert.equal(iso(tight.firstResponseDueAt), iso(t.firstResponseDueAt), 'first response keeps its target');
        const loose = await desk.update(staff, t.id, { deadlineAt: '2026-03-20T12:00:00Z' });
        assert.equal(iso(loose.resolutionDueAt), '2026-03-20T12:00:00.000Z', 'a later deadline overrides too');
        const cleared = await desk.update(staff, t.id, { deadlineAt: null });
        assert.equal(cleared.deadlineAt, null);
        assert.equal(iso(cleared.resolutionDueAt), '2026-03-04T10:00:00.000Z');

        await desk.update(staff, t.id, { deadlineAt: '2026-03-02T15:00:00Z' });
        clock.set('2026-03-02T15:30:00Z');
        const work = await desk.runScheduledWork();
        assert.equal(work.breaches, 1, 'the deadline breaches, not the target');
        const breached = (await desk.get(staff, t.id)).ticket;
        assert.equal(iso(breached.sla.resolutionBreachedAt), '2026-03-02T15:30:00.000Z');

        const opened = await desk.create(staff, {
          subject: 'with a deadline',
          body: 'b',
          subscriberId: c.id,
          priority: 'normal',
          deadlineAt: '2026-03-09T09:00:00Z',
        });
        assert.equal(iso(opened.deadlineAt), '2026-03-09T09:00:00.000Z');
        assert.equal(iso(opened.resolutionDueAt), '2026-03-09T09:00:00.000Z', 'a deadline given at creation overrides too');
      }, { config }),
    );

    it(
      'staff raise a ticket to the top of the queue while it is unresolved, and reset it; the customer\'s own priority stays beside the staff one',
      withDesk(o, async ({ desk, clock }) => {
        const c = customer();
        const staff = operator();
        const make = async (subject: string, priority: string): Promise<Ticket> => {
          clock.minutes(1);
          return desk.create(staff, { subject, body: 'b', subscriberId: c.id, priority });
        };
        const low = await make('low', 'low');
        const urgent = await make('urgent', 'urgent');
        const high = await make('high', 'high');
        const queue = async () => (await desk.list(staff)).items.map((t) => t.subject);
        assert.deepEqual(await queue(), ['urgent', 'high', 'low']);

        await rejectsWith(desk.update(c, low.id, { raised: true }), 'validation', { field: 'raised' });
        await rejectsWith(desk.update(operator(['tickets.view', 'tickets.reply']), low.id, { raised: true }), 'forbidden');
        const raised = await desk.update(staff, low.id, { raised: true });
        assert.equal(raised.raised, true);
        assert.equal(raised.priority, 'low', 'raising leaves the priority');
        assert.ok(raised.attention > urgent.attention);
        clock.minutes(1);
        await desk.addReply(staff, high.id, { body: 'most recently updated' });
        assert.deepEqual(await queue(), ['low', 'urgent', 'high']);
        assert.ok(!('raised' in (await desk.get(c, low.id)).ticket), 'customers do not see the raise');

        await desk.update(staff, low.id, { status: 'resolved' });
        assert.deepEqual(await queue(), ['urgent', 'high', 'low'], 'a resolved ticket is not raised in the queue');
        await desk.addReply(c, low.id, { body: 'not fixed' });
        assert.deepEqual(await queue(), ['low', 'urgent', 'high'], 'reopened, it is raised again');
        const reset = await desk.update(staff, low.id, { raised: false });
        assert.equal(reset.raised, false);
        assert.deepEqual(await queue(), ['urgent', 'high', 'low']);
        const audit = (await desk.audit(staff, low.id)).filter((a) => a.changes.raised);
        assert.deepEqual(audit.map((a) => a.changes.raised), [{ from: false, to: true }, { from: true, to: false }]);

        const mine = await desk.create(c, { subject: 'mine', body: 'b', priority: 'high' });
        const staffRow = (await desk.get(staff, mine.id)).ticket;
        assert.deepEqual([staffRow.priority, staffRow.customerPriority], ['high', 'high']);
        const lowered = await desk.update(staff, mine.id, { priority: 'low' });
        assert.deepEqual([lowered.priority, lowered.customerPriority], ['low', 'high']);
        const bumped = await desk.update(staff, mine.id, { priority: 'urgent' });
        assert.deepEqual([bumped.priority, bumped.customerPriority], ['urgent', 'high']);
        assert.equal(low.customerPriority, 'low', 'a ticket staff opened: the priority they chose');
      }),
    );

    it(
      'a reply that takes a ticket out of the archive says so in its audit entry',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.update(staff, t.id, { status: 'closed' });
        await desk.archive(c, t.id);
        await desk.addReply(c, t.id, { body: 'it is back' });
        const reply = (await desk.audit(staff, t.id)).at(-1)!;
        assert.equal(reply.action, 'replied');
        assert.deepEqual(reply.changes.archived, { from: true, to: false });
        assert.deepEqual(reply.changes.status, { from: 'closed', to: 'open' });
      }),
    );

    it(
      'another staff member’s lock holds off archive, unarchive, delete and restore until it is released',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const holder = operator(ALL);
        const other = admin();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.update(holder, t.id, { status: 'closed' });
        await desk.lock(holder, t.id, { ttlSeconds: 600 });
        const version = (await desk.get(holder, t.id)).ticket.version;
        await rejectsWith(desk.archive(other, t.id), 'locked');
        await rejectsWith(desk.delete(other, t.id), 'locked');
        assert.equal((await desk.get(holder, t.id)).ticket.version, version, 'nothing written');
        // The holder and the customer are not held off.
        await desk.archive(c, t.id);
        await desk.unarchive(holder, t.id);
        await desk.lock(holder, t.id, { ttlSeconds: 600 });
        await desk.unlock(other, t.id, { force: true });
        await desk.archive(other, t.id);
        // Deleting releases the lock: nobody works on a deleted ticket, and anyone may restore it.
        await desk.lock(holder, t.id, { ttlSeconds: 600 });
        await desk.delete(holder, t.id);
        const restored = await desk.restore(other, t.id);
        assert.equal(restored.deletedAt, null);
        assert.equal(restored.lockedById, null);
      }),
    );
  });
}
