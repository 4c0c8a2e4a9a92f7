import { createTicketService } from '/work/main/src/index.js';
import { openKeptStore } from '/work/main/bench/kept-store.js';
import { NOW, TENANT } from '/work/main/bench/store-targets.js';
const { store } = await openKeptStore();
const desk = createTicketService({ store, tenantId: TENANT, clock: () => NOW, directory: { getSubscriber: (id: string) => ({ id, resellerId: null }), getStaff: (id: string) => ({ id }) } });
const operator = { kind: 'staff', id: 'op-1', permissions: ['tickets.view', 'tickets.view_all'] } as any;
const reseller = { kind: 'staff', id: 'rs-1', resellerId: 'res-12', permissions: ['tickets.view'] } as any;
for (const [name, actor, q] of [
  ['queue pending', operator, { status: ['pending'] }],
  ['queue open+in_progress', operator, { status: ['open', 'in_progress'] }],
  ['queue open', operator, { status: ['open'] }],
  ['queue closed', operator, { status: ['closed'] }],
  ['queue resolved', operator, { status: ['resolved'] }],
  ['queue pending+on_hold', operator, { status: ['pending', 'on_hold'] }],
  ['res queue pending', reseller, { status: ['pending'] }],
  ['updated pending', operator, { sort: 'updated', status: ['pending'] }],
  ['updated, open, urgent', operator, { sort: 'updated', status: ['open'], priority: ['urgent'] }],
  ['queue (no filter)', operator, {}],
  ['queue urgent', operator, { priority: ['urgent'] }],
] as const) {
  const t: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 15; i++) { const t0 = performance.now(); const p = await desk.list(actor, { ...q, limit: 50, ...(cursor ? { cursor } : {}) } as any); t.push(performance.now() - t0); cursor = p.nextCursor ?? undefined; if (!cursor) break; }
  t.sort((a, b) => a - b);
  console.log(name.padEnd(24), 'pages', t.length, 'p50', t[Math.floor(t.length / 2)]!.toFixed(2), 'max', t[t.length - 1]!.toFixed(2));
}
await store.close();
