/**
 * The maintained stats buckets (`ticket_stats`, `ticket_stats_daily`,
 * `ticket_stats_monthly`; migration 008) against the tickets they sum: whole-tenant,
 * reseller and reseller-staff `getStats` read the buckets, a window reads the monthly
 * buckets of its whole months, the daily buckets of the whole days around them and a
 * scan of its edges, and all must equal a count of the tickets the test wrote (folded
 * here) and `verifyStats()`'s fresh count in SQL, after any sequence of inserts and
 * updates (addressed level and SLA clock included), a rollback, concurrent writers, an
 * upgrade of a store that already holds tickets, and tickets changed around the store
 * (`rebuildStats()` repairs them).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatsAccumulator, statsFactsOf, ticketSums } from '../../src/stats/stats-accumulator.js';
import type { StoreScope, StoreStats, StoreStatsQuery, TicketPatch, TicketRow } from '../../src/store.js';
import type { AddressLevel, AuthorType, Status } from '../../src/types.js';
import { emptySla, tenant, ticketRow } from './rows.js';
import type { FixtureStore, StoreFixture } from './stores.js';

const STATUSES: Status[] = ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'];
const CATEGORIES = ['billing', 'wifi', 'other'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const RESELLERS = [null, 'r1', 'r2', 'r3'];
const LEVELS: AddressLevel[] = ['reseller', 'operator'];
const CREATORS: AuthorType[] = ['customer', 'staff'];
const BASE = Date.parse('2026-03-02T10:00:00.000Z');
const DAY = 86_400_000;
/** Before every ticket of these tests. */
const EPOCH = new Date(BASE - 365 * DAY);

const staff = (tenantId: string, resellerId?: string, addressedTo?: AddressLevel): StoreScope => ({
  tenantId,
  visibility: 'staff',
  ...(resellerId === undefined ? {} : { resellerId }),
  ...(addressedTo === undefined ? {} : { addressedTo }),
});
const query = (over: Partial<StoreStatsQuery> = {}): StoreStatsQuery => ({
  unresolved: ['open', 'in_progress', 'pending', 'on_hold'],
  firstResponseOf: ['customer'],
  ...over,
});

function expectClose(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || actual === null) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

/** Equal stats: counts, backlog and SLA exactly, averages to a 1e-9 relative tolerance. */
function expectSameStats(actual: StoreStats, expected: StoreStats, what: string): void {
  expect(actual.counts, what).toStrictEqual(expected.counts);
  expect(actual.backlog, what).toStrictEqual(expected.backlog);
  expect(actual.sla, what).toStrictEqual(expected.sla);
  expectClose(actual.avgFirstResponseSeconds, expected.avgFirstResponseSeconds, `${what} avgFirstResponseSeconds`);
  expectClose(actual.avgResolutionSeconds, expected.avgResolutionSeconds, `${what} avgResolutionSeconds`);
  expectClose(actual.avgFirstResponseSlaMinutes, expected.avgFirstResponseSlaMinutes, `${what} avgFirstResponseSlaMinutes`);
  expectClose(actual.avgResolutionSlaMinutes, expected.avgResolutionSlaMinutes, `${what} avgResolutionSlaMinutes`);
}

/** The stats of `rows` (the test's own record of what it wrote) in `scope` and `[from, to)`, folded here. */
function countedStats(
  rows: readonly TicketRow[],
  tenantId: string,
  resellerId: string | undefined,
  q: StoreStatsQuery,
  addressedTo?: AddressLevel,
): StoreStats {
  const stats = new StatsAccumulator(q);
  for (const r of rows) {
    if (r.tenantId !== tenantId || r.deletedAt !== null) continue;
    if (resellerId !== undefined && r.resellerId !== resellerId) continue;
    if (addressedTo !== undefined && r.addressedTo !== addressedTo) continue;
    if (q.createdFrom !== undefined && r.createdAt < q.createdFrom) continue;
    if (q.createdTo !== undefined && r.createdAt >= q.createdTo) continue;
    stats.add({
      status: r.status,
      category: r.category,
      priority: r.priority,
      createdByType: r.createdByType,
      ...ticketSums(statsFactsOf(r)),
    });
  }
  return stats.result();
}

/** Windows over `rows`' days: whole days, partial days at either edge, open ends, shorter than a day, empty. */
function windowsOver(rows: readonly TicketRow[], seed: number): { createdFrom?: Date; createdTo?: Date }[] {
  const times = rows.map((r) => r.createdAt.getTime());
  const first = Math.min(BASE, ...times);
  const last = Math.max(BASE, ...times);
  const rand = fc.sample(fc.integer({ min: 0, max: 2 ** 30 }), { numRuns: 16, seed });
  const inside = (i: number) => first - DAY + (rand[i]! % (last - first + 2 * DAY));
  const midnight = (ms: number) => Math.floor(ms / DAY) * DAY;
  const windows: { createdFrom?: Date; createdTo?: Date }[] = [
    { createdFrom: EPOCH },
    { createdTo: new Date(last + 1) },
    { createdFrom: new Date(midnight(first)), createdTo: new Date(midnight(last) + DAY) },
    { createdFrom: new Date(inside(0)), createdTo: new Date(inside(0) + 3_600_000) },
    { createdFrom: new Date(inside(1)), createdTo: new Date(inside(1)) },
  ];
  // Whole UTC calendar months (the monthly buckets alone), and a millisecond either side.
  const month = new Date(first);
  const monthStart = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1);
  const twoLater = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 3, 1);
  windows.push({ createdFrom: new Date(monthStart), createdTo: new Date(twoLater) });
  windows.push({ createdFrom: new Date(monthStart - 1), createdTo: new Date(twoLater + 1) });
  windows.push({ createdFrom: new Date(monthStart + 1), createdTo: new Date(twoLater - 1) });
  windows.push({ createdFrom: new Date(monthStart - 5 * DAY - 7), createdTo: new Date(twoLater + 9 * DAY + 11) });
  for (let i = 2; i + 1 < rand.length; i += 2) {
    const [a, b] = [inside(i), inside(i + 1)].sort((x, y) => x - y);
    windows.push({ createdFrom: new Date(a!), createdTo: new Date(b!) });
  }
  // Windows that end inside a day, around the newest ticket: after it (read with no end,
  // the newest ticket's time on the rows), a millisecond after it, and exactly on it (it
  // is outside: read again with the end).
  const from = last - 40 * DAY + 5 * 3_600_000 + 17;
  windows.push({ createdFrom: new Date(from), createdTo: new Date(midnight(last) + DAY - 3_600_000 + 1) });
  windows.push({ createdFrom: new Date(from), createdTo: new Date(last + 1) });
  windows.push({ createdFrom: new Date(from), createdTo: new Date(last) });
  const someTicket = times[rand[15]! % Math.max(1, times.length)];
  if (someTicket !== undefined) {
    // A window starting or ending exactly on a ticket (inclusive start, exclusive end).
    windows.push({ createdFrom: new Date(someTicket), createdTo: new Date(someTicket + 2 * DAY) });
    windows.push({ createdFrom: new Date(someTicket - 3 * DAY), createdTo: new Date(someTicket) });
  }
  return windows;
}

/**
 * The store's stats (whole tenant and windows) against the test's count, for the
 * operator, every reseller, reseller staff (addressed to the reseller) and the
 * operator's level, with two `firstResponseOf`s; and `verifyStats()` clean.
 */
async function expectStatsMatchCount(fx: FixtureStore, tenants: string[], rows: readonly TicketRow[], seed = 1): Promise<void> {
  const windows = [{}, ...windowsOver(rows, seed)];
  const other = query({ firstResponseOf: ['customer', 'staff'], unresolved: ['open', 'closed'] });
  const scopes: [string | undefined, AddressLevel | undefined][] = [
    [undefined, undefined],
    ['r1', undefined],
    ['r2', undefined],
    ['r1', 'reseller'],
    [undefined, 'operator'],
  ];
  for (const t of tenants) {
    for (const [r, level] of scopes) {
      // Every window with the core's query; a few with another `firstResponseOf` and backlog.
      const cases = [...windows.map((w) => ({ ...query(), ...w })), ...windows.slice(0, 4).map((w) => ({ ...other, ...w }))];
      for (const q of cases) {
        const what = `tenant ${t} reseller ${r ?? '-'} level ${level ?? '-'} window ${q.createdFrom?.toISOString() ?? '-'}..${q.createdTo?.toISOString() ?? '-'}`;
        expectSameStats(await fx.store.getStats(staff(t, r, level), q), countedStats(rows, t, r, q, level), what);
      }
    }
  }
  for (const t of tenants) expect(await fx.store.verifyStats({ tenantId: t })).toStrictEqual({ ok: true, differences: [], truncated: false });
}

/** `fx.table` for the daily and monthly buckets (the fixture's name list predates them). */
const dailyTable = (fx: FixtureStore) => fx.table('ticket_stats').replace(/ticket_stats([`"]?)$/, 'ticket_stats_daily$1');
const monthlyTable = (fx: FixtureStore) => fx.table('ticket_stats').replace(/ticket_stats([`"]?)$/, 'ticket_stats_monthly$1');
const weeklyTable = (fx: FixtureStore) => fx.table('ticket_stats').replace(/ticket_stats([`"]?)$/, 'ticket_stats_weekly$1');

const optionalInstant = fc.option(fc.integer({ min: 0, max: 30 * 86_400_000 }), { nil: null });
const met = fc.constantFrom<boolean | null>(true, false, null);

/** The stats-relevant fields of a ticket (plus ones that are not). */
const fields = fc.record({
  status: fc.constantFrom(...STATUSES),
  category: fc.constantFrom(...CATEGORIES),
  priority: fc.constantFrom(...PRIORITIES),
  resellerId: fc.constantFrom(...RESELLERS),
  addressedTo: fc.constantFrom(...LEVELS),
  createdByType: fc.constantFrom(...CREATORS),
  deleted: fc.boolean(),
  firstResponseAfter: optionalInstant,
  resolvedAfter: optionalInstant,
  firstResponseMet: met,
  resolutionMet: met,
  // The SLA clock: whether it ran, and the open minutes of each target (whole ms / 60,000).
  clock: fc.record({
    ran: fc.boolean(),
    firstResponseMs: fc.integer({ min: 0, max: 5 * 86_400_000 }),
    resolutionMs: fc.integer({ min: 0, max: 20 * 86_400_000 }),
  }),
  subject: fc.string({ maxLength: 5 }),
});
type Fields = typeof fields extends fc.Arbitrary<infer F> ? F : never;
// `resellerId` and `createdByType` are set at insert only: a patch can never change them.
const FIELD_NAMES: (keyof Fields)[] = [
  'addressedTo',
  'clock',
  'status',
  'category',
  'priority',
  'deleted',
  'firstResponseAfter',
  'resolvedAfter',
  'firstResponseMet',
  'resolutionMet',
  'subject',
];

const op = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), tenant: fc.integer({ min: 0, max: 1 }), fields }),
  fc.record({
    kind: fc.constant('update' as const),
    pick: fc.nat(),
    // Which of the fields the patch sets; the rest stay as they are.
    set: fc.subarray(FIELD_NAMES),
    fields,
    // Now and then an update at a version the ticket is not at: refused, no change.
    staleVersion: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  }),
);

/** The patch setting `set` of `f` on a ticket created at `createdAt`. */
function patchOf(set: readonly (keyof Fields)[], f: Fields, createdAt: number, sla: TicketRow['sla']): TicketPatch {
  const patch: TicketPatch = {};
  for (const key of set) {
    switch (key) {
      case 'deleted':
        patch.deletedAt = f.deleted ? new Date(createdAt + 5000) : null;
        break;
      case 'firstResponseAfter':
        patch.firstResponseAt = f.firstResponseAfter === null ? null : new Date(createdAt + f.firstResponseAfter);
        break;
      case 'resolvedAfter':
        patch.resolvedAt = f.resolvedAfter === null ? null : new Date(createdAt + f.resolvedAfter);
        break;
      case 'firstResponseMet':
      case 'resolutionMet':
        // The SLA state is replaced as a whole, like the core does.
        patch.sla = { ...sla, ...(patch.sla ?? {}), [key]: f[key] };
        break;
      case 'clock':
        patch.sla = { ...sla, ...(patch.sla ?? {}), ...clockOf(f, createdAt) };
        break;
      default:
        (patch as Record<string, unknown>)[key] = f[key];
    }
  }
  return patch;
}

/** The SLA clock fields of `f`'s clock, on a ticket created at `createdAt`. */
function clockOf(f: Fields, createdAt: number): Pick<TicketRow['sla'], 'clockAt' | 'firstResponseElapsed' | 'resolutionElapsed'> {
  return {
    clockAt: f.clock.ran ? new Date(createdAt + 60_000) : null,
    firstResponseElapsed: f.clock.firstResponseMs / 60_000,
    resolutionElapsed: f.clock.resolutionMs / 60_000,
  };
}

/** Registers the stats-bucket tests for the stores `makeFixture` makes. */
export function statsAggregateTests(name: string, makeFixture: () => StoreFixture): void {
  describe(`SQL store stats buckets: ${name}`, () => {
    let fixture: StoreFixture;
    let fx: FixtureStore;
    beforeAll(async () => {
      fixture = makeFixture();
      fx = await fixture.create();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    let serial = 0;
    const row = (t: string, f: Fields): TicketRow => {
      const n = ++serial;
      // A ticket every 2.3 days, at every time of day: a run's tickets span months, and
      // the windows' edges cut days and months.
      const createdAt = BASE + n * 200_000_000 + (n % 997);
      return ticketRow(t, n, {
        status: f.status,
        category: f.category,
        priority: f.priority,
        resellerId: f.resellerId,
        addressedTo: f.addressedTo,
        createdByType: f.createdByType,
        createdAt: new Date(createdAt),
        deletedAt: f.deleted ? new Date(createdAt + 5000) : null,
        firstResponseAt: f.firstResponseAfter === null ? null : new Date(createdAt + f.firstResponseAfter),
        resolvedAt: f.resolvedAfter === null ? null : new Date(createdAt + f.resolvedAfter),
        subject: f.subject,
        sla: { ...emptySla(), firstResponseMet: f.firstResponseMet, resolutionMet: f.resolutionMet, ...clockOf(f, createdAt) },
      });
    };

    /**
     * A store (its own table prefix) holding 80 random tickets of two tenants, 20 of them
     * resolved afterwards, so the buckets are more than the inserts' sums: what a
     * migration's upgrade fills its tables from.
     */
    const seededStore = async (tablePrefix: string, seed: number) => {
      const upgraded = await fixture.create({ tablePrefix });
      const tenants = [tenant(), tenant()];
      const rows = fc.sample(fields, { numRuns: 80, seed }).map((f, i) => row(tenants[i % 2]!, f));
      await upgraded.store.transaction(async (tx) => {
        for (const r of rows) await tx.insertTicket(r.tenantId, r);
      });
      await upgraded.store.transaction(async (tx) => {
        for (const r of rows.slice(0, 20)) {
          const patch: TicketPatch = { status: 'resolved', resolvedAt: new Date(r.createdAt.getTime() + 7_200_000) };
          expect(await tx.updateTicket(r.tenantId, r.id, r.version, patch)).toBe(true);
          Object.assign(r, patch, { version: r.version + 1 });
        }
      });
      return { upgraded, tenants, rows };
    };

    it('equals a count of the tickets, whole tenant and any window, after random inserts and updates, for the tenant and every reseller', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { maxLength: 12 }), async (txs) => {
          const tenants = [tenant(), tenant()];
          const live: TicketRow[] = [];
          for (const ops of txs) {
            await fx.store.transaction(async (tx) => {
              for (const o of ops) {
                if (o.kind === 'insert') {
                  const r = row(tenants[o.tenant]!, o.fields);
                  await tx.insertTicket(r.tenantId, r);
                  live.push(r);
                  continue;
                }
                const target = live[o.pick % Math.max(1, live.length)];
                if (target === undefined) continue;
                const patch = patchOf(o.set, o.fields, target.createdAt.getTime(), target.sla);
                const version = o.staleVersion ? target.version + 1 : target.version;
                const ok = await tx.updateTicket(target.tenantId, target.id, version, patch);
                expect(ok).toBe(!o.staleVersion);
                if (ok) Object.assign(target, patch, { version: target.version + 1 });
              }
            });
          }
          await expectStatsMatchCount(fx, tenants, live, ++run);
        }),
        { numRuns: 15 },
      );
    });

    it('matches hand-computed stats, and reads its own writes inside a transaction, windowed too', async () => {
      const t = tenant();
      const at = (s: number) => new Date(BASE + s * 1000);
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(t, ticketRow(t, 1, { createdAt: at(0), firstResponseAt: at(1.5), resellerId: 'r1', priority: 'high', sla: { ...emptySla(), firstResponseMet: true } }));
        await tx.insertTicket(t, ticketRow(t, 2, { createdAt: at(1), firstResponseAt: at(3), resolvedAt: at(11), status: 'resolved' }));
        await tx.insertTicket(t, ticketRow(t, 3, { createdAt: at(2), status: 'open', deletedAt: at(3) }));
        const inside = await tx.getStats(staff(t), query());
        expect(inside.counts).toStrictEqual({ open: 1, resolved: 1 });
        // A window of whole days around them: the daily buckets, flushed by the read.
        const days = await tx.getStats(staff(t), query({ createdFrom: new Date(BASE - BASE % DAY - DAY), createdTo: new Date(BASE - BASE % DAY + 2 * DAY) }));
        expect(days.counts).toStrictEqual({ open: 1, resolved: 1 });
      });
      const stats = await fx.store.getStats(staff(t), query());
      expect(stats.counts).toStrictEqual({ open: 1, resolved: 1 });
      expect(stats.avgFirstResponseSeconds).toBeCloseTo(1.75, 9);
      expect(stats.avgResolutionSeconds).toBeCloseTo(10, 9);
      expect(stats.backlog).toStrictEqual([{ category: 'other', priority: 'high', count: 1 }]);
      expect(stats.sla).toStrictEqual([{ priority: 'high', firstResponse: { met: 1, total: 1 }, resolution: { met: 0, total: 0 } }]);
      expect((await fx.store.getStats(staff(t, 'r1'), query())).counts).toStrictEqual({ open: 1 });
      expect((await fx.store.getStats(staff(t, 'r2'), query())).counts).toStrictEqual({});
      expect((await fx.store.getStats(staff(t), query({ createdFrom: EPOCH }))).counts).toStrictEqual({ open: 1, resolved: 1 });
      expect((await fx.store.getStats(staff(t), query({ createdFrom: at(1), createdTo: at(1.001) }))).counts).toStrictEqual({ resolved: 1 });
    });

    it('puts each ticket in the UTC day it was created on: midnight, a millisecond either side, before 1970, in the year 50', async () => {
      const t = tenant();
      const midnight = Date.parse('2026-03-05T00:00:00.000Z');
      const instants = [
        midnight - 1,
        midnight,
        midnight + 1,
        midnight + DAY - 1,
        midnight + DAY,
        Date.parse('1969-12-31T23:59:59.999Z'),
        Date.parse('1970-01-01T00:00:00.000Z'),
        Date.parse('1969-07-20T20:17:40.000Z'),
        // The years 0-99, which `Date.UTC` reads as 1900-1999, so far from the rest that the
        // rebuild and the check map days only to the months that hold tickets.
        Date.parse('0049-12-31T23:59:59.999Z'),
        Date.parse('0050-01-01T00:00:00.000Z'),
        Date.parse('0050-06-15T12:00:00.000Z'),
        // And the last day a store holds.
        Date.parse('9999-12-31T12:00:00.000Z'),
      ];
      const rows = instants.map((ms, i) =>
        ticketRow(t, 1000 + i, { createdAt: new Date(ms), firstResponseAt: new Date(ms + 1500 * (i + 1)), status: i % 2 === 0 ? 'open' : 'closed' }),
      );
      await fx.store.transaction(async (tx) => {
        for (const r of rows) await tx.insertTicket(t, r);
      });
      const cut = (from: number | undefined, to: number | undefined) => ({
        ...(from === undefined ? {} : { createdFrom: new Date(from) }),
        ...(to === undefined ? {} : { createdTo: new Date(to) }),
      });
      const windows = [
        cut(midnight, midnight + DAY),
        cut(midnight - 1, midnight + DAY),
        cut(midnight + 1, midnight + DAY + 1),
        cut(midnight - DAY, midnight + 2 * DAY),
        cut(-DAY, DAY),
        cut(-1, 0),
        cut(-DAY, 0),
        cut(undefined, 0),
        cut(0, undefined),
        cut(undefined, midnight),
        cut(midnight + DAY, undefined),
        cut(Date.parse('0050-01-01T00:00:00.000Z'), Date.parse('0050-07-01T00:00:00.000Z')),
        cut(Date.parse('0049-12-01T00:00:00.000Z'), Date.parse('0050-06-16T00:00:00.000Z')),
        cut(Date.parse('0049-12-31T12:00:00.000Z'), Date.parse('0050-06-15T18:00:00.000Z')),
      ];
      const check = async (what: string) => {
        for (const w of windows) {
          expectSameStats(await fx.store.getStats(staff(t), query(w)), countedStats(rows, t, undefined, query(w)), `${what} ${JSON.stringify(w)}`);
        }
        expect(await fx.store.verifyStats({ tenantId: t })).toStrictEqual({ ok: true, differences: [], truncated: false });
      };
      // Written by the store (the day computed in JavaScript), checked against SQL's count.
      await check('as written');
      const days = await fx.query<{ day: number | string }>(`select distinct day from ${dailyTable(fx)} where tenant_id = ${p1(fx)} order by day`, [t]);
      expect(days.map((d) => Number(d.day))).toStrictEqual([-701266, -701265, -701100, -165, -1, 0, 20516, 20517, 20518, 2932896]);
      // Rebuilt (the day computed in SQL): the same buckets.
      await fx.store.rebuildStats();
      await check('rebuilt');
    });

    it('leaves both bucket tables unchanged when a transaction that wrote tickets throws', async () => {
      const t = tenant();
      const first = row(t, { ...baseFields, status: 'open', resellerId: 'r1' });
      await fx.store.transaction((tx) => tx.insertTicket(first.tenantId, first));
      const read = async () => [
        await fx.query(`select * from ${fx.table('ticket_stats')} where tenant_id = ${p1(fx)}`, [t]),
        await fx.query(`select * from ${dailyTable(fx)} where tenant_id = ${p1(fx)}`, [t]),
      ];
      const before = await read();
      await expect(
        fx.store.transaction(async (tx) => {
          const locked = await tx.lockTicket(staff(t), first.id);
          expect(await tx.updateTicket(t, first.id, locked!.version, { status: 'closed', resolvedAt: new Date(BASE + 86_400_000), deletedAt: null })).toBe(true);
          await tx.insertTicket(t, row(t, { ...baseFields, status: 'pending' }));
          // Flushed into the buckets by the reads, then rolled back with everything else.
          expect((await tx.getStats(staff(t), query())).counts).toStrictEqual({ closed: 1, pending: 1 });
          expect((await tx.getStats(staff(t), query({ createdFrom: EPOCH }))).counts).toStrictEqual({ closed: 1, pending: 1 });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await read()).toStrictEqual(before);
      expect((await fx.store.getStats(staff(t), query())).counts).toStrictEqual({ open: 1 });
      await expectStatsMatchCount(fx, [t], [first]);
    });

    it('takes 50 concurrent writers moving tickets between the same buckets in both orders, without deadlock', async () => {
      const t = tenant();
      // Each writer owns two tickets (wifi open, billing pending) and moves both, half
      // of them wifi first, half billing first: bucket changes in opposite orders, in
      // both tables.
      const pairs = Array.from({ length: 50 }, () => [
        row(t, { ...baseFields, category: 'wifi', status: 'open', resellerId: 'r1' }),
        row(t, { ...baseFields, category: 'billing', status: 'pending', resellerId: 'r1' }),
      ]);
      await fx.store.transaction(async (tx) => {
        for (const pair of pairs) for (const r of pair) await tx.insertTicket(r.tenantId, r);
      });
      const results = await Promise.allSettled(
        pairs.map(async (pair, i) =>
          fx.store.transaction(async (tx) => {
            const order = i % 2 === 0 ? pair : [...pair].reverse();
            for (const r of order) {
              const locked = await tx.lockTicket(staff(t), r.id);
              const next: Status = r.status === 'open' ? 'pending' : 'open';
              expect(await tx.updateTicket(t, r.id, locked!.version, { status: next })).toBe(true);
              // Yield between the two tickets so the transactions interleave.
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toStrictEqual([]);
      const stats = await fx.store.getStats(staff(t), query());
      expect(stats.counts).toStrictEqual({ open: 50, pending: 50 });
      expect(stats.backlog).toStrictEqual([
        { category: 'billing', priority: 'normal', count: 50 },
        { category: 'wifi', priority: 'normal', count: 50 },
      ]);
      const moved = pairs.flat().map((r) => ({ ...r, status: (r.status === 'open' ? 'pending' : 'open') as Status }));
      await expectStatsMatchCount(fx, [t], moved);
    });

    it('finds tickets changed around the store with verifyStats(), and rebuildStats() repairs them', async () => {
      const t = tenant();
      const other = tenant();
      const rows = fc.sample(fields, { numRuns: 40, seed: 7 }).map((f, i) => row(i < 30 ? t : other, f));
      await fx.store.transaction(async (tx) => {
        for (const r of rows) await tx.insertTicket(r.tenantId, r);
      });
      expect(await fx.store.verifyStats()).toMatchObject({ ok: true, differences: [] });
      // Host SQL closes a live ticket and deletes another, around the store.
      const [closedOne, deletedOne] = rows.filter((r) => r.tenantId === t && r.deletedAt === null && r.status !== 'closed');
      await fx.query(`update ${fx.table('tickets')} set status = 'closed' where id = ${p1(fx)}`, [closedOne!.id]);
      await fx.query(`update ${fx.table('tickets')} set deleted_at = created_at where id = ${p1(fx)}`, [deletedOne!.id]);
      const found = await fx.store.verifyStats({ tenantId: t });
      expect(found.ok).toBe(false);
      expect(found.truncated).toBe(false);
      const changed = [closedOne!, deletedOne!];
      // Each ticket leaves its bucket in every table; the closed one lands in another.
      const month = (r: TicketRow) => r.createdAt.toISOString().slice(0, 7);
      // The day its week of the month begins on (1, 8, 15, 22 or 29).
      const week = (r: TicketRow) => {
        const date = r.createdAt.toISOString().slice(0, 10);
        return `${date.slice(0, 8)}${String(Math.min(4, Math.floor((r.createdAt.getUTCDate() - 1) / 7)) * 7 + 1).padStart(2, '0')}`;
      };
      // Each ticket is in its scope's bucket and in the tenant-wide one (no reseller, no level).
      const expected = [
        ...changed.map((r) => ({ table: 'ticket_stats', status: r.status, resellerId: r.resellerId, addressedTo: r.addressedTo, category: r.category })),
        { table: 'ticket_stats', status: 'closed', resellerId: closedOne!.resellerId, addressedTo: closedOne!.addressedTo, category: closedOne!.category },
        ...[...changed, { ...closedOne!, status: 'closed' }].map((r) => ({ table: 'ticket_stats', status: r.status, resellerId: null, addressedTo: null, category: r.category })),
        ...changed.map((r) => ({ table: 'ticket_stats_daily', status: r.status, day: r.createdAt.toISOString().slice(0, 10) })),
        { table: 'ticket_stats_daily', status: 'closed', day: closedOne!.createdAt.toISOString().slice(0, 10) },
        ...changed.map((r) => ({ table: 'ticket_stats_monthly', status: r.status, month: month(r) })),
        { table: 'ticket_stats_monthly', status: 'closed', month: month(closedOne!) },
        ...changed.map((r) => ({ table: 'ticket_stats_weekly', status: r.status, week: week(r) })),
        { table: 'ticket_stats_weekly', status: 'closed', week: week(closedOne!) },
      ];
      // Buckets shared with other tickets may make fewer rows than changes; every difference is one of these.
      for (const d of found.differences) {
        expect(d.tenantId).toBe(t);
        expect(expected.some((e) => Object.entries(e).every(([k, v]) => (d as unknown as Record<string, unknown>)[k] === v))).toBe(true);
        expect(Math.abs(d.stored.n - d.counted.n)).toBeGreaterThan(0);
      }
      const daily = found.differences.filter((d) => d.table === 'ticket_stats_daily');
      // One ticket too many, twice (its scope's bucket and the tenant-wide one), in every table.
      expect(daily.reduce((sum, d) => sum + d.stored.n - d.counted.n, 0)).toBe(2);
      const whole = found.differences.filter((d) => d.table === 'ticket_stats');
      expect(whole.reduce((sum, d) => sum + d.stored.n - d.counted.n, 0)).toBe(2);
      expect(whole.filter((d) => d.addressedTo === null).reduce((sum, d) => sum + d.stored.n - d.counted.n, 0)).toBe(1);
      const monthly = found.differences.filter((d) => d.table === 'ticket_stats_monthly');
      expect(monthly.reduce((sum, d) => sum + d.stored.n - d.counted.n, 0)).toBe(2);
      const weekly = found.differences.filter((d) => d.table === 'ticket_stats_weekly');
      expect(weekly.reduce((sum, d) => sum + d.stored.n - d.counted.n, 0)).toBe(2);
      // The other tenant is untouched; a limit truncates the list (per table).
      expect((await fx.store.verifyStats({ tenantId: other })).ok).toBe(true);
      const one = await fx.store.verifyStats({ tenantId: t, limit: 1 });
      expect(one.differences.length).toBe(4);
      expect(one.truncated).toBe(true);

      await fx.store.rebuildStats();
      expect(await fx.store.verifyStats()).toStrictEqual({ ok: true, differences: [], truncated: false });
      const now = rows.map((r) =>
        r.id === closedOne!.id ? { ...r, status: 'closed' as Status } : r.id === deletedOne!.id ? { ...r, deletedAt: r.createdAt } : r,
      );
      await expectStatsMatchCount(fx, [t, other], now);
      // Inside a transaction both refuse (they would wait on, or outside of, its connection).
      await fx.store.transaction(async () => {
        await expect(fx.store.rebuildStats()).rejects.toMatchObject({ code: 'config' });
        await expect(fx.store.verifyStats()).rejects.toMatchObject({ code: 'config' });
      });
    });

    it('fills the buckets from existing tickets when migration 002 runs on an upgraded store', async () => {
      const upgraded = await fixture.create({ tablePrefix: 'up_' });
      const tenants = [tenant(), tenant()];
      const random = fc.sample(fields, { numRuns: 60, seed: 42 });
      const rows = random.map((f, i) => row(tenants[i % 2]!, f));
      await upgraded.store.transaction(async (tx) => {
        for (const r of rows) await tx.insertTicket(r.tenantId, r);
      });
      const expected = await upgraded.store.getStats(staff(tenants[0]!), query());
      // Back to a store at migration 001 holding these tickets (every later migration's
      // `down` run for real), then upgrade it.
      expect(await upgraded.migrateTo('001-initial')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext', 'down 010-owner-tokens', 'down 009-search-walk', 'down 008-stats-by-day', 'down 007-search', 'down 006-list-columns', 'down 005-email-delivery', 'down 004-attachments', 'down 003-staff-tools', 'down 002-ticket-stats']);
      await expect(upgraded.query(`select count(*) as n from ${upgraded.table('ticket_stats')}`)).rejects.toThrow();
      const [kept] = await upgraded.query<{ n: number | string }>(`select count(*) as n from ${upgraded.table('tickets')}`);
      expect(Number(kept!.n)).toBe(random.length);
      await upgraded.store.migrate();
      const [count] = await upgraded.query<{ n: number | string }>(`select count(*) as n from ${upgraded.table('ticket_stats')}`);
      expect(Number(count!.n)).toBeGreaterThan(0);
      expectSameStats(await upgraded.store.getStats(staff(tenants[0]!), query()), expected, 'after upgrade');
      // Migration 003 addressed the tickets by their reseller (a store at 001 had no level).
      for (const r of rows) r.addressedTo = r.resellerId === null ? 'operator' : 'reseller';
      await expectStatsMatchCount(upgraded, tenants, rows);
    });

    it('fills the daily and monthly buckets and remakes ticket_stats from existing tickets when migration 008 runs on a store at 005', async () => {
      const { upgraded, tenants, rows } = await seededStore('up8_', 8);
      const window = query({ createdFrom: new Date(rows[5]!.createdAt.getTime() - 1), createdTo: new Date(rows[70]!.createdAt.getTime() + 1) });
      const expected = await upgraded.store.getStats(staff(tenants[0]!), window);
      const staffOf = (level?: AddressLevel) => staff(tenants[0]!, 'r1', level);
      const resellerStaff = await upgraded.store.getStats(staffOf('reseller'), window);
      expect(await upgraded.migrateTo('005-email-delivery')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext', 'down 010-owner-tokens', 'down 009-search-walk', 'down 008-stats-by-day', 'down 007-search', 'down 006-list-columns']);
      await expect(upgraded.query(`select count(*) as n from ${dailyTable(upgraded)}`)).rejects.toThrow();
      await expect(upgraded.query(`select count(*) as n from ${monthlyTable(upgraded)}`)).rejects.toThrow();
      // Back at 002's shape (no addressed level), filled from the tickets by 008's down.
      await expect(upgraded.query(`select addressed_to from ${upgraded.table('ticket_stats')}`)).rejects.toThrow();
      const [old] = await upgraded.query<{ n: number | string }>(`select sum(n) as n from ${upgraded.table('ticket_stats')}`);
      expect(Number(old!.n)).toBe(rows.filter((r) => r.deletedAt === null).length);
      await upgraded.store.migrate();
      const [count] = await upgraded.query<{ n: number | string }>(`select count(*) as n from ${dailyTable(upgraded)}`);
      expect(Number(count!.n)).toBeGreaterThan(10);
      const [months] = await upgraded.query<{ n: number | string }>(`select count(distinct month) as n from ${monthlyTable(upgraded)}`);
      expect(Number(months!.n)).toBeGreaterThan(1);
      expectSameStats(await upgraded.store.getStats(staffOf('reseller'), window), resellerStaff, 'reseller staff window after upgrade');
      expectSameStats(await upgraded.store.getStats(staff(tenants[0]!), window), expected, 'window after upgrade');
      expectSameStats(expected, countedStats(rows, tenants[0]!, undefined, window), 'window before upgrade');
      await expectStatsMatchCount(upgraded, tenants, rows, 8);
    });

    it('fills the weekly buckets from existing tickets when migration 013 runs on a store at 012', async () => {
      const { upgraded, tenants, rows } = await seededStore('up13_', 13);
      // Back to 012 (013's down drops the table), then up: 013 fills it from the tickets.
      expect(await upgraded.migrateTo('012-reseller-queue')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week']);
      await expect(upgraded.query(`select count(*) as n from ${weeklyTable(upgraded)}`)).rejects.toThrow();
      await upgraded.store.migrate();
      const [weeks] = await upgraded.query<{ n: number | string }>(`select count(distinct week) as n from ${weeklyTable(upgraded)}`);
      expect(Number(weeks!.n)).toBeGreaterThan(4);
      await expectStatsMatchCount(upgraded, tenants, rows, 13);
    });
  });
}

const baseFields: Fields = {
  status: 'open',
  category: 'other',
  priority: 'normal',
  resellerId: null,
  addressedTo: 'operator',
  createdByType: 'customer',
  deleted: false,
  firstResponseAfter: null,
  resolvedAfter: null,
  firstResponseMet: null,
  resolutionMet: null,
  clock: { ran: false, firstResponseMs: 0, resolutionMs: 0 },
  subject: 's',
};

// Postgres placeholders are $n, SQLite's are ?.
const p1 = (fx: FixtureStore) => (fx.location.schema !== undefined ? '$1' : '?');
