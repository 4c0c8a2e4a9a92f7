/**
 * The memory store at scale: `listTickets` and `getStats` latency (p50/p95/p99) and the
 * heap, with 100,000 tickets (and a second tenant of a tenth as many).
 *
 *   npx tsx bench/memory-scale.ts                      # 100,000 tickets
 *   MEM_TICKETS=20000 MEM_RUNS=300 npx tsx bench/memory-scale.ts
 *
 * The data set is `seed-data.ts`'s (the SQL benchmarks' desk: 3 years, ~3.1 messages per
 * ticket, resellers, internal notes, 0.3 % soft-deleted), written through the store's own
 * transaction API (`insertTicket`, `insertMessage`, `insertAudit`, 1,000 tickets per
 * transaction), not through the service, so seeding takes seconds. A rare word
 * (`zanzibar`) is planted in the customer's first message of one ticket in 10,000, for the
 * rare-word search. Nothing is asserted: the numbers are printed.
 *
 * Heap: `heapUsed` after a full garbage collection, before and after seeding (the
 * difference is what the store holds), and after the measured reads; and the
 * `ArrayBuffer` bytes the store holds outside the heap (typed arrays' contents).
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memoryStore } from '../adapters/memory/index.js';
import { parseSearch } from '../src/search/search-query.js';
import type { ListAfter, StoreListQuery, StoreScope, StoreStatsQuery, StoreTicketSummary, TicketStore } from '../src/store.js';
import type { AuditEntry, Message, Ticket } from '../src/types.js';
import { UNRESOLVED_STATUSES } from '../src/types.js';
import {
  AUDIT_COLUMNS,
  MESSAGE_COLUMNS,
  TICKET_COLUMNS,
  emptyCatalog,
  generateTenant,
  type SeedCatalog,
  type SeedColumn,
  type SeedRow,
} from './seed-data.js';

const TICKETS = Number(process.env.MEM_TICKETS ?? 100_000);
const RUNS = Number(process.env.MEM_RUNS ?? 500);
const WARMUP = Math.max(20, Math.floor(RUNS / 10));
const NOW = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;
const RARE_WORD = 'zanzibar';
/** `MEM_DISTINCT_TEXT=1`: every subject, body and HTML its own string, as when each came in its own request. */
const DISTINCT_TEXT = process.env.MEM_DISTINCT_TEXT === '1';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** `ArrayBuffer` bytes (typed arrays' contents live outside the JS heap), in MB. */
function arrayBuffersMb(): number {
  return process.memoryUsage().arrayBuffers / 2 ** 20;
}

/** A generated row as an object keyed by column name. */
function record(columns: readonly SeedColumn[], row: SeedRow): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  columns.forEach((c, i) => (out[c.name] = row[i]!));
  return out;
}

/**
 * Ids as a host hands them over: one flat string per id (the generator builds its UUIDs by
 * concatenation, which V8 keeps as rope strings), the same string wherever the id recurs.
 */
const ids = new Map<string, string>();
function flatId(v: unknown): string {
  const s = String(v);
  let id = ids.get(s);
  if (id === undefined) ids.set(s, (id = Buffer.from(s, 'latin1').toString('latin1')));
  return id;
}
/** Text as given: the generator's pooled strings, or a fresh copy per row (`MEM_DISTINCT_TEXT`). */
const text = (v: unknown): string => (DISTINCT_TEXT ? Buffer.from(String(v)).toString() : String(v));

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as number));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function ticketOf(row: SeedRow): Ticket {
  const r = record(TICKET_COLUMNS, row);
  const resellerId = str(r.reseller_id);
  return {
    id: flatId(r.id),
    number: flatId(r.number),
    subject: text(r.subject),
    category: String(r.category),
    department: str(r.department),
    priority: String(r.priority),
    status: r.status as Ticket['status'],
    subscriberId: flatId(r.subscriber_id),
    resellerId,
    assigneeId: str(r.assignee_id),
    createdByType: r.created_by_type as Ticket['createdByType'],
    createdById: r.created_by_id === null ? null : flatId(r.created_by_id),
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
    statusChangedAt: date(r.status_changed_at)!,
    version: Number(r.version),
    archived: Boolean(r.archived),
    deletedAt: date(r.deleted_at),
    firstResponseAt: date(r.first_response_at),
    resolvedAt: date(r.resolved_at),
    firstResponseDueAt: date(r.first_response_due_at),
    resolutionDueAt: date(r.resolution_due_at),
    deadlineAt: date(r.deadline_at),
    attention: Number(r.attention),
    sla: {
      firstResponseElapsed: Number(r.sla_first_response_elapsed),
      resolutionElapsed: Number(r.sla_resolution_elapsed),
      clockAt: date(r.sla_clock_at),
      firstResponseRemaining: r.sla_first_response_remaining === null ? null : Number(r.sla_first_response_remaining),
      resolutionRemaining: r.sla_resolution_remaining === null ? null : Number(r.sla_resolution_remaining),
      firstResponseWarnAt: date(r.sla_first_response_warn_at),
      resolutionWarnAt: date(r.sla_resolution_warn_at),
      firstResponseWarnedAt: date(r.sla_first_response_warned_at),
      resolutionWarnedAt: date(r.sla_resolution_warned_at),
      firstResponseBreachedAt: date(r.sla_first_response_breached_at),
      resolutionBreachedAt: date(r.sla_resolution_breached_at),
      firstResponseMet: r.sla_first_response_met as boolean | null,
      resolutionMet: r.sla_resolution_met as boolean | null,
    },
    mergedIntoId: null,
    lockedById: null,
    lockedByName: null,
    lockedUntil: null,
    raised: false,
    customerPriority: String(r.priority),
    waitingSince: r.status === 'open' ? date(r.updated_at) : null,
    customerMessageAt: date(r.created_at),
    // A reseller's subscribers address their reseller; the operator's own, the operator.
    addressedTo: resellerId ? 'reseller' : 'operator',
    requesterResellerId: null,
    channel: 'web',
    requesterEmail: null,
  };
}

function messageOf(row: SeedRow, plantRare: boolean): Message {
  const r = record(MESSAGE_COLUMNS, row);
  const body = plantRare ? flatId(`${String(r.body)} My serial is ${RARE_WORD.toUpperCase()}-77.`) : text(r.body);
  return {
    id: flatId(r.id),
    ticketId: flatId(r.ticket_id),
    authorType: r.author_type as Message['authorType'],
    authorId: r.author_id === null ? null : flatId(r.author_id),
    authorName: str(r.author_name),
    body,
    html: text(r.html),
    internal: Boolean(r.internal),
    hidden: Boolean(r.hidden),
    opening: Boolean(r.opening),
    system: r.system === null ? null : (JSON.parse(String(r.system)) as Message['system']),
    createdAt: date(r.created_at)!,
    editedAt: date(r.edited_at),
    attachments: [],
    email: null,
  };
}

function auditOf(row: SeedRow): AuditEntry {
  const r = record(AUDIT_COLUMNS, row);
  return {
    id: flatId(r.id),
    ticketId: flatId(r.ticket_id),
    action: String(r.action),
    actorKind: r.actor_kind as AuditEntry['actorKind'],
    actorId: r.actor_id === null ? null : flatId(r.actor_id),
    actorName: str(r.actor_name),
    changes: JSON.parse(String(r.changes)) as AuditEntry['changes'],
    ip: str(r.ip),
    userAgent: r.user_agent === null ? null : text(r.user_agent),
    requestId: str(r.request_id),
    createdAt: date(r.created_at)!,
  };
}

/** Seeds one tenant through the store's transactions; returns its catalog. */
async function seed(store: TicketStore, tenantId: string, tickets: number, seedNumber: number): Promise<SeedCatalog & { rare: number }> {
  const catalog = emptyCatalog(tenantId);
  let rare = 0;
  let index = 0;
  for (const batch of generateTenant({ tenantId, tickets, now: NOW, seed: seedNumber, batchSize: 1000 }, catalog)) {
    await store.transaction(async (tx) => {
      let m = 0;
      for (const row of batch.tickets) {
        const ticket = ticketOf(row);
        await tx.insertTicket(tenantId, ticket);
        const planted = index++ % 10_000 === 5_000;
        if (planted) rare++;
        // Messages follow their ticket in the batch.
        while (m < batch.messages.length && batch.messages[m]![2] === ticket.id) {
          const message = messageOf(batch.messages[m]!, planted && batch.messages[m]![10] === true);
          await tx.insertMessage(tenantId, message);
          m++;
        }
      }
      for (const row of batch.audit) await tx.insertAudit(tenantId, auditOf(row));
    });
    ids.clear();
  }
  return { ...catalog, rare };
}

interface Row {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  note: string;
}

async function measure(name: string, op: (i: number) => Promise<unknown>, note = ''): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) await op(i);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await op(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { name, p50: at(0.5), p95: at(0.95), p99: at(0.99), note };
}

/** The `ListAfter` that continues after row `t` of a `sort` list. */
function afterOf(sort: StoreListQuery['sort'], t: StoreTicketSummary): ListAfter {
  const at = sort === 'waiting' ? t.waitingSince : sort === 'queue' || sort === 'updated' ? t.updatedAt : t.createdAt;
  return { id: t.id, at, ...(sort === 'queue' ? { attention: t.attention } : {}), ...(t.searchRank !== undefined ? { rank: t.searchRank } : {}) };
}

/** The cursor `depth` rows into a list (paging there with the store). */
async function cursorAt(store: TicketStore, scope: StoreScope, q: StoreListQuery, depth: number): Promise<ListAfter> {
  let after: ListAfter | undefined;
  let seen = 0;
  while (seen < depth) {
    const page = await store.listTickets(scope, { ...q, limit: Math.min(200, depth - seen), ...(after ? { after } : {}) });
    if (page.length === 0) throw new Error(`the list has fewer than ${depth} rows`);
    seen += page.length;
    after = afterOf(q.sort, page[page.length - 1]!);
  }
  return after!;
}

async function main(): Promise<void> {
  const before = heapMb();
  const buffersBefore = arrayBuffersMb();
  const store = memoryStore();
  const t0 = performance.now();
  const acme = await seed(store, 'acme', TICKETS, 1);
  await seed(store, 'other', Math.max(1000, Math.floor(TICKETS / 10)), 2);
  const seedSeconds = (performance.now() - t0) / 1000;
  const seeded = heapMb();
  const buffersSeeded = arrayBuffersMb();

  const staff: StoreScope = { tenantId: 'acme', visibility: 'staff' };
  const bigReseller = [...acme.perReseller.entries()].filter(([r]) => r !== null).sort((a, b) => b[1] - a[1])[0]![0]!;
  const reseller: StoreScope = { tenantId: 'acme', resellerId: bigReseller, addressedTo: 'reseller', visibility: 'staff' };
  const customers = acme.subscribers.slice(0, 1000);
  const customer = (i: number): StoreScope => ({
    tenantId: 'acme',
    subscriberId: customers[i % customers.length]!.id,
    requesterResellerId: null,
    visibility: 'customer',
  });
  const queue: StoreListQuery = { archived: false, sort: 'queue', limit: 51, viewerId: 'staff-01' };
  const newest: StoreListQuery = { archived: false, sort: 'newest', limit: 51 };
  const rare = parseSearch(RARE_WORD);
  const phrase = parseSearch('"static ip"');
  const deepQueue = await cursorAt(store, staff, queue, 10_000);
  const deepNewest = await cursorAt(store, staff, { ...newest, viewerId: 'staff-01' }, 10_000);
  const stats = (extra: Partial<StoreStatsQuery> = {}): StoreStatsQuery => ({
    unresolved: UNRESOLVED_STATUSES,
    firstResponseOf: ['customer'],
    ...extra,
  });
  // A 30-day window that starts and ends mid-day (partial days at both edges).
  const window = stats({ createdFrom: new Date(NOW.getTime() - 30 * DAY - 5 * 3_600_000), createdTo: new Date(NOW.getTime() - 7 * 3_600_000) });

  const rareHits = (await store.listTickets(staff, { search: rare, sort: 'relevance', limit: 51 })).length;
  const phraseHits = (await store.listTickets(staff, { search: phrase, sort: 'relevance', limit: 201 })).length;

  const rows: Row[] = [];
  rows.push(await measure('list: staff queue page (50)', () => store.listTickets(staff, queue)));
  rows.push(await measure(`list: reseller queue page (${bigReseller})`, () => store.listTickets(reseller, queue)));
  rows.push(await measure('list: customer newest page', (i) => store.listTickets(customer(i), newest), '1,000 subscribers in rotation'));
  rows.push(await measure('list: staff queue, 10,000 rows deep', () => store.listTickets(staff, { ...queue, after: deepQueue })));
  rows.push(await measure('list: staff newest, 10,000 rows deep', () => store.listTickets(staff, { ...newest, viewerId: 'staff-01', after: deepNewest })));
  rows.push(await measure('list: search a rare word (staff)', () => store.listTickets(staff, { search: rare, sort: 'relevance', limit: 51 }), `${rareHits} hits`));
  rows.push(await measure('list: search a rare word (reseller)', () => store.listTickets(reseller, { search: rare, sort: 'relevance', limit: 51 })));
  rows.push(await measure('list: search a rare word (customer)', (i) => store.listTickets(customer(i), { search: rare, sort: 'relevance', limit: 51 })));
  rows.push(await measure('list: search a phrase (staff)', () => store.listTickets(staff, { search: phrase, sort: 'relevance', limit: 51 }), `"static ip": ${phraseHits}${phraseHits === 201 ? '+' : ''} hits`));
  rows.push(await measure('getStats: whole tenant', () => store.getStats(staff, stats())));
  rows.push(await measure('getStats: 30-day window', () => store.getStats(staff, window)));
  rows.push(await measure(`getStats: reseller (${bigReseller})`, () => store.getStats(reseller, stats())));
  rows.push(await measure('getStats: reseller, 30-day window', () => store.getStats(reseller, window)));
  rows.push(await measure('getStats: customer', (i) => store.getStats(customer(i), stats()), '1,000 subscribers in rotation'));
  const after = heapMb();

  const fmt = (n: number) => n.toFixed(3).padStart(9);
  console.log(`\nmemory store, ${TICKETS.toLocaleString('en')} tickets (+ a tenant of ${Math.max(1000, Math.floor(TICKETS / 10)).toLocaleString('en')}), ${acme.messages.toLocaleString('en')} messages; node ${process.version}`);
  console.log(`seeded through store.transaction in ${seedSeconds.toFixed(1)} s; ${RUNS} runs per row after ${WARMUP} warm-up runs\n`);
  console.log(`| operation | p50 ms | p95 ms | p99 ms | |`);
  console.log(`| --- | ---: | ---: | ---: | --- |`);
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.note} |`);
  console.log(`\nheap used: ${before.toFixed(1)} MB before seeding, ${seeded.toFixed(1)} MB seeded (store: ${(seeded - before).toFixed(1)} MB), ${after.toFixed(1)} MB after the reads`);
  console.log(
    `array buffers (outside the heap; the word index's packed postings): ${(buffersSeeded - buffersBefore).toFixed(1)} MB held by the store; ` +
      `heap + array buffers held by the store: ${(seeded - before + buffersSeeded - buffersBefore).toFixed(1)} MB`,
  );
  console.log(`rss: ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MB`);
}

await main();
