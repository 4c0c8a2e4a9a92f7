/**
 * The memory store's indexes (list orders, groups, numbers, stats buckets, the word index):
 * a rolled-back transaction leaves them exactly as they were; after any mix of committed
 * and rolled-back writes they equal indexes built afresh from the stored rows; and pages
 * over more tickets than one list chunk holds agree with a plain filter-and-sort.
 */
import { describe, expect, it } from 'vitest';
import { MemoryTx } from '../../adapters/memory/memory-tx.js';
import { memoryStore } from '../../adapters/memory/index.js';
import { emptyState, type MemoryState } from '../../adapters/memory/memory-state.js';
import { TenantData } from '../../adapters/memory/memory-tenant.js';
import { NOT_WAITING } from '../../adapters/memory/memory-sorted.js';
import { HIDDEN } from '../../adapters/memory/memory-rows.js';
import { searchText } from '../../src/search/search-text.js';
import { parseSearch } from '../../src/search/search-query.js';
import { searchRankOf } from '../../src/search/search-match.js';
import { message, ticketRow } from '../../src/testing/rows.js';
import { seededRandom } from '../../src/testing/seeded-random.js';
import type { ListAfter, StoreListQuery, StoreScope, StoreTicketSummary, TicketRow } from '../../src/store.js';
import { UNRESOLVED_STATUSES, type Status } from '../../src/types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const STATUSES: Status[] = ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'];
const WORDS = ['router', 'invoice', 'refund', 'fibre', 'outage', 'static', 'ip', 'wifi', 'Ärger', 'payment', 'pay', '网络故障'];

/** Runs `fn` as the store does, on `state`; `fail` replays the undo log as a throw would. */
async function run(state: MemoryState, fn: (tx: MemoryTx) => Promise<void>, fail = false): Promise<void> {
  const undo: (() => void)[] = [];
  const tx = new MemoryTx(state, undo);
  await fn(tx);
  tx.done = true;
  if (fail) for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
}

const sortedIds = (ids: Iterable<string>) => [...ids].sort();

/** Everything the indexes hold, as plain data (chunk boundaries and group containers left out). */
function snapshot(state: MemoryState) {
  // Copied: buckets are updated in place.
  return structuredClone(snapshotOf(state));
}

function snapshotOf(state: MemoryState) {
  return [...state.tenants].map(([tenantId, d]) => ({
    tenantId,
    tickets: [...d.tickets.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    numbersLower: [...d.numbersLower.entries()].sort(),
    threads: [...d.threads.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    messages: [...d.messages.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    lists: Object.fromEntries(Object.entries(d.lists).map(([name, list]) => [name, { size: list.size, rows: list.rows }])),
    groups: Object.fromEntries(
      (['bySubscriber', 'byAssignee', 'byStatus', 'favorites'] as const).map((g) => [
        g,
        [...d[g].groups.entries()].map(([k, ids]) => [k, sortedIds(ids)]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
      ]),
    ),
    stats: statsOf(d),
    // Postings as the ids they name (ordinals and packing follow the history).
    postings: [...d.search.postings.entries()].map(([w, p]) => [w, [...d.search.idsOf(p)]] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
    vocab: [...d.search.vocab],
  }));
}

function statsOf(d: TenantData) {
  // Buckets as plain objects, in key order (a set's order follows its history).
  const buckets = (set: number[]) => d.stats.bucketsOf(set).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  const level = (l: TenantData['stats']['all']) => ({
    total: buckets(l.total),
    days: [...l.days.entries()].sort(([a], [b]) => a - b).map(([day, set]) => [day, buckets(set)]),
  });
  return {
    all: level(d.stats.all),
    partitions: [...d.stats.partitions.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, l]) => [k, level(l)]),
  };
}

/** The indexes a tenant's current rows and messages make when written afresh (postings aside). */
function rebuilt(d: TenantData): TenantData {
  const fresh = new TenantData();
  const undo: (() => void)[] = [];
  for (const t of d.rows) fresh.writeTicket(null, t, undo);
  for (const thread of d.threads.values()) for (const m of thread) fresh.writeMessage(null, m, undo);
  for (const [staffId, ids] of d.favorites.groups) for (const id of ids) fresh.setFavorite(staffId, id, true, undo);
  return fresh;
}

/** Random writes over `tenants`; returns nothing, changes `state`. */
async function randomWrites(state: MemoryState, rand: () => number, tenants: string[], rounds: number, failEvery: number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const text = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(WORDS)).join(' ');
  const time = () => new Date(T0 + Math.floor(rand() * 90) * 86_400_000 + Math.floor(rand() * 86_400_000));
  for (let round = 0; round < rounds; round++) {
    const fail = round % failEvery === failEvery - 1;
    await run(
      state,
      async (tx) => {
        for (let op = 0; op < 6; op++) {
          const tenantId = pick(tenants);
          const d = state.tenants.get(tenantId);
          const rows = d ? d.rows : [];
          const r = rand();
          if (rows.length < 5 || r < 0.25) {
            const created = time();
            const status = pick(STATUSES);
            const row = ticketRow(tenantId, {
              subject: text(),
              status,
              createdAt: created,
              updatedAt: new Date(created.getTime() + 1000),
              statusChangedAt: created,
              subscriberId: `sub-${Math.floor(rand() * 6)}`,
              resellerId: rand() < 0.5 ? null : `res-${Math.floor(rand() * 2)}`,
              addressedTo: rand() < 0.5 ? 'operator' : 'reseller',
              assigneeId: rand() < 0.3 ? null : `staff-${Math.floor(rand() * 3)}`,
              attention: status === 'closed' ? 0 : Math.floor(rand() * 3),
              archived: status === 'closed' && rand() < 0.5,
              priority: pick(['low', 'normal', 'high']),
              category: pick(['billing', 'wifi', 'other']),
              firstResponseAt: rand() < 0.5 ? new Date(created.getTime() + 60_000) : null,
              resolvedAt: status === 'closed' || status === 'resolved' ? new Date(created.getTime() + 3_600_000) : null,
              waitingSince: rand() < 0.4 ? new Date(created.getTime() + 5000) : null,
            });
            const { tenantId: _t, ...ticket } = row;
            await tx.insertTicket(tenantId, ticket);
            await tx.insertMessage(tenantId, message(row.id, { body: text(), opening: true, createdAt: created }));
          } else if (r < 0.55) {
            const t = pick(rows);
            const status = pick(STATUSES);
            await tx.updateTicket(tenantId, t.id, t.version, {
              status,
              updatedAt: time(),
              attention: Math.floor(rand() * 3),
              ...(rand() < 0.3 ? { subject: text() } : {}),
              ...(rand() < 0.3 ? { assigneeId: rand() < 0.5 ? null : `staff-${Math.floor(rand() * 3)}` } : {}),
              ...(rand() < 0.1 ? { deletedAt: t.deletedAt !== null ? null : time() } : {}),
              ...(rand() < 0.2 ? { addressedTo: t.addressedTo === 'operator' ? ('reseller' as const) : ('operator' as const) } : {}),
              ...(rand() < 0.3 ? { waitingSince: rand() < 0.5 ? null : time() } : {}),
              ...(rand() < 0.3 ? { resolvedAt: rand() < 0.5 ? null : time() } : {}),
            });
          } else if (r < 0.75) {
            const t = pick(rows);
            await tx.insertMessage(
              tenantId,
              message(t.id, { body: text(), internal: rand() < 0.3, authorType: pick(['customer', 'staff', 'system'] as const), createdAt: time() }),
            );
          } else if (r < 0.85) {
            const messages = [...(d?.messages.values() ?? [])];
            if (messages.length) {
              const m = pick(messages);
              await tx.updateMessage(tenantId, m.id, rand() < 0.5 ? { body: text(), editedAt: time() } : { hidden: (m.flags & HIDDEN) === 0 });
            }
          } else if (r < 0.92) {
            const from = pick(rows);
            const to = pick(rows);
            const ids = (d?.threads.get(from.id) ?? []).filter(() => rand() < 0.6).map((m) => m.id);
            if (from.id !== to.id && ids.length) await tx.moveMessages(tenantId, ids, to.id, null);
          } else {
            const t = pick(rows);
            await tx.setFavorite(tenantId, `staff-${Math.floor(rand() * 3)}`, t.id, rand() < 0.7, time());
          }
        }
      },
      fail,
    );
  }
}

describe('memory store indexes', () => {
  it('a rolled-back transaction leaves every index exactly as it was', async () => {
    const state = emptyState();
    const rand = seededRandom(7);
    await randomWrites(state, rand, ['a', 'b'], 40, 1_000_000);
    const before = snapshot(state);
    expect(before.length).toBe(2);
    // Every kind of write, in one transaction that fails: tickets (new tenant too),
    // updates of every indexed field, messages, edits, moves, favorites, SLA claims.
    for (let seed = 1; seed <= 20; seed++) {
      const r = seededRandom(seed);
      await randomWrites(state, r, ['a', 'b', 'new-tenant'], 1, 1);
      expect(snapshot(state)).toStrictEqual(before);
    }
    await run(
      state,
      async (tx) => {
        const t = state.tenants.get('a')!.rows.find((row) => row.deletedAt === null)!;
        const sla = (await tx.findTicket({ tenantId: 'a', visibility: 'staff' }, t.id))!.sla;
        await tx.updateTicket('a', t.id, t.version, { firstResponseDueAt: new Date(T0), sla: { ...sla, firstResponseWarnedAt: null } });
        await tx.claimSlaAlerts('a', { target: 'firstResponse', kind: 'breach' }, new Date(T0 + 1), 10);
      },
      true,
    );
    expect(snapshot(state)).toStrictEqual(before);
  });

  it('after committed and rolled-back writes, the indexes equal those built afresh from the rows', async () => {
    const state = emptyState();
    await randomWrites(state, seededRandom(11), ['a', 'b'], 150, 3);
    for (const d of state.tenants.values()) {
      const fresh = rebuilt(d);
      const mine = snapshot({ ...emptyState(), tenants: new Map([['x', d]]) })[0]!;
      const theirs = snapshot({ ...emptyState(), tenants: new Map([['x', fresh]]) })[0]!;
      // The word index may hold more (words of old texts, tickets messages moved away from): a superset.
      const { postings: p1, vocab: v1, ...rest1 } = mine;
      const { postings: p2, vocab: _v2, ...rest2 } = theirs;
      expect(rest1).toStrictEqual(rest2);
      const posted = new Map(p1);
      for (const [word, ids] of p2) {
        const have = new Set(posted.get(word) ?? []);
        for (const id of ids) expect(have.has(id), `${word} -> ${id}`).toBe(true);
      }
      expect(v1).toStrictEqual([...posted.keys()].sort());
    }
  });

  it('pages over several list chunks agree with a plain filter and sort, for every order and scope', async () => {
    const store = memoryStore();
    const rand = seededRandom(3);
    const tenantId = 'big';
    const rows: TicketRow[] = [];
    const bodies = new Map<string, { body: string; internal: boolean }[]>();
    // 3,000 tickets: several chunks per list order, many with equal times (ties by id).
    await store.transaction(async (tx) => {
      for (let i = 0; i < 3000; i++) {
        const created = new Date(T0 + Math.floor(rand() * 400) * 3_600_000);
        const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
        const row = ticketRow(tenantId, {
          subject: `${WORDS[i % WORDS.length]} ${i}`,
          status,
          createdAt: created,
          updatedAt: new Date(created.getTime() + Math.floor(rand() * 50) * 3_600_000),
          statusChangedAt: created,
          subscriberId: `sub-${Math.floor(rand() * 400)}`,
          resellerId: rand() < 0.5 ? null : `res-${Math.floor(rand() * 3)}`,
          addressedTo: rand() < 0.5 ? 'operator' : 'reseller',
          assigneeId: rand() < 0.2 ? null : `staff-${Math.floor(rand() * 30)}`,
          attention: status === 'closed' || status === 'resolved' ? 0 : Math.floor(rand() * 4),
          archived: status === 'closed' && rand() < 0.5,
          deletedAt: rand() < 0.02 ? created : null,
          waitingSince: rand() < 0.3 ? new Date(created.getTime() + 7_200_000) : null,
        });
        rows.push(row);
        const { tenantId: _t, ...ticket } = row;
        await tx.insertTicket(tenantId, ticket);
        const thread: { body: string; internal: boolean }[] = [];
        for (let k = 0; k < 2; k++) {
          const body = `${WORDS[Math.floor(rand() * WORDS.length)]} ${k === 1 && i % 97 === 0 ? 'zanzibar' : 'note'}`;
          const internal = k === 1 && rand() < 0.3;
          thread.push({ body, internal });
          await tx.insertMessage(tenantId, message(row.id, { body, internal, opening: k === 0, createdAt: created }));
        }
        bodies.set(row.id, thread);
      }
      for (let i = 0; i < 40; i++) await tx.setFavorite(tenantId, 'staff-1', rows[i * 7]!.id, true, new Date(T0));
    });
    const favorites = new Set(Array.from({ length: 40 }, (_, i) => rows[i * 7]!.id));

    const at = (t: TicketRow, sort: StoreListQuery['sort']) =>
      sort === 'waiting' ? (t.waitingSince?.getTime() ?? NOT_WAITING) : (sort === 'queue' || sort === 'updated' ? t.updatedAt : t.createdAt).getTime();
    const compare = (sort: StoreListQuery['sort'], a: TicketRow & { rank: number }, b: TicketRow & { rank: number }) => {
      if (sort === 'queue' && a.attention !== b.attention) return b.attention - a.attention;
      if (sort === 'relevance' && a.rank !== b.rank) return b.rank - a.rank;
      const dir = sort === 'oldest' || sort === 'waiting' ? 1 : -1;
      const d = at(a, sort) - at(b, sort);
      return d !== 0 ? dir * d : dir * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    };
    /** The whole list, by a plain filter and sort over the rows written. */
    const expected = (scope: StoreScope, q: StoreListQuery) =>
      rows
        .filter((t) => {
          if (t.deletedAt && !scope.includeDeleted) return false;
          if (scope.subscriberId !== undefined && t.subscriberId !== scope.subscriberId) return false;
          if (scope.resellerId !== undefined && t.resellerId !== scope.resellerId) return false;
          if (scope.addressedTo !== undefined && t.addressedTo !== scope.addressedTo) return false;
          if (q.status && !q.status.includes(t.status)) return false;
          if (q.assigneeId !== undefined && t.assigneeId !== q.assigneeId) return false;
          if (q.archived !== undefined && t.archived !== q.archived) return false;
          if (q.favorites && !favorites.has(t.id)) return false;
          if (q.createdFrom && t.createdAt < q.createdFrom) return false;
          if (q.createdTo && t.createdAt >= q.createdTo) return false;
          return true;
        })
        .map((t) => {
          if (!q.search) return { ...t, rank: 0 };
          const visible = (bodies.get(t.id) ?? []).filter((m) => scope.visibility === 'staff' || !m.internal);
          return { ...t, rank: searchRankOf(q.search, t.number, searchText(`${t.number} ${t.subject}`), () => visible.map((m) => searchText(m.body))) ?? -1 };
        })
        .filter((t) => t.rank >= 0)
        .sort((a, b) => compare(q.sort, a, b))
        .map((t) => t.id);
    const afterOf = (sort: StoreListQuery['sort'], t: StoreTicketSummary): ListAfter => ({
      id: t.id,
      at: sort === 'waiting' ? t.waitingSince : sort === 'queue' || sort === 'updated' ? t.updatedAt : t.createdAt,
      ...(sort === 'queue' ? { attention: t.attention } : {}),
      ...(t.searchRank !== undefined ? { rank: t.searchRank } : {}),
    });
    /** The whole list, paged through the store `limit` rows at a time. */
    const paged = async (scope: StoreScope, q: StoreListQuery) => {
      const out: string[] = [];
      let after: ListAfter | undefined;
      for (;;) {
        const page = await store.listTickets(scope, { ...q, ...(after ? { after } : {}) });
        out.push(...page.map((t) => t.id));
        if (page.length < q.limit) return out;
        after = afterOf(q.sort, page[page.length - 1]!);
      }
    };

    const staff: StoreScope = { tenantId, visibility: 'staff' };
    const scopes: StoreScope[] = [
      staff,
      { tenantId, visibility: 'staff', includeDeleted: true },
      { tenantId, resellerId: 'res-1', addressedTo: 'reseller', visibility: 'staff' },
      { tenantId, subscriberId: rows[5]!.subscriberId, visibility: 'customer' },
    ];
    const sorts: StoreListQuery['sort'][] = ['queue', 'updated', 'newest', 'oldest', 'waiting'];
    const queries: Omit<StoreListQuery, 'sort'>[] = [
      { limit: 201 },
      { limit: 50, archived: false },
      { limit: 37, status: [...UNRESOLVED_STATUSES] },
      { limit: 20, status: ['on_hold'] },
      { limit: 10, assigneeId: 'staff-3' },
      { limit: 10, assigneeId: null },
      { limit: 7, favorites: true, viewerId: 'staff-1' },
      { limit: 25, createdFrom: new Date(T0 + 100 * 3_600_000), createdTo: new Date(T0 + 130 * 3_600_000) },
    ];
    let compared = 0;
    for (const scope of scopes) {
      for (const sort of sorts) {
        if (scope.visibility === 'customer' && sort !== 'newest' && sort !== 'oldest') continue;
        for (const q of queries) {
          const want = expected(scope, { ...q, sort });
          expect(await paged(scope, { ...q, sort }), JSON.stringify({ scope, sort, q })).toStrictEqual(want);
          compared += want.length;
        }
      }
      for (const q of ['zanzibar', 'router', 'pay', 'static ip', rows[9]!.number.toUpperCase(), '网络']) {
        const search = parseSearch(q);
        const want = expected(scope, { limit: 30, sort: 'relevance', search });
        expect(await paged(scope, { limit: 30, sort: 'relevance', search }), JSON.stringify({ scope, q })).toStrictEqual(want);
        compared += want.length;
      }
    }
    expect(compared).toBeGreaterThan(20_000);

    // Stats from the buckets equal a count of the rows, for windows with partial days.
    const statsQuery = { unresolved: UNRESOLVED_STATUSES, firstResponseOf: ['customer' as const] };
    for (const scope of scopes) {
      for (const [from, to] of [[undefined, undefined], [T0 + 3_600_000 * 30.5, T0 + 3_600_000 * 250.25], [T0 + 1000, T0 + 2000]] as const) {
        const window = { ...statsQuery, ...(from ? { createdFrom: new Date(from) } : {}), ...(to ? { createdTo: new Date(to) } : {}) };
        const counted = rows.filter(
          (t) =>
            !t.deletedAt &&
            (scope.subscriberId === undefined || t.subscriberId === scope.subscriberId) &&
            (scope.resellerId === undefined || t.resellerId === scope.resellerId) &&
            (scope.addressedTo === undefined || t.addressedTo === scope.addressedTo) &&
            (from === undefined || t.createdAt.getTime() >= from) &&
            (to === undefined || t.createdAt.getTime() < to),
        );
        const stats = await store.getStats(scope, window);
        const counts: Record<string, number> = {};
        for (const t of counted) counts[t.status] = (counts[t.status] ?? 0) + 1;
        expect(stats.counts).toStrictEqual(Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))));
      }
    }
  });
});
