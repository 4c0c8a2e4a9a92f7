/**
 * Store contract, on the interface: optional methods. A store may leave one out (the
 * core then uses the fallback); if it has one, it must agree with the fallback.
 */
import assert from 'node:assert/strict';
import { findTicketsFallback, withStoreFallbacks } from '../store-fallbacks.js';
import type { TicketStore } from '../store.js';
import type { ContractOptions } from './harness.js';
import { SLA_ALERTS, SLA_TARGETS } from '../sla/sla-fields.js';
import { TicketError } from '../errors.js';
import { at, caught, emptySla, numberedTicket as row, outboxEvent, tenant } from './rows.js';
import { withStore } from './store-harness.js';

export function storeOptionalTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: optional methods', () => {
    it(
      'findTickets, native or fallback, finds by id or number within scope, in order, each once',
      withStore(o, async ({ store, tenantId: t, staff, customer, insert }) => {
        const a = row(t, 1, { subscriberId: 's1' });
        const b = row(t, 2, { subscriberId: 's2' });
        const gone = row(t, 3, { subscriberId: 's1', deletedAt: at(9) });
        await insert(a, b, gone);
        const refs = [b.number, 'missing', a.id, gone.id, a.number];
        const complete = withStoreFallbacks(store);
        for (const scope of [staff(), customer('s1'), staff({ includeDeleted: true })]) {
          const native = await complete.findTickets(scope, refs);
          assert.deepStrictEqual(native, await findTicketsFallback(store, scope, refs), JSON.stringify(scope));
        }
        assert.deepStrictEqual((await complete.findTickets(staff(), refs)).map((x) => x.number), ['TKT-2', 'TKT-1']);
        assert.deepStrictEqual((await complete.findTickets(customer('s1'), refs)).map((x) => x.number), ['TKT-1']);
        assert.deepStrictEqual(await complete.findTickets(staff(), []), []);

        // A store written before the method existed works through the fallback.
        const { findTickets: _omitted, ...older } = bound(store);
        const filled = withStoreFallbacks(older as unknown as TicketStore);
        assert.deepStrictEqual((await filled.findTickets(staff(), refs)).map((x) => x.number), ['TKT-2', 'TKT-1']);
        assert.equal(typeof filled.transaction, 'function');
      }),
    );

    it(
      'readMarkOf and markRead, native or fallback: one staff member’s mark in one tenant, never moved backwards',
      withStore(o, async ({ store, tenantId: t, staff, list, insert }) => {
        const a = row(t, 1);
        const b = row(t, 2);
        const other = tenant();
        const theirs = row(other, 1, { id: a.id });
        await insert(a, b, theirs);
        const bare = withStoreFallbacks(bound(store) as unknown as TicketStore);
        for (const complete of [withStoreFallbacks(store), bare]) {
          await store.transaction(async (tx) => {
            await tx.markRead(t, 'op-1', a.id, at(20));
            await tx.markRead(other, 'op-1', a.id, at(40));
          });
          // Only a store with the method says where a mark is; the fallback knows none.
          const known = complete !== bare && typeof store.readMarkOf === 'function';
          assert.equal((await complete.readMarkOf(t, 'op-1', a.id))?.getTime() ?? null, known ? at(20).getTime() : null);
          await complete.markRead(t, 'op-1', a.id, at(10));
          await complete.markRead(t, 'op-1', b.id, at(30));
          await complete.markRead(t, 'op-2', b.id, at(31));
          const marks = async (viewerId: string) =>
            (await store.listTickets(staff(), list({ viewerId, sort: 'oldest' }))).map((x) => x.readAt?.getTime() ?? null);
          assert.deepStrictEqual(await marks('op-1'), [at(20).getTime(), at(30).getTime()], 'never backwards; each ticket its own');
          assert.deepStrictEqual(await marks('op-2'), [null, at(31).getTime()], 'each staff member their own');
          if (typeof store.readMarkOf === 'function') {
            assert.equal((await store.readMarkOf(t, 'op-1', b.id))?.getTime(), at(30).getTime());
            assert.equal(await store.readMarkOf(t, 'op-3', b.id), null);
            assert.equal((await store.readMarkOf(other, 'op-1', a.id))?.getTime(), at(40).getTime(), 'marks stay in their tenant');
          }
          // A mark for a ticket that does not exist is refused like any dangling row.
          const err = await caught(complete.markRead(t, 'op-1', 'tk-missing', at(1)));
          assert.ok(TicketError.is(err, 'conflict'), `a read mark of a missing ticket is a conflict, got ${String(err)}`);
        }
      }),
    );

    it(
      'probeScheduledWork names exactly the alerts a claim would find and whether old undelivered events wait, never another tenant’s',
      withStore(o, async ({ store, tenantId: t, insert }) => {
        const alerts = SLA_ALERTS.flatMap((kind) => SLA_TARGETS.map((target) => ({ target, kind })));
        const complete = withStoreFallbacks(store);
        if (typeof store.probeScheduledWork !== 'function') {
          // Without the method every claim runs, as before it existed.
          assert.deepStrictEqual(await complete.probeScheduledWork(t, at(100), at(50)), { slaAlerts: alerts, undelivered: true });
          return;
        }
        const now = at(100);
        const before = at(50);
        assert.deepStrictEqual(await store.probeScheduledWork(t, now, before), { slaAlerts: [], undelivered: false });

        const due = { ...emptySla(), firstResponseWarnAt: at(10), resolutionWarnAt: at(10) };
        const warn = row(t, 1, { sla: { ...emptySla(), firstResponseWarnAt: at(10) }, firstResponseDueAt: at(200) });
        const claimed = row(t, 2, { resolutionDueAt: at(20), sla: { ...emptySla(), resolutionBreachedAt: at(21) } });
        const later = row(t, 3, { resolutionDueAt: at(101), sla: { ...emptySla(), resolutionWarnAt: at(101) } });
        const deleted = row(t, 4, { deletedAt: at(5), firstResponseDueAt: at(1), resolutionDueAt: at(1), sla: due });
        const other = tenant();
        const theirs = row(other, 1, { firstResponseDueAt: at(1), resolutionDueAt: at(1), sla: due });
        await insert(warn, claimed, later, deleted, theirs);
        await store.transaction(async (tx) => {
          await tx.insertOutbox(other, outboxEvent(theirs.id, { createdAt: at(1) }));
          await tx.insertOutbox(t, outboxEvent(warn.id, { createdAt: at(60) }));
        });
        const delivered = outboxEvent(warn.id, { createdAt: at(2) });
        await store.transaction((tx) => tx.insertOutbox(t, delivered));
        await store.markDelivered(t, [delivered.id]);

        const probe = await store.probeScheduledWork(t, now, before);
        assert.deepStrictEqual(probe, { slaAlerts: [{ target: 'firstResponse', kind: 'warning' }], undelivered: false });
        await store.transaction((tx) => tx.insertOutbox(t, outboxEvent(warn.id, { createdAt: at(49) })));
        assert.equal((await store.probeScheduledWork(t, now, before)).undelivered, true);
        // The claims agree: each finds work exactly where the probe said so.
        for (const alert of alerts) {
          const got = await store.transaction((tx) => tx.claimSlaAlerts(t, alert, now, 10));
          const named = probe.slaAlerts.some((a) => a.target === alert.target && a.kind === alert.kind);
          assert.equal(got.length > 0, named, `${alert.kind} ${alert.target}`);
        }
        assert.deepStrictEqual((await store.probeScheduledWork(t, now, before)).slaAlerts, []);
      }),
    );
  });
}

/** The store's methods bound to it, as a plain object (what a minimal third-party store looks like). */
function bound(store: TicketStore): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ['findTicket', 'findTickets', 'listMessages', 'listTickets', 'getStats', 'listAudit', 'listStale', 'markDelivered', 'claimUndelivered', 'transaction'] as const) {
    const fn = store[name];
    if (typeof fn === 'function') out[name] = (fn as (...args: unknown[]) => unknown).bind(store);
  }
  return out;
}
