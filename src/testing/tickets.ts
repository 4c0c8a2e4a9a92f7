/** Contract: creating tickets, numbering, validation, rendering. */
import { createTicketService } from '../index.js';
import {
  assert,
  customer,
  operator,
  parallel,
  rejectsWith,
  resellerStaff,
  withDesk,
  type ContractOptions,
} from './harness.js';

export function ticketTests(o: ContractOptions): void {
  const { describe, it } = o;
  const scale = o.concurrencyScale ?? 1;

  describe('create', () => {
    it(
      'a customer opens a ticket: open, normal, numbered, with its opening message, audit entry and event',
      withDesk(o, async ({ desk, events }) => {
        const c = customer();
        const t = await desk.create(c, { subject: 'Slow speeds in the evening', body: 'Getting 2 Mbps on a 10 Mbps plan' });
        assert.equal(t.number, 'TKT-1');
        assert.equal(t.status, 'open');
        assert.equal(t.priority, 'normal');
        assert.equal(t.category, 'other');
        const row = (await desk.get(operator(), t.id)).ticket;
        assert.equal(row.subscriberId, c.id);
        assert.equal(row.version, 1);
        assert.equal(row.firstResponseAt, null);
        assert.ok(t.createdAt instanceof Date);
        const detail = await desk.get(c, t.id);
        assert.equal(detail.messages.length, 1);
        assert.equal(detail.messages[0]!.authorType, 'customer');
        assert.equal(detail.messages[0]!.opening, true);
        assert.equal(detail.messages[0]!.body, 'Getting 2 Mbps on a 10 Mbps plan');
        const trail = await desk.audit(operator(), t.id);
        assert.equal(trail.length, 1);
        assert.equal(trail[0]!.action, 'created');
        assert.equal(events.length, 1);
        assert.equal(events[0]!.type, 'ticket.created');
        assert.deepEqual(events[0]!.notify, { customerId: null, staffIds: [], queue: true });
      }),
    );

    it(
      'the subscriber id comes from the customer actor; input cannot set it, nor status or assignee',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        await rejectsWith(desk.create(c, { subject: 's', body: 'b', subscriberId: 'someone-else' }), 'validation', {
          field: 'subscriberId',
        });
        await rejectsWith(desk.create(c, { subject: 's', body: 'b', status: 'resolved' }), 'validation', { field: 'status' });
        await rejectsWith(desk.create(c, { subject: 's', body: 'b', assigneeId: 'x' }), 'validation', { field: 'assigneeId' });
        const list = await desk.list(operator());
        assert.equal(list.items.length, 0);
      }),
    );

    it(
      'staff open a ticket for a subscriber, directly pending or resolved; it counts as the first response',
      withDesk(o, async ({ desk, events, clock }) => {
        const staff = operator();
        const t = await desk.create(staff, {
          subject: 'Called about the router',
          body: 'Customer says **LEDs** blink',
          subscriberId: 'sub-42',
          status: 'resolved',
          priority: 'urgent',
        });
        assert.equal(t.status, 'resolved');
        assert.equal(t.subscriberId, 'sub-42');
        assert.equal(t.firstResponseAt?.getTime(), clock.now().getTime());
        assert.equal(t.resolvedAt?.getTime(), clock.now().getTime());
        assert.equal(events[0]!.notify.customerId, 'sub-42');
        const p = await desk.create(staff, { subject: 'Follow-up', body: 'Will call back', subscriberId: 'sub-42', status: 'pending' });
        assert.equal(p.status, 'pending');
        await rejectsWith(desk.create(staff, { subject: 's', body: 'b' }), 'validation', { field: 'subscriberId' });
        await rejectsWith(
          desk.create(staff, { subject: 's', body: 'b', subscriberId: 'x', status: 'closed' }),
          'invalid_transition',
        );
        await rejectsWith(
          desk.create(operator(['tickets.view']), { subject: 's', body: 'b', subscriberId: 'x' }),
          'forbidden',
        );
      }),
    );

    it(
      'rejects blank, oversized and unknown input with a validation error naming the field',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const e1 = await rejectsWith(desk.create(c, { subject: '', body: 'b' }), 'validation', { field: 'subject' });
        assert.equal(e1.message, 'Subject and description are required');
        await rejectsWith(desk.create(c, { subject: '   ', body: 'b' }), 'validation', { field: 'subject' });
        const e2 = await rejectsWith(desk.create(c, { subject: 's', body: ' \n\t ' }), 'validation', { field: 'body' });
        assert.equal(e2.message, 'Subject and description are required');
        await rejectsWith(desk.create(c, { subject: 'x'.repeat(256), body: 'b' }), 'validation', { field: 'subject' });
        await rejectsWith(desk.create(c, { subject: 's', body: 'x'.repeat(256 * 1024 + 1) }), 'validation', { field: 'body' });
        await rejectsWith(desk.create(c, { subject: 's', body: 'b', category: 'nope' }), 'validation', { field: 'category' });
        await rejectsWith(desk.create(c, { subject: 's', body: 'b', priority: 'nope' }), 'validation', { field: 'priority' });
        // Customers choose up to `high`; `urgent` is staff-only by default.
        await rejectsWith(desk.create(c, { subject: 's', body: 'b', priority: 'urgent' }), 'validation', { field: 'priority' });
        await rejectsWith(desk.create(c, { subject: 's', body: 'b', sneaky: 1 } as never), 'validation', { field: 'sneaky' });
        await rejectsWith(desk.create(c, { subject: 42, body: 'b' } as never), 'validation', { field: 'subject' });
        await rejectsWith(desk.create(c, null as never), 'validation');
        await rejectsWith(desk.get(c, 42 as never), 'validation');
        await rejectsWith(desk.get(c, ''), 'validation');
        assert.equal((await desk.list(operator())).items.length, 0, 'nothing was written');
        const ok = await desk.create(c, { subject: '  trimmed  ', body: 'b', priority: 'high', category: 'wifi' });
        assert.equal(ok.subject, 'trimmed');
        assert.equal(ok.number, 'TKT-1', 'failed creates used no number');
      }),
    );

    it(
      'a large body (256 KiB) is stored and read back exactly',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const body = 'ü'.repeat(1024) + 'x'.repeat(256 * 1024 - 1024);
        const t = await desk.create(c, { subject: 'big', body });
        const detail = await desk.get(c, t.id);
        assert.equal(detail.messages[0]!.body, body);
      }),
    );

    it(
      'a reseller never opens a ticket for another reseller’s subscriber; the operator files under the subscriber’s reseller',
      withDesk(o, async ({ desk, directory }) => {
        directory.strict = true;
        directory.addSubscriber('sub-r1', 'r1');
        directory.addSubscriber('sub-r2', 'r2');
        const r1 = resellerStaff('r1');
        await rejectsWith(desk.create(r1, { subject: 's', body: 'b', subscriberId: 'sub-r2' }), 'not_found');
        await rejectsWith(desk.create(r1, { subject: 's', body: 'b', subscriberId: 'sub-unknown' }), 'not_found');
        const own = await desk.create(r1, { subject: 's', body: 'b', subscriberId: 'sub-r1' });
        assert.equal(own.resellerId, 'r1');
        const byOperator = await desk.create(operator(), { subject: 's', body: 'b', subscriberId: 'sub-r2' });
        assert.equal(byOperator.resellerId, 'r2');
        const seen = await desk.list(resellerStaff('r2'));
        assert.deepEqual(
          seen.items.map((t) => t.id),
          [byOperator.id],
        );
      }),
    );

    it(
      'rendering: staff Markdown becomes sanitised HTML, customer text is escaped with line breaks kept',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const t = await desk.create(c, { subject: 's', body: 'a <b>bold</b> & **not md**\r\nnext <script>alert(1)</script>' });
        await desk.addReply(operator(), t.id, {
          body: 'Try **this** [link](https://example.com) [bad](javascript:alert(1)) <img src=x onerror=alert(1)>',
        });
        const [first, reply] = (await desk.get(c, t.id)).messages;
        assert.ok(!first!.html.includes('<b>'), first!.html);
        assert.ok(first!.html.includes('&lt;script&gt;'), first!.html);
        assert.ok(first!.html.includes('**not md**'), first!.html);
        assert.ok(/<br\s*\/?>/.test(first!.html), first!.html);
        assert.ok(reply!.html.includes('<strong>this</strong>'), reply!.html);
        assert.ok(reply!.html.includes('href="https://example.com"'), reply!.html);
        assert.ok(!/javascript:/i.test(reply!.html), reply!.html);
        // Raw HTML is shown as text, never as a tag with an event handler.
        assert.ok(!/<[a-z][^>]*\son\w+\s*=/i.test(reply!.html), reply!.html);
        assert.ok(!/<img/i.test(reply!.html), reply!.html);
        assert.ok(reply!.html.includes('&lt;img'), reply!.html);
      }),
    );
  });

  describe('numbers', () => {
    it(
      `are unique and gapless under ${Math.round(200 * scale)} concurrent creates from two instances`,
      withDesk(o, async ({ desk, peer }) => {
        const n = Math.round(200 * scale);
        // Two app instances on one store, as behind a load balancer.
        const instances = [desk, peer()];
        const tickets = await parallel(n, (i) => instances[i % 2]!.create(customer(), { subject: `t${i}`, body: 'b' }));
        const numbers = tickets.map((t) => Number(t.number.slice(4))).sort((a, b) => a - b);
        assert.deepEqual(
          numbers,
          Array.from({ length: n }, (_, i) => i + 1),
        );
      }),
    );

    it(
      'support TKT-{yyyy}-{seq:4} (restarting each year) and TK-{seq:6}, and get() finds a ticket by number',
      withDesk(o, async ({ store, clock, tenantId }) => {
        const yearly = createTicketService({ store, tenantId, clock: clock.now, config: { numberFormat: 'TKT-{yyyy}-{seq:4}' } });
        const c = customer();
        clock.set('2026-12-31T23:59:00Z');
        const a = await yearly.create(c, { subject: 'a', body: 'b' });
        const b = await yearly.create(c, { subject: 'b', body: 'b' });
        clock.set('2027-01-01T00:01:00Z');
        const d = await yearly.create(c, { subject: 'c', body: 'b' });
        assert.deepEqual([a.number, b.number, d.number], ['TKT-2026-0001', 'TKT-2026-0002', 'TKT-2027-0001']);
        assert.equal((await yearly.get(c, 'TKT-2026-0002')).ticket.id, b.id);
        assert.equal((await yearly.get(c, b.id)).ticket.number, 'TKT-2026-0002');

        const padded = createTicketService({ store, tenantId: `${tenantId}-p`, clock: clock.now, config: { numberFormat: 'TK-{seq:6}' } });
        const p = await padded.create(c, { subject: 'p', body: 'b' });
        assert.equal(p.number, 'TK-000001');
      }),
    );

    it('a bad config throws a config error naming the field', async () => {
      const store = await o.createStore();
      try {
        for (const [config, field] of [
          [{ numberFormat: 'TKT' }, 'numberFormat'],
          [{ priorities: [] }, 'priorities'],
          [{ defaultCategory: 'nope' }, 'defaultCategory'],
          [{ customerMaxPriority: 'nope' }, 'customerMaxPriority'],
          [{ categories: ['a', 'a'], defaultCategory: 'a' }, 'categories.1'],
          [{ sla: { calendar: { timeZone: 'Mars/Olympus', week: { mon: [['09:00', '17:00']] } } } }, 'sla.calendar'],
        ] as const) {
          let caught: unknown;
          try {
            createTicketService({ store, config: config as never });
          } catch (err) {
            caught = err;
          }
          assert.ok(caught, `config ${JSON.stringify(config)} was accepted`);
          const e = caught as { code?: string; params?: { field?: string } };
          assert.equal(e.code, 'config');
          assert.ok(String(e.params?.field).startsWith(field), `field ${e.params?.field} for ${JSON.stringify(config)}`);
        }
      } finally {
        await o.destroyStore?.(store);
      }
    });
  });
}
