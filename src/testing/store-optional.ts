/**
 * Store contract, on the interface: optional methods. A store may leave one out (the
 * core then uses the fallback); if it has one, it must agree with the fallback.
 */
import assert from 'node:assert/strict';
import { findTicketsFallback, withStoreFallbacks } from '../store-fallbacks.js';
import type { TicketStore } from '../store.js';
import type { ContractOptions } from './harness.js';
import { at, numberedTicket as row } from './rows.js';
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
