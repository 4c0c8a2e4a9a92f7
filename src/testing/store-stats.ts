/**
 * Store contract, on the interface: `getStats`. Deleted tickets never count, whether the
 * store answers from a scan (a created-at range, a customer) or from anything it keeps
 * up to date for the whole tenant.
 */
import assert from 'node:assert/strict';
import type { StoreScope, StoreStatsQuery, TicketRow } from '../store.js';
import type { ContractOptions } from './harness.js';
import { at, emptySla, numberedTicket as row, tenant } from './rows.js';
import { withStore } from './store-harness.js';

const UNRESOLVED = ['open', 'in_progress', 'pending', 'on_hold'] as const;
const sla = (fr: boolean | null, res: boolean | null) => ({ ...emptySla(), firstResponseMet: fr, resolutionMet: res });

/** Seven tickets: one deleted, one outside the range `[at(0), at(100))`, the rest counted. */
function fixture(t: string): TicketRow[] {
  return [
    row(t, 1, { createdAt: at(0), firstResponseAt: at(1.5), category: 'wifi', priority: 'high', resellerId: 'r1', sla: sla(true, null) }),
    row(t, 2, { createdAt: at(1), firstResponseAt: at(3), resolvedAt: at(11), status: 'resolved', priority: 'high', sla: sla(false, true) }),
    row(t, 3, { createdAt: at(2), category: 'billing', priority: 'urgent', resellerId: 'r1' }),
    row(t, 4, { createdAt: at(3), status: 'pending', category: 'billing', priority: 'low', sla: sla(true, true) }),
    row(t, 5, { createdAt: at(4), category: 'billing', priority: 'urgent', createdByType: 'staff', firstResponseAt: at(4) }),
    row(t, 6, { createdAt: at(5), deletedAt: at(6), resolvedAt: at(7), firstResponseAt: at(5.5), resellerId: 'r1', sla: sla(true, true) }),
    row(t, 7, { createdAt: at(100), status: 'closed', resolvedAt: at(101) }),
  ];
}

export function storeStatsTests(o: ContractOptions): void {
  const { describe, it } = o;
  const query = (over: Partial<StoreStatsQuery> = {}): StoreStatsQuery => ({
    unresolved: UNRESOLVED,
    firstResponseOf: ['customer'],
    ...over,
  });

  describe('store: stats', () => {
    it(
      'computes stats over a created range: averages as floats, backlog and SLA ordered, deleted tickets never counted',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        await insert(...fixture(t));
        const range = { createdFrom: at(0), createdTo: at(100) };
        for (const scope of [staff(), staff({ includeDeleted: true })]) {
          const stats = await store.getStats(scope, query(range));
          assert.deepStrictEqual(stats.counts, { open: 3, pending: 1, resolved: 1 });
          assert.ok(Math.abs(stats.avgFirstResponseSeconds! - 1.75) < 1e-6, `avgFirstResponseSeconds ${stats.avgFirstResponseSeconds}`);
          assert.ok(Math.abs(stats.avgResolutionSeconds! - 10) < 1e-6, `avgResolutionSeconds ${stats.avgResolutionSeconds}`);
          assert.deepStrictEqual(stats.backlog, [
            { category: 'billing', priority: 'low', count: 1 },
            { category: 'billing', priority: 'urgent', count: 2 },
            { category: 'wifi', priority: 'high', count: 1 },
          ]);
          assert.deepStrictEqual(stats.sla, [
            { priority: 'high', firstResponse: { met: 1, total: 2 }, resolution: { met: 1, total: 1 } },
            { priority: 'low', firstResponse: { met: 1, total: 1 }, resolution: { met: 1, total: 1 } },
          ]);
        }
        const empty = await store.getStats(staff({}, tenant()), query());
        assert.deepStrictEqual(empty, {
          counts: {},
          avgFirstResponseSeconds: null,
          avgResolutionSeconds: null,
          avgFirstResponseSlaMinutes: null,
          avgResolutionSlaMinutes: null,
          backlog: [],
          sla: [],
          resolutionByCategory: [],
        });
      }),
    );

    it(
      'never counts deleted tickets for the whole tenant, a reseller or a customer, and follows deletes and restores',
      withStore(o, async ({ store, tenantId: t, staff, customer, insert }) => {
        const rows = fixture(t);
        await insert(...rows);
        const counts = async (scope: StoreScope) => (await store.getStats(scope, query())).counts;
        assert.deepStrictEqual(await counts(staff()), { closed: 1, open: 3, pending: 1, resolved: 1 });
        assert.deepStrictEqual(await counts(staff({ includeDeleted: true })), { closed: 1, open: 3, pending: 1, resolved: 1 });
        assert.deepStrictEqual(await counts(staff({ resellerId: 'r1', includeDeleted: true })), { open: 2 });
        assert.deepStrictEqual(await counts({ ...customer('sub-1'), includeDeleted: true }), { closed: 1, open: 3, pending: 1, resolved: 1 });
        const whole = await store.getStats(staff(), query());
        assert.ok(Math.abs(whole.avgResolutionSeconds! - 5.5) < 1e-6, 'the deleted ticket’s resolution is not averaged');
        assert.deepStrictEqual(whole.sla.find((c) => c.priority === 'normal'), undefined, 'the deleted ticket’s SLA is not counted');

        // Deleting and restoring through updateTicket moves the ticket out of and back into the stats.
        const open = rows[0]!;
        await store.transaction((tx) => tx.updateTicket(t, open.id, 1, { deletedAt: at(200) }));
        assert.deepStrictEqual(await counts(staff()), { closed: 1, open: 2, pending: 1, resolved: 1 });
        await store.transaction((tx) => tx.updateTicket(t, open.id, 2, { deletedAt: null, status: 'closed' }));
        assert.deepStrictEqual(await counts(staff()), { closed: 2, open: 2, pending: 1, resolved: 1 });
        assert.deepStrictEqual(await counts(staff({ resellerId: 'r1' })), { closed: 1, open: 1 });
      }),
    );
  });
}
