/**
 * Contract: hiding, unhiding and editing messages. Staff keep seeing everything (hidden
 * messages marked, earlier versions in the audit trail); the customer sees only what they
 * may: a hidden message is gone from every read, and edits of internal notes or hidden
 * messages change nothing they can see.
 */
import type { TicketEvent } from '../index.js';
import { assert, customer, operator, rejectsWith, resellerStaff, system, withDesk, type ContractOptions } from './harness.js';

/** The events of `type` in `events`, typed. */
function ofType<K extends TicketEvent['type']>(events: readonly TicketEvent[], type: K): Extract<TicketEvent, { type: K }>[] {
  return events.filter((e): e is Extract<TicketEvent, { type: K }> => e.type === type);
}

export function messageOpsTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('message operations: hide and edit', () => {
    it(
      'a hidden message stays for staff, marked hidden, and is gone for the customer: get, list counts, lastReplyAt, search, updatedAt, events',
      withDesk(o, async ({ desk, clock, events }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 'Slow line', body: 'It is slow' });
        clock.minutes(5);
        await desk.addReply(staff, t.id, { body: 'Please restart the router' });
        clock.minutes(5);
        const c1 = await desk.addReply(c, t.id, { body: 'Restarted, still slow' });
        clock.minutes(5);
        const r2 = await desk.addReply(staff, t.id, { body: 'Wrong customer: password hunter2-xyzzy' });
        clock.minutes(5);
        const before = await desk.get(c, t.id);
        assert.equal((await desk.list(c)).items[0]!.replyCount, 3);
        const version = (await desk.get(staff, t.id)).ticket.version;
        const seen = events.length;

        const hidden = await desk.hideMessage(staff, r2.id, { requestId: 'req-hide' });
        assert.equal(hidden.id, r2.id);
        assert.equal(hidden.hidden, true);
        assert.equal(hidden.body, r2.body, 'hiding keeps the message as written');

        const staffView = await desk.get(staff, t.id);
        assert.equal(staffView.messages.find((m) => m.id === r2.id)?.hidden, true, 'staff still see it, marked hidden');
        assert.equal(staffView.ticket.version, version + 1);
        assert.equal(staffView.ticket.updatedAt.getTime(), clock.now().getTime());
        assert.equal((await desk.list(staff, { q: 'xyzzy' })).items.length, 1, 'staff still find it');
        assert.equal((await desk.list(staff)).items[0]!.replyCount, 3);

        const after = await desk.get(c, t.id);
        assert.deepEqual(
          after.messages.map((m) => m.id),
          before.messages.filter((m) => m.id !== r2.id).map((m) => m.id),
        );
        assert.ok(!JSON.stringify(after).includes('xyzzy'));
        assert.equal(after.ticket.updatedAt.getTime(), before.ticket.updatedAt.getTime(), "the customer's updatedAt does not move");
        const [row] = (await desk.list(c)).items;
        assert.equal(row!.replyCount, 2);
        assert.equal(row!.lastReplyAt?.getTime(), c1.createdAt.getTime());
        assert.equal(row!.updatedAt.getTime(), before.ticket.updatedAt.getTime());
        assert.deepEqual((await desk.list(c, { q: 'xyzzy' })).items, [], 'search does not find a hidden message');

        const news = events.slice(seen);
        assert.deepEqual(news.map((e) => e.type), ['message.hidden']);
        const [event] = ofType(news, 'message.hidden');
        assert.equal(event!.message.id, r2.id);
        assert.equal(event!.message.hidden, true);
        assert.equal(event!.notify.customerId, null);
        assert.equal(event!.customer, null);

        const trail = await desk.audit(staff, t.id);
        const entry = trail.at(-1)!;
        assert.equal(entry.action, 'message_hidden');
        assert.deepEqual(entry.changes.messageId, { from: r2.id, to: r2.id });
        assert.equal(entry.actorId, staff.id);
        assert.equal(entry.requestId, 'req-hide');

        clock.minutes(5);
        const shown = await desk.unhideMessage(staff, r2.id);
        assert.equal(shown.hidden, false);
        assert.ok((await desk.get(c, t.id)).messages.some((m) => m.id === r2.id));
        const [again] = (await desk.list(c)).items;
        assert.equal(again!.replyCount, 3);
        assert.equal(again!.lastReplyAt?.getTime(), r2.createdAt.getTime());
        const [unhidden] = ofType(events, 'message.unhidden');
        assert.ok(unhidden, 'message.unhidden was emitted');
        assert.equal(unhidden.customer, null);
        assert.equal(unhidden.notify.customerId, null);
        assert.equal((await desk.audit(staff, t.id)).at(-1)!.action, 'message_unhidden');
        assert.equal((await desk.get(staff, t.id)).ticket.version, version + 2);
      }),
    );

    it(
      'hiding needs staff with tickets.edit, a message in scope, not a system note nor the opening message; refusals write nothing',
      withDesk(o, async ({ desk, events }) => {
        const c = customer(undefined, 'r1');
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'opening' });
        const reply = await desk.addReply(staff, t.id, { body: 'a reply' });
        await desk.update(staff, t.id, { status: 'in_progress' });
        const thread = (await desk.get(staff, t.id)).messages;
        const note = thread.find((m) => m.authorType === 'system')!;
        const opening = thread.find((m) => m.opening)!;
        const version = (await desk.get(staff, t.id)).ticket.version;
        const seen = events.length;

        await rejectsWith(desk.hideMessage(c, reply.id), 'forbidden');
        await rejectsWith(desk.hideMessage(operator(['tickets.view', 'tickets.reply']), reply.id), 'forbidden');
        await rejectsWith(desk.unhideMessage(operator(['tickets.view', 'tickets.reply']), reply.id), 'forbidden');
        await rejectsWith(desk.hideMessage(staff, note.id), 'validation', { field: 'messageId' });
        await rejectsWith(desk.hideMessage(staff, opening.id), 'validation', { field: 'messageId' });
        await rejectsWith(desk.hideMessage(staff, 'no-such-message'), 'not_found');
        await rejectsWith(desk.hideMessage(resellerStaff('r2'), reply.id), 'not_found');
        await rejectsWith(desk.hideMessage(staff, ''), 'validation', { field: 'messageId' });
        await rejectsWith(desk.hideMessage(staff, 42 as unknown as string), 'validation', { field: 'messageId' });
        assert.equal((await desk.get(staff, t.id)).ticket.version, version, 'no refusal wrote anything');
        assert.equal(events.length, seen, 'no refusal emitted anything');

        // The reseller's own staff may; hiding twice is hiding once.
        const own = resellerStaff('r1');
        await desk.hideMessage(own, reply.id);
        await desk.hideMessage(system, reply.id);
        assert.equal((await desk.get(staff, t.id)).ticket.version, version + 1);
        assert.equal(ofType(events, 'message.hidden').length, 1);
        // An internal note can be hidden too (it stays staff-only either way).
        const internal = await desk.addReply(staff, t.id, { body: 'n', internal: true });
        assert.equal((await desk.hideMessage(staff, internal.id)).hidden, true);
      }),
    );

    it(
      'editMessage: own messages with tickets.reply, others with tickets.edit; re-rendered and re-sanitised; every version kept for staff in the audit trail',
      withDesk(o, async ({ desk, clock, events }) => {
        const c = customer();
        const writer = operator(['tickets.view', 'tickets.reply']);
        const colleague = operator(['tickets.view', 'tickets.reply']);
        const editor = operator(['tickets.view', 'tickets.edit']);
        const t = await desk.create(c, { subject: 's', body: 'Customer <b>text</b>' });
        clock.minutes(5);
        const reply = await desk.addReply(writer, t.id, { body: 'Try **restarting**' });
        clock.minutes(5);

        const edited = await desk.editMessage(writer, reply.id, 'Try *unplugging* <script>alert(1)</script>[x](javascript:alert(1))');
        assert.equal(edited.body, 'Try *unplugging* <script>alert(1)</script>[x](javascript:alert(1))');
        assert.match(edited.html, /<em>unplugging<\/em>/, 'the new body is rendered as Markdown');
        assert.ok(!/<script/i.test(edited.html), 'and sanitised');
        assert.ok(!/javascript:/i.test(edited.html));
        assert.equal(edited.editedAt?.getTime(), clock.now().getTime());
        assert.equal(edited.createdAt.getTime(), reply.createdAt.getTime());

        await rejectsWith(desk.editMessage(colleague, reply.id, 'mine now'), 'forbidden');
        clock.minutes(5);
        const third = await desk.editMessage(editor, reply.id, 'Unplug it for 30 seconds');
        assert.equal(third.body, 'Unplug it for 30 seconds');

        // A customer's message stays plain text when staff edit it.
        const opening = (await desk.get(editor, t.id)).messages.find((m) => m.opening)!;
        await rejectsWith(desk.editMessage(writer, opening.id, 'x'), 'forbidden');
        const plain = await desk.editMessage(editor, opening.id, 'It is *slow* <b>again</b>');
        assert.ok(!plain.html.includes('<em>'), 'not rendered as Markdown');
        assert.ok(plain.html.includes('&lt;b&gt;'), 'escaped as plain text');

        const edits = (await desk.audit(editor, t.id)).filter((a) => a.action === 'message_edited');
        assert.deepEqual(
          edits.map((a) => a.changes.body),
          [
            { from: 'Try **restarting**', to: edited.body },
            { from: edited.body, to: 'Unplug it for 30 seconds' },
            { from: 'Customer <b>text</b>', to: 'It is *slow* <b>again</b>' },
          ],
        );
        assert.deepEqual(edits[0]!.changes.messageId, { from: reply.id, to: reply.id });
        assert.deepEqual(
          edits.map((a) => a.actorId),
          [writer.id, editor.id, editor.id],
        );
        await rejectsWith(desk.audit(c, t.id), 'forbidden');

        const view = await desk.get(c, t.id);
        const seen = view.messages.find((m) => m.id === reply.id)!;
        assert.equal(seen.body, 'Unplug it for 30 seconds');
        assert.equal(seen.editedAt?.getTime(), third.editedAt?.getTime(), 'the customer sees the edited mark');
        assert.ok(!JSON.stringify(view).includes('restarting'), 'and no earlier version');
        assert.ok(!JSON.stringify(view).includes('unplugging'));

        const edited3 = ofType(events, 'message.edited');
        assert.equal(edited3.length, 3);
        assert.equal(edited3[0]!.previousBody, 'Try **restarting**');
        assert.equal(edited3[0]!.message.body, edited.body);
        for (const e of edited3) {
          assert.equal(e.notify.customerId, null, 'an edit is a correction, not news for the customer');
          assert.equal(e.customer, null);
        }
      }),
    );

    it(
      'editMessage refuses customers, system notes, bad bodies, messages out of scope and deleted tickets; the same text again writes nothing',
      withDesk(o, async ({ desk, events, peer, store, tenantId, clock }) => {
        const c = customer(undefined, 'r1');
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const reply = await desk.addReply(staff, t.id, { body: 'hello' });
        await desk.update(staff, t.id, { priority: 'high' });
        const note = (await desk.get(staff, t.id)).messages.find((m) => m.authorType === 'system')!;
        const version = (await desk.get(staff, t.id)).ticket.version;
        const seen = events.length;

        await rejectsWith(desk.editMessage(c, reply.id, 'x'), 'forbidden');
        await rejectsWith(desk.editMessage(c, (await desk.get(c, t.id)).messages[0]!.id, 'my own'), 'forbidden');
        await rejectsWith(desk.editMessage(operator(['tickets.view']), reply.id, 'x'), 'forbidden');
        await rejectsWith(desk.editMessage(staff, note.id, 'x'), 'validation', { field: 'messageId' });
        await rejectsWith(desk.editMessage(staff, reply.id, '   '), 'validation', { field: 'body' });
        await rejectsWith(desk.editMessage(staff, reply.id, 5 as unknown as string), 'validation', { field: 'body' });
        await rejectsWith(desk.editMessage(staff, '', 'x'), 'validation', { field: 'messageId' });
        await rejectsWith(desk.editMessage(staff, 'no-such-message', 'x'), 'not_found');
        await rejectsWith(desk.editMessage(resellerStaff('r2', ['tickets.view', 'tickets.edit', 'tickets.reply']), reply.id, 'x'), 'not_found');
        const small = peer({ config: { maxBodyLength: 10 } });
        await rejectsWith(small.editMessage(staff, reply.id, 'far longer than ten'), 'validation');
        assert.equal((await desk.editMessage(staff, reply.id, 'hello')).editedAt, null, 'the same text is no edit');
        assert.equal((await desk.get(staff, t.id)).ticket.version, version, 'nothing was written');
        assert.equal(events.length, seen, 'nothing was emitted');
        assert.equal((await desk.editMessage(resellerStaff('r1', ['tickets.view', 'tickets.edit']), reply.id, 'hi')).body, 'hi');
        assert.deepEqual((await desk.list(c, { q: 'hello' })).items, [], 'the earlier text is found by nobody');
        assert.deepEqual((await desk.list(staff, { q: 'hello' })).items, []);

        // A soft-deleted ticket's messages change no more.
        const row = (await desk.get(staff, t.id)).ticket;
        await store.transaction(async (tx) => {
          assert.ok(await tx.updateTicket(tenantId, t.id, row.version, { deletedAt: clock.now() }));
        });
        await rejectsWith(desk.editMessage(staff, reply.id, 'after delete'), 'invalid_transition');
        await rejectsWith(desk.hideMessage(staff, reply.id), 'invalid_transition');
      }),
    );

    it(
      'editing an internal note or a hidden message changes nothing the customer sees, and tells the customer nothing',
      withDesk(o, async ({ desk, clock, events }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        clock.minutes(5);
        const note = await desk.addReply(staff, t.id, { body: 'internal draft', internal: true });
        clock.minutes(5);
        const reply = await desk.addReply(staff, t.id, { body: 'public reply' });
        clock.minutes(5);
        const wrong = await desk.addReply(staff, t.id, { body: 'meant for another ticket' });
        await desk.hideMessage(staff, wrong.id);
        clock.minutes(5);
        const view = await desk.get(c, t.id);
        const list = await desk.list(c);
        const version = (await desk.get(staff, t.id)).ticket.version;
        const seen = events.length;

        await desk.editMessage(staff, note.id, 'internal: customer owes 3 months');
        await desk.editMessage(staff, wrong.id, 'still wrong, still hidden');
        assert.deepEqual(await desk.get(c, t.id), view, 'the customer reads exactly what they read before');
        assert.deepEqual(await desk.list(c), list);
        assert.equal((await desk.get(staff, t.id)).ticket.version, version + 2, 'staff-side, the ticket changed');
        assert.equal((await desk.get(staff, t.id)).messages.find((m) => m.id === note.id)!.editedAt?.getTime(), clock.now().getTime());
        const news = events.slice(seen);
        assert.deepEqual(news.map((e) => e.type), ['message.edited', 'message.edited']);
        for (const e of news) {
          assert.equal(e.notify.customerId, null);
          assert.equal(e.customer, null);
        }
        // A public message's edit shows, with its mark, and nothing else moves.
        clock.minutes(5);
        await desk.editMessage(staff, reply.id, 'public reply, corrected');
        const now = await desk.get(c, t.id);
        const m = now.messages.find((x) => x.id === reply.id);
        assert.equal(m?.body, 'public reply, corrected');
        assert.ok(m?.editedAt);
        assert.equal(now.ticket.updatedAt.getTime(), view.ticket.updatedAt.getTime());
      }),
    );
  });
}
