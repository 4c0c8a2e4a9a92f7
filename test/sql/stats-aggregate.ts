/**
 * The maintained stats buckets (`ticket_stats`, migration 002) against the scan they
 * replace: whole-tenant and reseller `getStats` read the buckets; a created-at range
 * (`createdFrom` before everything) forces the scan over the same tickets, and the two
 * must agree after any sequence of inserts and updates, a rollback, concurrent
 * writers, and an upgrade of a store that already holds tickets.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreScope, StoreStats, StoreStatsQuery, TicketPatch, TicketRow } from '../../src/store.js';
import type { AuthorType, Status } from '../../src/types.js';
import { emptySla, tenant, ticketRow } from './rows.js';
import type { FixtureStore, StoreFixture } from './stores.js';

const STATUSES: Status[] = ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'];
const CATEGORIES = ['billing', 'wifi', 'other'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const RESELLERS = [null, 'r1', 'r2', 'r3'];
const CREATORS: AuthorType[] = ['customer', 'staff'];
const BASE = Date.parse('2026-03-02T10:00:00.000Z');
/** Before every ticket of these tests: forces the scan path over the same tickets. */
const EPOCH = new Date(BASE - 365 * 86_400_000);

const staff = (tenantId: string, resellerId?: string): StoreScope => ({
  tenantId,
  visibility: 'staff',
  ...(resellerId === undefined ? {} : { resellerId }),
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
}

/** Buckets vs scan, for the operator and every reseller, with two `firstResponseOf`s. */
async function expectBucketsMatchScan(fx: FixtureStore, tenants: string[]): Promise<void> {
  for (const t of tenants) {
    for (const r of [undefined, 'r1', 'r2', 'r3']) {
      for (const q of [query(), query({ firstResponseOf: ['customer', 'staff'], unresolved: ['open', 'closed'] })]) {
        const buckets = await fx.store.getStats(staff(t, r), q);
        const scan = await fx.store.getStats(staff(t, r), { ...q, createdFrom: EPOCH });
        expectSameStats(buckets, scan, `tenant ${t} reseller ${r ?? '-'}`);
      }
    }
  }
}

const optionalInstant = fc.option(fc.integer({ min: 0, max: 30 * 86_400_000 }), { nil: null });
const met = fc.constantFrom<boolean | null>(true, false, null);

/** The stats-relevant fields of a ticket (plus ones that are not). */
const fields = fc.record({
  status: fc.constantFrom(...STATUSES),
  category: fc.constantFrom(...CATEGORIES),
  priority: fc.constantFrom(...PRIORITIES),
  resellerId: fc.constantFrom(...RESELLERS),
  createdByType: fc.constantFrom(...CREATORS),
  deleted: fc.boolean(),
  firstResponseAfter: optionalInstant,
  resolvedAfter: optionalInstant,
  firstResponseMet: met,
  resolutionMet: met,
  subject: fc.string({ maxLength: 5 }),
});
type Fields = typeof fields extends fc.Arbitrary<infer F> ? F : never;
// `resellerId` and `createdByType` are set at insert only: a patch can never change them.
const FIELD_NAMES: (keyof Fields)[] = [
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
      default:
        (patch as Record<string, unknown>)[key] = f[key];
    }
  }
  return patch;
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
      const createdAt = BASE + n * 1000 + (n % 997);
      return ticketRow(t, n, {
        status: f.status,
        category: f.category,
        priority: f.priority,
        resellerId: f.resellerId,
        createdByType: f.createdByType,
        createdAt: new Date(createdAt),
        deletedAt: f.deleted ? new Date(createdAt + 5000) : null,
        firstResponseAt: f.firstResponseAfter === null ? null : new Date(createdAt + f.firstResponseAfter),
        resolvedAt: f.resolvedAfter === null ? null : new Date(createdAt + f.resolvedAfter),
        subject: f.subject,
        sla: { ...emptySla(), firstResponseMet: f.firstResponseMet, resolutionMet: f.resolutionMet },
      });
    };

    it('agrees with the scan after random inserts and updates, for the tenant and every reseller', async () => {
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
          await expectBucketsMatchScan(fx, tenants);
        }),
        { numRuns: 25 },
      );
    });

    it('matches hand-computed stats, and reads its own writes inside a transaction', async () => {
      const t = tenant();
      const at = (s: number) => new Date(BASE + s * 1000);
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(t, ticketRow(t, 1, { createdAt: at(0), firstResponseAt: at(1.5), resellerId: 'r1', priority: 'high', sla: { ...emptySla(), firstResponseMet: true } }));
        await tx.insertTicket(t, ticketRow(t, 2, { createdAt: at(1), firstResponseAt: at(3), resolvedAt: at(11), status: 'resolved' }));
        await tx.insertTicket(t, ticketRow(t, 3, { createdAt: at(2), status: 'open', deletedAt: at(3) }));
        const inside = await tx.getStats(staff(t), query());
        expect(inside.counts).toStrictEqual({ open: 1, resolved: 1 });
      });
      const stats = await fx.store.getStats(staff(t), query());
      expect(stats.counts).toStrictEqual({ open: 1, resolved: 1 });
      expect(stats.avgFirstResponseSeconds).toBeCloseTo(1.75, 9);
      expect(stats.avgResolutionSeconds).toBeCloseTo(10, 9);
      expect(stats.backlog).toStrictEqual([{ category: 'other', priority: 'high', count: 1 }]);
      expect(stats.sla).toStrictEqual([{ priority: 'high', firstResponse: { met: 1, total: 1 }, resolution: { met: 0, total: 0 } }]);
      expect((await fx.store.getStats(staff(t, 'r1'), query())).counts).toStrictEqual({ open: 1 });
      expect((await fx.store.getStats(staff(t, 'r2'), query())).counts).toStrictEqual({});
    });

    it('leaves the buckets unchanged when a transaction that wrote tickets throws', async () => {
      const t = tenant();
      const first = row(t, { ...baseFields, status: 'open', resellerId: 'r1' });
      await fx.store.transaction((tx) => tx.insertTicket(first.tenantId, first));
      const before = await fx.query(`select * from ${fx.table('ticket_stats')} where tenant_id = ${p1(fx)}`, [t]);
      await expect(
        fx.store.transaction(async (tx) => {
          const locked = await tx.lockTicket(staff(t), first.id);
          expect(await tx.updateTicket(t, first.id, locked!.version, { status: 'closed', resolvedAt: new Date(BASE + 86_400_000), deletedAt: null })).toBe(true);
          await tx.insertTicket(t, row(t, { ...baseFields, status: 'pending' }));
          // Flushed into the buckets by the read, then rolled back with everything else.
          expect((await tx.getStats(staff(t), query())).counts).toStrictEqual({ closed: 1, pending: 1 });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      const after = await fx.query(`select * from ${fx.table('ticket_stats')} where tenant_id = ${p1(fx)}`, [t]);
      expect(after).toStrictEqual(before);
      expect((await fx.store.getStats(staff(t), query())).counts).toStrictEqual({ open: 1 });
      await expectBucketsMatchScan(fx, [t]);
    });

    it('takes 50 concurrent writers moving tickets between the same buckets in both orders, without deadlock', async () => {
      const t = tenant();
      // Each writer owns two tickets (wifi open, billing pending) and moves both, half
      // of them wifi first, half billing first: bucket changes in opposite orders.
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
      await expectBucketsMatchScan(fx, [t]);
    });

    it('fills the buckets from existing tickets when migration 002 runs on an upgraded store', async () => {
      const upgraded = await fixture.create({ tablePrefix: 'up_' });
      const tenants = [tenant(), tenant()];
      const random = fc.sample(fields, { numRuns: 60, seed: 42 });
      await upgraded.store.transaction(async (tx) => {
        for (const [i, f] of random.entries()) await tx.insertTicket(tenants[i % 2]!, row(tenants[i % 2]!, f));
      });
      const expected = await upgraded.store.getStats(staff(tenants[0]!), query());
      // Back to a store at migration 001 holding these tickets (every later migration's
      // `down` run for real), then upgrade it.
      expect(await upgraded.migrateTo('001-initial')).toStrictEqual(['down 008-stats-by-day', 'down 007-search', 'down 006-list-columns', 'down 005-email-delivery', 'down 004-attachments', 'down 003-staff-tools', 'down 002-ticket-stats']);
      await expect(upgraded.query(`select count(*) as n from ${upgraded.table('ticket_stats')}`)).rejects.toThrow();
      const [kept] = await upgraded.query<{ n: number | string }>(`select count(*) as n from ${upgraded.table('tickets')}`);
      expect(Number(kept!.n)).toBe(random.length);
      await upgraded.store.migrate();
      const [count] = await upgraded.query<{ n: number | string }>(`select count(*) as n from ${upgraded.table('ticket_stats')}`);
      expect(Number(count!.n)).toBeGreaterThan(0);
      expectSameStats(await upgraded.store.getStats(staff(tenants[0]!), query()), expected, 'after upgrade');
      await expectBucketsMatchScan(upgraded, tenants);
    });
  });
}

const baseFields: Fields = {
  status: 'open',
  category: 'other',
  priority: 'normal',
  resellerId: null,
  createdByType: 'customer',
  deleted: false,
  firstResponseAfter: null,
  resolvedAfter: null,
  firstResponseMet: null,
  resolutionMet: null,
  subject: 's',
};

// Postgres placeholders are $n, SQLite's are ?.
const p1 = (fx: FixtureStore) => (fx.location.schema !== undefined ? '$1' : '?');
