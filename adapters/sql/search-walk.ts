/**
 * When a search walks the list instead of gathering its hits.
 *
 * A search is normally driven by its index hits (`search-queries.ts`): every ticket that
 * has the words is looked up, ranked and sorted, so its cost grows with the tickets it
 * finds — a phrase in one subject in twenty is 50,000 tickets at a million. In relevance
 * order the first pages of such a search are the exact-number ticket (rank 2) and then
 * the newest tickets whose own number and subject have every phrase (rank 1). Those can
 * be found by walking the list newest first (the `(tenant, created_at, id)` index) and
 * checking each ticket's own text on its `ticket_search` row, stopping when the page is
 * full: the cost is the page divided by the share of tickets that match.
 *
 * The walk is tried when at least one in `WALK_ROWS_PER_RESULT` of the first
 * `WALK_SAMPLE` tickets it would read matches (the density its budget needs, checked on
 * those tickets' own rows: a fixed cost, where counting the matches from the index cost
 * what the index reads for the words, on Postgres their every hit), and it reads at most
 * `WALK_ROWS_PER_RESULT` index entries per row of the page (the tenant's tickets, or the
 * scope's subscriber's or reseller's, newest first; the scope's other conditions and the
 * filters apply to what it read, so they cannot make it read further). It answers only with a full page:
 * when the scope or the filters leave fewer matches than that within its budget, or the
 * page reaches past the rank-1 tickets, the list falls back to the hits. Either way the
 * page is exactly what the hits would give.
 *
 * When few own texts have the words but many messages do (`invoice march`: both words in
 * 1.5 % of the tickets, each in hundreds of thousands of texts), the tickets of rank 2
 * and 1 come from the own-text index alone and then a walk over message matches takes
 * the rank-0 tickets newest first, checking each walked ticket's own text and visible
 * messages for every phrase (`messageWalkPlan`). That walk goes on past its first stretch
 * (twice the tickets each time) while the hits would read more texts than it reads
 * tickets, `WALK_TICKET_TEXTS` each (`nextWalkStep`): several common words that few
 * tickets hold together are found by walking on, where gathering every word's texts cost
 * seconds; and a walk that read every ticket answers what it found, full page or not.
 * And when one of several phrases is rare, no walk: the page is driven by that phrase's
 * hits, each checked for the others (`'driven'`). Both are decided by what the index
 * (SQLite) or the statistics (Postgres) say of each phrase first, then by a sample (or,
 * for the walk over message matches, by the hits being many: `hitsOutweigh`).
 *
 * The other orders walk too (`orderWalkPlan`): `newest` over the tickets newest first,
 * keeping every ticket the search matches whatever its rank; the queue, `updated`,
 * `oldest` and `waiting` over the list itself in its order (the stretch is built in
 * `list-queries.ts`). Both go on and give way to the hits as the walk over message
 * matches does, and a rare phrase beside others drives the page in every order.
 */
import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { ListAfter, StoreListQuery, StoreScope, StoreSearch } from '../../src/store.js';
import { keysetAfter } from './keyset.js';
import { convertedArgs, runCached, scopeFromArgs, scopeParts, type QueryContext } from './query-context.js';
import type { TicketryDatabase } from './schema.js';
import { indexHitCounts, messageRankZero, numberKeys, ownTextRankOne, searchMatches } from './search-queries.js';
import { boundSearch, searchArgs, searchFor, searchFromArgs, searchShape, type BoundSearch, type SearchUse } from './search-values.js';
import { commonWords, estimatedTexts, mayBeCommon } from './word-stats.js';

/**
 * How a list runs a search: by the hits, by a walk where one can answer, or as decided;
 * `'walk'` asks for the walk over own texts, `'messages'` for the walk over message
 * matches (each where it can answer), `{ driven: i }` for the page driven by phrase i's
 * hits: tests compare them with the hits.
 */
export type SearchPlan = 'auto' | 'hits' | 'walk' | 'messages' | { driven: number };

/**
 * One step of a walk: the exact-number ticket (rank 2), a walk over the tickets whose own
 * text matched (rank 1), the tickets of rank 2 and 1 from the own-text index (`'own'`:
 * the list's cursor applies), or a walk over the tickets a message matched (rank 0). Or
 * no walk but the page driven by one rare phrase's hits (`'driven'`, the list's cursor
 * applies: `drivenRest` in `search-queries.ts`), an answer whether full or not. In the
 * `newest` order, a walk over the tickets the search matches, whatever their rank
 * (`'any'`); in the other orders, a walk over the list itself in its order, keeping the
 * tickets the search matches (`'list'`: its cursor is the list's).
 */
export type WalkStep =
  | { rank: 2 }
  | { rank: 'own' }
  | { rank: WalkRank; after: { at: Date; id: string } | undefined; rows: number }
  | { rank: 'list'; after: ListAfter | undefined; rows: number }
  | { rank: 'driven'; phrase: number };

/**
 * What a walk keeps: the tickets of rank 1 (own texts), of rank 0 (messages), or every
 * ticket the search matches (`'any'`, for the `newest` order).
 */
export type WalkRank = 1 | 0 | 'any';

/** A step that walks: `rows` tickets in its order after `after`. */
export type WalkStretch = Extract<WalkStep, { rows: number }>;

/** Index entries a walk reads at most per row of the page (2 % of them must be on the page). */
export const WALK_ROWS_PER_RESULT = 50;

/** The tickets a walk would read first that are checked to decide whether it pays. */
export const WALK_SAMPLE = 200;

/**
 * Tickets a walk over message matches reads at most per row of the page (1 % of them must
 * be on the page). Each costs a lookup of its messages per phrase where an own-text walk
 * reads an index entry, but what it saves is larger: such a search's hits are the
 * phrases' every message (`invoice march`, 1.5 % of the tickets: 2 s on SQLite at a million).
 */
export const MESSAGE_WALK_ROWS_PER_RESULT = 100;

/**
 * The tickets a walk over message matches would read first that are checked to decide
 * whether it pays: at least one in `MESSAGE_WALK_ROWS_PER_RESULT` must match.
 */
export const MESSAGE_WALK_SAMPLE = 100;

/**
 * How many texts the index hits must read for a walk over message matches to go on past
 * a stretch (`nextWalkStep`), per ticket the walk will then have read, per dialect. At
 * 1.1M tickets SQLite's walk checks a ticket in about 6 us and its hits cost 3.5-5.5 us a
 * text (the index entry, its message looked up, the ticket kept for the intersection);
 * Postgres's walk about 28 us a ticket for eight common words, 40-70 for two, its hits
 * about 8 us a text. Set at about twice the cost ratio: each stretch doubles the tickets
 * read, so a search the walk cannot fill costs at most about 1.3x its hits, and one the
 * walk fills is walked while walking is the cheaper.
 */
export const WALK_TICKET_TEXTS = { fts5: 4, tsvector: 8 } as const;

/** The keys of a walk's tickets: tenant, id and creation time (the walk's order). */
type WalkedKeys = SelectQueryBuilder<TicketryDatabase & { t: TicketryDatabase['tickets'] }, 't', { tenant_id: string; id: string; created_at: unknown }>;

/**
 * The keys of at most `rows` tickets a walk reads, newest first after `after`: the
 * tenant's, or the scope's subscriber's or reseller's (what an index serves in that
 * order; the scope's other conditions and the list's filters apply to the rows read).
 */
export function walkedKeys(ctx: QueryContext, scope: StoreScope, after: { at: Date; id: string } | undefined, rows: number): WalkedKeys {
  let walked = ctx.db
    .selectFrom('tickets as t')
    .select(['t.tenant_id', 't.id', 't.created_at'])
    .where('t.tenant_id', '=', scope.tenantId);
  if (scope.subscriberId !== undefined) walked = walked.where('t.subscriber_id', '=', scope.subscriberId);
  else if (scope.resellerId !== undefined) walked = walked.where('t.reseller_id', '=', scope.resellerId);
  if (after !== undefined) {
    walked = walked.where(keysetAfter(ctx, [sql.ref('t.created_at'), sql.ref('t.id')], '<', [ctx.hooks.toDate(after.at), after.id]));
  }
  return walked.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(rows) as WalkedKeys;
}

/** The keys of a walk's tickets that it keeps, newest first. */
export type WalkMatches = SelectQueryBuilder<any, any, { tenant_id: string; id: string; created_at: unknown }>;

/**
 * What a walk keeps of the `ticket_search` rows `s` it reads: for `rank` 1 the tickets
 * whose own text gives them that rank (`ownTextRankOne`), for 0 those a message gives it
 * (`messageRankZero`), for `'any'` every ticket the search matches (`searchMatches`);
 * `bound` as `searchFor` gives it for the walk (`walkUse`).
 */
export function walkKeeps(ctx: QueryContext, scope: StoreScope, bound: BoundSearch, rank: WalkRank): Expression<SqlBool> {
  if (rank === 'any') return searchMatches(ctx, scope, bound);
  return rank === 1 ? ownTextRankOne(ctx, bound) : messageRankZero(ctx, scope, bound);
}

/** The values of the search a walk for `rank` binds (`searchFor`). */
export function walkUse(rank: WalkRank): SearchUse {
  if (rank === 'any') return 'any';
  return rank === 1 ? 'walk' : 'messages';
}

/**
 * The tickets the walk keeps (`keep`, on their `ticket_search` rows `s`: `walkKeeps`;
 * none given: every ticket read) among at most `rows` it reads newest first after
 * `after`, newest first. `after.at` and `rows` as they are bound (a cached statement
 * converts `after.at` up front: `convertedArgs`).
 *
 * A tenant-wide or a reseller's walk on a dialect whose `ticket_search` rows carry their
 * ticket's creation time and reseller in the walk's indexes (migration 014: SQLite,
 * Postgres) reads those rows in order and checks each one as it reads it. A subscriber's
 * walk reads the tickets' keys (`walkedKeys`) and looks each one's `ticket_search` row
 * up. Either way the same rows in the same order: a ticket's `ticket_search.created_at`
 * and `reseller_id` are its own.
 */
export function walkedMatches(
  ctx: QueryContext,
  scope: StoreScope,
  keep: Expression<SqlBool> | undefined,
  after: { at: Date; id: string } | undefined,
  rows: number,
): WalkMatches {
  const check = <Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q => (keep === undefined ? query : query.where(keep)) as Q;
  if (scope.subscriberId === undefined && ctx.hooks.capabilities.fullText !== 'like') {
    // What the walk's indexes hold (on SQLite all of it: the read is an index's alone).
    const text = ctx.hooks.capabilities.fullText === 'tsvector' ? 's.vector' : 's.search_text';
    let read = ctx.db
      .selectFrom('ticket_search as s')
      .select(['s.tenant_id', 's.ticket_id', 's.created_at', 's.number_key', text])
      .where('s.tenant_id', '=', scope.tenantId);
    if (scope.resellerId !== undefined) read = read.where('s.reseller_id', '=', scope.resellerId);
    if (after !== undefined) {
      read = read.where(keysetAfter(ctx, [sql.ref('s.created_at'), sql.ref('s.ticket_id')], '<', [ctx.hooks.toDate(after.at), after.id]));
    }
    read = read.orderBy('s.created_at', 'desc').orderBy('s.ticket_id', 'desc').limit(rows);
    return check(
      ctx.db
        .selectFrom(read.as('s'))
        .select(['s.tenant_id', 's.ticket_id as id', 's.created_at'])
        .orderBy('s.created_at', 'desc')
        .orderBy('s.ticket_id', 'desc')
        .limit(rows),
    ) as unknown as WalkMatches;
  }
  return check(
    ctx.db
      .selectFrom(walkedKeys(ctx, scope, after, rows).as('w'))
      .innerJoin('ticket_search as s', (join) => join.onRef('s.tenant_id', '=', 'w.tenant_id').onRef('s.ticket_id', '=', 'w.id'))
      .select(['w.tenant_id', 'w.id', 'w.created_at'])
      .orderBy('w.created_at', 'desc')
      .orderBy('w.id', 'desc')
      .limit(rows),
  ) as unknown as WalkMatches;
}

/**
 * The fields of `scope` a walk reads (`walkedMatches`): the tenant, and the subscriber or
 * reseller; and the visibility (the messages a rank-0 walk may look at).
 */
function walkedScope(scope: StoreScope): StoreScope {
  const walked: StoreScope = { tenantId: scope.tenantId, visibility: scope.visibility };
  if (scope.subscriberId !== undefined) walked.subscriberId = scope.subscriberId;
  else if (scope.resellerId !== undefined) walked.resellerId = scope.resellerId;
  return walked;
}

/**
 * What the sample says of a walk for `rank` from `after`: whether it can be expected to
 * fill pages, and whether a ticket of the tenant has the searched number (else the walk
 * skips that step). For rank 1, whether at least one in `WALK_ROWS_PER_RESULT` of the
 * first `WALK_SAMPLE` tickets it reads has every phrase in its own text and is not the
 * exact-number ticket (each sampled ticket's own row is looked up by key, as the walk
 * does); for rank 0, whether one of the first `MESSAGE_WALK_SAMPLE` has rank 0 (its
 * messages looked up as the walk does); for `'any'`, whether one of as many matches at
 * all. One statement, compiled once per shape of scope and search (`runCached`).
 */
export async function walkSample(
  ctx: QueryContext,
  scope: StoreScope,
  search: StoreSearch,
  after: { at: Date; id: string } | undefined,
  rank: WalkRank = 1,
): Promise<{ pays: boolean; numbered: boolean }> {
  // What the walk keeps binds no own-text check for `'any'` (the page's rank does).
  const bound = searchFor(boundSearch(ctx.hooks.capabilities.fullText, scope, search), rank === 'any' ? 'messages' : walkUse(rank));
  const size = rank === 1 ? WALK_SAMPLE : MESSAGE_WALK_SAMPLE;
  const needed = rank === 1 ? WALK_SAMPLE / WALK_ROWS_PER_RESULT : MESSAGE_WALK_SAMPLE / MESSAGE_WALK_ROWS_PER_RESULT;
  // Only what the walk reads of the scope (`walkedMatches`): every argument of a cached
  // statement must be bound in it.
  const { shape, args } = scopeParts(walkedScope(scope));
  const searchAt = args.length;
  args.push(...searchArgs(bound));
  if (after !== undefined) args.push(ctx.hooks.toDate(after.at), after.id);
  const key = `walk sample ${rank} ${shape} ${searchShape(bound)} ${after === undefined ? '-' : 'A'}`;
  const { rows } = await runCached(ctx, key, args, (a) => {
    const argCtx = { ...ctx, hooks: convertedArgs(ctx.hooks) };
    const argScope = scopeFromArgs(shape, a);
    const argBound = searchFromArgs(bound, a, searchAt);
    const next = searchAt + searchArgs(bound).length;
    const argAfter = after === undefined ? undefined : { at: a[next] as Date, id: a[next + 1] as string };
    const keep = walkKeeps(argCtx, argScope, argBound, rank);
    return ctx.db
      .selectFrom(walkedMatches(argCtx, argScope, keep, argAfter, size).as('w'))
      .select((eb) => [
        eb.fn.countAll<number | string | bigint>().as('n'),
        argBound.numbered && rank === 1
          ? eb.exists(numberKeys(argCtx, a[0] as string, argBound.number, 1)).as('numbered')
          : sql<boolean>`0`.as('numbered'),
      ]);
    // Not keyed, as the search's page (`cachedPage`): planned with the tenant's own values.
  });
  const row = rows[0] as { n?: unknown; numbered?: unknown } | undefined;
  return { pays: Number(row?.n ?? 0) >= needed, numbered: Boolean(Number(row?.numbered ?? 0)) };
}

/**
 * The steps of a walk for this list, or `null` when the hits should drive it: no search,
 * another sort than relevance, the LIKE dialects (no index to count from), or a sample
 * that says neither walk would pay. A walk over own texts is tried first (when one in
 * `WALK_ROWS_PER_RESULT` subjects has the words); else, or from a cursor among the rank-0
 * tickets, a walk over message matches (`messageWalkPlan`).
 */
export async function walkPlan(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  plan: SearchPlan,
): Promise<WalkStep[] | null> {
  const search = q.search;
  if (plan === 'hits' || search === undefined || search.phrases.length === 0) return null;
  if (ctx.hooks.capabilities.fullText === 'like') return null;
  if (q.sort !== 'relevance') return orderWalkPlan(ctx, scope, q, plan);
  const after = q.after;
  if (plan === 'messages') return messageWalkPlan(ctx, scope, q, plan);
  if (typeof plan === 'object') return search.phrases.length > 1 ? [{ rank: 'driven', phrase: plan.driven }] : null;
  // First what the index says of each phrase (`rarePhrase`): a rare phrase's hits are few
  // and the index answers (a rare word: a lookup of a few postings, where the samples' key
  // lookups doubled the search); beside other phrases the page is driven by its hits alone.
  // SQLite asks its index (for one phrase, also whether the scope has as many own-text
  // matches as the sample needs); Postgres its statistics, for several phrases only.
  const fts5 = ctx.hooks.capabilities.fullText === 'fts5';
  /** Whether every phrase is common enough for a walk over message matches (undefined: not known yet). */
  let common: boolean | undefined;
  let ownReach = true;
  if (plan === 'auto' && fts5 && search.phrases.length === 1) {
    const needed = WALK_SAMPLE / WALK_ROWS_PER_RESULT;
    // Common by its exact words, it is not looked up as a prefix (a word in many bodies and
    // few subjects: `thanks`*, 5 ms at a million tickets): the walk over message matches
    // takes the own-text matches first anyway, the one over own texts is only quicker.
    const counts = await indexHitCounts(ctx, scope, search.phrases, MESSAGE_WALK_SAMPLE, true, (c) => c.own + c.bodies >= MESSAGE_WALK_SAMPLE);
    ownReach = counts.own >= needed;
    common = counts.own + counts.bodies >= MESSAGE_WALK_SAMPLE;
    if (!ownReach && !common) return null;
  } else if (plan === 'auto' && (fts5 || search.phrases.length > 1)) {
    const rare = await rarePhrase(ctx, scope, search);
    if (rare !== null && rare >= 0) return search.phrases.length > 1 ? [{ rank: 'driven', phrase: rare }] : null;
    common = rare === -1;
  }
  const messages = () => (plan === 'auto' && common !== false ? messageWalkPlan(ctx, scope, q, plan, common) : null);
  if (after !== undefined && (after.rank ?? 0) < 1) return messages();
  if (!ownReach) return messages();
  // Several phrases are not counted in the own texts, the sample alone decides: their
  // prefixes' postings are merged before they are intersected (`router static`: 21 ms at
  // a million tickets, against 0.3 ms for the sample).
  const from = after?.rank === 1 && after.at !== null ? { at: after.at, id: after.id } : undefined;
  // Asked for a walk (tests), the number step runs whether or not a ticket has it.
  const sample = plan === 'auto' ? await walkSample(ctx, scope, search, from) : { pays: true, numbered: true };
  if (!sample.pays) return messages();
  const steps: WalkStep[] = [];
  if (after === undefined && search.number !== '' && sample.numbered) steps.push({ rank: 2 });
  steps.push({ rank: 1, after: from, rows: WALK_ROWS_PER_RESULT * q.limit });
  return steps;
}

/**
 * The index of the first of the search's phrases that is rare, -1 when none is, `null`
 * when that is not known: on SQLite a phrase in fewer than `MESSAGE_WALK_SAMPLE` texts of
 * the scope's index (own texts and message bodies, counted that far: `indexHitCounts`),
 * on Postgres one with a word its statistics do not list as common (`word-stats.ts`;
 * unknown without statistics). A rare phrase's hits are few.
 */
async function rarePhrase(ctx: QueryContext, scope: StoreScope, search: StoreSearch): Promise<number | null> {
  if (ctx.hooks.capabilities.fullText === 'fts5') {
    const cap = MESSAGE_WALK_SAMPLE;
    for (const [i, phrase] of search.phrases.entries()) {
      const counts = await indexHitCounts(ctx, scope, [phrase], cap, true, (c) => c.own + c.bodies >= cap);
      if (counts.own + counts.bodies < cap) return i;
    }
    return -1;
  }
  const words = await commonWords(ctx);
  if (words.length === 0) return null;
  return search.phrases.findIndex((phrase) => !mayBeCommon(phrase, words));
}

/**
 * The steps of a walk over the tickets a message matched (rank 0), when the own texts
 * are too few to walk for: the tickets of rank 2 and 1 from the own-text index (few, or
 * the walk over own texts would have paid; unless the cursor is past them), then a walk
 * over the tickets newest first (after the cursor among the rank-0 tickets), keeping
 * each whose own text and visible messages have every phrase (`messageRankZero`), first
 * `MESSAGE_WALK_ROWS_PER_RESULT` per row of the page (then on: `nextWalkStep`). `null`
 * when the walk would not pay: when a phrase is rare (`common` as `walkPlan` found it,
 * else `rarePhrase`: its hits are few, the index answers cheaply), or when fewer than
 * one in `MESSAGE_WALK_ROWS_PER_RESULT` of the first `MESSAGE_WALK_SAMPLE` tickets it
 * would read match (`walkSample`) and the hits would read fewer than `WALK_TICKET_TEXTS`
 * texts per ticket of that first stretch (`hitsOutweigh`).
 */
async function messageWalkPlan(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  plan: SearchPlan,
  common?: boolean,
): Promise<WalkStep[] | null> {
  const search = q.search!;
  const after = q.after;
  const past = after !== undefined && (after.rank ?? 0) < 1;
  const from = past && after.at !== null ? { at: after.at, id: after.id } : undefined;
  const rows = MESSAGE_WALK_ROWS_PER_RESULT * q.limit;
  if (plan === 'auto') {
    // As `walkPlan` found them, or else asked now (without statistics none is known common).
    if (!(common ?? (await rarePhrase(ctx, scope, search)) === -1)) return null;
    // Fewer matches than the first stretch needs may still be cheaper to walk for than
    // the hits are to gather (`nextWalkStep`).
    if (!(await walkSample(ctx, scope, search, from, 0)).pays && !(await hitsOutweigh(ctx, scope, search, rows))) return null;
  }
  const steps: WalkStep[] = past ? [] : [{ rank: 'own' }];
  steps.push({ rank: 0, after: from, rows });
  return steps;
}

/**
 * Whether the index hits of `search` for `scope` cost more than walking `tickets`
 * tickets: whether they read at least `WALK_TICKET_TEXTS` texts (own texts and message
 * bodies) per ticket. On SQLite counted in the FTS5 index, each phrase only so far as the
 * sum still falls short (`indexHitCounts`); on Postgres as its statistics say
 * (`estimatedTexts`; none without statistics, so then never).
 */
async function hitsOutweigh(ctx: QueryContext, scope: StoreScope, search: StoreSearch, tickets: number): Promise<boolean> {
  const fullText = ctx.hooks.capabilities.fullText as 'fts5' | 'tsvector';
  const texts = WALK_TICKET_TEXTS[fullText] * tickets;
  if (fullText !== 'fts5') return (await estimatedTexts(ctx, search.phrases)) >= texts;
  let counted = 0;
  for (const phrase of search.phrases) {
    const cap = texts - counted;
    const counts = await indexHitCounts(ctx, scope, [phrase], cap, true, (c) => c.own + c.bodies >= cap);
    counted += counts.own + counts.bodies;
    if (counted >= texts) return true;
  }
  return false;
}

/**
 * Where a walk's stretch of `rows` tickets after `after` ends (`walkedMatches`' order):
 * the last ticket it read, or `null` when fewer than `rows` were left to read (the walk
 * has read every ticket of its scope). One statement, compiled once per shape of scope.
 */
async function walkBoundary(
  ctx: QueryContext,
  scope: StoreScope,
  after: { at: Date; id: string } | undefined,
  rows: number,
): Promise<{ at: Date; id: string } | null> {
  const { shape, args } = scopeParts(walkedScope(scope));
  const from = args.length;
  if (after !== undefined) args.push(ctx.hooks.toDate(after.at), after.id);
  args.push(rows, rows - 1);
  const key = `walk boundary ${shape} ${after === undefined ? '-' : 'A'}`;
  const { rows: found } = await runCached(ctx, key, args, (a) => {
    const argCtx = { ...ctx, hooks: convertedArgs(ctx.hooks) };
    const next = after === undefined ? from : from + 2;
    const argAfter = after === undefined ? undefined : { at: a[from] as Date, id: a[from + 1] as string };
    return ctx.db
      .selectFrom(walkedMatches(argCtx, scopeFromArgs(shape, a), undefined, argAfter, a[next] as number).as('w'))
      .select(['w.created_at', 'w.id'])
      .orderBy('w.created_at', 'desc')
      .orderBy('w.id', 'desc')
      .offset(a[next + 1] as number)
      .limit(1);
  });
  const row = found[0] as { created_at: unknown; id: string } | undefined;
  return row === undefined ? null : { at: ctx.hooks.fromDate(row.created_at as never), id: row.id };
}

/**
 * The next stretch of a walk over message matches whose `step` did not fill the page:
 * twice as many tickets as it has read so far (`walked`, `step` included), after the last
 * one `step` read, while the index hits would read `WALK_TICKET_TEXTS` texts per ticket
 * the walk will then have read (the hits are cheaper from there: `null`); `'done'` when
 * `step` read the last ticket of its scope (what it found is all there is). Asked for the
 * walk (`plan` `'messages'`, tests), it goes on to the end.
 *
 * A walk's first stretch is sized for a page whose matches are one ticket in
 * `MESSAGE_WALK_ROWS_PER_RESULT`; several common words that few tickets hold together
 * (eight words each in a quarter of the messages, all of them in one ticket in 250) ran
 * past it into the hits, every text of every word gathered and intersected: 30 s at a
 * million tickets on SQLite, where walking on took 0.1 s.
 */
export async function nextWalkStep<S extends WalkStretch>(
  ctx: QueryContext,
  scope: StoreScope,
  search: StoreSearch,
  step: S,
  walked: number,
  plan: SearchPlan,
  boundaryOf: (step: S) => Promise<S['after'] | null> = (s) => walkBoundary(ctx, scope, s.after as { at: Date; id: string } | undefined, s.rows),
): Promise<S | 'done' | null> {
  const boundary = await boundaryOf(step);
  if (boundary === null) return 'done';
  if (plan === 'auto' && !(await hitsOutweigh(ctx, scope, search, walked * 2))) return null;
  return { ...step, after: boundary, rows: walked };
}

/**
 * The steps of a search in an order other than relevance. `newest`: a walk over the
 * tickets newest first (after the list's cursor), keeping every ticket the search matches
 * (`'any'`: the number, or each phrase in its own text or a message the scope may see).
 * The queue, `updated`, `oldest`, `waiting`: a walk over the list itself in that order
 * (after its cursor), keeping the same (`'list'`). Either reads first
 * `MESSAGE_WALK_ROWS_PER_RESULT` tickets per row of the page, then on while that stays
 * cheaper than the hits (`nextWalkStep`). Decided as the relevance order's walk over
 * message matches is: `null` (the hits) when a phrase is rare (then, beside other phrases,
 * the page is driven by its hits) or unknown, and when neither the sample (the newest
 * tickets, after the cursor in the `newest` order) nor the hits' number says the walk
 * pays. Before, the hits always answered these orders: at a million tickets on SQLite
 * `router` (in most message bodies) cost 13 s in the queue and 4-5 s newest first.
 */
async function orderWalkPlan(ctx: QueryContext, scope: StoreScope, q: StoreListQuery, plan: SearchPlan): Promise<WalkStep[] | null> {
  const search = q.search!;
  const newest = q.sort === 'newest';
  const after = newest && q.after !== undefined && q.after.at !== null ? { at: q.after.at, id: q.after.id } : undefined;
  const rows = MESSAGE_WALK_ROWS_PER_RESULT * q.limit;
  // A rare phrase's hits drive the page, even alone: few, so they are looked up and sorted
  // (SQLite otherwise read the order's whole index for them: `listQuery`).
  if (typeof plan === 'object') return [{ rank: 'driven', phrase: plan.driven }];
  if (plan === 'walk') return null;
  if (plan === 'auto') {
    const rare = await rarePhrase(ctx, scope, search);
    if (rare === null) return null;
    if (rare >= 0) return [{ rank: 'driven', phrase: rare }];
    if (!(await walkSample(ctx, scope, search, after, 'any')).pays && !(await hitsOutweigh(ctx, scope, search, rows))) return null;
  }
  return [newest ? { rank: 'any', after, rows } : { rank: 'list', after: q.after, rows }];
}
