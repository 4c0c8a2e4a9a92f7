/**
 * Contract: `getStats` over any created-at window — partial days, whole days, many days,
 * month and year edges, windows spanning years, open ends, empty, the whole range — and
 * any scope (the tenant, a reseller, a reseller's staff, a requester, a customer) equals
 * a count the test does itself, ticket by ticket, from the rows it wrote, business-time
 * (SLA-clock) averages included. Whatever a store keeps to answer quickly (per-day or
 * per-month buckets, an index), the answer is the plain count's, also after updates
 * move tickets around (status, addressed level, SLA clock) and inside the transaction
 * that made them.
 */
import assert from 'node:assert/strict';
import type { StoreScope, StoreStats, StoreStatsQuery, TicketPatch, TicketRow } from '../store.js';
import type { AuthorType, Status } from '../types.js';
import type { ContractOptions } from './harness.js';
import { emptySla, numberedTicket } from './rows.js';
import { withStore } from './store-harness.js';
import { seededRandom } from './seeded-random.js';

const DAY = 86_400_000;
const STATUSES: Status[] = ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'];
const UNRESOLVED: Status[] = ['open', 'in_progress', 'pending', 'on_hold'];
const CATEGORIES = ['billing', 'wifi', 'other'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
/** Subscribers and their resellers. */
const SUBSCRIBERS: [string, string | null][] = [
  ['sub-1', null],
  ['sub-2', null],
  ['sub-3', 'r1'],
  ['sub-4', 'r1'],
  ['sub-5', 'r2'],
];
/** A UTC midnight: the tickets start on it and spread over the 40 days after. */
const START = Date.parse('2026-01-05T00:00:00.000Z');


type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const maybe = <T>(rand: Rand, p: number, value: () => T): T | null => (rand() < p ? value() : null);

/**
 * SLA-clock minutes as the clock keeps them: whole milliseconds of open time over 60,000
 * (now and then a round number of minutes, or none at all).
 */
function elapsedMinutes(rand: Rand): number {
  const r = rand();
  return r < 0.1 ? 0 : r < 0.3 ? Math.floor(rand() * 600) : Math.floor(rand() * 3 * DAY) / 60_000;
}

/** SLA state with a clock that ran (80 %) or never did, and random elapsed minutes. */
function randomSla(rand: Rand): TicketRow['sla'] {
  return {
    ...emptySla(),
    firstResponseMet: pick(rand, [true, false, null]),
    resolutionMet: pick(rand, [true, false, null]),
    firstResponseElapsed: elapsedMinutes(rand),
    resolutionElapsed: elapsedMinutes(rand),
    clockAt: rand() < 0.8 ? new Date(START + Math.floor(rand() * 60 * DAY)) : null,
  };
}

/**
 * `n` tickets of `t` over `days` days from `start` (a UTC midnight): any time of day,
 * some exactly at midnight or a millisecond off it.
 */
function tickets(t: string, n: number, rand: Rand, start = START, days = 40): TicketRow[] {
  return Array.from({ length: n }, (_, i) => {
    const day = start + Math.floor(rand() * days) * DAY;
    const edge = rand();
    const createdAt = edge < 0.1 ? day : edge < 0.15 ? day - 1 : edge < 0.2 ? day + 1 : day + Math.floor(rand() * DAY);
    const [subscriberId, resellerId] = pick(rand, SUBSCRIBERS);
    const createdByType: AuthorType = rand() < 0.2 ? 'staff' : 'customer';
    const status = pick(rand, STATUSES);
    return numberedTicket(t, i + 1, {
      createdAt: new Date(createdAt),
      updatedAt: new Date(createdAt),
      statusChangedAt: new Date(createdAt),
      subscriberId,
      createdById: subscriberId,
      resellerId,
      createdByType,
      status,
      category: pick(rand, CATEGORIES),
      priority: pick(rand, PRIORITIES),
      addressedTo: resellerId !== null && rand() < 0.7 ? 'reseller' : 'operator',
      requesterResellerId: resellerId !== null && rand() < 0.2 ? resellerId : null,
      deletedAt: maybe(rand, 0.08, () => new Date(createdAt + DAY)),
      firstResponseAt: maybe(rand, 0.7, () => new Date(createdAt + Math.floor(rand() * 3 * DAY))),
      resolvedAt:
        status === 'resolved' || status === 'closed' ? new Date(createdAt + Math.floor(rand() * 9 * DAY) + 1) : null,
      sla: randomSla(rand),
    });
  });
}

/** Whether `row` is in `scope`, by the rules of `StoreScope` (deleted tickets never count in stats). */
function inScope(row: TicketRow, scope: StoreScope): boolean {
  if (row.tenantId !== scope.tenantId || row.deletedAt !== null) return false;
  if (scope.subscriberId !== undefined && row.subscriberId !== scope.subscriberId) return false;
  if (scope.resellerId !== undefined && row.resellerId !== scope.resellerId) return false;
  if (scope.requesterResellerId !== undefined && row.requesterResellerId !== scope.requesterResellerId) return false;
  if (scope.addressedTo !== undefined && row.addressedTo !== scope.addressedTo) return false;
  return true;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The stats of `rows` counted one ticket at a time, written here from `StoreStats`'
 * definition (not with the library's accumulator).
 */
function plainCount(rows: readonly TicketRow[], scope: StoreScope, q: StoreStatsQuery): StoreStats {
  const mine = rows.filter(
    (r) =>
      inScope(r, scope) &&
      (q.createdFrom === undefined || r.createdAt.getTime() >= q.createdFrom.getTime()) &&
      (q.createdTo === undefined || r.createdAt.getTime() < q.createdTo.getTime()),
  );
  const counts: Partial<Record<Status, number>> = {};
  for (const r of mine) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const mean = (values: number[], unit = 1000) =>
    values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length / unit;
  const responded = mine.filter((r) => r.firstResponseAt !== null && q.firstResponseOf.includes(r.createdByType));
  const resolved = mine.filter((r) => r.resolvedAt !== null);
  const clocked = (of: TicketRow[]) => of.filter((r) => r.sla.clockAt !== null);
  const backlog = new Map<string, { category: string; priority: string; count: number }>();
  for (const r of mine.filter((x) => q.unresolved.includes(x.status))) {
    const key = `${r.category}\u0000${r.priority}`;
    const entry = backlog.get(key) ?? { category: r.category, priority: r.priority, count: 0 };
    entry.count++;
    backlog.set(key, entry);
  }
  const priorities = [...new Set(mine.filter((r) => r.sla.firstResponseMet !== null || r.sla.resolutionMet !== null).map((r) => r.priority))];
  const categories = [...new Set(resolved.map((r) => r.category))];
  return {
    counts,
    avgFirstResponseSeconds: mean(responded.map((r) => r.firstResponseAt!.getTime() - r.createdAt.getTime())),
    avgResolutionSeconds: mean(resolved.map((r) => r.resolvedAt!.getTime() - r.createdAt.getTime())),
    avgFirstResponseSlaMinutes: mean(clocked(responded).map((r) => r.sla.firstResponseElapsed), 1),
    avgResolutionSlaMinutes: mean(clocked(resolved).map((r) => r.sla.resolutionElapsed), 1),
    backlog: [...backlog.values()].sort((a, b) => byCodePoint(a.category, b.category) || byCodePoint(a.priority, b.priority)),
    sla: priorities.sort(byCodePoint).map((priority) => {
      const of = mine.filter((r) => r.priority === priority);
      const count = (field: 'firstResponseMet' | 'resolutionMet') => ({
        met: of.filter((r) => r.sla[field] === true).length,
        total: of.filter((r) => r.sla[field] !== null).length,
      });
      return { priority, firstResponse: count('firstResponseMet'), resolution: count('resolutionMet') };
    }),
    resolutionByCategory: categories.sort(byCodePoint).map((category) => {
      const of = resolved.filter((r) => r.category === category);
      return {
        category,
        resolved: of.length,
        avgResolutionSeconds: mean(of.map((r) => r.resolvedAt!.getTime() - r.createdAt.getTime()))!,
      };
    }),
  };
}

function assertClose(actual: number | null, expected: number | null, what: string): void {
  if (actual === null || expected === null) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);
}

/** The store's answer equals the count: exactly, averages to a 1e-9 relative tolerance. */
function assertSameStats(actual: StoreStats, expected: StoreStats, what: string): void {
  assert.deepStrictEqual(actual.counts, expected.counts, `${what}: counts`);
  assert.deepStrictEqual(actual.backlog, expected.backlog, `${what}: backlog`);
  assert.deepStrictEqual(actual.sla, expected.sla, `${what}: sla`);
  assertClose(actual.avgFirstResponseSeconds, expected.avgFirstResponseSeconds, `${what}: avgFirstResponseSeconds`);
  assertClose(actual.avgResolutionSeconds, expected.avgResolutionSeconds, `${what}: avgResolutionSeconds`);
  assertClose(actual.avgFirstResponseSlaMinutes, expected.avgFirstResponseSlaMinutes, `${what}: avgFirstResponseSlaMinutes`);
  assertClose(actual.avgResolutionSlaMinutes, expected.avgResolutionSlaMinutes, `${what}: avgResolutionSlaMinutes`);
  assert.deepStrictEqual(
    actual.resolutionByCategory.map(({ category, resolved }) => ({ category, resolved })),
    expected.resolutionByCategory.map(({ category, resolved }) => ({ category, resolved })),
    `${what}: resolutionByCategory`,
  );
  actual.resolutionByCategory.forEach((c, i) =>
    assertClose(c.avgResolutionSeconds, expected.resolutionByCategory[i]!.avgResolutionSeconds, `${what}: ${c.category} avgResolutionSeconds`),
  );
}

interface Window {
  createdFrom?: Date;
  createdTo?: Date;
}

const span = (from: number | undefined, to: number | undefined): Window => ({
  ...(from === undefined ? {} : { createdFrom: new Date(from) }),
  ...(to === undefined ? {} : { createdTo: new Date(to) }),
});

/** Fixed windows (open ends, whole range, whole days, empty) and random ones of every length. */
function windows(rows: readonly TicketRow[], rand: Rand): Window[] {
  const times = rows.map((r) => r.createdAt.getTime());
  const first = Math.min(...times);
  const last = Math.max(...times);
  const fixed = [
    span(undefined, undefined),
    span(first, last + 1),
    span(START - DAY, START + 41 * DAY),
    span(first, undefined),
    span(undefined, last),
    span(START + 3 * DAY, START + 4 * DAY),
    span(START + 3 * DAY - 1, START + 4 * DAY + 1),
    span(START + 3 * DAY + 1, START + 4 * DAY - 1),
    span(START + 10 * DAY, START + 40 * DAY),
    span(START + 10 * DAY + 3_600_000, START + 40 * DAY - 3_600_000),
    span(START + 5 * DAY + 7_200_000, START + 5 * DAY + 9_000_000),
    span(START + 7 * DAY, START + 7 * DAY),
    span(START + 9 * DAY, START + 8 * DAY),
    span(START - 30 * DAY, START - 2 * DAY),
    span(START + 50 * DAY, undefined),
    span(times[0]!, times[1]!),
  ];
  const random = Array.from({ length: 16 }, () => {
    const a = START - DAY + Math.floor(rand() * 42 * DAY);
    // Lengths from minutes to a month, and a few open ends.
    const length = Math.floor(rand() ** 3 * 35 * DAY);
    const open = rand();
    return open < 0.1 ? span(undefined, a) : open < 0.2 ? span(a, undefined) : span(a, a + length);
  });
  return [...fixed, ...random];
}

const describeWindow = (w: Window) => `${w.createdFrom?.toISOString() ?? '…'} – ${w.createdTo?.toISOString() ?? '…'}`;

export function statsWindowTests(o: ContractOptions): void {
  const { describe, it } = o;
  const query = (over: Partial<StoreStatsQuery> = {}): StoreStatsQuery => ({
    unresolved: UNRESOLVED,
    firstResponseOf: ['customer'],
    ...over,
  });

  describe('store: stats over any window', () => {
    it(
      'equals a plain count of the tickets for random windows and every scope, and after updates move tickets',
      withStore(o, async ({ store, tenantId: t, staff, customer, insert }) => {
        const rand = seededRandom(13);
        const rows = tickets(t, 160, rand);
        await insert(...rows);
        const scopes: [string, StoreScope][] = [
          ['operator', staff()],
          ['operator, deleted included', staff({ includeDeleted: true })],
          ['reseller r1', staff({ resellerId: 'r1' })],
          ['reseller r2 staff', staff({ resellerId: 'r2', addressedTo: 'reseller' })],
          ['requester r1', staff({ requesterResellerId: 'r1' })],
          ['customer sub-3', { ...customer('sub-3'), requesterResellerId: null }],
          ['customer sub-1', customer('sub-1')],
        ];
        const ws = windows(rows, rand);
        const check = async (stage: string) => {
          for (const [name, scope] of scopes) {
            for (const w of ws) {
              const q = query(w);
              assertSameStats(await store.getStats(scope, q), plainCount(rows, scope, q), `${stage}, ${name}, ${describeWindow(w)}`);
            }
          }
          // Other backlog definitions and first-response populations (staff-opened
          // tickets only, none at all), on a few windows.
          const others = [
            query({ unresolved: ['open', 'closed'], firstResponseOf: ['customer', 'staff'] }),
            query({ unresolved: [], firstResponseOf: ['staff'] }),
            query({ firstResponseOf: [] }),
          ];
          for (const other of others) {
            for (const w of ws.slice(0, 8)) {
              const q = { ...other, ...w };
              const what = `${stage}, other query ${JSON.stringify(other.firstResponseOf)}, ${describeWindow(w)}`;
              assertSameStats(await store.getStats(staff(), q), plainCount(rows, staff(), q), what);
            }
          }
        };
        await check('as inserted');

        // Move a third of the tickets: status, category, priority, deletion and restore,
        // resolution, SLA outcome and clock, the addressed level; some in one
        // transaction with several tickets.
        const moved = rows.filter(() => rand() < 0.33);
        for (let i = 0; i < moved.length; i += 4) {
          await store.transaction(async (tx) => {
            for (const r of moved.slice(i, i + 4)) {
              const status = pick(rand, STATUSES);
              const patch: TicketPatch = {
                status,
                category: pick(rand, CATEGORIES),
                priority: pick(rand, PRIORITIES),
                deletedAt: rand() < 0.1 ? new Date(r.createdAt.getTime() + 2 * DAY) : null,
                resolvedAt: status === 'resolved' || status === 'closed' ? new Date(r.createdAt.getTime() + 3_600_000) : null,
                sla: { ...randomSla(rand), firstResponseMet: r.sla.firstResponseMet },
                ...(rand() < 0.3 ? { addressedTo: r.addressedTo === 'reseller' ? 'operator' : 'reseller' } : {}),
              };
              assert.equal(await tx.updateTicket(t, r.id, r.version, patch), true);
              Object.assign(r, patch, { version: r.version + 1 });
            }
          });
        }
        await check('after updates');
      }),
    );

    it(
      'equals a plain count for windows spanning months and years, cut at month and year edges, in every scope',
      withStore(o, async ({ store, tenantId: t, staff, customer, insert }) => {
        const rand = seededRandom(31);
        // About 1,000 days from November 2023: a leap February, three New Years.
        const start = Date.parse('2023-11-01T00:00:00.000Z');
        const rows = tickets(t, 200, rand, start, 1000);
        await insert(...rows);
        const at = (iso: string) => Date.parse(iso);
        const fixed: Window[] = [
          span(at('2024-01-01T00:00:00.000Z'), at('2025-01-01T00:00:00.000Z')),
          span(at('2024-01-01T00:00:00.001Z'), at('2024-12-31T23:59:59.999Z')),
          span(at('2023-12-31T23:59:59.999Z'), at('2025-01-01T00:00:00.001Z')),
          span(at('2023-12-15T13:00:00.000Z'), at('2026-02-03T05:00:00.000Z')),
          span(at('2024-02-01T00:00:00.000Z'), at('2024-03-01T00:00:00.000Z')),
          span(at('2024-02-01T00:00:00.001Z'), at('2024-03-01T00:00:00.001Z')),
          span(at('2024-01-31T23:59:59.999Z'), at('2024-02-29T23:59:59.999Z')),
          span(at('2024-02-29T12:00:00.000Z'), at('2024-03-01T00:00:00.001Z')),
          span(at('2024-01-31T23:59:59.999Z'), at('2025-12-01T00:00:00.000Z')),
          span(at('2024-03-01T00:00:00.000Z'), at('2024-04-30T00:00:00.000Z')),
          span(at('2024-03-02T00:00:00.000Z'), at('2024-05-01T00:00:00.000Z')),
          span(at('2024-12-31T00:00:00.000Z'), at('2025-01-01T00:00:00.000Z')),
          span(at('2024-11-30T22:00:00.000Z'), at('2025-02-01T02:00:00.000Z')),
          span(undefined, at('2025-06-01T00:00:00.000Z')),
          span(undefined, at('2025-06-17T08:30:00.000Z')),
          span(at('2024-06-01T00:00:00.000Z'), undefined),
          span(at('2024-06-11T19:00:00.000Z'), undefined),
          span(start - 400 * DAY, start + 1100 * DAY),
          // Weeks of a month (1-7, 8-14, 15-21, 22-28, 29 to the end), where a store may
          // keep buckets: whole weeks, edges inside weeks, the leap day's one-day week,
          // a month's last week across a New Year, open ends inside a week.
          span(at('2024-01-08T00:00:00.000Z'), at('2024-02-01T00:00:00.000Z')),
          span(at('2024-01-07T12:00:00.000Z'), at('2024-02-08T12:00:00.000Z')),
          span(at('2024-01-02T00:00:00.000Z'), at('2024-01-28T00:00:00.000Z')),
          span(at('2024-01-16T00:00:00.000Z'), at('2024-02-14T00:00:00.000Z')),
          span(at('2024-02-29T00:00:00.000Z'), at('2024-03-08T00:00:00.000Z')),
          span(at('2024-02-22T00:00:00.000Z'), at('2024-03-01T00:00:00.000Z')),
          span(at('2024-12-29T00:00:00.000Z'), at('2025-01-15T00:00:00.000Z')),
          span(at('2023-12-30T23:00:00.000Z'), at('2024-01-02T01:00:00.000Z')),
          span(at('2024-10-09T00:00:00.000Z'), at('2025-03-23T00:00:00.000Z')),
          span(at('2025-01-22T05:00:00.000Z'), undefined),
          span(undefined, at('2024-07-17T18:00:00.000Z')),
        ];
        // Random windows from an hour to three years, starting anywhere in the range.
        const random = Array.from({ length: 14 }, () => {
          const a = start - 20 * DAY + Math.floor(rand() * 1040 * DAY);
          return span(a, a + 3_600_000 + Math.floor(rand() ** 2 * 1100 * DAY));
        });
        const scopes: [string, StoreScope][] = [
          ['operator', staff()],
          ['reseller r1', staff({ resellerId: 'r1' })],
          ['reseller r1 staff', staff({ resellerId: 'r1', addressedTo: 'reseller' })],
          ['addressed to the operator', staff({ addressedTo: 'operator' })],
          ['requester r1', staff({ requesterResellerId: 'r1' })],
          ['customer sub-3', { ...customer('sub-3'), requesterResellerId: null }],
        ];
        for (const [name, scope] of scopes) {
          for (const w of [...fixed, ...random]) {
            const q = query(w);
            assertSameStats(await store.getStats(scope, q), plainCount(rows, scope, q), `${name}, ${describeWindow(w)}`);
          }
        }
      }),
    );

    it(
      'counts a window inside the transaction that writes its tickets, and nothing of a rolled-back one',
      withStore(o, async ({ store, tenantId: t, staff }) => {
        const rand = seededRandom(29);
        const rows = tickets(t, 30, rand);
        const w = query(span(START + 2 * DAY + 5000, START + 30 * DAY - 5000));
        await store.transaction(async (tx) => {
          for (const r of rows) await tx.insertTicket(t, r);
          assertSameStats(await tx.getStats(staff(), w), plainCount(rows, staff(), w), 'tx.getStats inside');
          assertSameStats(await store.getStats(staff(), w), plainCount(rows, staff(), w), 'store.getStats inside');
        });
        const extra = tickets(t, 10, rand).map((r, i) => ({ ...r, id: `${r.id}-x`, number: `X-${i}` }));
        await assert.rejects(
          store.transaction(async (tx) => {
            for (const r of extra) await tx.insertTicket(t, r);
            assertSameStats(await tx.getStats(staff(), w), plainCount([...rows, ...extra], staff(), w), 'before the rollback');
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assertSameStats(await store.getStats(staff(), w), plainCount(rows, staff(), w), 'after the rollback');
        assertSameStats(await store.getStats(staff(), query()), plainCount(rows, staff(), query()), 'whole tenant after the rollback');
      }),
    );

    it(
      'never counts another tenant’s tickets in a window',
      withStore(o, async ({ store, tenantId: t, staff }) => {
        const rand = seededRandom(41);
        const mine = tickets(t, 20, rand);
        const other = `${t}-other`;
        const theirs = tickets(other, 20, rand);
        await store.transaction(async (tx) => {
          for (const r of [...mine, ...theirs]) await tx.insertTicket(r.tenantId, r);
        });
        for (const w of [span(START, START + 41 * DAY), span(START + DAY + 1, START + 20 * DAY - 1)]) {
          const q = query(w);
          assertSameStats(await store.getStats(staff(), q), plainCount(mine, staff(), q), `mine ${describeWindow(w)}`);
          assertSameStats(await store.getStats(staff({}, other), q), plainCount(theirs, staff({}, other), q), `theirs ${describeWindow(w)}`);
        }
      }),
    );
  });
}
