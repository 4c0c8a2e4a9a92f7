/**
 * Store contract, on the interface: the dispatcher's queue. Claims go to one claimer each
 * (two instances at once included), earliest due first; a lease that runs out lets another
 * claim the event; an outcome of a stale claim changes nothing; retries come back with
 * their handlers; parked events are listed in order with a cursor and requeued; tenants
 * never see each other's events.
 */
import assert from 'node:assert/strict';
import type { DispatchClaim, DispatchOutcome, OutboxEvent, TicketStore } from '../store.js';
import type { ContractOptions } from './harness.js';
import { at, numberedTicket as row, outboxEvent, tenant } from './rows.js';
import { withStore } from './store-harness.js';

/** Inserts a ticket and `events` (in this order) for `tenantId`, in one transaction. */
async function queue(store: TicketStore, tenantId: string, events: OutboxEvent[]): Promise<void> {
  const ticket = row(tenantId, 1);
  await store.transaction(async (tx) => {
    await tx.insertTicket(tenantId, ticket);
    for (const e of events) await tx.insertOutbox(tenantId, { ...e, ticketId: ticket.id });
  });
}

const ids = (claims: readonly { id: string }[]) => claims.map((c) => c.id);

/** `c`'s outcome `delivered`, for the claim made with lease end `lease`. */
const delivered = (c: DispatchClaim, lease: Date, handled: string[], when: Date): DispatchOutcome => ({
  id: c.id,
  attempts: c.attempts,
  leaseUntil: lease,
  handled,
  result: 'delivered',
  at: when,
});

export function storeDispatchTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: dispatch queue', () => {
    it(
      'two instances claiming at once never share an event, take only due queued events, earliest due first',
      withStore(o, async ({ store, tenantId: t, second }) => {
        // 40 due at scattered times, 5 not yet due, 5 never queued.
        const due = Array.from({ length: 40 }, (_, i) => outboxEvent(null, { dispatchAt: at((i * 7) % 40), createdAt: at(0) }));
        const later = Array.from({ length: 5 }, () => outboxEvent(null, { dispatchAt: at(500) }));
        const plain = Array.from({ length: 5 }, () => outboxEvent(null));
        await queue(store, t, [...due, ...later, ...plain]);
        const peer = await second();
        const lease = at(10_000);
        const seen: string[] = [];
        for (let round = 0; round < 10; round++) {
          const [a, b] = await Promise.all([store.claimDispatch(t, at(100), lease, 7), peer.claimDispatch(t, at(100), lease, 7)]);
          for (const batch of [a, b]) {
            assert.ok(batch.length <= 7, 'a claim never takes more than its limit');
            for (const c of batch) {
              assert.equal(c.attempts, 1, 'the first claim is attempt 1');
              assert.deepStrictEqual(c.handled, []);
            }
          }
          seen.push(...ids(a), ...ids(b));
          if (a.length === 0 && b.length === 0) break;
        }
        assert.equal(new Set(seen).size, seen.length, 'no event went to both instances');
        assert.deepStrictEqual([...seen].sort(), ids(due).sort(), 'every due queued event once; nothing not due or not queued');
        assert.deepStrictEqual(await store.claimDispatch(t, at(100), lease, 100), [], 'claimed events are held by their lease');
      }),
    );

    it(
      'claims the earliest due first (insertion order breaking ties) and hands back the event as written',
      withStore(o, async ({ store, tenantId: t }) => {
        const events = [5, 1, 3, 1, 2].map((s) =>
          outboxEvent(null, { dispatchAt: at(s), createdAt: at(s - 10), type: 'ticket.replied', payload: { n: s, list: [1, 'two'] } }),
        );
        await queue(store, t, events);
        const first = await store.claimDispatch(t, at(10), at(1000), 3);
        assert.deepStrictEqual(ids(first), [events[1]!.id, events[3]!.id, events[4]!.id]);
        const [c] = first;
        assert.equal(c!.type, 'ticket.replied');
        assert.deepStrictEqual(c!.payload, { n: 1, list: [1, 'two'] });
        assert.equal(c!.createdAt.getTime(), at(-9).getTime());
        assert.equal(typeof c!.ticketId, 'string');
        assert.deepStrictEqual(ids(await store.claimDispatch(t, at(10), at(1000), 10)), [events[2]!.id, events[0]!.id]);
      }),
    );

    it(
      'a lease that ran out lets another instance claim the event; the stale claim’s outcome changes nothing',
      withStore(o, async ({ store, tenantId: t, second }) => {
        const [e] = [outboxEvent(null, { dispatchAt: at(0) })];
        await queue(store, t, [e!]);
        const peer = await second();
        const [stale] = await store.claimDispatch(t, at(1), at(60), 10);
        assert.equal(stale?.attempts, 1);
        assert.deepStrictEqual(await peer.claimDispatch(t, at(59), at(120), 10), [], 'held until the lease ends');
        const [fresh] = await peer.claimDispatch(t, at(60), at(120), 10);
        assert.equal(fresh?.id, e!.id, 'claimable again once the lease ran out');
        assert.equal(fresh?.attempts, 2);
        // The first holder finishes late: fenced out, whatever it says.
        await store.finishDispatch(t, [delivered(stale!, at(60), ['mail'], at(70))]);
        await store.finishDispatch(t, [{ ...delivered(stale!, at(60), ['mail'], at(70)), result: 'parked', error: 'late' }]);
        assert.deepStrictEqual(await store.listParked(t, 10), [], 'a stale park parks nothing');
        const [third] = await store.claimDispatch(t, at(120), at(180), 10);
        assert.equal(third?.attempts, 3, 'the stale delivery did not finish the event');
        assert.deepStrictEqual(third?.handled, [], 'nor record its handlers');
        // The current holder's outcome counts, once.
        await store.finishDispatch(t, [delivered(third!, at(180), ['mail', 'hook'], at(130))]);
        await store.finishDispatch(t, [{ ...delivered(third!, at(180), [], at(131)), result: 'retry', retryAt: at(140), error: 'x' }]);
        assert.deepStrictEqual(await store.claimDispatch(t, at(10_000), at(20_000), 10), [], 'delivered for good');
      }),
    );

    it(
      'a claimer that stalled through a park and a requeue cannot settle the event when its attempt count comes round again',
      withStore(o, async ({ store, tenantId: t, second }) => {
        const [e] = [outboxEvent(null, { dispatchAt: at(0) })];
        await queue(store, t, [e!]);
        const peer = await second();
        const [stalled] = await store.claimDispatch(t, at(1), at(60), 10);
        const [taken] = await peer.claimDispatch(t, at(60), at(120), 10);
        await peer.finishDispatch(t, [{ ...delivered(taken!, at(120), [], at(61)), result: 'parked', error: 'gave up' }]);
        assert.equal(await peer.requeueParked(t, [e!.id], at(62)), 1);
        const [current] = await peer.claimDispatch(t, at(62), at(122), 10);
        assert.equal(current?.attempts, stalled?.attempts, 'the requeue started the count over: the same attempt number again');
        // The stalled claimer wakes up and reports; its lease end is not the current claim's.
        await store.finishDispatch(t, [delivered(stalled!, at(60), ['mail'], at(63))]);
        await peer.finishDispatch(t, [{ ...delivered(current!, at(122), [], at(64)), result: 'retry', retryAt: at(200), error: 'x' }]);
        const [back] = await store.claimDispatch(t, at(200), at(260), 10);
        assert.equal(back?.id, e!.id, 'the stale delivery did not finish the event; the current claim’s retry did count');
        assert.deepStrictEqual(back?.handled, []);
      }),
    );

    it(
      'a retry is due again at its time with the handlers that succeeded; delivered and parked events are never claimed again',
      withStore(o, async ({ store, tenantId: t }) => {
        const events = [0, 1, 2].map((s) => outboxEvent(null, { dispatchAt: at(s) }));
        await queue(store, t, events);
        const [a, b, c] = await store.claimDispatch(t, at(5), at(65), 10);
        await store.finishDispatch(t, [
          delivered(a!, at(65), ['mail'], at(6)),
          { id: b!.id, attempts: b!.attempts, leaseUntil: at(65), handled: ['mail'], result: 'retry', at: at(6), retryAt: at(30), error: 'hook: 502' },
          { id: c!.id, attempts: c!.attempts, leaseUntil: at(65), handled: [], result: 'parked', at: at(6), error: 'boom' },
        ]);
        assert.deepStrictEqual(await store.claimDispatch(t, at(29), at(89), 10), [], 'the retry waits for its time');
        const [again] = await store.claimDispatch(t, at(30), at(90), 10);
        assert.equal(again?.id, b!.id);
        assert.equal(again?.attempts, 2);
        assert.deepStrictEqual(again?.handled, ['mail'], 'the handler that succeeded is remembered');
        const parked = await store.listParked(t, 10);
        assert.deepStrictEqual(ids(parked), [c!.id]);
        assert.equal(parked[0]!.lastError, 'boom');
        assert.equal(parked[0]!.attempts, 1);
        assert.equal(parked[0]!.parkedAt.getTime(), at(6).getTime());
      }),
    );

    it(
      'lists parked events in insertion order page by page, and requeues them with their handlers kept',
      withStore(o, async ({ store, tenantId: t }) => {
        const events = Array.from({ length: 7 }, (_, i) => outboxEvent(null, { dispatchAt: at(i) }));
        await queue(store, t, events);
        const claims = await store.claimDispatch(t, at(10), at(70), 10);
        // Parked in reverse order of insertion, at different times; one is delivered instead.
        await store.finishDispatch(
          t,
          claims.map((c, i): DispatchOutcome =>
            i === 3
              ? delivered(c, at(70), ['mail'], at(20))
              : { id: c.id, attempts: c.attempts, leaseUntil: at(70), handled: i % 2 === 0 ? ['mail'] : [], result: 'parked', at: at(40 - i), error: `e${i}` },
          ),
        );
        const first = await store.listParked(t, 4);
        assert.deepStrictEqual(ids(first), [0, 1, 2, 4].map((i) => events[i]!.id));
        const rest = await store.listParked(t, 4, first[3]!.position);
        assert.deepStrictEqual(ids(rest), [5, 6].map((i) => events[i]!.id));
        assert.deepStrictEqual(await store.listParked(t, 4, rest[1]!.position), []);
        assert.deepStrictEqual(first[0]!.handled, ['mail']);

        assert.equal(await store.requeueParked(t, [events[1]!.id, events[2]!.id, events[3]!.id, 'no-such-id'], at(50)), 2, 'only parked ids count');
        const requeued = await store.claimDispatch(t, at(50), at(110), 10);
        assert.deepStrictEqual(ids(requeued), [events[1]!.id, events[2]!.id]);
        assert.deepStrictEqual(requeued.map((c) => c.attempts), [1, 1], 'attempts start over');
        assert.deepStrictEqual(requeued.map((c) => c.handled), [[], ['mail']], 'handlers that succeeded stay done');
        assert.deepStrictEqual(ids(await store.listParked(t, 10)), [0, 4, 5, 6].map((i) => events[i]!.id));
        assert.equal(await store.requeueParked(t, null, at(60)), 4, 'null requeues every parked event');
        assert.deepStrictEqual(await store.listParked(t, 10), []);
        assert.equal((await store.claimDispatch(t, at(60), at(120), 10)).length, 4);
      }),
    );

    it(
      'never claims, finishes, lists or requeues another tenant’s events',
      withStore(o, async ({ store, tenantId: t, second }) => {
        const other = tenant();
        const mine = outboxEvent(null, { dispatchAt: at(0) });
        const theirs = outboxEvent(null, { dispatchAt: at(0) });
        await queue(store, t, [mine]);
        await queue(store, other, [theirs]);
        const peer = await second();
        assert.deepStrictEqual(ids(await peer.claimDispatch(t, at(1), at(61), 10)), [mine.id]);
        const [c] = await store.claimDispatch(other, at(1), at(61), 10);
        assert.equal(c?.id, theirs.id);
        // Parking with the wrong tenant does nothing.
        await store.finishDispatch(t, [{ id: c!.id, attempts: c!.attempts, leaseUntil: at(61), handled: [], result: 'parked', at: at(2), error: 'x' }]);
        assert.deepStrictEqual(await store.listParked(t, 10), []);
        assert.deepStrictEqual(await store.listParked(other, 10), []);
        await store.finishDispatch(other, [{ id: c!.id, attempts: c!.attempts, leaseUntil: at(61), handled: [], result: 'parked', at: at(2), error: 'x' }]);
        assert.deepStrictEqual(ids(await store.listParked(other, 10)), [theirs.id]);
        assert.equal(await store.requeueParked(t, null, at(3)), 0);
        assert.equal(await store.requeueParked(t, [theirs.id], at(3)), 0);
        assert.deepStrictEqual(await store.claimDispatch(tenant(), at(1_000), at(2_000), 10), []);
      }),
    );
  });
}
