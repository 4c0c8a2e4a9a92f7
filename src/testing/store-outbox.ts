/**
 * Store contract, on the interface: the outbox. Delivered events are never claimed again;
 * undelivered old ones are claimed once, oldest first, and only the tenant's own.
 */
import assert from 'node:assert/strict';
import type { ContractOptions } from './harness.js';
import { at, numberedTicket as row, outboxEvent, tenant } from './rows.js';
import { withStore } from './store-harness.js';

export function storeOutboxTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: outbox', () => {
    it(
      'marks events delivered and claims undelivered old ones exactly once, oldest first, never another tenant’s',
      withStore(o, async ({ store, tenantId: t, second }) => {
        const ticket = row(t, 1);
        const events = [
          outboxEvent(ticket.id, { createdAt: at(3) }),
          outboxEvent(ticket.id, { createdAt: at(1) }),
          outboxEvent(null, { createdAt: at(2), type: 'sla.breached' }),
          outboxEvent(ticket.id, { createdAt: at(1) }),
          outboxEvent(ticket.id, { createdAt: at(50) }),
        ];
        const other = tenant();
        const theirs = row(other, 1);
        const foreign = outboxEvent(theirs.id, { createdAt: at(0) });
        await store.transaction(async (tx) => {
          await tx.insertTicket(ticket.tenantId, ticket);
          for (const e of events) await tx.insertOutbox(t, e);
          await tx.insertTicket(theirs.tenantId, theirs);
          await tx.insertOutbox(other, foreign);
        });
        await store.markDelivered(t, [events[0]!.id]);
        await store.markDelivered(t, []);
        // Marking with the wrong tenant delivers nothing.
        await store.markDelivered(other, [events[1]!.id]);
        const peer = await second();
        const [a, b] = await Promise.all([store.claimUndelivered(t, at(10), 2), peer.claimUndelivered(t, at(10), 2)]);
        const claimed = [...a, ...b];
        assert.deepStrictEqual(
          claimed.map((e) => e.id).sort(),
          [events[1]!.id, events[2]!.id, events[3]!.id].sort(),
          'the delivered event is not claimed, the undelivered ones once each',
        );
        for (const batch of [a, b]) {
          const times = batch.map((e) => e.createdAt.getTime());
          assert.deepStrictEqual(times, [...times].sort((x, y) => x - y), 'oldest first');
        }
        assert.deepStrictEqual(await store.claimUndelivered(t, at(10), 10), []);
        assert.deepStrictEqual((await store.claimUndelivered(t, at(100), 10)).map((e) => e.id), [events[4]!.id]);
        // The other tenant's event was left alone all along, and is its own to claim.
        assert.deepStrictEqual((await store.claimUndelivered(other, at(100), 10)).map((e) => e.id), [foreign.id]);
        assert.deepStrictEqual(await store.claimUndelivered(tenant(), at(100), 10), []);
      }),
    );

    it(
      'claims the oldest first under a limit, and nothing created at or after the cutoff',
      withStore(o, async ({ store, tenantId: t }) => {
        const ticket = row(t, 1);
        const events = [5, 1, 4, 2, 3].map((s) => outboxEvent(ticket.id, { createdAt: at(s) }));
        await store.transaction(async (tx) => {
          await tx.insertTicket(ticket.tenantId, ticket);
          for (const e of events) await tx.insertOutbox(t, e);
        });
        assert.deepStrictEqual((await store.claimUndelivered(t, at(5), 2)).map((e) => e.createdAt.getTime()), [at(1).getTime(), at(2).getTime()]);
        assert.deepStrictEqual((await store.claimUndelivered(t, at(5), 10)).map((e) => e.createdAt.getTime()), [at(3).getTime(), at(4).getTime()]);
        assert.deepStrictEqual(await store.claimUndelivered(t, at(5), 10), []);
      }),
    );
  });
}
