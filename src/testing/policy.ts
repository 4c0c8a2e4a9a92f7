/**
 * Contract: the host's policy hook. `beforeCreate` and `beforeCustomerReply` may refuse
 * with the host's own code and message (a paid-support quota, an abuse block): a typed
 * `refused` error, nothing written, no number used, no event. They are asked after
 * validation and scope, never about staff replies; a hook that throws is `internal`, an
 * answer that is not a refusal `config`.
 */
import { TicketError } from '../errors.js';
import type { PolicyRequest, TicketPolicy } from '../index.js';
import { assert, customer, operator, rejectsWith, resellerStaff, withDesk, type ContractOptions } from './harness.js';

export function policyTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('policy hook', () => {
    it(
      'beforeCreate refuses with the host’s code and message: nothing written, no number used, no event',
      withDesk(o, async (d) => {
        const asked: PolicyRequest[] = [];
        const quota = new Map<string, number>();
        const policy: TicketPolicy = {
          beforeCreate: async (request) => {
            asked.push(request);
            if (request.actor.kind !== 'customer') return;
            const left = quota.get(request.ticket.subscriberId) ?? 0;
            if (left === 0) {
              return { refuse: { code: 'incident_quota', message: 'No support tickets left: buy more', params: { left } } };
            }
            quota.set(request.ticket.subscriberId, left - 1);
          },
        };
        const desk = d.peer({ policy });
        const seen: string[] = [];
        desk.events.on('*', (type) => seen.push(type));
        const c = customer(undefined, 'r1');
        const err = await rejectsWith(desk.create(c, { subject: 'Help', body: 'please', category: 'wifi' }), 'refused');
        assert.equal(err.message, 'No support tickets left: buy more');
        assert.deepEqual(err.params, { left: 0, reason: 'incident_quota', operation: 'create' });
        assert.ok(TicketError.is(err, 'refused'));
        assert.equal((await desk.list(operator())).items.length, 0, 'nothing written');
        assert.deepEqual(seen, []);

        // What the hook was shown: who asks, for whom, what, before numbering.
        const request = asked[0]!;
        assert.equal(request.operation, 'create');
        assert.deepEqual(request.actor, c);
        assert.equal(request.ticket.subscriberId, c.id);
        assert.equal(request.ticket.resellerId, 'r1');
        assert.equal(request.ticket.category, 'wifi');
        assert.equal(request.body, 'please');

        // Once allowed, the first ticket gets the first number: the refusal used none.
        quota.set(c.id, 1);
        const t = await desk.create(c, { subject: 'Help', body: 'please' });
        assert.equal(t.number, 'TKT-1');
        await rejectsWith(desk.create(c, { subject: 'Again', body: 'please' }), 'refused');
        // The host decides whom it asks about: staff opening a ticket for the customer pass here.
        const byStaff = await desk.create(operator(), { subject: 'Call', body: 'b', subscriberId: c.id });
        assert.equal(byStaff.number, 'TKT-2');
        assert.equal(asked.at(-1)!.actor.kind, 'staff');
      }),
    );

    it(
      'beforeCustomerReply refuses a customer’s reply (an abuse block); staff replies and notes are never asked',
      withDesk(o, async (d) => {
        const asked: PolicyRequest[] = [];
        const blocked = new Set<string>();
        const desk = d.peer({
          policy: {
            beforeCustomerReply(request) {
              asked.push(request);
              return blocked.has(request.ticket.subscriberId)
                ? { refuse: { code: 'abuse_block', message: 'Your account is blocked for abuse' } }
                : null;
            },
          },
        });
        const c = customer();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.addReply(operator(), t.id, { body: 'public answer' });
        await desk.addReply(operator(), t.id, { body: 'note', internal: true });
        assert.equal(asked.length, 0, 'staff are not asked about');
        await desk.addReply(c, t.id, { body: 'thanks' });
        assert.equal(asked.length, 1);
        assert.equal(asked[0]!.operation, 'reply');
        assert.equal(asked[0]!.ticket.id, t.id);
        assert.equal(asked[0]!.body, 'thanks');

        blocked.add(c.id);
        const before = (await desk.get(operator(), t.id)).ticket;
        const seen: string[] = [];
        desk.events.on('*', (type) => seen.push(type));
        const err = await rejectsWith(desk.addReply(c, t.id, { body: 'spam' }), 'refused', {
          message: /blocked for abuse/,
        });
        assert.equal(err.params.reason, 'abuse_block');
        const after = await desk.get(operator(), t.id);
        assert.equal(after.ticket.version, before.version, 'nothing written');
        assert.ok(!after.messages.some((m) => m.body === 'spam'));
        assert.deepEqual(seen, []);
        // Staff still answer a blocked customer.
        await desk.addReply(operator(), t.id, { body: 'we see your message' });
      }),
    );

    it(
      'the hook is asked only after validation and scope: bad input and other people’s tickets never reach it',
      withDesk(o, async (d) => {
        let calls = 0;
        const count = () => {
          calls += 1;
        };
        const desk = d.peer({ policy: { beforeCreate: count, beforeCustomerReply: count } });
        const a = customer();
        const b = customer();
        await rejectsWith(desk.create(a, { subject: ' ', body: 'b' }), 'validation', { field: 'subject' });
        await rejectsWith(desk.create(a, { subject: 's', body: 'b', category: 'bogus' }), 'validation', { field: 'category' });
        await rejectsWith(desk.create(a, { subject: 's', body: 'b', assigneeId: 'x' }), 'validation', { field: 'assigneeId' });
        await rejectsWith(desk.create(resellerStaff('r1', ['tickets.view']), { subject: 's', body: 'b', subscriberId: 'x' }), 'forbidden');
        assert.equal(calls, 0);
        const tb = await desk.create(b, { subject: 's', body: 'b' });
        assert.equal(calls, 1);
        await rejectsWith(desk.addReply(a, tb.id, { body: 'not mine' }), 'not_found');
        await rejectsWith(desk.addReply(b, tb.id, { body: ' ' }), 'validation');
        assert.equal(calls, 1);
      }),
    );

    it(
      'a hook that throws is internal (the host’s error as cause); an answer that is not a refusal is config; nothing is written',
      withDesk(o, async (d) => {
        const boom = new Error('quota service down');
        const throwing = d.peer({
          policy: {
            beforeCreate: () => {
              throw boom;
            },
            beforeCustomerReply: async () => Promise.reject(boom),
          },
        });
        const c = customer();
        const err = await rejectsWith(throwing.create(c, { subject: 's', body: 'b' }), 'internal');
        assert.equal(err.cause, boom);
        assert.equal(err.params.callback, 'policy.beforeCreate');
        const t = await d.desk.create(c, { subject: 's', body: 'b' });
        const replied = await rejectsWith(throwing.addReply(c, t.id, { body: 'x' }), 'internal');
        assert.equal(replied.cause, boom);
        assert.equal((await d.desk.get(c, t.id)).messages.length, 1);

        for (const answer of [
          'no',
          { refuse: true },
          { refuse: { code: '', message: 'm' } },
          { refuse: { code: 'has space', message: 'm' } },
          { refuse: { code: 'c', message: '' } },
          { allow: false },
        ]) {
          const odd = d.peer({ policy: { beforeCreate: () => answer as never } });
          await rejectsWith(odd.create(c, { subject: 'odd', body: 'b' }), 'config', { field: 'policy' });
        }
        assert.equal((await d.desk.list(operator())).items.length, 1, 'only the ticket made without the hook');
        // A malformed policy option is refused when the service is created.
        assert.throws(() => d.peer({ policy: { beforeCreate: 'yes' as never } }), (e: unknown) => TicketError.is(e, 'config'));
      }),
    );
  });
}
