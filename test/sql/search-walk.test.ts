/**
 * The search walk (adapters/sql/search-walk.ts): a relevance page found by walking the
 * list newest first must be exactly the page the index hits give, for every scope, filter,
 * page size and cursor, ties in `created_at` included; it must answer the first pages of a
 * search whose words are in many subjects, and refuse (fall back) when it cannot fill a
 * page. Migration 009 must fill SQLite's own texts for tickets written before it, and
 * migration 014 every own text's creation time (the order a tenant-wide walk reads).
 *
 * On the stores with a full-text index (SQLite FTS5, Postgres tsvector); MySQL/MariaDB
 * search by LIKE never walks.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresHooks } from '../../adapters/postgres/postgres-hooks.js';
import type { SqlDialectHooks } from '../../adapters/sql/dialect-hooks.js';
import { listTickets, walkedPage } from '../../adapters/sql/list-queries.js';
import { indexHitCounts } from '../../adapters/sql/search-queries.js';
import {
  MESSAGE_WALK_ROWS_PER_RESULT,
  nextWalkStep,
  WALK_ROWS_PER_RESULT,
  WALK_SAMPLE,
  WALK_TICKET_TEXTS,
  walkPlan,
  walkSample,
  type SearchPlan,
  type WalkStretch,
} from '../../adapters/sql/search-walk.js';
import { commonWords, estimatedTexts } from '../../adapters/sql/word-stats.js';
import { StatementCache, type QueryContext } from '../../adapters/sql/query-context.js';
import { sqliteHooks } from '../../adapters/sqlite/sqlite-hooks.js';
import { parseSearch } from '../../src/search/search-query.js';
import type { ListAfter, StoreListQuery, StoreScope, StoreSearch, StoreTicketSummary } from '../../src/store.js';
import { seededRandom } from '../../src/testing/seeded-random.js';
import { message, tenant, ticketRow } from './rows.js';
import { postgresFixture, sqliteFileFixture, sqliteMemoryFixture, storeQueryContext, type FixtureStore, type StoreFixture } from './stores.js';

const PREFIX = 'sw_';
const TICKETS = 240;
const WORDS = ['double', 'charge', 'router', 'invoice', 'march', 'refund', 'static', 'ip'];

/** What a test compares of a page: number and rank, in order. */
const shape = (rows: StoreTicketSummary[]) => rows.map((r) => `${r.number}:${r.searchRank}`);

/** The cursor after a page's last row, as the core builds it for relevance. */
const afterOf = (row: StoreTicketSummary): ListAfter => ({ rank: row.searchRank ?? 0, at: row.createdAt, id: row.id });

function walkTests(name: string, makeFixture: () => StoreFixture, hooks: SqlDialectHooks): void {
  describe(`SQL search walk: ${name}`, () => {
    const fixture = makeFixture();
    afterAll(() => fixture.dispose());
    const t = tenant();

    /**
     * A desk whose subjects share few words: most searches find many tickets. With
     * `orders`, tickets updated out of creation order, waiting since various times and of
     * raised attention (for the list's other orders).
     */
    async function seeded(orders = false): Promise<{ fx: FixtureStore; ctx: QueryContext }> {
      const fx = await fixture.create({ tablePrefix: PREFIX });
      const random = seededRandom(13);
      const pick = () => WORDS[Math.floor(random() * WORDS.length)]!;
      await fx.store.transaction(async (tx) => {
        for (let n = 1; n <= TICKETS; n++) {
          // Runs of tickets created in the same millisecond: ties broken by id.
          const createdAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(n / 3) * 60_000);
          const subject =
            n % 4 === 0 ? `Double charge for ${pick()}` : n % 8 === 5 ? `Follow-up to TKT-8: ${pick()}` : `${pick()} ${pick()} ${pick()}`;
          const updatedAt = orders && n % 3 === 1 ? new Date(Date.UTC(2026, 2, 1) + ((n * 7919) % 1000) * 60_000) : createdAt;
          const row = ticketRow(t, n, {
            subject,
            createdAt,
            updatedAt,
            ...(orders ? { waitingSince: n % 4 === 0 ? null : updatedAt, attention: n % 5 } : {}),
            subscriberId: `sub-${n % 5}`,
            resellerId: n % 3 === 0 ? 'res-1' : null,
            status: n % 7 === 0 ? 'closed' : 'open',
            archived: n % 11 === 0,
            deletedAt: n % 29 === 0 ? createdAt : null,
          });
          await tx.insertTicket(t, row);
          await tx.insertMessage(t, message(row.id, { body: `about ${pick()} and ${pick()}`, opening: true, authorId: row.subscriberId }));
          if (n % 2 === 0) {
            await tx.insertMessage(t, message(row.id, { body: `note on ${pick()}`, internal: true, authorType: 'staff' }));
          }
        }
      });
      return { fx, ctx: storeQueryContext(fx, hooks, PREFIX) };
    }

    /**
     * Pages through `q` in `scope` by the hits, and at each cursor asks the walk for the
     * same page: every page the walk answers must equal the hits' page. Returns how many
     * pages the walk answered.
     */
    async function compare(
      ctx: QueryContext,
      scope: StoreScope,
      query: Omit<StoreListQuery, 'sort' | 'limit'>,
      limit: number,
      plan: SearchPlan = 'walk',
      sort: StoreListQuery['sort'] = 'relevance',
    ): Promise<number> {
      let after: ListAfter | undefined;
      let walked = 0;
      // The first pages are what a walk is for; further on it gives way to the hits.
      for (let page = 0; page < 8; page++) {
        const q: StoreListQuery = { ...query, sort, limit, ...(after ? { after } : {}) };
        const byHits = await listTickets(ctx, scope, q, 'hits');
        const byWalk = await walkedPage(ctx, scope, q, plan);
        if (byWalk !== null) {
          walked++;
          expect(shape(byWalk), `page ${page} of ${JSON.stringify(query.search)}`).toStrictEqual(shape(byHits));
          expect(byWalk.map((r) => r.id)).toStrictEqual(byHits.map((r) => r.id));
        }
        // Whatever the plan, the list answers with the hits' page.
        expect(shape(await listTickets(ctx, scope, q, plan))).toStrictEqual(shape(byHits));
        expect(shape(await listTickets(ctx, scope, q))).toStrictEqual(shape(byHits));
        if (byHits.length < limit) break;
        const last = byHits[byHits.length - 1]!;
        // The cursor as the core encodes it for the order (`src/list-cursor.ts`).
        const at = sort === 'waiting' ? last.waitingSince : sort === 'queue' || sort === 'updated' ? last.updatedAt : last.createdAt;
        after = sort === 'relevance' ? afterOf(last) : { at, id: last.id, ...(sort === 'queue' ? { attention: last.attention } : {}) };
      }
      return walked;
    }

    const staff: StoreScope = { tenantId: t, visibility: 'staff' };
    const reseller: StoreScope = { tenantId: t, visibility: 'staff', resellerId: 'res-1' };
    const customer: StoreScope = { tenantId: t, visibility: 'customer', subscriberId: 'sub-2' };

    /**
     * `compare` for `search` with `plan` as staff (a page of each of `limits`), a reseller,
     * a reseller's staff, a customer, and staff with filters. Returns the pages answered.
     */
    async function compareScopes(
      ctx: QueryContext,
      search: StoreSearch,
      plan: SearchPlan,
      limits: number[],
      sort: StoreListQuery['sort'] = 'relevance',
    ): Promise<number> {
      let answered = 0;
      for (const limit of limits) answered += await compare(ctx, staff, { search }, limit, plan, sort);
      answered += await compare(ctx, reseller, { search }, 5, plan, sort);
      // A reseller's staff: what is addressed to the reseller, of its own requesters.
      answered += await compare(ctx, { ...reseller, addressedTo: 'reseller', requesterResellerId: null }, { search }, 3, plan, sort);
      answered += await compare(ctx, customer, { search }, 2, plan, sort);
      answered += await compare(ctx, staff, { search, status: ['open'], archived: false }, 4, plan, sort);
      return answered;
    }

    it('answers the first pages of a search found in many subjects exactly as the hits do, in every scope and with filters', async () => {
      const { ctx } = await seeded();
      let walked = 0;
      for (const q of ['"double charge"', 'double', 'charge march', 'doub', 'TKT-8', 'router ip']) {
        const search = parseSearch(q);
        walked += await compareScopes(ctx, search, 'walk', [1, 7, 26]);
        walked += await compare(ctx, staff, { search, deleted: true }, 2);
      }
      expect(walked).toBeGreaterThan(50);
      // Every statement of a search is compiled once per shape (each reuse checked against a
      // fresh build: \`StatementCache.checkKeys\`), the walk's and the hits' alike.
      const keys = [...(ctx.statements as StatementCache).uncachedKeys()];
      expect(keys).toStrictEqual([]);
    });

    it('answers pages of a search found in many messages exactly as the hits do: the own-text matches, then the message matches', async () => {
      const { ctx } = await seeded();
      let walked = 0;
      // Words in the bodies (`about`, `note` only in internal notes), in subjects and bodies
      // both, chunks found in different texts of a ticket, a number with words.
      for (const q of ['about', 'note', 'router ip', 'charge march', '"note on" double', 'TKT-8 about', 'rou sta']) {
        const search = parseSearch(q);
        walked += await compareScopes(ctx, search, 'messages', [1, 25]);
        walked += await compare(ctx, { ...customer, resellerId: 'res-1' }, { search }, 2, 'messages');
      }
      expect(walked).toBeGreaterThan(100);
      // A customer's walk never looks at internal notes: `note` is in nothing they may see.
      const notes = parseSearch('note');
      expect(await walkedPage(ctx, customer, { sort: 'relevance', limit: 1, search: notes }, 'messages')).toStrictEqual([]);
      expect(await walkedPage(ctx, staff, { sort: 'relevance', limit: 1, search: notes }, 'messages')).not.toBeNull();
      expect([...(ctx.statements as StatementCache).uncachedKeys()]).toStrictEqual([]);
    });

    it('walks on past its first stretch for matches that are few and old, and a walk that read every ticket answers what it found', async () => {
      const { fx, ctx } = await seeded();
      // Two tickets older than the rest, each word in another message of theirs: the first
      // stretch of a page of one (MESSAGE_WALK_ROWS_PER_RESULT tickets) finds nothing.
      await fx.store.transaction(async (tx) => {
        for (const n of [901, 902]) {
          const createdAt = new Date(Date.UTC(2025, 0, 1) + n * 60_000);
          const row = ticketRow(t, n, { subject: 'old', createdAt, updatedAt: createdAt, subscriberId: 'sub-2', resellerId: 'res-1' });
          await tx.insertTicket(t, row);
          await tx.insertMessage(t, message(row.id, { body: 'zulu words', opening: true, authorId: row.subscriberId }));
          await tx.insertMessage(t, message(row.id, { body: 'yankee words', authorType: 'staff', authorId: 'st-1', internal: n === 902 }));
        }
      });
      expect(MESSAGE_WALK_ROWS_PER_RESULT).toBeLessThan(TICKETS);
      const search = parseSearch('zulu yankee');
      // Page after page as the hits give them, the last (empty) one when the walk read every ticket.
      expect(await compare(ctx, staff, { search }, 1, 'messages')).toBe(3);
      expect(await compare(ctx, reseller, { search }, 1, 'messages')).toBe(3);
      // A customer sees `yankee` only in the ticket whose message is not internal.
      const mine = await walkedPage(ctx, customer, { sort: 'relevance', limit: 5, search }, 'messages');
      expect(mine?.map((r) => r.number)).toStrictEqual(['TKT-901']);
      expect([...(ctx.statements as StatementCache).uncachedKeys()]).toStrictEqual([]);
    });

    it('walks on only while the hits would read more texts than the walk reads tickets (WALK_TICKET_TEXTS each)', async () => {
      let { ctx } = await seeded();
      if (hooks.capabilities.fullText === 'tsvector') {
        // Postgres estimates the hits from its statistics.
        await sql`analyze`.execute(ctx.db);
        ctx = { ...ctx, statements: new StatementCache() };
        const about = await estimatedTexts(ctx, parseSearch('about').phrases);
        expect(about).toBeGreaterThan(TICKETS * 0.9);
        expect(about).toBeLessThan(TICKETS * 1.1);
        expect(await estimatedTexts(ctx, parseSearch('abou').phrases)).toBeGreaterThanOrEqual(about);
        expect(await estimatedTexts(ctx, parseSearch('zebra').phrases)).toBe(0);
        expect(await estimatedTexts(ctx, parseSearch('about zebra').phrases)).toBe(about);
      }
      // `about` is in every ticket's first message (TICKETS texts); each stretch doubles the tickets walked.
      const rate = WALK_TICKET_TEXTS[hooks.capabilities.fullText as 'fts5' | 'tsvector'];
      const search = parseSearch('about');
      const step: WalkStretch = { rank: 0, after: undefined, rows: 1 };
      const few = Math.floor((TICKETS * 0.8) / (2 * rate));
      const next = await nextWalkStep(ctx, staff, search, step, few, 'auto');
      expect(next).toMatchObject({ rank: 0, rows: few });
      expect(next === null || next === 'done' ? null : next.after?.id).toBeDefined();
      expect(await nextWalkStep(ctx, staff, search, step, Math.ceil((TICKETS * 1.25) / (2 * rate)), 'auto')).toBeNull();
      // Asked for the walk, it goes on; from the last ticket there is nothing more to read.
      expect(await nextWalkStep(ctx, staff, search, step, TICKETS, 'messages')).toMatchObject({ rank: 0, rows: TICKETS });
      expect(await nextWalkStep(ctx, staff, search, { rank: 0, after: undefined, rows: TICKETS + 1 }, TICKETS, 'auto')).toBe('done');
    });

    it('answers pages of a search in the newest order by walking over every ticket it matches, exactly as the hits do', async () => {
      const { ctx } = await seeded();
      let walked = 0;
      // Words in subjects and bodies, only in internal notes, a number with words, a number alone, prefixes.
      for (const q of ['about', 'double', 'note', 'router ip', '"note on" double', 'TKT-8 about', 'TKT-8', 'rou sta']) {
        const search = parseSearch(q);
        walked += await compareScopes(ctx, search, 'messages', [1, 25], 'newest');
        walked += await compare(ctx, staff, { search, deleted: true }, 3, 'messages', 'newest');
      }
      expect(walked).toBeGreaterThan(100);
      // A rare phrase beside another drives the page in any order, each phrase as the driver.
      for (const q of ['about router ip', 'TKT-8 march']) {
        const search = parseSearch(q);
        for (const [i] of search.phrases.entries()) walked += await compareScopes(ctx, search, { driven: i }, [7], 'newest');
      }
      const queue = await listTickets(ctx, staff, { sort: 'queue', limit: 9, search: parseSearch('about zebra') }, 'hits');
      expect(shape(await listTickets(ctx, staff, { sort: 'queue', limit: 9, search: parseSearch('about zebra') }, { driven: 1 }))).toStrictEqual(shape(queue));
      // The decisions: a common word walks, a rare one beside it drives, a rare one alone goes by its hits.
      let decided = ctx;
      if (hooks.capabilities.fullText === 'tsvector') {
        await sql`analyze`.execute(ctx.db);
        decided = { ...ctx, statements: new StatementCache() };
      }
      const planOf = async (q: string, sort: 'newest' | 'queue' = 'newest') =>
        (await walkPlan(decided, staff, { sort, limit: 5, search: parseSearch(q) }, 'auto'))?.map((step) => step.rank) ?? null;
      expect(await planOf('about')).toStrictEqual(['any']);
      expect(await planOf('about router')).toStrictEqual(['any']);
      expect(await planOf('about zebra')).toStrictEqual(['driven']);
      expect(await planOf('about zebra', 'queue')).toStrictEqual(['driven']);
      expect(await planOf('about router', 'queue')).toStrictEqual(['list']);
      // A rare phrase alone drives too: its few hits are looked up and sorted.
      expect(await planOf('zebra')).toStrictEqual(['driven']);
      expect(await planOf('zebra', 'queue')).toStrictEqual(['driven']);
      expect([...(ctx.statements as StatementCache).uncachedKeys()]).toStrictEqual([]);
    }, 120_000);

    it('answers pages of a search in the list\'s other orders by walking over the list itself, exactly as the hits do', async () => {
      const { fx, ctx } = await seeded(true);
      let walked = 0;
      for (const sort of ['queue', 'updated', 'oldest', 'waiting'] as const) {
        for (const q of ['about', 'router ip', 'TKT-8 about']) walked += await compareScopes(ctx, parseSearch(q), 'messages', [1, 9], sort);
        // A rare phrase alone, its hits sorted (on SQLite not read in the order's index).
        walked += await compareScopes(ctx, parseSearch('TKT-8'), { driven: 0 }, [3], sort);
      }
      expect(walked).toBeGreaterThan(100);
      // A word in every listed ticket but the first MESSAGE_WALK_ROWS_PER_RESULT of the
      // order: a page of one is the first ticket of the walk's second stretch.
      for (const sort of ['queue', 'updated', 'oldest', 'waiting', 'newest'] as const) {
        const listed = await listTickets(ctx, staff, { sort, limit: TICKETS + 1 }, 'hits');
        const word = `zz${sort}`;
        await fx.store.transaction(async (tx) => {
          for (const row of listed.slice(MESSAGE_WALK_ROWS_PER_RESULT)) await tx.insertMessage(t, message(row.id, { body: word, authorType: 'staff', authorId: 'st-1' }));
        });
        const page = await walkedPage(ctx, staff, { sort, limit: 1, search: parseSearch(word) }, 'messages');
        expect(page?.map((r) => r.id), sort).toStrictEqual([listed[MESSAGE_WALK_ROWS_PER_RESULT]!.id]);
        expect(await compare(ctx, staff, { search: parseSearch(word) }, 7, 'messages', sort)).toBeGreaterThan(5);
      }
      expect([...(ctx.statements as StatementCache).uncachedKeys()]).toStrictEqual([]);
    }, 240_000);

    it('answers a page driven by any one phrase\'s hits, the others checked per ticket, exactly as the hits do', async () => {
      const { ctx } = await seeded();
      let driven = 0;
      for (const q of ['about router ip', 'TKT-8 march', '"note on" charge']) {
        const search = parseSearch(q);
        for (const [i] of search.phrases.entries()) {
          const plan = { driven: i };
          driven += await compareScopes(ctx, search, plan, [7]);
        }
      }
      expect(driven).toBeGreaterThan(100);
      expect([...(ctx.statements as StatementCache).uncachedKeys()]).toStrictEqual([]);
    }, 120_000);

    it('walks over message matches only for common phrases that a sample finds often enough', async () => {
      let { ctx } = await seeded();
      const planOf = async (scope: StoreScope, q: string, after?: ListAfter) =>
        (await walkPlan(ctx, scope, { sort: 'relevance', limit: 5, search: parseSearch(q), ...(after ? { after } : {}) }, 'auto'))?.map(
          (step) => step.rank,
        ) ?? null;
      if (hooks.capabilities.fullText === 'tsvector') {
        // Postgres decides rarity by its statistics: none before ANALYZE, so no walk.
        expect(await planOf(staff, 'about')).toBeNull();
        await sql`analyze`.execute(ctx.db);
        expect(await commonWords({ ...ctx, statements: new StatementCache() })).toContain('about');
        ctx = { ...ctx, statements: new StatementCache() };
      }
      // `about` opens every ticket's first message: the tickets of rank 1 and 2 (none),
      // then the walk over message matches; from a cursor among rank 0, the walk alone.
      expect(await planOf(staff, 'about')).toStrictEqual(['own', 0]);
      expect(await planOf(staff, 'about', { rank: 0, at: new Date(Date.UTC(2026, 0, 2)), id: 'tk-z' })).toStrictEqual([0]);
      expect(await planOf(staff, 'about router')).toStrictEqual(['own', 0]);
      // In many subjects: the walk over own texts.
      expect(await planOf(staff, 'double')).toStrictEqual([1]);
      // A word in no text, or in few: the page is driven by its hits, the others checked per ticket.
      expect(await planOf(staff, 'about zebra')).toStrictEqual(['driven']);
      expect(await planOf(staff, 'zebra')).toBeNull();
      // `note` is common in staff's texts (internal notes) but in none a customer sees: the
      // sample finds none for them.
      expect(await planOf(staff, 'note')).toStrictEqual(['own', 0]);
      expect(await planOf(customer, 'note')).toBeNull();
    });

    it('starts with the exact-number ticket, then its rank-1 tickets newest first', async () => {
      const { ctx } = await seeded();
      const scope: StoreScope = { tenantId: t, visibility: 'staff' };
      const page = await walkedPage(ctx, scope, { sort: 'relevance', limit: 4, search: parseSearch('TKT-8') }, 'walk');
      expect(page).not.toBeNull();
      expect(page![0]!.number).toBe('TKT-8');
      expect(page!.map((r) => r.searchRank)).toStrictEqual([2, 1, 1, 1]);
      const created = page!.slice(1).map((r) => r.createdAt.getTime());
      expect(created).toStrictEqual([...created].sort((a, b) => b - a));
    });

    it('refuses a page it cannot fill: past the rank-1 tickets, or with no match within its budget', async () => {
      const { ctx } = await seeded();
      const scope: StoreScope = { tenantId: t, visibility: 'staff' };
      // A word in no subject: nothing of rank 1 to walk to.
      expect(await walkedPage(ctx, scope, { sort: 'relevance', limit: 5, search: parseSearch('about') }, 'walk')).toBeNull();
      // Another sort than relevance is never walked over own texts.
      expect(await walkedPage(ctx, scope, { sort: 'newest', limit: 5, search: parseSearch('double') }, 'walk')).toBeNull();
      expect(await walkedPage(ctx, scope, { sort: 'updated', limit: 5, search: parseSearch('double') }, 'walk')).toBeNull();
      // A cursor among the rank-0 tickets is never walked.
      const rankZero: ListAfter = { rank: 0, at: new Date(Date.UTC(2026, 0, 2)), id: 'tk-z' };
      expect(await walkedPage(ctx, scope, { sort: 'relevance', limit: 5, search: parseSearch('double'), after: rankZero }, 'walk')).toBeNull();
      // Decided by a sample: whether one in WALK_ROWS_PER_RESULT of the first WALK_SAMPLE
      // tickets the walk would read has the phrase in its own text.
      expect(WALK_SAMPLE / WALK_ROWS_PER_RESULT).toBe(4);
      const search = parseSearch('"double charge"');
      const everyTicket: StoreScope = { tenantId: t, visibility: 'staff', includeDeleted: true };
      // One subject in four has it: the walk pays, for the tenant and for an owner's tickets.
      expect((await walkSample(ctx, everyTicket, search, undefined)).pays).toBe(true);
      expect((await walkSample(ctx, { ...everyTicket, resellerId: 'res-1' }, search, undefined)).pays).toBe(true);
      expect((await walkSample(ctx, { ...everyTicket, subscriberId: 'sub-2' }, search, undefined)).pays).toBe(true);
      // No ticket at all: another tenant, an unknown reseller; a word in no subject.
      expect((await walkSample(ctx, { ...everyTicket, tenantId: tenant() }, search, undefined)).pays).toBe(false);
      expect((await walkSample(ctx, { ...everyTicket, resellerId: 'res-none' }, search, undefined)).pays).toBe(false);
      expect((await walkSample(ctx, everyTicket, parseSearch('about'), undefined)).pays).toBe(false);
      // It also says whether a ticket has the searched number (any case), else the walk skips that step.
      expect((await walkSample(ctx, everyTicket, parseSearch('TKT-8'), undefined)).numbered).toBe(true);
      expect((await walkSample(ctx, everyTicket, parseSearch('tkt-8'), undefined)).numbered).toBe(true);
      expect((await walkSample(ctx, everyTicket, parseSearch('TKT-9999'), undefined)).numbered).toBe(false);
      expect((await walkSample(ctx, everyTicket, search, undefined)).numbered).toBe(false);
      // The sample starts where the walk would: past the last rank-1 ticket there is none.
      const all = await listTickets(ctx, everyTicket, { sort: 'relevance', limit: 500, search }, 'hits');
      const ranked = all.filter((r) => r.searchRank === 1);
      expect(ranked.length).toBeGreaterThanOrEqual(60);
      const last = ranked[ranked.length - 1]!;
      expect((await walkSample(ctx, everyTicket, search, { at: last.createdAt, id: last.id })).pays).toBe(false);
      // SQLite asks its index first whether the scope has that many own-text matches at
      // all, by the exact words and then by the prefix (`doub` is only a prefix).
      if (hooks.capabilities.fullText === 'fts5') {
        for (const q of ['"double charge"', 'doub']) {
          const own = (await listTickets(ctx, everyTicket, { sort: 'relevance', limit: 500, search: parseSearch(q) }, 'hits')).filter((r) => r.searchRank === 1).length;
          expect(own, q).toBeGreaterThanOrEqual(60);
          const ownCount = (cap: number) => indexHitCounts(ctx, everyTicket, parseSearch(q).phrases, cap, false, (c) => c.own >= cap);
          expect(await ownCount(own), q).toStrictEqual({ own, bodies: 0 });
          expect(await ownCount(own + 1), q).toStrictEqual({ own, bodies: 0 });
        }
        expect((await indexHitCounts(ctx, { ...everyTicket, resellerId: 'res-none' }, search.phrases, 1, false, () => false)).own).toBe(0);
        // With the bodies: `about` opens every ticket's first message, in no subject; counted up to the cap.
        expect(await indexHitCounts(ctx, everyTicket, parseSearch('about').phrases, 100, true, () => false)).toStrictEqual({ own: 0, bodies: 100 });
        expect(await indexHitCounts(ctx, everyTicket, parseSearch('about').phrases, 1000, true, () => false)).toStrictEqual({ own: 0, bodies: TICKETS });
      }
      // At the threshold: a sample (the WALK_SAMPLE tickets after a cursor, newest first)
      // holding 4 rank-1 tickets pays, one holding 3 does not.
      const newest = await listTickets(ctx, everyTicket, { sort: 'newest', limit: 500 }, 'hits');
      expect(newest.length).toBe(TICKETS);
      const isRanked = new Set(ranked.map((r) => r.id));
      const startHolding = (hits: number): number =>
        newest.findIndex((_, i) => i > 0 && newest.slice(i, i + WALK_SAMPLE).filter((r) => isRanked.has(r.id)).length === hits);
      for (const [hits, pays] of [[4, true], [3, false]] as const) {
        const i = startHolding(hits);
        expect(i).toBeGreaterThan(0);
        const cursor = newest[i - 1]!;
        expect((await walkSample(ctx, everyTicket, search, { at: cursor.createdAt, id: cursor.id })).pays, `${hits} in the sample`).toBe(pays);
      }
    });

    it('keeps own texts current: an edited subject is walked by its new words only', async () => {
      const { fx, ctx } = await seeded();
      const scope: StoreScope = { tenantId: t, visibility: 'staff' };
      const first = await walkedPage(ctx, scope, { sort: 'relevance', limit: 1, search: parseSearch('"double charge"') }, 'walk');
      const top = first![0]!;
      await fx.store.transaction(async (tx) => {
        await tx.updateTicket(t, top.id, top.version, { subject: 'Quite unrelated' });
      });
      const again = await walkedPage(ctx, scope, { sort: 'relevance', limit: 1, search: parseSearch('"double charge"') }, 'walk');
      expect(again![0]!.id).not.toBe(top.id);
      const renamed = await listTickets(ctx, scope, { sort: 'relevance', limit: 5, search: parseSearch('unrelated') }, 'walk');
      expect(renamed.map((r) => [r.id, r.searchRank])).toStrictEqual([[top.id, 1]]);
    });

    if (hooks.capabilities.fullText === 'fts5') {
      it('migration 009 fills the own texts of the tickets a store held before it', async () => {
        const { fx, ctx } = await seeded();
        const scope: StoreScope = { tenantId: t, visibility: 'staff' };
        const q: StoreListQuery = { sort: 'relevance', limit: 9, search: parseSearch('"double charge"') };
        const before = shape((await walkedPage(ctx, scope, q, 'walk'))!);
        expect(await fx.migrateTo('008-stats-by-day')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext', 'down 010-owner-tokens', 'down 009-search-walk']);
        // Up again to the latest (the walk reads what later migrations add too).
        await fx.store.migrate();
        expect(shape((await walkedPage(ctx, scope, q, 'walk'))!)).toStrictEqual(before);
        expect(before).toStrictEqual(shape(await listTickets(ctx, scope, q, 'hits')));
      });
    }

    it('migration 014 gives the own texts of the tickets a store held before it their creation times and resellers, and the rebuild any written without', async () => {
      const { fx, ctx } = await seeded();
      const scopes: StoreScope[] = [
        { tenantId: t, visibility: 'staff' },
        { tenantId: t, visibility: 'staff', resellerId: 'res-1' },
      ];
      const q: StoreListQuery = { sort: 'relevance', limit: 9, search: parseSearch('"double charge"') };
      // A walk that cannot fill the page answers null (the hits then do).
      const walked = async () =>
        Promise.all(scopes.map(async (scope) => {
          const page = await walkedPage(ctx, scope, q, 'walk');
          return page === null ? null : shape(page);
        }));
      const before = await walked();
      for (const [i, scope] of scopes.entries()) expect(before[i]).toStrictEqual(shape(await listTickets(ctx, scope, q, 'hits')));
      for (const page of before) expect(page?.length).toBe(9);
      expect(await fx.migrateTo('013-stats-by-week')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order']);
      expect(await fx.migrateTo('014-search-walk-order')).toStrictEqual(['up 014-search-walk-order']);
      expect(await walked()).toStrictEqual(before);
      // Rows written by the code before 014 during a rolling upgrade carry neither: the
      // walks do not read them (their pages are then not the hits') until the rebuild
      // fills them.
      await fx.query(`update ${fx.table('ticket_search')} set created_at = null, reseller_id = null`);
      for (const [i, page] of (await walked()).entries()) expect(page).not.toStrictEqual(before[i]);
      await fx.store.rebuildSearchIndex();
      expect(await walked()).toStrictEqual(before);
      const [row] = await fx.query<{ n: unknown }>(`select count(*) as n from ${fx.table('ticket_search')} where created_at is null`);
      expect(Number(row!.n)).toBe(0);
    });

    it('migration 010 writes the owner tokens of the tickets and messages a store held before it (and down removes them)', async () => {
      const { fx, ctx } = await seeded();
      const q: StoreListQuery = { sort: 'relevance', limit: 7, search: parseSearch('"double charge"') };
      // "about" is in every opening message: message hits, narrowed by the messages' tokens.
      const inBodies: StoreListQuery = { sort: 'relevance', limit: 7, search: parseSearch('about') };
      const pages = async () => [
        shape(await listTickets(ctx, reseller, q)),
        shape(await listTickets(ctx, customer, q)),
        shape(await listTickets(ctx, reseller, inBodies)),
        shape(await listTickets(ctx, customer, inBodies)),
      ];
      const before = await pages();
      const ownOf = async (scope: StoreScope) => (await listTickets(ctx, scope, q, 'hits')).filter((r) => r.searchRank === 1).length;
      expect(await ownOf(reseller)).toBeGreaterThan(0);
      expect(await fx.migrateTo('009-search-walk')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext', 'down 010-owner-tokens']);
      // Without the tokens the index holds no ticket of the reseller's (which is why
      // 010 must rewrite every ticket indexed before it).
      expect(await ownOf(reseller)).toBe(0);
      expect(await ownOf(customer)).toBe(0);
      expect(await listTickets(ctx, customer, inBodies, 'hits')).toStrictEqual([]);
      // A customer this small is matched on their own texts, which need no tokens
      // (adapters/sql/subscriber-search.ts).
      expect(shape(await listTickets(ctx, customer, inBodies))).toStrictEqual(before[3]);
      await fx.store.migrate();
      expect(await ownOf(reseller)).toBeGreaterThan(0);
      expect(await ownOf(customer)).toBeGreaterThan(0);
      expect(await pages()).toStrictEqual(before);
      for (const page of before) expect(page.length).toBeGreaterThan(0);
    });
  });
}

walkTests('sqlite (:memory:)', sqliteMemoryFixture, sqliteHooks());
walkTests('sqlite (file)', sqliteFileFixture, sqliteHooks());
walkTests('postgres', postgresFixture, postgresHooks());
