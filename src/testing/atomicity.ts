/**
 * Contract: transactions. A failed operation leaves nothing behind; concurrent writers lose
 * nothing; values round-trip with their types.
 */
import { randomUUID } from 'node:crypto';
import { TicketError } from '../errors.js';
import { EMPTY_SLA } from '../sla/sla-clock.js';
import type { StoreTx, TicketStore } from '../store.js';
import { STORE_METHODS } from '../service/service-options.js';
import { createTicketService } from '../index.js';
import type { Message } from '../types.js';
import { assert, customer, operator, parallel, ticketRow, withDesk, type ContractOptions } from './harness.js';

/**
 * A store whose transactions throw at the `nth` call (1-based) of the named write, after
 * the writes before it ran.
 */
function failingAt(store: TicketStore, method: keyof StoreTx, nth = 1): TicketStore {
  return {
    ...bindAll(store),
    transaction: (fn) => {
      let calls = 0;
      return store.transaction((tx) =>
        fn(
          new Proxy(tx, {
            get(target, prop, receiver) {
              const value = Reflect.get(target, prop, receiver) as unknown;
              if (prop === method && typeof value === 'function') {
                return async (...args: unknown[]) => {
                  calls += 1;
                  if (calls === nth) throw new Error(`injected failure in ${String(method)}`);
                  return (value as (...a: unknown[]) => unknown).apply(target, args);
                };
              }
              return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
            },
          }),
        ),
      );
    },
  };
}

/** The store's required methods bound to it, as a plain object: no optional method, so the service's fallbacks run. */
function bindAll(store: TicketStore): TicketStore {
  const out: Record<string, unknown> = {};
  for (const k of STORE_METHODS) {
    out[k] = (store[k] as (...a: unknown[]) => unknown).bind(store);
  }
  return out as unknown as TicketStore;
}

export function atomicityTests(o: ContractOptions): void {
  const { describe, it } = o;
  const scale = o.concurrencyScale ?? 1;

  describe('transactions', () => {
    it(
      'a create that fails at any write leaves no ticket, message, audit row or event, and gives its number back',
      withDesk(o, async ({ store, clock, tenantId, desk }) => {
        const c = customer();
        for (const method of ['insertMessage', 'insertAudit', 'insertOutbox'] as const) {
          const broken = createTicketService({ store: failingAt(store, method), tenantId, clock: clock.now });
          const emitted: unknown[] = [];
          broken.events.on('*', (e) => emitted.push(e));
          await assert.rejects(broken.create(c, { subject: 's', body: 'b' }), /injected failure/);
          assert.equal(emitted.length, 0, `no event after a failure in ${method}`);
        }
        const staff = operator();
        assert.equal((await desk.list(staff)).items.length, 0);
        assert.equal((await desk.getStats(staff)).counts.open, 0);
        assert.deepEqual(await store.claimUndelivered(tenantId, new Date('2100-01-01'), 100), [], 'no outbox row');
        const t = await desk.create(c, { subject: 's', body: 'b' });
        assert.equal(t.number, 'TKT-1');
      }),
    );

    it(
      'a reply or update that fails midway changes nothing',
      withDesk(o, async ({ store, clock, tenantId, desk }) => {
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        const before = await desk.get(staff, t.id);
        const broken = createTicketService({ store: failingAt(store, 'insertOutbox'), tenantId, clock: clock.now });
        const emitted: unknown[] = [];
        clock.minutes(1);
        await assert.rejects(broken.addReply(staff, t.id, { body: 'lost', status: 'resolved' }), /injected failure/);
        await assert.rejects(broken.update(staff, t.id, { priority: 'urgent', assigneeId: 'x', status: 'closed' }), /injected failure/);
        // Failing at the second or third event: the first was written but must not be emitted.
        for (const nth of [2, 3]) {
          const late = createTicketService({ store: failingAt(store, 'insertOutbox', nth), tenantId, clock: clock.now });
          late.events.on('*', (e) => emitted.push(e));
          await assert.rejects(late.update(staff, t.id, { priority: 'urgent', assigneeId: 'x', status: 'closed' }), /injected failure/);
        }
        assert.deepEqual(emitted, []);
        const after = await desk.get(staff, t.id);
        assert.deepEqual(after, before);
        assert.equal((await desk.audit(staff, t.id)).length, 1);
      }),
    );

    it(
      'rollback on throw: the error comes back unchanged and nothing is stored',
      withDesk(o, async ({ store, tenantId }) => {
        const row = ticketRow(tenantId);
        const boom = new Error('boom');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertTicket(row.tenantId, row);
            assert.ok(await tx.findTicket({ tenantId, visibility: 'staff' }, row.id), 'visible inside the transaction');
            throw boom;
          }),
          (err) => err === boom,
        );
        assert.equal(await store.findTicket({ tenantId, visibility: 'staff' }, row.id), null);
      }),
    );

    it(
      `${Math.round(100 * scale)} parallel transactions, half failing: exactly the good ones are stored`,
      withDesk(o, async ({ store, tenantId }) => {
        const n = Math.round(100 * scale);
        const rows = Array.from({ length: n }, () => ticketRow(tenantId));
        const results = await Promise.allSettled(
          rows.map((row, i) =>
            store.transaction(async (tx) => {
              await tx.insertTicket(row.tenantId, row);
              await tx.nextSequence(tenantId, 'parallel');
              await new Promise((r) => setTimeout(r, i % 7));
              if (i % 2 === 1) throw new Error(`fail ${i}`);
              return row.id;
            }),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, Math.ceil(n / 2));
        const stored = await store.listTickets({ tenantId, visibility: 'staff' }, { sort: 'oldest', limit: 201 });
        const expected = rows.filter((_, i) => i % 2 === 0).map((r) => r.id).sort();
        assert.deepEqual(stored.map((t) => t.id).sort(), expected);
        // The counter rolled back with the failed transactions: gapless.
        const next = await store.transaction((tx) => tx.nextSequence(tenantId, 'parallel'));
        assert.equal(next, Math.ceil(n / 2) + 1);
      }),
    );

    it(
      `${Math.round(100 * scale)} concurrent customer replies to one ticket lose nothing`,
      withDesk(o, async ({ desk, peer }) => {
        const n = Math.round(100 * scale);
        const c = customer();
        const staff = operator();
        const t = await desk.create(c, { subject: 's', body: 'b' });
        await desk.addReply(staff, t.id, { body: 'answer' });
        const second = peer(); // a second app instance on the same store
        await parallel(n, (i) => (i % 2 ? desk : second).addReply(c, t.id, { body: `reply ${i}` }));
        const [summary] = (await desk.list(c)).items;
        assert.equal(summary!.replyCount, n + 1);
        const detail = await desk.get(staff, t.id);
        assert.equal(detail.ticket.status, 'open');
        assert.equal(detail.ticket.version, 2 + n);
        assert.equal(new Set(detail.messages.map((m) => m.body)).size, n + 2);
        assert.equal((await desk.audit(staff, t.id)).length, n + 2);

        // Customers and staff at once: the status is whatever the last committed reply implies.
        await parallel<unknown>(n, (i) =>
          i % 2 ? desk.addReply(c, t.id, { body: `c${i}` }) : second.addReply(staff, t.id, { body: `s${i}` }),
        );
        const trail = await desk.audit(staff, t.id);
        assert.equal(trail.length, 2 * n + 2);
        const last = trail.at(-1)!;
        const after = await desk.get(staff, t.id);
        assert.equal(after.ticket.status, last.actorKind === 'customer' ? 'open' : 'pending');
        assert.equal(after.ticket.version, 2 + 2 * n);
        assert.equal((await desk.list(c)).items[0]!.replyCount, 2 * n + 1);
      }),
    );

    it(
      'concurrent updates with the same expected version: exactly one wins, the rest conflict',
      withDesk(o, async ({ desk }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        const results = await Promise.allSettled(
          (['low', 'high', 'urgent', 'low', 'high'] as const).map((priority) =>
            desk.update(staff, t.id, { priority, expectedVersion: 1 }),
          ),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        assert.equal(ok.length, 1);
        for (const r of results) {
          if (r.status === 'rejected') assert.ok(TicketError.is(r.reason, 'conflict'), String(r.reason));
        }
        assert.equal((await desk.get(staff, t.id)).ticket.version, 2);
      }),
    );

    it(
      'round-trips dates to the millisecond, booleans, JSON, nulls and numbers with their types',
      withDesk(o, async ({ store, tenantId }) => {
        const at = new Date('2026-07-04T12:34:56.789Z');
        const row = ticketRow(tenantId, {
          archived: true,
          attention: 3,
          deadlineAt: at,
          firstResponseAt: new Date(at.getTime() + 1),
          sla: { ...EMPTY_SLA, firstResponseRemaining: 12.5, firstResponseMet: false, resolutionMet: true, resolutionWarnAt: at },
        });
        const message: Message = {
          id: randomUUID(),
          ticketId: row.id,
          authorType: 'system',
          authorId: null,
          authorName: null,
          body: 'Status changed',
          html: '<p>Status changed</p>',
          internal: true,
          hidden: false,
          opening: false,
          system: { kind: 'status_changed', from: 'open', to: 'closed' },
          createdAt: at,
          editedAt: null,
          attachments: [],
          email: null,
        };
        await store.transaction(async (tx) => {
          await tx.insertTicket(row.tenantId, row);
          await tx.insertMessage(tenantId, message);
          await tx.insertAudit(tenantId, {
            id: randomUUID(),
            ticketId: row.id,
            action: 'updated',
            actorKind: 'staff',
            actorId: 's1',
            actorName: 'Ana',
            changes: { status: { from: 'open', to: 'closed' }, nested: { from: null, to: { a: [1, 'two', true] } } },
            ip: null,
            userAgent: 'ua',
            requestId: null,
            createdAt: at,
          });
        });
        const scope = { tenantId, visibility: 'staff' as const };
        const { tenantId: _t, ...expected } = row;
        assert.deepEqual(await store.findTicket(scope, row.id), expected);
        assert.deepEqual(await store.listMessages(scope, row.id), [message]);
        assert.deepEqual(await store.listMessages({ ...scope, visibility: 'customer' }, row.id), []);
        const [audit] = await store.listAudit(tenantId, row.id);
        assert.deepEqual(audit!.changes.nested, { from: null, to: { a: [1, 'two', true] } });
        assert.equal(audit!.createdAt.getTime(), at.getTime());
        assert.equal(audit!.ip, null);
        const [summary] = await store.listTickets(scope, { sort: 'newest', limit: 10 });
        assert.equal(summary!.replyCount, 0);
        assert.equal(typeof summary!.replyCount, 'number');
        assert.equal(summary!.lastReplyAt, null);
        const stats = await store.getStats(scope, { unresolved: ['open'], firstResponseOf: ['customer'] });
        assert.equal(stats.counts.open, 1);
        assert.equal(typeof stats.counts.open, 'number');
        assert.deepEqual(stats.backlog, [{ category: 'other', priority: 'normal', count: 1 }]);
        assert.deepEqual(stats.sla, [
          { priority: 'normal', firstResponse: { met: 0, total: 1 }, resolution: { met: 1, total: 1 } },
        ]);
      }),
    );

    it(
      'a duplicate ticket number is a conflict, not a driver error',
      withDesk(o, async ({ store, tenantId }) => {
        const a = ticketRow(tenantId, { number: 'DUP-1' });
        await store.transaction((tx) => tx.insertTicket(a.tenantId, a));
        const err = await store
          .transaction((tx) => tx.insertTicket(tenantId, ticketRow(tenantId, { number: 'DUP-1' })))
          .then(() => null, (e: unknown) => e);
        assert.ok(TicketError.is(err, 'conflict'), `got ${String(err)}`);
      }),
    );

    it(
      'updateTicket only applies with the current version',
      withDesk(o, async ({ store, tenantId }) => {
        const row = ticketRow(tenantId);
        await store.transaction((tx) => tx.insertTicket(row.tenantId, row));
        const stale = await store.transaction((tx) => tx.updateTicket(tenantId, row.id, 7, { subject: 'nope' }));
        assert.equal(stale, false);
        const ok = await store.transaction((tx) => tx.updateTicket(tenantId, row.id, 1, { subject: 'yes', status: 'closed' }));
        assert.equal(ok, true);
        const t = await store.findTicket({ tenantId, visibility: 'staff' }, row.id);
        assert.equal(t!.subject, 'yes');
        assert.equal(t!.status, 'closed');
        assert.equal(t!.version, 2);
      }),
    );
  });
}
