/**
 * The status machine as a model-based property: random sequences of replies, notes and
 * status changes by customers and staff, checked against a model of DESIGN.md's rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { createTicketService, STATUSES, TicketError, type Actor, type Status } from '../../src/index.js';

const customer: Actor = { kind: 'customer', id: 'sub-1' };
const staff: Actor = {
  kind: 'staff',
  id: 'agent-1',
  permissions: ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply'],
};

type Op =
  | { op: 'customerReply' }
  | { op: 'staffReply'; status: Status | null }
  | { op: 'note' }
  | { op: 'staffSet'; status: Status }
  | { op: 'customerSet'; status: Status };

const status = fc.constantFrom(...STATUSES);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ op: 'customerReply' as const }),
  fc.record({ op: fc.constant('staffReply' as const), status: fc.option(status, { nil: null }) }),
  fc.constant({ op: 'note' as const }),
  fc.record({ op: fc.constant('staffSet' as const), status }),
  fc.record({ op: fc.constant('customerSet' as const), status }),
);

describe('status machine (model-based)', () => {
  it('every sequence of operations ends where the rules say, and customers never see notes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const desk = createTicketService({ store: memoryStore() });
        const t = await desk.create(customer, { subject: 's', body: 'b' });
        let model: Status = 'open';
        let publicReplies = 0;
        let notes = 0;
        let version = 1;
        for (const o of ops) {
          switch (o.op) {
            case 'customerReply':
              await desk.addReply(customer, t.id, { body: 'c' });
              model = 'open';
              publicReplies += 1;
              version += 1;
              break;
            case 'staffReply':
              await desk.addReply(staff, t.id, { body: 's', ...(o.status ? { status: o.status } : {}) });
              model = o.status ?? 'pending';
              publicReplies += 1;
              version += 1;
              break;
            case 'note':
              await desk.addReply(staff, t.id, { body: 'n', internal: true });
              notes += 1;
              version += 1;
              break;
            case 'staffSet': {
              const next = await desk.update(staff, t.id, { status: o.status });
              if (o.status !== model) version += 1;
              model = o.status;
              expect(next.status).toBe(model);
              break;
            }
            case 'customerSet': {
              const allowed = o.status === model || (model === 'resolved' && o.status === 'closed');
              const result = await desk.update(customer, t.id, { status: o.status }).then(
                () => null,
                (e: unknown) => e,
              );
              if (allowed) {
                expect(result).toBeNull();
                if (o.status !== model) version += 1;
                model = o.status;
              } else {
                expect(TicketError.is(result, 'invalid_transition')).toBe(true);
              }
              break;
            }
          }
        }
        const seen = await desk.get(customer, t.id);
        expect(seen.ticket.status).toBe(model);
        expect((await desk.get(staff, t.id)).ticket.version).toBe(version);
        expect(seen.messages.some((m) => m.body === 'n')).toBe(false); // internal notes say 'n'
        const [mine] = (await desk.list(customer)).items;
        expect(mine!.replyCount).toBe(publicReplies);
        const [theirs] = (await desk.list(staff)).items;
        expect(theirs!.replyCount).toBe(publicReplies + notes);
        expect(seen.ticket.resolvedAt !== null).toBe(model === 'resolved' || model === 'closed');
      }),
      { numRuns: 150 },
    );
  });
});
