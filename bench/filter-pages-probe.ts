/**
 * Pages through filtered staff lists on a store seeded by `bench/seed-keep.ts` (a million
 * tickets): 15 pages of 50 each (fewer where the list ends), timing every page, and prints
 * the p50 and the slowest page per list. A filter few tickets pass is checked along the
 * order's index until the page fills, so its cost shows in the slowest page, often the
 * last (which reads on to learn there is no more), not the first.
 *
 *   FILE=/tmp/1m.db npx tsx bench/filter-pages-probe.ts
 *   DB=ticketry_1m npx tsx bench/filter-pages-probe.ts
 */
import { createTicketService } from '../src/index.js';
import { openKeptStore } from './kept-store.js';
import { NOW, TENANT } from './store-targets.js';

const PAGES = Number(process.env.PAGES ?? 15);
const { store, rows } = await openKeptStore();
const [big] = await rows(`select reseller_id as r, count(*) as n from ticketry_tickets where tenant_id = '${TENANT}' and reseller_id is not null group by reseller_id order by count(*) desc limit 1`);
const desk = createTicketService({
  store,
  tenantId: TENANT,
  clock: () => NOW,
  directory: { getSubscriber: (id: string) => ({ id, resellerId: null }), getStaff: (id: string) => ({ id }) },
});
const operator = { kind: 'staff', id: 'op-1', permissions: ['tickets.view', 'tickets.view_all'] } as any;
const resellerStaff = { kind: 'staff', id: 'rs-1', resellerId: big.r, permissions: ['tickets.view'] } as any;
const cases: [string, unknown, Record<string, unknown>][] = [
  ['queue, pending', operator, { status: ['pending'] }],
  ['queue, open + in progress', operator, { status: ['open', 'in_progress'] }],
  ['queue, open', operator, { status: ['open'] }],
  ['queue, closed', operator, { status: ['closed'] }],
  ['queue, resolved', operator, { status: ['resolved'] }],
  ['queue, pending + on hold', operator, { status: ['pending', 'on_hold'] }],
  [`reseller staff (${big.r}), pending`, resellerStaff, { status: ['pending'] }],
  ['updated, pending', operator, { sort: 'updated', status: ['pending'] }],
  ['updated, open, urgent', operator, { sort: 'updated', status: ['open'], priority: ['urgent'] }],
  ['queue, no filter', operator, {}],
  ['queue, urgent', operator, { priority: ['urgent'] }],
];
for (const [name, actor, query] of cases) {
  const times: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < PAGES; i++) {
    const t0 = performance.now();
    const page = await desk.list(actor as never, { ...query, limit: 50, ...(cursor ? { cursor } : {}) });
    times.push(performance.now() - t0);
    cursor = page.nextCursor ?? undefined;
    if (!cursor) break;
  }
  times.sort((a, b) => a - b);
  const ms = (v: number) => v.toFixed(2).padStart(8);
  console.log(`${name.padEnd(34)} pages ${String(times.length).padStart(2)}  p50 ${ms(times[Math.floor(times.length / 2)]!)} ms  slowest ${ms(times[times.length - 1]!)} ms`);
}
await store.close();
