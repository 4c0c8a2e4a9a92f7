/**
 * Store contract, on the interface: the scheduled-work scans. SLA alert claims (each
 * ticket to one claimer, earliest due first under a limit, never a deleted ticket), the
 * stale scan (never a deleted ticket) and the audit trail's order.
 */
import assert from 'node:assert/strict';
import type { TicketStore } from '../store.js';
import type { Ticket } from '../types.js';
import type { ContractOptions } from './harness.js';
import { at, auditEntry, emptySla, numberedTicket as row, tenant } from './rows.js';
import { withStore } from './store-harness.js';

const breach = { target: 'firstResponse', kind: 'breach' } as const;

export function storeScanTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: scheduled-work scans', () => {
    it(
      'claims each due SLA alert exactly once between two concurrent claimers, never a deleted or another tenant’s ticket',
      withStore(o, async ({ store, tenantId: t, insert, second }) => {
        const now = at(3600);
        const dueRows = Array.from({ length: 40 }, (_, i) => row(t, i + 1, { firstResponseDueAt: new Date(now.getTime() - (i + 1) * 1000) }));
        const others = [
          row(t, 100, { firstResponseDueAt: new Date(now.getTime() + 1) }), // not yet due
          row(t, 101, { firstResponseDueAt: null }),
          row(t, 102, { firstResponseDueAt: now, deletedAt: now }), // deleted
          row(t, 103, { firstResponseDueAt: now, sla: { ...emptySla(), firstResponseBreachedAt: now } }), // claimed
          row(tenant(), 104, { firstResponseDueAt: now }), // another tenant
        ];
        await insert(...dueRows, ...others);
        const other = await second();
        const claimer = async (s: TicketStore) => {
          const claimed: Ticket[] = [];
          for (;;) {
            const batch = await s.transaction((tx) => tx.claimSlaAlerts(t, breach, now, 7));
            if (batch.length === 0) return claimed;
            claimed.push(...batch);
          }
        };
        const [a, b] = await Promise.all([claimer(store), claimer(other)]);
        const ids = [...a, ...b].map((x) => x.id);
        assert.equal(new Set(ids).size, ids.length, 'a ticket was claimed twice');
        assert.deepStrictEqual(ids.sort(), dueRows.map((r) => r.id).sort());
        for (const ticket of [...a, ...b]) {
          assert.deepStrictEqual(ticket.sla.firstResponseBreachedAt, now);
          assert.equal(ticket.version, 2);
        }
      }),
    );

    it(
      'claims the earliest due first under a limit (ids breaking ties), and warnings on their own field',
      withStore(o, async ({ store, tenantId: t, insert, staff }) => {
        const now = at(3600);
        const due = [300, 10, 200, 10, 50].map((s, i) => row(t, i + 1, { firstResponseDueAt: at(s) }));
        await insert(...due);
        const byDue = [...due].sort(
          (x, y) => x.firstResponseDueAt!.getTime() - y.firstResponseDueAt!.getTime() || (x.id < y.id ? -1 : 1),
        );
        const first = await store.transaction((tx) => tx.claimSlaAlerts(t, breach, now, 2));
        assert.deepStrictEqual(first.map((x) => x.id), byDue.slice(0, 2).map((x) => x.id));
        const rest = await store.transaction((tx) => tx.claimSlaAlerts(t, breach, now, 10));
        assert.deepStrictEqual(rest.map((x) => x.id), byDue.slice(2).map((x) => x.id), 'returned in due order');

        const warn = row(t, 200, { sla: { ...emptySla(), resolutionWarnAt: now } });
        await insert(warn);
        const warning = { target: 'resolution', kind: 'warning' } as const;
        const warned = await store.transaction((tx) => tx.claimSlaAlerts(t, warning, now, 10));
        assert.deepStrictEqual(warned.map((x) => x.number), ['TKT-200']);
        assert.deepStrictEqual(warned[0]!.sla.resolutionWarnedAt, now);
        assert.deepStrictEqual((await store.findTicket(staff(), warn.id))!.sla.resolutionWarnedAt, now, 'the claim is stored');
        assert.deepStrictEqual(await store.transaction((tx) => tx.claimSlaAlerts(t, warning, now, 10)), []);
      }),
    );

    it(
      'finds stale tickets oldest first, never a deleted one, and lists the audit trail oldest first',
      withStore(o, async ({ store, tenantId: t, insert }) => {
        const h = (n: number) => at(n * 3600);
        const rows = [
          row(t, 1, { status: 'resolved', statusChangedAt: h(5) }),
          row(t, 2, { status: 'pending', statusChangedAt: h(1) }),
          row(t, 3, { status: 'open', statusChangedAt: h(0) }),
          row(t, 4, { status: 'pending', statusChangedAt: h(0.5), deletedAt: h(3) }),
          row(t, 5, { status: 'resolved', statusChangedAt: h(10) }),
        ];
        await insert(...rows, row(tenant(), 6, { status: 'pending', statusChangedAt: h(0) }));
        const stale = await store.listStale(t, ['resolved', 'pending'], h(10), 10);
        assert.deepStrictEqual(stale.map((x) => x.number), ['TKT-2', 'TKT-1']);
        assert.deepStrictEqual((await store.listStale(t, ['resolved', 'pending'], h(10), 1)).map((x) => x.number), ['TKT-2']);
        assert.deepStrictEqual(await store.listStale(t, [], h(10), 10), []);
        const inTx = await store.transaction((tx) => tx.listStale(t, ['resolved', 'pending'], h(10), 10));
        assert.deepStrictEqual(inTx.map((x) => x.number), ['TKT-2', 'TKT-1']);

        const first = rows[0]!;
        const entries = [
          auditEntry(first.id, { action: 'created', createdAt: h(1) }),
          auditEntry(first.id, { action: 'replied', createdAt: h(1) }),
          auditEntry(first.id, { action: 'updated', createdAt: h(0) }),
        ];
        await store.transaction(async (tx) => {
          for (const e of entries) await tx.insertAudit(t, e);
        });
        assert.deepStrictEqual((await store.listAudit(t, first.id)).map((e) => e.action), ['updated', 'created', 'replied']);
        assert.deepStrictEqual(await store.listAudit(tenant(), first.id), []);
      }),
    );
  });
}
