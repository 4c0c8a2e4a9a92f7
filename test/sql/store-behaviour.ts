/**
 * What every SQL store must get right beyond the service-level contract suite, run
 * against the store interface directly and checked through an independent probe where
 * it matters: value round-trips, numbers, rollback, concurrency, pagination, scope,
 * stats, SLA claims, the outbox and driver-error mapping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/service/create-ticket-service.js';
import type { StoreListQuery, StoreScope, TicketRow } from '../../src/store.js';
import type { Ticket, TicketSort } from '../../src/types.js';
import { auditEntry, caught, emptySla, message, outboxEvent, tenant, ticketRow } from './rows.js';
import type { FixtureStore, StoreFixture } from './stores.js';

const staff = (tenantId: string, extra: Partial<StoreScope> = {}): StoreScope => ({
  tenantId,
  visibility: 'staff',
  ...extra,
});
const customer = (tenantId: string, subscriberId: string): StoreScope => ({
  tenantId,
  visibility: 'customer',
  subscriberId,
});
const list = (over: Partial<StoreListQuery> = {}): StoreListQuery => ({ sort: 'newest', limit: 200, ...over });
const strip = ({ tenantId: _t, ...ticket }: TicketRow): Ticket => ticket;


/** Registers the SQL store behaviour tests for the stores `makeFixture` makes. */
export function storeBehaviourTests(name: string, makeFixture: () => StoreFixture): void {
  describe(`SQL store behaviour: ${name}`, () => {
    let fixture: StoreFixture;
    let fx: FixtureStore;
    beforeAll(async () => {
      fixture = makeFixture();
      fx = await fixture.create();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    // Postgres placeholders are $n, SQLite's are ?.
    const p1 = () => (fx.location.schema !== undefined ? '$1' : '?');
    const insert = (...rows: TicketRow[]) =>
      fx.store.transaction(async (tx) => {
        for (const row of rows) await tx.insertTicket(row);
      });
    const count = async (table: 'tickets' | 'messages' | 'audit' | 'outbox', tenantId: string) => {
      const [row] = await fx.query<{ n: number | string }>(
        `select count(*) as n from ${fx.table(table)} where tenant_id = ${p1()}`,
        [tenantId],
      );
      return Number(row?.n);
    };

    it('round-trips dates to the millisecond, booleans, JSON, nulls and a 256 KiB body', async () => {
      const t = tenant();
      const ms = (iso: string) => new Date(iso);
      const row = ticketRow(t, 1, {
        department: 'network',
        resellerId: 'r-1',
        assigneeId: 'op-1',
        archived: true,
        createdAt: ms('2026-03-02T10:00:00.001Z'),
        updatedAt: ms('2026-03-02T10:00:00.999Z'),
        statusChangedAt: ms('1970-01-01T00:00:00.001Z'),
        deletedAt: null,
        firstResponseAt: ms('2026-03-02T10:15:30.123Z'),
        resolvedAt: ms('2099-12-31T23:59:59.999Z'),
        firstResponseDueAt: ms('2026-03-02T11:00:00.456Z'),
        resolutionDueAt: null,
        deadlineAt: ms('2026-04-01T00:00:00.000Z'),
        attention: 3,
        version: 7,
        sla: {
          firstResponseElapsed: 47.25,
          resolutionElapsed: 0,
          clockAt: ms('2026-03-02T10:30:00.001Z'),
          firstResponseRemaining: 12.5,
          resolutionRemaining: 480,
          firstResponseWarnAt: ms('2026-03-02T10:48:00.007Z'),
          resolutionWarnAt: null,
          firstResponseWarnedAt: ms('2026-03-02T10:48:01.070Z'),
          resolutionWarnedAt: null,
          firstResponseBreachedAt: null,
          resolutionBreachedAt: ms('2026-03-03T00:00:00.700Z'),
          firstResponseMet: true,
          resolutionMet: false,
        },
      });
      const body = `${'Привет, мир! 🚀 <b>&amp;</b> '.repeat(9000)}`.slice(0, 256 * 1024);
      const opening = message(row.id, {
        body,
        html: `<p>${body}</p>`,
        opening: true,
        createdAt: ms('2026-03-02T10:00:00.001Z'),
        editedAt: ms('2026-03-02T10:05:00.555Z'),
      });
      const note = message(row.id, {
        authorType: 'system',
        authorId: null,
        authorName: null,
        internal: true,
        hidden: true,
        system: { kind: 'status_changed', from: 'open', to: 'pending' },
        createdAt: ms('2026-03-02T10:00:01.002Z'),
      });
      const entry = auditEntry(row.id, {
        changes: { status: { from: 'open', to: 'pending' }, tags: { from: ['a', 1, null], to: { nested: [true] } } },
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0 ☃',
        requestId: 'req-1',
        createdAt: ms('2026-03-02T10:00:00.001Z'),
      });
      const event = outboxEvent(row.id, {
        payload: { ticket: { id: row.id, number: 'TKT-1' }, list: [1, 'two', { three: 3 }], flag: false },
        createdAt: ms('2026-03-02T10:00:00.321Z'),
      });
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(row);
        await tx.insertMessage(t, opening);
        await tx.insertMessage(t, note);
        await tx.insertAudit(t, entry);
        await tx.insertOutbox(t, event);
      });

      expect(await fx.store.findTicket(staff(t), row.id)).toStrictEqual(strip(row));
      expect(await fx.store.findTicket(staff(t), 'TKT-1')).toStrictEqual(strip(row));
      const thread = await fx.store.listMessages(staff(t), row.id);
      expect(thread).toStrictEqual([opening, note]);
      expect(thread[0]!.body.length).toBe(body.length);
      expect(await fx.store.listAudit(t, row.id)).toStrictEqual([entry]);
      expect(await fx.store.claimUndelivered(t, new Date('2030-01-01'), 10)).toStrictEqual([event]);

      // The independent probe sees the instants as stored, not as a driver re-parsed them.
      const [raw] = await fx.query<{ created_at: unknown; archived: unknown }>(
        `select created_at, archived from ${fx.table('tickets')} where id = ${p1()}`,
        [row.id],
      );
      const stored = raw!.created_at instanceof Date ? raw!.created_at.getTime() : Number(raw!.created_at);
      expect(stored).toBe(row.createdAt.getTime());
      expect([true, 1]).toContain(raw!.archived);
    });

    it('hands back counts, versions and sequences as numbers', async () => {
      const t = tenant();
      const row = ticketRow(t, 1, { subscriberId: 's', sla: { ...emptySla(), firstResponseMet: true } });
      const at = (s: number) => new Date(row.createdAt.getTime() + s * 1000);
      await fx.store.transaction(async (tx) => {
        expect(await tx.nextSequence(t, '')).toBe(1);
        await tx.insertTicket(row);
        await tx.insertMessage(t, message(row.id, { opening: true }));
        await tx.insertMessage(t, message(row.id, { createdAt: at(1) }));
        await tx.insertMessage(t, message(row.id, { authorType: 'staff', createdAt: at(2) }));
        await tx.insertMessage(t, message(row.id, { authorType: 'staff', internal: true, createdAt: at(3) }));
        await tx.insertMessage(t, message(row.id, { hidden: true, createdAt: at(4) }));
        await tx.insertMessage(t, message(row.id, { authorType: 'system', createdAt: at(5) }));
        expect(await tx.updateTicket(t, row.id, 1, { firstResponseAt: at(2) })).toBe(true);
      });
      const [asStaff] = await fx.store.listTickets(staff(t), list());
      expect(asStaff!.replyCount).toBe(4);
      expect(asStaff!.lastReplyAt).toStrictEqual(at(4));
      expect(asStaff!.version).toBe(2);
      expect(typeof asStaff!.attention).toBe('number');
      const [asCustomer] = await fx.store.listTickets(customer(t, 's'), list());
      expect(asCustomer!.replyCount).toBe(2);
      expect(asCustomer!.lastReplyAt).toStrictEqual(at(2));

      const stats = await fx.store.getStats(staff(t), { unresolved: ['open'], firstResponseOf: ['customer'] });
      expect(stats.counts).toStrictEqual({ open: 1 });
      expect(stats.avgFirstResponseSeconds).toBe(2);
      expect(stats.avgResolutionSeconds).toBeNull();
      expect(stats.backlog).toStrictEqual([{ category: 'other', priority: 'normal', count: 1 }]);
      expect(stats.sla).toStrictEqual([
        { priority: 'normal', firstResponse: { met: 1, total: 1 }, resolution: { met: 0, total: 0 } },
      ]);
    });

    it('rolls back everything on a throw and rethrows the very same error', async () => {
      const t = tenant();
      const boom = new Error('boom');
      const row = ticketRow(t, 1);
      const err = await caught(
        fx.store.transaction(async (tx) => {
          await tx.nextSequence(t, '');
          await tx.insertTicket(row);
          await tx.insertMessage(t, message(row.id, { opening: true }));
          await tx.insertAudit(t, auditEntry(row.id));
          await tx.insertOutbox(t, outboxEvent(row.id));
          throw boom;
        }),
      );
      expect(err).toBe(boom);
      for (const table of ['tickets', 'messages', 'audit', 'outbox'] as const) expect(await count(table, t)).toBe(0);
      // The number was given back.
      expect(await fx.store.transaction((tx) => tx.nextSequence(t, ''))).toBe(1);

      const typed = new TicketError('invalid_transition', 'no');
      expect(await caught(fx.store.transaction(async () => Promise.reject(typed)))).toBe(typed);
    });

    it('runs 100 parallel transactions, half throwing: exactly the good ones are stored', async () => {
      const t = tenant();
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) =>
          fx.store.transaction(async (tx) => {
            const row = ticketRow(t, i);
            await tx.insertTicket(row);
            await tx.insertMessage(t, message(row.id, { opening: true }));
            if (i % 2 === 1) throw new Error(`odd ${i}`);
            return row.number;
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
      const stored = await fx.query<{ number: string }>(
        `select number from ${fx.table('tickets')} where tenant_id = ${p1()}`,
        [t],
      );
      expect(stored.map((r) => r.number).sort()).toStrictEqual(
        Array.from({ length: 50 }, (_, i) => `TKT-${i * 2}`).sort(),
      );
      expect(await count('messages', t)).toBe(50);
    });

    it('gives 200 concurrent nextSequence calls 1..200; rolled-back numbers are reused, no gaps', async () => {
      const t = tenant();
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          fx.store.transaction(async (tx) => {
            const n = await tx.nextSequence(t, '2026');
            if (i % 4 === 3) throw new Error('rolled back');
            return n;
          }),
        ),
      );
      const committed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(committed.sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 150 }, (_, i) => i + 1));
      // Another key counts on its own.
      expect(await fx.store.transaction((tx) => tx.nextSequence(t, ''))).toBe(1);
      const [counter] = await fx.query<{ value: number | string }>(
        `select value from ${fx.table('counters')} where tenant_id = ${p1()} and key = '2026'`,
        [t],
      );
      expect(Number(counter!.value)).toBe(150);
    });

    it('claims each due SLA alert exactly once between two concurrent claimers', async () => {
      const t = tenant();
      const now = new Date('2026-03-02T12:00:00.000Z');
      const due = (n: number) => ticketRow(t, n, { firstResponseDueAt: new Date(now.getTime() - n * 1000) });
      const dueRows = Array.from({ length: 40 }, (_, i) => due(i + 1));
      const others = [
        ticketRow(t, 100, { firstResponseDueAt: new Date(now.getTime() + 1) }), // not yet due
        ticketRow(t, 101, { firstResponseDueAt: null }),
        ticketRow(t, 102, { firstResponseDueAt: now, deletedAt: now }), // deleted
        ticketRow(t, 103, { firstResponseDueAt: now, sla: { ...emptySla(), firstResponseBreachedAt: now } }),
        ticketRow(tenant(), 104, { firstResponseDueAt: now }), // another tenant
      ];
      await insert(...dueRows, ...others);
      const second = await fx.second();
      const claimer = async (store: typeof fx.store) => {
        const claimed: Ticket[] = [];
        for (;;) {
          const batch = await store.transaction((tx) =>
            tx.claimSlaAlerts(t, { target: 'firstResponse', kind: 'breach' }, now, 7),
          );
          if (batch.length === 0) return claimed;
          claimed.push(...batch);
        }
      };
      const [a, b] = await Promise.all([claimer(fx.store), claimer(second)]);
      const ids = [...a, ...b].map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toStrictEqual(dueRows.map((r) => r.id).sort());
      for (const ticket of [...a, ...b]) {
        expect(ticket.sla.firstResponseBreachedAt).toStrictEqual(now);
        expect(ticket.version).toBe(2);
      }
      // Warnings are claimed on their own column.
      await insert(ticketRow(t, 200, { sla: { ...emptySla(), resolutionWarnAt: now } }));
      const warned = await fx.store.transaction((tx) =>
        tx.claimSlaAlerts(t, { target: 'resolution', kind: 'warning' }, now, 10),
      );
      expect(warned.map((x) => x.number)).toStrictEqual(['TKT-200']);
      expect(warned[0]!.sla.resolutionWarnedAt).toStrictEqual(now);
      expect(
        await fx.store.transaction((tx) => tx.claimSlaAlerts(t, { target: 'resolution', kind: 'warning' }, now, 10)),
      ).toStrictEqual([]);
    });

    it('pages with keyset positions through every sort, ties broken by id', async () => {
      const t = tenant();
      const base = Date.parse('2026-03-02T10:00:00.000Z');
      const rows = Array.from({ length: 31 }, (_, i) =>
        ticketRow(t, i, {
          attention: [0, 2, 3][i % 3]!,
          // Many equal timestamps, so the id tie-break decides.
          createdAt: new Date(base + Math.floor(i / 4) * 1000),
          updatedAt: new Date(base + (i % 5) * 1000),
        }),
      );
      await insert(...rows);
      const cmpId = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
      const expected: Record<TicketSort, TicketRow[]> = {
        queue: [...rows].sort(
          (x, y) => y.attention - x.attention || y.updatedAt.getTime() - x.updatedAt.getTime() || -cmpId(x.id, y.id),
        ),
        updated: [...rows].sort((x, y) => y.updatedAt.getTime() - x.updatedAt.getTime() || -cmpId(x.id, y.id)),
        newest: [...rows].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || -cmpId(x.id, y.id)),
        oldest: [...rows].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || cmpId(x.id, y.id)),
      };
      for (const sort of ['queue', 'updated', 'newest', 'oldest'] as const) {
        const full = await fx.store.listTickets(staff(t), list({ sort }));
        expect(full.map((x) => x.id), sort).toStrictEqual(expected[sort].map((x) => x.id));
        const paged: string[] = [];
        let after: StoreListQuery['after'];
        for (let guard = 0; guard < 20; guard++) {
          const page = await fx.store.listTickets(staff(t), list({ sort, limit: 4, after }));
          paged.push(...page.map((x) => x.id));
          const last = page.at(-1);
          if (page.length < 4 || !last) break;
          after = {
            attention: last.attention,
            at: sort === 'newest' || sort === 'oldest' ? last.createdAt : last.updatedAt,
            id: last.id,
          };
        }
        expect(paged, sort).toStrictEqual(expected[sort].map((x) => x.id));
      }
    });

    it('honours tenant, subscriber, reseller and soft-delete scope in every read', async () => {
      const t = tenant();
      const other = tenant();
      const mine = ticketRow(t, 1, { subscriberId: 's1', resellerId: 'r1' });
      const theirs = ticketRow(t, 2, { subscriberId: 's2', resellerId: 'r2' });
      const direct = ticketRow(t, 3, { subscriberId: 's3', resellerId: null });
      const deleted = ticketRow(t, 4, { subscriberId: 's1', resellerId: 'r1', deletedAt: new Date() });
      const foreign = ticketRow(other, 1, { subscriberId: 's1', resellerId: 'r1' });
      await insert(mine, theirs, direct, deleted, foreign);

      expect((await fx.store.findTicket(staff(t), 'TKT-1'))?.id).toBe(mine.id);
      expect((await fx.store.findTicket(staff(other), 'TKT-1'))?.id).toBe(foreign.id);
      expect(await fx.store.findTicket(staff(other), mine.id)).toBeNull();
      expect(await fx.store.findTicket(customer(t, 's2'), mine.id)).toBeNull();
      expect(await fx.store.findTicket(staff(t, { resellerId: 'r2' }), 'TKT-1')).toBeNull();
      expect(await fx.store.findTicket(staff(t), deleted.id)).toBeNull();
      expect((await fx.store.findTicket(staff(t, { includeDeleted: true }), deleted.id))?.id).toBe(deleted.id);

      const ids = async (scope: StoreScope, q: Partial<StoreListQuery> = {}) =>
        (await fx.store.listTickets(scope, list({ sort: 'oldest', ...q }))).map((x) => x.number);
      expect(await ids(staff(t))).toStrictEqual(['TKT-1', 'TKT-2', 'TKT-3']);
      expect(await ids(staff(t, { includeDeleted: true }))).toStrictEqual(['TKT-1', 'TKT-2', 'TKT-3', 'TKT-4']);
      expect(await ids(customer(t, 's1'))).toStrictEqual(['TKT-1']);
      expect(await ids(staff(t, { resellerId: 'r1' }))).toStrictEqual(['TKT-1']);
      expect(await ids(staff(t), { subscriberId: 's3' })).toStrictEqual(['TKT-3']);

      const stats = await fx.store.getStats(staff(t, { resellerId: 'r1', includeDeleted: true }), {
        unresolved: ['open'],
        firstResponseOf: ['customer'],
      });
      expect(stats.counts).toStrictEqual({ open: 1 });
    });

    it('applies every list filter, AND-ed, and searches case-insensitively with LIKE characters literal', async () => {
      const t = tenant();
      const at = (s: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + s * 1000);
      const a = ticketRow(t, 1, {
        status: 'open',
        priority: 'high',
        category: 'billing',
        department: 'finance',
        assigneeId: 'op-1',
        subject: 'Invoice 100% wrong',
        createdAt: at(0),
      });
      const b = ticketRow(t, 2, {
        status: 'closed',
        archived: true,
        priority: 'low',
        category: 'wifi',
        subject: 'WiFi_down in the BASEMENT',
        createdAt: at(10),
      });
      const c = ticketRow(t, 3, { status: 'pending', priority: 'high', category: 'wifi', subject: 'Slow', createdAt: at(20) });
      const d = ticketRow(t, 4, { status: 'open', subject: 'ÄRGER mit dem Ωmega-Router', createdAt: at(30) });
      await insert(a, b, c, d);
      await fx.store.transaction(async (tx) => {
        await tx.insertMessage(t, message(c.id, { body: 'The router LED blinks ORANGE' }));
        await tx.insertMessage(t, message(c.id, { body: 'internal: customer owes money', internal: true, authorType: 'staff' }));
        await tx.insertMessage(t, message(a.id, { body: 'hidden remark about ROUTER', hidden: true }));
      });
      const numbers = async (q: Partial<StoreListQuery>, scope: StoreScope = staff(t)) =>
        (await fx.store.listTickets(scope, list({ sort: 'oldest', ...q }))).map((x) => x.number);

      expect(await numbers({ status: ['open', 'pending'] })).toStrictEqual(['TKT-1', 'TKT-3', 'TKT-4']);
      expect(await numbers({ status: [] })).toStrictEqual([]);
      expect(await numbers({ priority: ['high'], category: ['wifi'] })).toStrictEqual(['TKT-3']);
      expect(await numbers({ department: ['finance'] })).toStrictEqual(['TKT-1']);
      expect(await numbers({ assigneeId: 'op-1' })).toStrictEqual(['TKT-1']);
      expect(await numbers({ assigneeId: null })).toStrictEqual(['TKT-2', 'TKT-3', 'TKT-4']);
      expect(await numbers({ archived: true })).toStrictEqual(['TKT-2']);
      expect(await numbers({ archived: false })).toStrictEqual(['TKT-1', 'TKT-3', 'TKT-4']);
      expect(await numbers({ createdFrom: at(10) })).toStrictEqual(['TKT-2', 'TKT-3', 'TKT-4']);
      expect(await numbers({ createdTo: at(10) })).toStrictEqual(['TKT-1']);
      expect(await numbers({ createdFrom: at(0), createdTo: at(20) })).toStrictEqual(['TKT-1', 'TKT-2']);

      expect(await numbers({ q: 'tkt-2' })).toStrictEqual(['TKT-2']);
      expect(await numbers({ q: 'basement' })).toStrictEqual(['TKT-2']);
      expect(await numbers({ q: '100%' })).toStrictEqual(['TKT-1']);
      expect(await numbers({ q: '0%' })).toStrictEqual(['TKT-1']);
      expect(await numbers({ q: '%' })).toStrictEqual(['TKT-1']);
      expect(await numbers({ q: 'wifi_' })).toStrictEqual(['TKT-2']);
      expect(await numbers({ q: '_' })).toStrictEqual(['TKT-2']);
      expect(await numbers({ q: 'i_v' })).toStrictEqual([]);
      expect(await numbers({ q: 'led blinks' })).toStrictEqual(['TKT-3']);
      // Message bodies count only where the scope may see them.
      expect(await numbers({ q: 'owes money' })).toStrictEqual(['TKT-3']);
      expect(await numbers({ q: 'owes money' }, customer(t, 'sub-1'))).toStrictEqual([]);
      expect(await numbers({ q: 'router' })).toStrictEqual(['TKT-1', 'TKT-3', 'TKT-4']);
      expect(await numbers({ q: 'router' }, customer(t, 'sub-1'))).toStrictEqual(['TKT-3', 'TKT-4']);
      // Case folding beyond ASCII, like String#toLowerCase.
      expect(await numbers({ q: 'ärger MIT dem ωMEGA' })).toStrictEqual(['TKT-4']);
      expect(await numbers({ q: 'slow', status: ['open'] })).toStrictEqual([]);
    });

    it('lists a thread oldest first with ties in insertion order, hiding internal and hidden messages from customers', async () => {
      const t = tenant();
      const row = ticketRow(t, 1);
      const same = new Date('2026-03-02T10:00:00.000Z');
      const later = new Date('2026-03-02T10:00:00.001Z');
      const m1 = message(row.id, { id: 'm-z', opening: true, createdAt: same });
      const m2 = message(row.id, { id: 'm-a', createdAt: later });
      const m3 = message(row.id, { id: 'm-y', internal: true, createdAt: same });
      const m4 = message(row.id, { id: 'm-b', hidden: true, createdAt: same });
      const m5 = message(row.id, { id: 'm-c', createdAt: same });
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(row);
        for (const m of [m1, m2, m3, m4, m5]) await tx.insertMessage(t, m);
      });
      expect((await fx.store.listMessages(staff(t), row.id)).map((m) => m.id)).toStrictEqual([
        'm-z',
        'm-y',
        'm-b',
        'm-c',
        'm-a',
      ]);
      expect((await fx.store.listMessages(customer(t, 'sub-1'), row.id)).map((m) => m.id)).toStrictEqual([
        'm-z',
        'm-c',
        'm-a',
      ]);
      expect(await fx.store.listMessages(staff(tenant()), row.id)).toStrictEqual([]);
    });

    it('lists the audit trail oldest first and finds stale tickets', async () => {
      const t = tenant();
      const at = (h: number) => new Date(Date.parse('2026-03-02T00:00:00.000Z') + h * 3_600_000);
      const rows = [
        ticketRow(t, 1, { status: 'resolved', statusChangedAt: at(5) }),
        ticketRow(t, 2, { status: 'pending', statusChangedAt: at(1) }),
        ticketRow(t, 3, { status: 'open', statusChangedAt: at(0) }),
        ticketRow(t, 4, { status: 'pending', statusChangedAt: at(2), deletedAt: at(3) }),
        ticketRow(t, 5, { status: 'resolved', statusChangedAt: at(10) }),
      ];
      await insert(...rows);
      const stale = await fx.store.transaction((tx) => tx.listStale(t, ['resolved', 'pending'], at(10), 10));
      expect(stale.map((x) => x.number)).toStrictEqual(['TKT-2', 'TKT-1']);
      expect((await fx.store.transaction((tx) => tx.listStale(t, ['resolved', 'pending'], at(10), 1))).length).toBe(1);

      const first = rows[0]!;
      const entries = [
        auditEntry(first.id, { action: 'created', createdAt: at(1) }),
        auditEntry(first.id, { action: 'replied', createdAt: at(1) }),
        auditEntry(first.id, { action: 'updated', createdAt: at(0) }),
      ];
      await fx.store.transaction(async (tx) => {
        for (const e of entries) await tx.insertAudit(t, e);
      });
      expect((await fx.store.listAudit(t, first.id)).map((e) => e.action)).toStrictEqual(['updated', 'created', 'replied']);
    });

    it('updates only at the expected version, replacing the whole SLA state when given', async () => {
      const t = tenant();
      const row = ticketRow(t, 1, { sla: { ...emptySla(), firstResponseRemaining: 60, firstResponseMet: true } });
      await insert(row);
      const sla = { ...emptySla(), resolutionRemaining: 30 };
      await fx.store.transaction(async (tx) => {
        expect(await tx.updateTicket(t, row.id, 2, { status: 'closed' })).toBe(false);
        expect(await tx.updateTicket(t, row.id, 1, { status: 'pending', assigneeId: 'op-2', sla })).toBe(true);
        expect(await tx.updateTicket(t, row.id, 1, { status: 'closed' })).toBe(false);
        expect(await tx.updateTicket(tenant(), row.id, 2, { status: 'closed' })).toBe(false);
      });
      const stored = await fx.store.findTicket(staff(t), row.id);
      expect(stored).toStrictEqual({ ...strip(row), status: 'pending', assigneeId: 'op-2', sla, version: 2 });
      const err = await caught(
        fx.store.transaction((tx) => tx.updateTicket(t, row.id, 2, { nope: 1 } as never)),
      );
      expect(TicketError.is(err, 'config')).toBe(true);
    });

    it('maps driver errors to TicketErrors and keeps the transaction usable after a duplicate number', async () => {
      const t = tenant();
      const row = ticketRow(t, 1);
      await insert(row);
      // A duplicate number is a conflict that does not poison the transaction.
      const number = await fx.store.transaction(async (tx) => {
        const err = await caught(tx.insertTicket(ticketRow(t, 1)));
        expect(TicketError.is(err, 'conflict')).toBe(true);
        expect((err as TicketError).params.field).toBe('number');
        const retry = ticketRow(t, 2);
        await tx.insertTicket(retry);
        return retry.number;
      });
      expect((await fx.store.findTicket(staff(t), number))?.number).toBe('TKT-2');
      const dupId = await caught(insert({ ...ticketRow(t, 9), id: row.id }));
      expect(TicketError.is(dupId, 'conflict')).toBe(true);

      const m = message(row.id);
      await fx.store.transaction((tx) => tx.insertMessage(t, m));
      const dupMessage = await caught(fx.store.transaction((tx) => tx.insertMessage(t, m)));
      expect(TicketError.is(dupMessage, 'conflict')).toBe(true);
      expect((dupMessage as TicketError).cause).toBeDefined();
      expect(TicketError.is((dupMessage as TicketError).cause)).toBe(false);

      const orphan = await caught(fx.store.transaction((tx) => tx.insertMessage(t, message('no-such-ticket'))));
      expect(TicketError.is(orphan, 'conflict')).toBe(true);
      const orphanAudit = await caught(fx.store.transaction((tx) => tx.insertAudit(t, auditEntry('no-such-ticket'))));
      expect(TicketError.is(orphanAudit, 'conflict')).toBe(true);

      const badStatus = await caught(insert(ticketRow(t, 10, { status: 'bogus' as never })));
      expect(TicketError.is(badStatus, 'validation')).toBe(true);
      const badDate = await caught(insert(ticketRow(t, 11, { createdAt: new Date('nope') })));
      expect(TicketError.is(badDate, 'validation')).toBe(true);
      expect(await count('tickets', t)).toBe(2);
    });

    it('refuses nested transactions and ended transactions, and reads inside a transaction see its writes', async () => {
      const t = tenant();
      const row = ticketRow(t, 1);
      let leaked: Parameters<Parameters<typeof fx.store.transaction>[0]>[0] | undefined;
      const nested = await caught(
        fx.store.transaction(async (tx) => {
          leaked = tx;
          await tx.insertTicket(row);
          // The store's own reads run on the transaction (SQLite has a single connection).
          expect((await fx.store.findTicket(staff(t), row.id))?.id).toBe(row.id);
          await fx.store.transaction(async () => undefined);
        }),
      );
      expect(TicketError.is(nested, 'config')).toBe(true);
      expect(await fx.store.findTicket(staff(t), row.id)).toBeNull();
      const ended = await caught(leaked!.findTicket(staff(t), row.id));
      expect(TicketError.is(ended, 'config')).toBe(true);
      // The store still works.
      await insert(row);
      expect((await fx.store.findTicket(staff(t), row.id))?.id).toBe(row.id);
    });

    it('marks outbox events delivered and claims undelivered old ones exactly once, oldest first', async () => {
      const t = tenant();
      const row = ticketRow(t, 1);
      const at = (s: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + s * 1000);
      const events = [
        outboxEvent(row.id, { createdAt: at(3) }),
        outboxEvent(row.id, { createdAt: at(1) }),
        outboxEvent(null, { createdAt: at(2), type: 'sla.breached' }),
        outboxEvent(row.id, { createdAt: at(1) }),
        outboxEvent(row.id, { createdAt: at(50) }),
      ];
      await fx.store.transaction(async (tx) => {
        await tx.insertTicket(row);
        for (const e of events) await tx.insertOutbox(t, e);
      });
      await fx.store.markDelivered(t, [events[0]!.id]);
      await fx.store.markDelivered(t, []);
      const second = await fx.second();
      const [a, b] = await Promise.all([
        fx.store.claimUndelivered(t, at(10), 2),
        second.claimUndelivered(t, at(10), 2),
      ]);
      const claimed = [...a, ...b];
      expect(claimed.map((e) => e.id).sort()).toStrictEqual([events[1]!.id, events[2]!.id, events[3]!.id].sort());
      for (const batch of [a, b]) {
        const times = batch.map((e) => e.createdAt.getTime());
        expect(times).toStrictEqual([...times].sort((x, y) => x - y));
      }
      expect(await fx.store.claimUndelivered(t, at(10), 10)).toStrictEqual([]);
      expect(await fx.store.claimUndelivered(tenant(), at(100), 10)).toStrictEqual([]);
      expect((await fx.store.claimUndelivered(t, at(100), 10)).map((e) => e.id)).toStrictEqual([events[4]!.id]);
    });

    it('computes stats over the created range: averages as floats, backlog and SLA ordered', async () => {
      const t = tenant();
      const at = (s: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + s * 1000);
      const sla = (fr: boolean | null, res: boolean | null) => ({ ...emptySla(), firstResponseMet: fr, resolutionMet: res });
      await insert(
        ticketRow(t, 1, { createdAt: at(0), firstResponseAt: at(1.5), status: 'open', category: 'wifi', priority: 'high', sla: sla(true, null) }),
        ticketRow(t, 2, { createdAt: at(1), firstResponseAt: at(3), resolvedAt: at(11), status: 'resolved', priority: 'high', sla: sla(false, true) }),
        ticketRow(t, 3, { createdAt: at(2), status: 'open', category: 'billing', priority: 'urgent', sla: sla(null, null) }),
        ticketRow(t, 4, { createdAt: at(3), status: 'pending', category: 'billing', priority: 'low', sla: sla(true, true) }),
        ticketRow(t, 5, { createdAt: at(4), status: 'open', category: 'billing', priority: 'urgent' }),
        ticketRow(t, 6, { createdAt: at(5), status: 'open', deletedAt: at(6), sla: sla(true, true) }),
        ticketRow(t, 7, { createdAt: at(100), status: 'closed', resolvedAt: at(101) }),
      );
      const stats = await fx.store.getStats(staff(t, { includeDeleted: true }), {
        createdFrom: at(0),
        createdTo: at(100),
        unresolved: ['open', 'in_progress', 'pending', 'on_hold'],
        firstResponseOf: ['customer'],
      });
      expect(stats.counts).toStrictEqual({ open: 3, resolved: 1, pending: 1 });
      expect(stats.avgFirstResponseSeconds).toBeCloseTo(1.75, 6);
      expect(stats.avgResolutionSeconds).toBeCloseTo(10, 6);
      expect(stats.backlog).toStrictEqual([
        { category: 'billing', priority: 'low', count: 1 },
        { category: 'billing', priority: 'urgent', count: 2 },
        { category: 'wifi', priority: 'high', count: 1 },
      ]);
      expect(stats.sla).toStrictEqual([
        { priority: 'high', firstResponse: { met: 1, total: 2 }, resolution: { met: 1, total: 1 } },
        { priority: 'low', firstResponse: { met: 1, total: 1 }, resolution: { met: 1, total: 1 } },
      ]);
      const empty = await fx.store.getStats(staff(tenant()), { unresolved: ['open'], firstResponseOf: ['customer'] });
      expect(empty).toStrictEqual({ counts: {}, avgFirstResponseSeconds: null, avgResolutionSeconds: null, backlog: [], sla: [] });
    });

    it('works under a custom table prefix, and migrate() is idempotent', async () => {
      const custom = await fixture.create({ tablePrefix: 'hd_' });
      const t = tenant();
      await custom.store.transaction((tx) => tx.insertTicket(ticketRow(t, 1)));
      const rows = await custom.query<{ n: number | string }>(`select count(*) as n from ${custom.table('tickets')}`);
      expect(custom.table('tickets')).toContain('hd_tickets');
      expect(Number(rows[0]!.n)).toBe(1);
      expect(await fx.store.findTicket(staff(t), 'TKT-1')).toBeNull();
      // Migrating again is a no-op.
      await custom.store.migrate();
      await custom.store.migrate();
      expect((await custom.store.findTicket(staff(t), 'TKT-1'))?.number).toBe('TKT-1');
    });

    it('joins a host transaction through withTransaction(): host row and ticket commit or roll back together', async () => {
      const host = fx.hostDb();
      const hostTable = `host_subscribers_${Math.random().toString(36).slice(2, 8)}`;
      const qualified = fx.location.schema !== undefined ? `${fx.location.schema}.${hostTable}` : hostTable;
      await host.schema.createTable(qualified).addColumn('id', 'text', (c) => c.primaryKey()).execute();
      const t = tenant();
      const clock = () => new Date('2026-03-02T10:00:00.000Z');
      const subscriber = (id: string) => ({ kind: 'customer' as const, id, resellerId: null });
      const hostRows = async () =>
        (await host.selectFrom(qualified).select('id').orderBy('id').execute()).map((r) => r.id as string);

      // Events of writes inside a host transaction wait for the host's commit.
      const flusher = createTicketService({ store: fx.store, tenantId: t, clock });
      const emitted: string[] = [];
      flusher.events.on('*', (type) => emitted.push(type));

      // Commit: the subscriber and their first ticket in one commit.
      const inside: string[] = [];
      const created = await host.transaction().execute(async (trx) => {
        await trx.insertInto(qualified).values({ id: 's-commit' }).execute();
        const desk = createTicketService({ store: fx.store.withTransaction(trx), tenantId: t, clock });
        desk.events.on('*', (type) => inside.push(type));
        return desk.create(subscriber('s-commit'), { subject: 'Joined', body: 'first ticket' });
      });
      expect(inside).toStrictEqual([]);
      expect(await flusher.flushEvents()).toBe(1);
      expect(emitted).toStrictEqual(['ticket.created']);
      expect(await flusher.flushEvents()).toBe(0);
      expect(await hostRows()).toStrictEqual(['s-commit']);
      expect((await fx.store.findTicket(staff(t), created.id))?.subject).toBe('Joined');
      expect(await fx.store.listMessages(staff(t), created.id)).toHaveLength(1);

      // Rollback by the host: neither the host's row nor the ticket survives.
      let rolledBack = '';
      await expect(
        host.transaction().execute(async (trx) => {
          await trx.insertInto(qualified).values({ id: 's-rollback' }).execute();
          const desk = createTicketService({ store: fx.store.withTransaction(trx), tenantId: t, clock });
          rolledBack = (await desk.create(subscriber('s-rollback'), { subject: 'Gone', body: 'x' })).id;
          throw new Error('host changed its mind');
        }),
      ).rejects.toThrow('host changed its mind');
      expect(await hostRows()).toStrictEqual(['s-commit']);
      expect(await fx.store.findTicket(staff(t), rolledBack)).toBeNull();
      expect(await flusher.flushEvents()).toBe(0); // the rolled-back change is never announced
      expect(await count('audit', t)).toBe(1);

      // A failed ticketry write rolls back alone (savepoint); the host's work commits.
      await host.transaction().execute(async (trx) => {
        await trx.insertInto(qualified).values({ id: 's-partial' }).execute();
        const store = fx.store.withTransaction(trx);
        const err = await caught(
          store.transaction(async (tx) => {
            await tx.insertTicket(ticketRow(t, 77));
            await tx.insertTicket(ticketRow(t, 77));
          }),
        );
        expect(TicketError.is(err, 'conflict')).toBe(true);
        // A statement the database itself rejects (in Postgres that aborts the whole
        // transaction) is undone to the savepoint, so the host's transaction lives on.
        const orphan = await caught(store.transaction((tx) => tx.insertMessage(t, message('no-such-ticket'))));
        expect(TicketError.is(orphan, 'conflict')).toBe(true);
        await store.transaction((tx) => tx.insertTicket(ticketRow(t, 78)));
      });
      expect(await hostRows()).toStrictEqual(['s-commit', 's-partial']);
      expect(await fx.store.findTicket(staff(t), 'TKT-77')).toBeNull();
      expect((await fx.store.findTicket(staff(t), 'TKT-78'))?.number).toBe('TKT-78');
      await host.schema.dropTable(qualified).execute();
    });
  });
}
