/**
 * The query plans of the reads a busy panel runs every minute, on SQLite and Postgres
 * (the server at TICKETRY_PG_URL, else PGlite), over a seeded data set: the staff queue,
 * a reseller's queue, the customer list, a deep page, a search for a rare word and a
 * phrase, stats over a window and the SLA scans each use their intended index, with no
 * full scan of the tickets or messages table and (for lists) no sort of them.
 *
 * The statements are the ones ticketry sends (recorded at the driver), explained on the
 * same database. Postgres is asked with sequential scans and sorts priced out
 * (`enable_seqscan`/`enable_sort` off): at test size a sequential scan is legitimately
 * cheaper, so what is checked is that the index path exists and fits the statement —
 * without a fitting index Postgres still prints the Seq Scan or Sort. SQLite's planner
 * takes an index whenever one fits. MySQL/MariaDB plans are printed by the benchmarks
 * only (MariaDB has no switch to price a scan out at this size, so its plans here would
 * follow the statistics); test/sql/mysql-fulltext.test.ts checks that a search reads both
 * FULLTEXT keys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { Recorder, recordingPglite, recordingPgPool, recordingSqlite, type Statement } from '../../bench/capture.js';
import { createTicketService, type TicketService } from '../../src/index.js';
import { at, message, numberedTicket } from '../../src/testing/rows.js';
import type { Actor, Permission } from '../../src/types.js';
import { PG_URL, REQUIRE_PG } from './stores.js';

const TENANT = 'plans';
const TICKETS = 1000;
const VIEW: Permission[] = ['tickets.view', 'tickets.view_all'];
const operator: Actor = { kind: 'staff', id: 'op-1', resellerId: null, permissions: VIEW };
const reseller: Actor = { kind: 'staff', id: 'rs-1', resellerId: 'r-3', permissions: VIEW };
const customer: Actor = { kind: 'customer', id: 'sub-7', resellerId: 'r-7' };
const resellerStaff: Actor = { kind: 'staff', id: 'rs-2', resellerId: 'r-3', permissions: ['tickets.view'] };

/** A store on a recording driver, and how to explain a statement on its database. */
interface PlanTarget {
  name: string;
  store: SqlTicketStore;
  recorder: Recorder;
  /** The plan lines of `st`, with the Postgres settings `settings` (`name = value`) for it alone. */
  explain(st: Statement, settings?: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

async function sqliteTarget(): Promise<PlanTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'ticketry-plans-'));
  const database = new Database(join(dir, 'plans.db'));
  const recorder = new Recorder();
  const store = sqliteStore({ database: recordingSqlite(database, recorder) });
  return {
    name: 'sqlite',
    store,
    recorder,
    async explain(st) {
      const rows = database.prepare(`explain query plan ${st.sql}`).all(st.params) as { detail: string }[];
      return rows.map((r) => r.detail);
    },
    async close() {
      await store.close();
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<PlanTarget> {
  const recorder = new Recorder();
  if (PG_URL) {
    const schema = `plans_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const pool = recordingPgPool(PG_URL, recorder);
    const probe = new pg.Pool({ connectionString: PG_URL, max: 1 });
    probe.on('error', () => undefined);
    const store = postgresStore({ pool, schema });
    return {
      name: 'postgres',
      store,
      recorder,
      async explain(st, settings = []) {
        const client = await probe.connect();
        try {
          for (const setting of ['enable_seqscan = off', 'enable_sort = off', ...settings]) await client.query(`set ${setting}`);
          const { rows } = await client.query(`explain (costs off) ${st.sql}`, st.params);
          return rows.map((r: Record<string, unknown>) => String(r['QUERY PLAN']));
        } finally {
          for (const setting of settings) await client.query(`reset ${setting.split(' ')[0]!}`);
          client.release();
        }
      },
      async close() {
        await store.close();
        await probe.query(`drop schema if exists "${schema}" cascade`);
        await probe.end();
        await pool.end();
      },
    };
  }
  if (REQUIRE_PG) throw new Error('TICKETRY_PG_URL is not set, but CI requires a real Postgres server');
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
  const pglite = await PGlite.create();
  const store = postgresStore({ db: new Kysely<any>({ dialect: new PGliteDialect(recordingPglite(pglite, recorder)) }) });
  return {
    name: 'postgres (PGlite)',
    store,
    recorder,
    async explain(st, settings = []) {
      const all = ['enable_seqscan = off', 'enable_sort = off', ...settings];
      for (const setting of all) await pglite.query(`set ${setting}`);
      const result = await pglite.query<Record<string, unknown>>(`explain (costs off) ${st.sql}`, st.params);
      for (const setting of all) await pglite.query(`reset ${setting.split(' ')[0]!}`);
      return result.rows.map((r) => String(r['QUERY PLAN']));
    },
    async close() {
      await store.close();
      await pglite.close();
    },
  };
}

/**
 * `TICKETS` tickets over 30 resellers and 300 subscribers, two messages each (every
 * tenth with an internal note), one in a hundred mentioning a rare word; a second
 * tenant as large, which no plan may read.
 */
async function seed(store: SqlTicketStore): Promise<void> {
  for (const tenantId of [TENANT, 'other']) {
    for (let start = 0; start < TICKETS; start += 500) {
      await store.transaction(async (tx) => {
        for (let i = start; i < start + 500; i++) {
          const s = i % 300;
          const created = at(i * 600);
          const ticket = numberedTicket(tenantId, i + 1, {
            subject: i % 100 === 7 ? `Zebracorn modem ${i}` : `Slow connection ${i}`,
            subscriberId: `sub-${s}`,
            resellerId: s % 10 === 0 ? null : `r-${s % 30}`,
            priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4]!,
            status: (['open', 'in_progress', 'pending', 'resolved', 'closed'] as const)[i % 5]!,
            attention: i % 3,
            createdAt: created,
            updatedAt: new Date(created.getTime() + (i % 7) * 60_000),
            // Half the open tickets wait on staff (the `waiting` order's first rows).
            waitingSince: i % 10 === 0 ? created : null,
          });
          await tx.insertTicket(tenantId, ticket);
          await tx.insertMessage(tenantId, message(ticket.id, { opening: true, body: `The modem drops every hour (${i})`, createdAt: created }));
          await tx.insertMessage(
            tenantId,
            message(ticket.id, {
              body: i % 100 === 42 ? 'quasar flux capacitor replaced' : 'Please restart the router',
              authorType: 'staff',
              internal: i % 10 === 0,
              createdAt: new Date(created.getTime() + 60_000),
            }),
          );
        }
      });
    }
  }
}

/** The statements `fn` sent that read (what a plan is about). */
async function reads(target: PlanTarget, fn: () => Promise<unknown>): Promise<Statement[]> {
  const { statements } = await target.recorder.record(fn);
  return statements.filter((st) => /^\s*(select|with)\b/i.test(st.sql));
}

/** Plan lines that read a whole tickets or messages table, or sort their rows. */
function problems(kind: string, lines: string[], { sortAllowed = false } = {}): string[] {
  if (kind === 'sqlite') {
    // `SCAN t` of a `CO-ROUTINE t` reads the subquery's rows (a walk's budget), not the table.
    const coroutine = lines.includes('CO-ROUTINE t');
    return lines.filter(
      (l) =>
        (/^SCAN (t|m|b|tickets|messages|\w*tickets|\w*messages)\b/.test(l) && !/VIRTUAL TABLE/.test(l) && !(coroutine && l === 'SCAN t')) ||
        (!sortAllowed && /USE TEMP B-TREE FOR ORDER BY/.test(l)),
    );
  }
  return lines.filter(
    (l) => /Seq Scan on \S*(tickets|messages)\b/.test(l) || (!sortAllowed && /^\s*(->\s*)?(Incremental )?Sort\b/.test(l)),
  );
}

/** Postgres settings that make a parallel plan look free (for checking a statement stays serial). */
const PARALLEL_FREE = ['parallel_setup_cost = 0', 'parallel_tuple_cost = 0', 'min_parallel_table_scan_size = 0', 'min_parallel_index_scan_size = 0'];

const kinds = ['sqlite', 'postgres'] as const;

describe.each(kinds)('query plans (%s)', (kind) => {
  let target: PlanTarget;
  let desk: TicketService;

  beforeAll(async () => {
    target = kind === 'sqlite' ? await sqliteTarget() : await postgresTarget();
    await target.store.migrate();
    await seed(target.store);
    desk = createTicketService({
      store: target.store,
      tenantId: TENANT,
      clock: () => at(TICKETS * 600 + 3600),
      directory: {
        getSubscriber: (id) => ({ id, resellerId: Number(id.slice(4)) % 10 === 0 ? null : `r-${Number(id.slice(4)) % 30}` }),
        getStaff: (id) => ({ id }),
      },
    });
  }, 180_000);

  afterAll(async () => {
    await target?.close();
  });

  /**
   * Explains every read `fn` sends; none may scan or (unless allowed) sort tickets or
   * messages, and the operation's plans together must show `uses` (per dialect): the
   * search index, the daily stats buckets.
   */
  const check = async (
    fn: () => Promise<unknown>,
    options: { sortAllowed?: boolean; uses?: { sqlite: RegExp; postgres: RegExp }; forbids?: RegExp; serial?: boolean } = {},
  ) => {
    const dialect = target.name.startsWith('sqlite') ? 'sqlite' : 'postgres';
    const statements = await reads(target, fn);
    expect(statements.length, 'the operation read something').toBeGreaterThan(0);
    const all: string[] = [];
    for (const st of statements) {
      const lines = await target.explain(st, options.serial ? PARALLEL_FREE : []);
      if (options.serial) expect(lines.filter((l) => /Gather|Parallel/.test(l)), `${st.sql}\n${lines.join('\n')}`).toStrictEqual([]);
      all.push(`${st.sql}`, ...lines);
      expect(problems(dialect, lines, options), `${st.sql}\n${lines.join('\n')}`).toStrictEqual([]);
      // A walk's read of the created-at index or of the texts in the walk's order
      // (migration 014), as a co-routine (its sample or its budget), is bounded by its
      // LIMIT, not the tenant's rows.
      if (options.forbids) {
        const walked = (l: string, i: number) => /created_idx|walk_idx/.test(l) && /^CO-ROUTINE /.test(lines[i - 1] ?? '');
        const forbidden = lines.filter((l, i) => options.forbids!.test(l) && !walked(l, i));
        expect(forbidden, `${st.sql}\n${lines.join('\n')}`).toStrictEqual([]);
      }
    }
    if (options.uses) expect(all.some((l) => options.uses![dialect].test(l)), all.join('\n')).toBe(true);
  };
  const searchIndex = { sqlite: /VIRTUAL TABLE INDEX/, postgres: /Bitmap Index Scan on \S*search/ };
  const dailyBuckets = { sqlite: /ticket_stats_daily/, postgres: /ticket_stats_daily/ };
  const weeklyBuckets = { sqlite: /ticket_stats_weekly/, postgres: /ticket_stats_weekly/ };
  const monthlyBuckets = { sqlite: /ticket_stats_monthly/, postgres: /ticket_stats_monthly/ };

  it('the staff queue page', () => check(() => desk.list(operator)));
  it("a reseller's queue page", () => check(() => desk.list(reseller)));
  // Reseller staff without `view_all` see the reseller's tickets addressed to the reseller:
  // the index on all three (migration 012), not the addressed level's, which holds every
  // reseller's.
  it("a reseller staff's own queue page", () =>
    check(() => desk.list(resellerStaff), { uses: { sqlite: /tickets_reseller_addressed_idx/, postgres: /tickets_reseller_addressed_idx/ } }));
  it('the customer list, newest first', () => check(() => desk.list(customer)));
  it('a page deep in the updated order', async () => {
    let cursor: string | null = null;
    for (let i = 0; i < 3; i++) cursor = (await desk.list(operator, { sort: 'updated', limit: 200, ...(cursor ? { cursor } : {}) })).nextCursor;
    await check(() => desk.list(operator, { sort: 'updated', cursor: cursor! }));
  });
  // Migration 017: a status's own tickets in queue order (before, the queue's index read
  // until enough of that status turned up, and to its end on the last page).
  it("the queue filtered by status, for the operator and a reseller's staff", async () => {
    const pending = { status: ['pending'] };
    await check(() => desk.list(operator, pending), { uses: { sqlite: /tickets_status_queue_idx/, postgres: /tickets_status_queue_idx/ } });
    const past = (await desk.list(operator, { ...pending, limit: 150 })).nextCursor;
    await check(() => desk.list(operator, { ...pending, cursor: past! }), { uses: { sqlite: /tickets_status_queue_idx/, postgres: /tickets_status_queue_idx/ } });
    // A reseller's staff with view_all see the tenant (`scopeFor`): the tenant's index.
    await check(() => desk.list(reseller, pending), { uses: { sqlite: /tickets_status_queue_idx/, postgres: /tickets_status_queue_idx/ } });
    await check(() => desk.list(resellerStaff, pending), { uses: { sqlite: /tickets_reseller_status_queue_idx/, postgres: /tickets_reseller_status_queue_idx/ } });
  });
  // Migration 016: the generated `waiting_order` and its two indexes (a whole scope sorted before).
  it('the longest waiting first, the first page and one past the waiting tickets', async () => {
    const open = { sort: 'waiting' as const, status: ['open', 'in_progress'] };
    const waitingIndex = { sqlite: /tickets_waiting_idx/, postgres: /tickets_waiting_idx/ };
    await check(() => desk.list(operator, open), { uses: waitingIndex });
    // 100 tickets wait: the next page lists open tickets nobody waits on.
    const past = (await desk.list(operator, { ...open, limit: 150 })).nextCursor;
    await check(() => desk.list(operator, { ...open, cursor: past! }), { uses: waitingIndex });
    await check(() => desk.list(resellerStaff, open), { uses: { sqlite: /tickets_reseller_waiting_idx/, postgres: /tickets_reseller_waiting_idx/ } });
  });
  it('a search for a rare word and for a phrase (relevance sorts only the hits)', async () => {
    // The search index read by tenant alone is every index row of the tenant (SQLite
    // without `analyze` did that for a UNION of the hits, merging sorted branches).
    // Postgres is asked with parallel plans priced at nothing: a search must still be
    // serial (search-queries.ts, SERIAL: at a million tickets a rare word's parallel
    // plan spent most of its 91 ms starting workers).
    const search = { sortAllowed: true, uses: searchIndex, forbids: /^SEARCH \w+ USING (COVERING )?INDEX \S+ \(tenant_id=\?\)$/, serial: true };
    await check(() => desk.list(operator, { q: 'zebracorn' }), search);
    await check(() => desk.list(operator, { q: '"flux capacitor"' }), search);
    await check(() => desk.list(reseller, { q: 'quasar' }), search);
    // Reseller staff without view_all: the hits drive (tickets by primary key), not the
    // scope's three-column index, which SQLite took for cheaper and then read every ticket
    // addressed to the reseller (list-queries.ts).
    await check(() => desk.list(resellerStaff, { q: 'quasar' }), { ...search, forbids: /^SEARCH t USING (COVERING )?INDEX \S*tickets_reseller_addressed_idx/ });
    // A customer of a few tickets is matched on their own texts, read by key
    // (adapters/sql/subscriber-search.ts): their tickets, then those tickets' messages.
    await check(() => desk.list(customer, { q: 'quasar' }), { ...search, uses: { sqlite: /messages_thread_idx/, postgres: /messages_thread_idx/ } });
  });
  it("a search in the queue order: a rare word's hits sorted, not found in the queue's index; a common word walks that index", async () => {
    // A rare word drives the page by its hits (search-walk.ts `orderWalkPlan`); on SQLite
    // the order's keys are `+key`, so it looks them up and sorts them (reading the queue
    // index for them read every ticket of the tenant: 147 ms at 1.1M tickets). Postgres
    // looks the hits up by their ids (`= any(…)`) whichever index it takes them from.
    const rare = { sortAllowed: true, uses: searchIndex, ...(kind === 'sqlite' ? { forbids: /queue_idx/ } : {}) };
    await check(() => desk.list(operator, { q: 'zebracorn', sort: 'queue' }), rare);
    await check(() => desk.list(operator, { q: 'quasar', sort: 'queue' }), rare);
    // `router`, in most messages: a stretch of the queue index in order, nothing sorted.
    await check(() => desk.list(operator, { q: 'router', sort: 'queue' }), { uses: { sqlite: /queue_idx/, postgres: /queue_idx/ } });
  });

  it('a search found in most subjects walks the list newest first, reading no more than a page needs', async () => {
    // Every ticket's own text has "tkt" (its number): dense enough to walk
    // (adapters/sql/search-walk.ts); the walk reads an index in order, unsorted: the
    // tenant's own texts in creation order (migration 014) for a tenant-wide scope (the
    // operator, a reseller's staff with view_all), the reseller's own texts for a
    // reseller's staff without it.
    const tenantWalk = {
      sqlite: /SEARCH s USING COVERING INDEX \S*ticket_search_walk_idx/,
      postgres: /Index Scan Backward using \S*ticket_search_walk_idx/,
    };
    const resellerWalk = {
      sqlite: /SEARCH s USING COVERING INDEX \S*ticket_search_reseller_walk_idx/,
      postgres: /Index Scan Backward using \S*ticket_search_reseller_walk_idx/,
    };
    await check(() => desk.list(operator, { q: 'tkt' }), { uses: tenantWalk });
    await check(() => desk.list(reseller, { q: 'tkt' }), { uses: tenantWalk });
    // A reseller's staff without view_all walk the reseller's texts (where too few of
    // those match for a page, the hits sort them).
    await check(() => desk.list(resellerStaff, { q: 'tkt' }), { uses: resellerWalk, sortAllowed: true });
  });
  // SQLite only: Postgres orders the joins by its own costs.
  if (kind === 'sqlite') it("a walk checks each ticket's own text before it looks up the ticket row", async () => {
    // Only the matches pay for the wide ticket row; with a scope on the ticket row SQLite
    // looked it up first unless the joins fix the order (list-queries.ts).
    for (const actor of [operator, reseller]) {
      const walks: string[][] = [];
      for (const st of await reads(target, () => desk.list(actor, { q: 'tkt' }))) {
        const lines = await target.explain(st);
        // The walk's page (its sample decides whether to walk and looks up no ticket row).
        if (lines.some((l) => /created_idx|walk_idx/.test(l)) && lines.some((l) => /^SEARCH t USING INDEX sqlite_autoindex_\w*tickets_1 /.test(l))) walks.push(lines);
      }
      expect(walks.length, 'the list walked').toBeGreaterThan(0);
      for (const lines of walks) {
        const own = lines.findIndex((l) => /^SEARCH s USING \S+ INDEX \S*ticket_search/.test(l) || /^SEARCH s USING INDEX \S*ticket_search/.test(l));
        const row = lines.findIndex((l) => /^SEARCH t USING INDEX sqlite_autoindex_\w*tickets_1 /.test(l));
        expect(own, lines.join('\n')).toBeGreaterThanOrEqual(0);
        expect(row, lines.join('\n')).toBeGreaterThan(own);
      }
    }
  });
  it('stats: whole tenant, a 30-day window, a reseller', async () => {
    // No stats table is read whole: each part of a window is a range of its primary key.
    const buckets = { sortAllowed: true, forbids: /^SCAN \w*ticket_stats|Seq Scan on \S*ticket_stats/ };
    await check(() => desk.getStats(operator), buckets);
    // 2 March 11:00 to 1 April 11:00: March less its 1st (the monthly and daily buckets),
    // the edge hours scanned; 8 March 01:00 to 22 March: two weeks (migration 013).
    const month = { from: at(3600), to: at(3600 + 30 * 86400) };
    const weeks = { from: at(482_400 + 3600), to: at(1_692_000) };
    for (const actor of [operator, reseller, resellerStaff]) {
      await check(() => desk.getStats(actor, month), { ...buckets, uses: monthlyBuckets });
      await check(() => desk.getStats(actor, month), { ...buckets, uses: dailyBuckets });
      await check(() => desk.getStats(actor, weeks), { ...buckets, uses: weeklyBuckets });
    }
  });
  it('the SLA and auto-close scans of scheduled work', () => check(() => desk.runScheduledWork({ limit: 5 }), { sortAllowed: true }));
});
