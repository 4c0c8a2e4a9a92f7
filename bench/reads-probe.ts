/**
 * Times the reads a panel does every minute through the service, on a store seeded by
 * `bench/seed-keep.ts` (a million tickets): the staff queue's first page and a page
 * 10,000 rows deep, a reseller's queue (with view_all) and a reseller staff's own,
 * a customer's list, the queue filtered by status (the operator's pending tickets, the last
 * page of a reseller staff's), the longest waiting first (`sort: 'waiting'`: the operator's open
 * tickets, a page past the waiting ones, a reseller staff's), a ticket with its thread
 * (read before by the viewer, and unread: the view moves the viewer's read mark),
 * whole-tenant stats and a 30-day window;
 * p50/p95 of RUNS runs after 3 warm-ups. Runs `migrate()` first (and reports its time).
 *
 *   FILE=/tmp/1m.db npx tsx bench/reads-probe.ts
 *   DB=ticketry_1m npx tsx bench/reads-probe.ts        # ONLY=queue,stats to pick rows
 */
import { createTicketService } from '../src/index.js';
import { openKeptStore } from './kept-store.js';
import { NOW, TENANT } from './store-targets.js';

const RUNS = Number(process.env.RUNS ?? 30);
const { kind, store, rows } = await openKeptStore();
const [big] = await rows(`select reseller_id as r, count(*) as n from ticketry_tickets where tenant_id = '${TENANT}' and reseller_id is not null group by reseller_id order by count(*) desc limit 1`);
const [sub] = await rows(`select subscriber_id as s, count(*) as n from ticketry_tickets where tenant_id = '${TENANT}' and reseller_id = '${big.r}' group by subscriber_id order by count(*) desc limit 1`);
// A ticket a customer wrote to, so that a staff view has a mark to move.
const [one] = await rows(
  `select number from ticketry_tickets where tenant_id = '${TENANT}' and subscriber_id = '${sub.s}' and customer_message_at is not null limit 1`,
);
if (!one) throw new Error('no ticket with a customer message: seed again with bench/seed-keep.ts (the seed sets customer_message_at since session 11)');
const desk = createTicketService({
  store,
  tenantId: TENANT,
  clock: () => NOW,
  directory: { getSubscriber: (id: string) => ({ id, resellerId: id === sub.s ? big.r : null }), getStaff: (id: string) => ({ id }) },
});
const operator = { kind: 'staff', id: 'op-1', permissions: ['tickets.view', 'tickets.view_all'] } as any;
const reseller = { kind: 'staff', id: 'rv-1', resellerId: big.r, permissions: ['tickets.view', 'tickets.view_all'] } as any;
const resellerStaff = { kind: 'staff', id: 'rs-1', resellerId: big.r, permissions: ['tickets.view'] } as any;
const customer = { kind: 'customer', id: sub.s, resellerId: big.r } as any;
let deep: string | undefined;
for (let seen = 0; seen < 10_000; ) {
  const page = await desk.list(operator, { limit: 200, ...(deep ? { cursor: deep } : {}) });
  seen += page.items.length;
  deep = page.nextCursor ?? undefined;
}
// Past every waiting ticket: the open ones nobody waits on, after the waiting ones.
const [waiting] = await rows(
  `select count(*) as n from ticketry_tickets where tenant_id = '${TENANT}' and status in ('open', 'in_progress') and waiting_since is not null and deleted_at is null`,
);
let pastWaiting: string | undefined;
for (let seen = 0; seen < Number(waiting.n); ) {
  const page = await desk.list(operator, { sort: 'waiting', status: ['open', 'in_progress'], limit: 200, ...(pastWaiting ? { cursor: pastWaiting } : {}) });
  seen += page.items.length;
  pastWaiting = page.nextCursor ?? undefined;
  if (!pastWaiting) break;
}
// The last page of a reseller's staff's pending tickets (it learns there is no more).
let lastPending: string | undefined;
for (let cursor: string | undefined; ; ) {
  const page = await desk.list(resellerStaff, { status: ['pending'], limit: 50, ...(cursor ? { cursor } : {}) });
  if (!page.nextCursor) {
    lastPending = cursor;
    break;
  }
  cursor = page.nextCursor;
}
const day = 86_400_000;
let viewer = 1000;
const cases: [string, () => Promise<unknown>][] = [
  ['queue, first page', () => desk.list(operator, { limit: 50 })],
  ['queue, 10,000 rows deep', () => desk.list(operator, { limit: 50, cursor: deep! })],
  [`reseller queue (${big.r})`, () => desk.list(reseller, { limit: 50 })],
  ['reseller staff queue', () => desk.list(resellerStaff, { limit: 50 })],
  ['customer list', () => desk.list(customer, { limit: 50 })],
  ['queue, pending', () => desk.list(operator, { status: ['pending'], limit: 50 })],
  ['reseller staff, pending, last page', () => desk.list(resellerStaff, { status: ['pending'], limit: 50, ...(lastPending ? { cursor: lastPending } : {}) })],
  ['waiting, open tickets', () => desk.list(operator, { sort: 'waiting', status: ['open', 'in_progress'], limit: 50 })],
  [`waiting, past the ${waiting.n} waiting`, () => desk.list(operator, { sort: 'waiting', status: ['open', 'in_progress'], limit: 50, cursor: pastWaiting! })],
  ['waiting, every ticket', () => desk.list(operator, { sort: 'waiting', limit: 50 })],
  ['waiting, reseller staff', () => desk.list(resellerStaff, { sort: 'waiting', status: ['open', 'in_progress'], limit: 50 })],
  // The operator read it in the warm-up: the mark covers the customer's last message, no write.
  ['get with thread, read before', () => desk.get(operator, one.number)],
  // A staff member who never read it: the view moves their mark (one upsert).
  ['get with thread, unread', () => desk.get({ ...operator, id: `op-${(viewer += 1)}` }, one.number)],
  ['stats, whole tenant', () => desk.getStats(operator)],
  ['stats, last 30 days', () => desk.getStats(operator, { from: new Date(NOW.getTime() - 30 * day), to: NOW })],
  ['stats, reseller staff, 30 days', () => desk.getStats(resellerStaff, { from: new Date(NOW.getTime() - 30 * day), to: NOW })],
];
const only = process.env.ONLY?.split(',');
console.log({ kind, reseller: big, subscriber: sub });
for (const [name, run] of cases) {
  if (only && !only.some((o) => name.includes(o))) continue;
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    await run();
    if (i >= 3) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))]!.toFixed(2);
  console.log(`${name.padEnd(32)} p50 ${p(0.5)} ms  p95 ${p(0.95)} ms  (${times.length} runs)`);
}
await store.close();
process.exit(0);
