/**
 * Store contract, called on the interface directly: values round-trip, counts are
 * numbers, transactions roll back whole, never nest, and serialise concurrent writers;
 * ticket numbers are gapless; updates are versioned and refuse what a patch may not do.
 */
import assert from 'node:assert/strict';
import { TicketError } from '../errors.js';
import type { StoreTx } from '../store.js';
import type { ContractOptions } from './harness.js';
import { auditEntry, caught, emptySla, message, numberedTicket as row, outboxEvent, tenant } from './rows.js';
import { within, withStore } from './store-harness.js';

const strip = <T extends { tenantId: string }>({ tenantId: _t, ...rest }: T) => rest;
const isCode = (err: unknown, code: string) => TicketError.is(err) && err.code === code;

export function storeWriteTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: values and transactions', () => {
    it(
      'round-trips dates to the millisecond, booleans, JSON, nulls and a 256 KiB body',
      withStore(o, async ({ store, tenantId: t, staff }) => {
        const ms = (iso: string) => new Date(iso);
        const ticket = row(t, 1, {
          department: 'network',
          resellerId: 'r-1',
          assigneeId: 'op-1',
          archived: true,
          createdAt: ms('2026-03-02T10:00:00.001Z'),
          updatedAt: ms('2026-03-02T10:00:00.999Z'),
          statusChangedAt: ms('1970-01-01T00:00:00.001Z'),
          firstResponseAt: ms('2026-03-02T10:15:30.123Z'),
          resolvedAt: ms('2099-12-31T23:59:59.999Z'),
          firstResponseDueAt: ms('2026-03-02T11:00:00.456Z'),
          deadlineAt: ms('2026-04-01T00:00:00.000Z'),
          attention: 3,
          version: 7,
          sla: {
            ...emptySla(),
            firstResponseElapsed: 47.25,
            clockAt: ms('2026-03-02T10:30:00.001Z'),
            firstResponseRemaining: 12.5,
            resolutionRemaining: 480,
            firstResponseWarnAt: ms('2026-03-02T10:48:00.007Z'),
            firstResponseWarnedAt: ms('2026-03-02T10:48:01.070Z'),
            resolutionBreachedAt: ms('2026-03-03T00:00:00.700Z'),
            firstResponseMet: true,
            resolutionMet: false,
          },
        });
        const body = `${'Привет, мир! 🚀 <b>&amp;</b> '.repeat(9000)}`.slice(0, 256 * 1024);
        const opening = message(ticket.id, { body, html: `<p>${body}</p>`, opening: true, editedAt: ms('2026-03-02T10:05:00.555Z') });
        const note = message(ticket.id, {
          authorType: 'system',
          authorId: null,
          authorName: null,
          internal: true,
          hidden: true,
          system: { kind: 'status_changed', from: 'open', to: 'pending' },
          createdAt: ms('2026-03-02T10:00:01.002Z'),
        });
        const entry = auditEntry(ticket.id, {
          changes: { status: { from: 'open', to: 'pending' }, tags: { from: ['a', 1, null], to: { nested: [true] } } },
          ip: '203.0.113.9',
          userAgent: 'Mozilla/5.0 ☃',
          requestId: 'req-1',
        });
        const event = outboxEvent(ticket.id, { payload: { list: [1, 'two', { three: 3 }], flag: false } });
        await store.transaction(async (tx) => {
          await tx.insertTicket(ticket.tenantId, ticket);
          await tx.insertMessage(t, opening);
          await tx.insertMessage(t, note);
          await tx.insertAudit(t, entry);
          await tx.insertOutbox(t, event);
        });
        assert.deepStrictEqual(await store.findTicket(staff(), ticket.id), strip(ticket));
        assert.deepStrictEqual(await store.findTicket(staff(), 'TKT-1'), strip(ticket));
        const thread = await store.listMessages(staff(), ticket.id);
        assert.deepStrictEqual(thread, [opening, note]);
        assert.deepStrictEqual(await store.listAudit(t, ticket.id), [entry]);
        assert.deepStrictEqual(await store.claimUndelivered(t, new Date('2030-01-01'), 10), [event]);
      }),
    );

    it(
      'hands back counts, versions and sequences as numbers; system notes and the opening message are not replies',
      withStore(o, async ({ store, tenantId: t, staff, customer, list }) => {
        const ticket = row(t, 1, { sla: { ...emptySla(), firstResponseMet: true } });
        const after = (s: number) => new Date(ticket.createdAt.getTime() + s * 1000);
        await store.transaction(async (tx) => {
          assert.equal(await tx.nextSequence(t, ''), 1);
          await tx.insertTicket(ticket.tenantId, ticket);
          await tx.insertMessage(t, message(ticket.id, { opening: true }));
          await tx.insertMessage(t, message(ticket.id, { createdAt: after(1) }));
          await tx.insertMessage(t, message(ticket.id, { authorType: 'staff', createdAt: after(2) }));
          await tx.insertMessage(t, message(ticket.id, { authorType: 'staff', internal: true, createdAt: after(3) }));
          await tx.insertMessage(t, message(ticket.id, { hidden: true, createdAt: after(4) }));
          await tx.insertMessage(t, message(ticket.id, { authorType: 'system', authorId: null, createdAt: after(5) }));
          assert.equal(await tx.updateTicket(t, ticket.id, 1, { firstResponseAt: after(2) }), true);
        });
        const [asStaff] = await store.listTickets(staff(), list());
        assert.equal(asStaff!.replyCount, 4, 'staff count customer and staff replies, internal and hidden too, never system notes');
        assert.deepStrictEqual(asStaff!.lastReplyAt, after(4));
        assert.equal(asStaff!.version, 2);
        assert.equal(typeof asStaff!.attention, 'number');
        const [asCustomer] = await store.listTickets(customer('sub-1'), list());
        assert.equal(asCustomer!.replyCount, 2);
        assert.deepStrictEqual(asCustomer!.lastReplyAt, after(2));
      }),
    );

    it(
      'rolls back everything on a throw and rethrows the very same error; the number is given back',
      withStore(o, async ({ store, tenantId: t, staff, list }) => {
        const boom = new Error('boom');
        const ticket = row(t, 1);
        const err = await caught(
          store.transaction(async (tx) => {
            await tx.nextSequence(t, '');
            await tx.insertTicket(ticket.tenantId, ticket);
            await tx.insertMessage(t, message(ticket.id, { opening: true }));
            await tx.insertAudit(t, auditEntry(ticket.id));
            await tx.insertOutbox(t, outboxEvent(ticket.id));
            throw boom;
          }),
        );
        assert.equal(err, boom);
        assert.equal(await store.findTicket(staff({ includeDeleted: true }), ticket.id), null);
        assert.deepStrictEqual(await store.listTickets(staff({ includeDeleted: true }), list()), []);
        assert.deepStrictEqual(await store.listAudit(t, ticket.id), []);
        assert.deepStrictEqual(await store.claimUndelivered(t, new Date('2100-01-01'), 10), []);
        assert.equal(await store.transaction((tx) => tx.nextSequence(t, '')), 1);
        const typed = new TicketError('invalid_transition', 'no');
        assert.equal(await caught(store.transaction(async () => Promise.reject(typed))), typed);
      }),
    );

    it(
      'runs 100 parallel transactions, half throwing: exactly the good ones are stored',
      withStore(o, async ({ store, tenantId: t, staff, list }) => {
        const n = Math.max(10, Math.round(100 * (o.concurrencyScale ?? 1)));
        const results = await Promise.allSettled(
          Array.from({ length: n }, (_, i) =>
            store.transaction(async (tx) => {
              const ticket = row(t, i);
              await tx.insertTicket(ticket.tenantId, ticket);
              await tx.insertMessage(t, message(ticket.id, { opening: true }));
              if (i % 2 === 1) throw new Error(`odd ${i}`);
              return ticket.number;
            }),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, n / 2);
        const stored = await store.listTickets(staff({ includeDeleted: true }), list({ limit: 201 }));
        const expected = Array.from({ length: n / 2 }, (_, i) => `TKT-${i * 2}`).sort();
        assert.deepStrictEqual(stored.map((x) => x.number).sort(), expected);
        for (const x of stored) assert.equal((await store.listMessages(staff(), x.id)).length, 1);
      }),
    );

    it(
      'gives concurrent nextSequence calls 1..n with no gaps and no repeats; rolled-back numbers are reused',
      withStore(o, async ({ store, tenantId: t }) => {
        const n = Math.max(20, Math.round(200 * (o.concurrencyScale ?? 1)));
        const results = await Promise.allSettled(
          Array.from({ length: n }, (_, i) =>
            store.transaction(async (tx) => {
              const value = await tx.nextSequence(t, '2026');
              if (i % 4 === 3) throw new Error('rolled back');
              return value;
            }),
          ),
        );
        const committed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const good = results.filter((r) => r.status === 'fulfilled').length;
        assert.deepStrictEqual(committed.sort((a, b) => a - b), Array.from({ length: good }, (_, i) => i + 1));
        // Another key, and another tenant, count on their own.
        assert.equal(await store.transaction((tx) => tx.nextSequence(t, '')), 1);
        assert.equal(await store.transaction((tx) => tx.nextSequence(tenant(), '2026')), 1);
        assert.equal(await store.transaction((tx) => tx.nextSequence(t, '2026')), good + 1);
      }),
    );

    it(
      'refuses a nested transaction with a typed error instead of deadlocking, and a transaction used after it ended',
      withStore(o, async ({ store, tenantId: t, staff }) => {
        const ticket = row(t, 1);
        let leaked: StoreTx | undefined;
        const nested = await caught(
          store.transaction(async (tx) => {
            leaked = tx;
            await tx.insertTicket(ticket.tenantId, ticket);
            // The store's own reads, called from inside the transaction, see its writes.
            assert.equal((await store.findTicket(staff(), ticket.id))?.id, ticket.id);
            // Bounded, so a store that deadlocks fails this test instead of hanging it.
            await within(2000, store.transaction(async () => undefined), 'nested transaction()');
          }),
        );
        assert.ok(isCode(nested, 'config'), `nested transaction(): expected a config error, got ${String(nested)}`);
        assert.equal(await store.findTicket(staff(), ticket.id), null, 'the outer transaction rolled back');
        for (const use of [() => leaked!.findTicket(staff(), ticket.id), () => leaked!.insertTicket(t, row(t, 2))]) {
          const ended = await caught(use());
          assert.ok(isCode(ended, 'config'), `a leaked tx: expected a config error, got ${String(ended)}`);
        }
        await store.transaction((tx) => tx.insertTicket(ticket.tenantId, ticket));
        assert.equal((await store.findTicket(staff(), ticket.id))?.id, ticket.id, 'the store still works');
      }),
    );
  });
}
