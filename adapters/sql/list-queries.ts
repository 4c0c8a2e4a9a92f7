/**
 * The ticket list: a page of summaries within scope, filtered, searched and
 * keyset-paginated in its sort order. Written once for every dialect.
 *
 * A search is driven by its index hits (`search-queries.ts`), which costs in proportion
 * to the tickets it finds. When its words are in many tickets, the first pages are found
 * by walking the list in its order instead and checking each ticket (`search-walk.ts`
 * decides; the walks' statements are built here: `listQuery`, `walkedPage`).
 */
import { sql, type Expression, type QueryResult, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { ValidationError } from '../../src/errors.js';
import type { ListAfter, StoreListQuery, StoreScope, StoreTicketSummary } from '../../src/store.js';
import { keysetAfter } from './keyset.js';
import { NOT_WAITING } from './migrations/016-waiting-order.js';
import {
  convertedArgs,
  runCached,
  scopeFromArgs,
  scopeParts,
  ticketScope,
  type QueryContext,
  type WithTicketAlias,
} from './query-context.js';
import { TICKET_SELECTION, ticketFromRow } from './row-mappers.js';
import { numberKeys, searchCondition, searchMatches, searchRank } from './search-queries.js';
import { boundSearch, searchArgs, searchFor, searchFromArgs, searchShape, type BoundSearch, type SearchUse } from './search-values.js';
import {
  nextWalkStep,
  walkedMatches,
  walkKeeps,
  walkPlan,
  walkUse,
  type SearchPlan,
  type WalkRank,
  type WalkStep,
  type WalkStretch,
} from './search-walk.js';
import { subscriberMatches } from './subscriber-search.js';

/** Each sort: the time column, the direction, and whether `attention` leads (the staff queue). */
const SORT_ORDERS = {
  queue: { at: 't.updated_at', dir: 'desc', attention: true },
  updated: { at: 't.updated_at', dir: 'desc', attention: false },
  newest: { at: 't.created_at', dir: 'desc', attention: false },
  oldest: { at: 't.created_at', dir: 'asc', attention: false },
  waiting: { at: 't.waiting_since', dir: 'asc', attention: false },
} as const;

/**
 * Sort `waiting` orders by `waiting_order`, the generated `coalesce(waiting_since,
 * NOT_WAITING)` (migration 016, indexed): the longest waiting first, tickets nobody waits
 * on last, one keyset for both.
 */
const WAITING_ORDER = 't.waiting_order';

/** A query on `tickets as t` (or rows of it under that alias), whatever it selects. */
type TicketQuery = SelectQueryBuilder<WithTicketAlias, 't', any>;

/**
 * A page of ticket summaries: the query's filters AND-ed within scope, the search text
 * in number, subject or a visible message body, keyset-paginated in the sort order. The
 * reply counts come from the ticket row (`list-columns.ts`), as the scope's visibility
 * counts them; the viewer's favorite and read mark from a primary-key lookup each.
 *
 * `plan` is for tests: `'hits'` always drives a search by its index hits (never by a
 * subscriber's own texts, `subscriber-search.ts`), `'walk'` walks over own texts and
 * `'messages'` over message matches whenever that walk can answer the page; `'auto'`
 * decides by samples (`search-walk.ts`).
 */
export async function listTickets(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  plan: SearchPlan = 'auto',
): Promise<StoreTicketSummary[]> {
  if (q.search === undefined) return summaries(ctx, q, (await cachedPage(ctx, scope, q, q.limit)).rows);
  // A small subscriber's texts first (read by key): where they answer, neither the walk's
  // decision (SQLite's index count: 1.7 ms twice, exact words then prefix, for a customer's
  // phrase at 1.1M tickets) nor the hits are needed. Every path gives the same page.
  const matched = plan === 'hits' ? null : await subscriberMatches(ctx, scope, q.search);
  if (matched === null) {
    const walked = await walkedPage(ctx, scope, q, plan);
    if (walked !== null) return walked;
  }
  return summaries(ctx, q, (await cachedPage(ctx, scope, q, q.limit, undefined, matched)).rows);
}

/** The `StoreListQuery` fields `cachedPage` puts in its key or arguments; a query with any other is not cached. */
const CACHED_FIELDS = new Set([
  'status', 'priority', 'category', 'department', 'assigneeId', 'subscriberId', 'addressedTo', 'viewerId',
  'archived', 'createdFrom', 'createdTo', 'deleted', 'favorites', 'after', 'sort', 'limit', 'search',
]);
const LIST_FILTERS = ['status', 'priority', 'category', 'department'] as const;
const VALUE_FILTERS = ['subscriberId', 'addressedTo', 'viewerId'] as const;

/**
 * At most `limit` rows of the list (of a walk's `step`), as a statement compiled once per
 * shape of the query, the scope and the search (`runCached`): building a queue page's
 * statement with Kysely, renaming its tables and compiling it took 0.3-0.4 ms, more than
 * a third of the page on MariaDB, and a search's about 1 ms on Postgres. The key names
 * what the SQL text depends on (which filters and scope fields are set, list lengths,
 * the sort, the flags, a cursor, the search's shape, the walk step); the arguments are
 * the values, converted up front (a search's: `BoundSearch`). Built anew every time, as
 * before: a query with a field this does not know, a search matched on a subscriber's
 * texts (`matched`), and a search in the LIKE dialects (whose statement depends on the
 * words, `likeConditions`).
 */
function cachedPage(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  limit: number,
  step?: WalkStep,
  matched: readonly string[] | null = null,
): Promise<QueryResult<Record<string, unknown>>> {
  const { hooks } = ctx;
  const use = stepUse(step);
  const bound = q.search === undefined ? undefined : searchFor(boundSearch(hooks.capabilities.fullText, scope, q.search), use);
  const uncached = () => ctx.db.executeQuery(listQuery(ctx, scope, q, step, matched, bound).limit(limit).compile());
  if (q.search !== undefined && (matched !== null || hooks.capabilities.fullText === 'like')) return uncached();
  for (const field in q) {
    if (!CACHED_FIELDS.has(field)) return uncached();
  }
  const { shape, args } = scopeParts(scope);
  let key = `list page ${shape} ${q.sort}`;
  /** Where each value sits in `args`. */
  const at: Partial<Record<string, number>> = {};
  const put = (name: string, value: unknown) => {
    at[name] = args.length;
    args.push(value);
  };
  for (const field of LIST_FILTERS) {
    const values = q[field];
    key += values === undefined ? ' -' : ` ${values.length}`;
    if (values !== undefined) {
      at[field] = args.length;
      args.push(...values);
    }
  }
  key += q.assigneeId === undefined ? ' -' : q.assigneeId === null ? ' 0' : ' 1';
  if (typeof q.assigneeId === 'string') put('assigneeId', q.assigneeId);
  for (const field of VALUE_FILTERS) {
    key += q[field] === undefined ? ' -' : ' 1';
    if (q[field] !== undefined) put(field, q[field]);
  }
  key += q.archived === undefined ? ' -' : ' 1';
  if (q.archived !== undefined) put('archived', hooks.toBoolean(q.archived));
  for (const field of ['createdFrom', 'createdTo'] as const) {
    const value = q[field];
    key += value === undefined ? ' -' : ' 1';
    if (value !== undefined) put(field, hooks.toDate(value));
  }
  // A walk's step reads its own cursor (below), not the list's; the own-text and driven steps the list's.
  const after = walks(step) ? undefined : q.after;
  key += `${q.deleted ? ' D' : ' -'}${q.favorites ? ' F' : ' -'}${after === undefined ? ' -' : ' A'}`;
  if (after !== undefined) {
    put('afterAt', hooks.toDate(after.at ?? NOT_WAITING));
    // Only the queue's keyset reads the attention, only relevance's the rank: an argument
    // nowhere bound is not cached.
    if (SORT_ORDERS[q.sort as keyof typeof SORT_ORDERS]?.attention) put('afterAttention', after.attention ?? 0);
    if (q.sort === 'relevance') put('afterRank', after.rank ?? 0);
    put('afterId', after.id);
  }
  // The search's values, and the walk step's.
  if (bound !== undefined) {
    key += ` ${searchShape(bound)}`;
    at.search = args.length;
    args.push(...searchArgs(bound));
  }
  if (step === undefined) key += ' -';
  else if (stretches(step)) key += ` w${step.rank}${step.after === undefined ? '' : 'A'}`;
  else key += ` w${step.rank}`;
  if (stretches(step)) {
    if (step.after !== undefined) {
      put('stepAt', hooks.toDate(step.after.at ?? NOT_WAITING));
      // A walk over the list reads its cursor as the list's (the queue's has the attention).
      if (step.rank === 'list' && SORT_ORDERS[q.sort as keyof typeof SORT_ORDERS]?.attention) put('stepAttention', step.after.attention ?? 0);
      put('stepId', step.after.id);
    }
    put('stepRows', step.rows);
  }
  put('limit', limit);
  return runCached(ctx, key, args, (a) => {
    const value = (name: string) => a[at[name]!];
    const list = (field: (typeof LIST_FILTERS)[number]) => a.slice(at[field]!, at[field]! + q[field]!.length) as never;
    const built: StoreListQuery = { sort: q.sort, limit: value('limit') as number };
    if (q.search !== undefined) built.search = q.search;
    for (const field of LIST_FILTERS) if (q[field] !== undefined) built[field] = list(field);
    if (q.assigneeId !== undefined) built.assigneeId = q.assigneeId === null ? null : (value('assigneeId') as string);
    for (const field of VALUE_FILTERS) if (q[field] !== undefined) built[field] = value(field) as never;
    if (q.archived !== undefined) built.archived = value('archived') as never;
    if (q.createdFrom !== undefined) built.createdFrom = value('createdFrom') as never;
    if (q.createdTo !== undefined) built.createdTo = value('createdTo') as never;
    if (q.deleted) built.deleted = true;
    if (q.favorites) built.favorites = true;
    if (after !== undefined) {
      built.after = {
        at: value('afterAt') as never,
        ...(at.afterAttention === undefined ? {} : { attention: value('afterAttention') as number }),
        ...(at.afterRank === undefined ? {} : { rank: value('afterRank') as number }),
        id: value('afterId') as string,
      };
    }
    let builtStep = step;
    if (stretches(step)) {
      const after =
        step.after === undefined
          ? undefined
          : {
              at: value('stepAt') as Date,
              ...(at.stepAttention === undefined ? {} : { attention: value('stepAttention') as number }),
              id: value('stepId') as string,
            };
      builtStep = { rank: step.rank, after, rows: value('stepRows') as number } as WalkStretch;
    }
    const argBound = bound === undefined ? undefined : searchFromArgs(bound, a, at.search!);
    return listQuery({ ...ctx, hooks: convertedArgs(hooks) }, scopeFromArgs(shape, a), built, builtStep, null, argBound).limit(built.limit);
    // Not keyed (not a prepared statement on Postgres), a search no more than a filtered
    // list: a generic plan is chosen for an average tenant, and where tenants differ in
    // size by orders of magnitude the largest one's search would run on the plan of a
    // small one (the tenant's messages read and filtered by the hits, or hashed against
    // them: 630 ms instead of 2 for a rare word at 1.1M tickets). Each search is planned
    // with its own values (0.5-2 ms on Postgres at 1.1M tickets).
  }) as Promise<QueryResult<Record<string, unknown>>>;
}

/** What a step's statement binds of the search (`searchFor`). */
function stepUse(step: WalkStep | undefined): SearchUse {
  if (step === undefined) return 'hits';
  if (step.rank === 2) return 'number';
  if (step.rank === 'own') return 'own';
  if (step.rank === 'driven') return { driven: step.phrase };
  return walkUse(step.rank === 'list' ? 'any' : step.rank);
}

/** Whether `step` reads the tickets in its own order (a walk, or the exact-number step), not the list's. */
function walks(step: WalkStep | undefined): step is WalkStretch | { rank: 2 } {
  return step !== undefined && step.rank !== 'own' && step.rank !== 'driven';
}

/** Whether `step` is a walk: `rows` tickets read in order after its own cursor. */
function stretches(step: WalkStep | undefined): step is WalkStretch {
  return step !== undefined && 'rows' in step;
}

/**
 * The page as a walk finds it (`search-walk.ts`), or `null` when no walk is planned or
 * the walk did not fill the page (it may have stopped early: only a full page is an
 * answer, or a walk over message matches, over the newest tickets or over the list that
 * read every ticket of its scope). Those walks go on stretch by stretch while that stays
 * cheaper than the hits (`nextWalkStep`; a walk over the list ends its stretch where
 * `listBoundary` says). A page driven by a rare phrase's hits is an answer as it is.
 */
export async function walkedPage(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  plan: SearchPlan = 'auto',
): Promise<StoreTicketSummary[] | null> {
  const steps = await walkPlan(ctx, scope, q, plan);
  if (steps === null) return null;
  const page: StoreTicketSummary[] = [];
  for (let step of steps) {
    if (page.length === q.limit) break;
    let walked = stretches(step) ? step.rows : 0;
    for (;;) {
      const found = summaries(ctx, q, (await cachedPage(ctx, scope, q, q.limit - page.length, step)).rows);
      // The exact-number tickets (one, unless numbers differ in case only) come unordered:
      // an ORDER BY there would have the database walk the list for them.
      if (step.rank === 2) found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      if (step.rank === 'driven') return found;
      page.push(...found);
      if (!stretches(step) || step.rank === 1 || page.length === q.limit) break;
      // A walk over message matches or the list goes on while walking stays cheaper than the hits.
      const next =
        step.rank === 'list'
          ? await nextWalkStep(ctx, scope, q.search!, step, walked, plan, (s) => listBoundary(ctx, scope, q, s))
          : await nextWalkStep(ctx, scope, q.search!, step, walked, plan);
      if (next === 'done') return page;
      if (next === null) return null;
      step = next;
      walked += next.rows;
    }
  }
  return page.length === q.limit ? page : null;
}

/** The summaries of the rows a list query returned. */
function summaries(ctx: QueryContext, q: StoreListQuery, rows: Record<string, unknown>[]): StoreTicketSummary[] {
  const { hooks } = ctx;
  const viewer = q.viewerId ?? null;
  const out: StoreTicketSummary[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // The summary is built in place: one object per row, no spread copies of the ticket.
    const summary = ticketFromRow(hooks, row) as StoreTicketSummary;
    summary.replyCount = Number(row.reply_count);
    summary.lastReplyAt = row.last_reply_at === null ? null : hooks.fromDate(row.last_reply_at);
    summary.favorite = viewer !== null && row.favorite !== null && row.favorite !== undefined;
    summary.readAt = viewer === null || row.read_at === null || row.read_at === undefined ? null : hooks.fromDate(row.read_at);
    if (q.search !== undefined) summary.searchRank = Number(row.search_rank ?? 0);
    out[i] = summary;
  }
  return out;
}

/** `query` narrowed to the scope and the list's filters. */
function listed<Q extends TicketQuery>(ctx: QueryContext, query: Q, scope: StoreScope, q: StoreListQuery): Q {
  const { hooks } = ctx;
  const viewer = q.viewerId ?? null;
  let out = query.where((eb) => ticketScope(eb, scope)) as TicketQuery;
  if (q.deleted) out = out.where('t.deleted_at', 'is not', null);
  if (q.addressedTo !== undefined) out = out.where('t.addressed_to', '=', q.addressedTo);
  if (q.favorites) {
    out = out.where((eb) =>
      eb.exists(
        eb
          .selectFrom('favorites as f')
          .select(sql.lit(1).as('one'))
          .whereRef('f.tenant_id', '=', 't.tenant_id')
          .whereRef('f.ticket_id', '=', 't.id')
          .where('f.staff_id', '=', viewer ?? ''),
      ),
    );
  }

  // An empty filter list matches nothing (and `IN ()` is a syntax error in Postgres).
  const none = sql<SqlBool>`1 = 0`;
  if (q.status !== undefined) out = q.status.length ? out.where('t.status', 'in', [...q.status]) : out.where(none);
  if (q.priority !== undefined) out = q.priority.length ? out.where('t.priority', 'in', [...q.priority]) : out.where(none);
  if (q.category !== undefined) out = q.category.length ? out.where('t.category', 'in', [...q.category]) : out.where(none);
  if (q.department !== undefined) {
    out = q.department.length ? out.where('t.department', 'in', [...q.department]) : out.where(none);
  }
  if (q.assigneeId === null) out = out.where('t.assignee_id', 'is', null);
  else if (q.assigneeId !== undefined) out = out.where('t.assignee_id', '=', q.assigneeId);
  if (q.subscriberId !== undefined) out = out.where('t.subscriber_id', '=', q.subscriberId);
  if (q.archived !== undefined) out = out.where('t.archived', '=', hooks.toBoolean(q.archived));
  if (q.createdFrom !== undefined) out = out.where('t.created_at', '>=', hooks.toDate(q.createdFrom));
  if (q.createdTo !== undefined) out = out.where('t.created_at', '<', hooks.toDate(q.createdTo));
  return out as Q;
}

/**
 * The list's query, without its limit. With a walk `step`: the exact-number ticket
 * (rank 2), or the tickets whose own text (rank 1) or messages (rank 0) give them the
 * step's rank among at most `step.rows` tickets of the list taken newest first after
 * `step.after` (a subquery the database reads in order and stops reading once the page
 * is full). `bound`: the search's values for the step (`searchFor`, `stepUse`).
 */
function listQuery(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  step: WalkStep | undefined,
  matched: readonly string[] | null,
  bound: BoundSearch | undefined,
): TicketQuery {
  const { hooks } = ctx;
  const viewer = q.viewerId ?? null;
  const newestFirst = <Q extends TicketQuery>(query: Q): Q => query.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc') as Q;

  let query: TicketQuery;
  if (step?.rank === 'list' && bound !== undefined) {
    // A walk over the list in its order: at most `step.rows` of the listed tickets' keys
    // after the step's cursor (the list without its search: one range of the order's
    // index), each kept when its `ticket_search` row and visible messages match, before
    // its ticket row is looked up.
    // The order's keys go along (`o0`, `o1`, …), so the page is ordered by the walk's
    // order, which the database keeps without sorting what it kept.
    const order = sortKeys(ctx, q.sort);
    const listedKeys = listed(ctx, ctx.db.selectFrom('tickets as t'), scope, q)
      .select(['t.tenant_id', 't.id'])
      .select(order.map((key, i) => sql`${key.expr}`.as(`o${i}`)));
    const keys = sortedAfter(ctx, listedKeys, q.sort, step.after);
    const kept = ctx.db
      .selectFrom(keys.limit(step.rows).as('w'))
      .innerJoin('ticket_search as s', (join) => join.onRef('s.tenant_id', '=', 'w.tenant_id').onRef('s.ticket_id', '=', 'w.id'))
      .select(['w.tenant_id', 'w.id', ...order.map((_, i) => `w.o${i}` as 'w.id')])
      .where(searchMatches(ctx, scope, bound));
    query = ctx.db
      .selectFrom(kept.as('k'))
      .innerJoin('tickets as t', (join) => join.onRef('t.tenant_id', '=', 'k.tenant_id').onRef('t.id', '=', 'k.id')) as unknown as TicketQuery;
  } else if (stretches(step)) {
    // The walked tickets' keys, newest first, from an index alone and at most `step.rows`
    // of them: only what an index serves in that order is applied here (the tenant, and
    // the scope's subscriber or reseller), so a walk reads a bounded stretch of the index
    // whatever the scope's other conditions and the filters leave. (Counting only listed
    // tickets, a reseller's staff, who see only what is addressed to them, read all
    // 90,000 of a reseller's tickets to find none.) Each ticket's row is then looked up by
    // key and the scope and filters apply to it (a narrow subquery: copying whole rows
    // through it cost more than the lookups).
    // Each walked ticket's own text is checked on its `ticket_search` row before its
    // ticket row is looked up, so only the matches pay for the wide row (at a million
    // tickets a walk of 1,000 for a phrase in one subject in twenty took 8 ms on SQLite
    // checking after the ticket row, 3 ms before). The matches are a subquery with a
    // LIMIT (its budget, which it cannot exceed), which neither SQLite nor Postgres
    // merges into the outer query: given a scope on `t`, both looked `t` up first.
    // A tenant-wide or a reseller's walk reads the own texts themselves in order (`walkedMatches`).
    // A rank-0 walk checks each one's messages as well, still before its ticket row.
    const keep = bound === undefined ? undefined : walkKeeps(ctx, scope, bound, step.rank as WalkRank);
    const matched = walkedMatches(ctx, scope, keep, step.after as { at: Date; id: string } | undefined, step.rows);
    query = listed(
      ctx,
      ctx.db
        .selectFrom(matched.as('w'))
        .innerJoin('tickets as t', (join) => join.onRef('t.tenant_id', '=', 'w.tenant_id').onRef('t.id', '=', 'w.id')) as unknown as TicketQuery,
      scope,
      q,
    );
  } else if (step?.rank === 2 && bound !== undefined) {
    // Driven from the number's index row (a subquery with a limit, which the database
    // reads first): a join or IN on `t` let SQLite walk a reseller's tickets for it instead.
    const keys = numberKeys(ctx, scope.tenantId, bound.number, q.limit);
    query = listed(
      ctx,
      ctx.db
        .selectFrom(keys.as('w'))
        .innerJoin('tickets as t', (join) => join.onRef('t.tenant_id', '=', 'w.tenant_id').onRef('t.id', '=', 'w.id')) as unknown as TicketQuery,
      scope,
      q,
    );
  } else if (q.search !== undefined && hooks.capabilities.unaryPlusHidesIndex && (scope.addressedTo ?? q.addressedTo) !== undefined) {
    // The search's hits (`t.id IN (…)`) must drive the lookup. SQLite, which keeps no
    // statistics here, took the scope's index with three equalities (tenant, reseller,
    // addressed level: migration 012) for cheaper than the hits by primary key, so a
    // reseller's staff searching a rare word read every ticket addressed to them (17 ms
    // against 0.3 ms at 1.1M tickets). The level is compared as `+t.addressed_to`, which
    // SQLite does not serve from an index.
    const { addressedTo: level, ...rest } = scope;
    const { addressedTo: filtered, ...others } = q;
    query = listed(ctx, ctx.db.selectFrom('tickets as t'), rest, others);
    for (const value of [level, filtered]) {
      if (value !== undefined) query = query.where(sql<SqlBool>`+${sql.ref('t.addressed_to')} = ${value}`);
    }
  } else {
    query = listed(ctx, ctx.db.selectFrom('tickets as t'), scope, q);
  }
  query = query
    .select(TICKET_SELECTION)
    .select(
      scope.visibility === 'customer'
        ? ['t.public_reply_count as reply_count', 't.public_last_reply_at as last_reply_at']
        : ['t.reply_count as reply_count', 't.last_reply_at as last_reply_at'],
    );
  // Without a viewer (a customer's list) there are no marks to look up.
  if (viewer !== null && hooks.capabilities.listMarksByJoin) {
    // MySQL, MariaDB: joined by primary key, at most one row each, so the page's rows and
    // their order stay the tickets'. As scalar subqueries MariaDB 10.11 ran them as two
    // DEPENDENT SUBQUERYs per row: 1.73 ms on the server for a 51-row queue page against
    // 1.16 ms joined (SHOW PROFILES p50, 20,000 tickets, interleaved).
    query = query
      .leftJoin('favorites as vf', (join) =>
        join.onRef('vf.tenant_id', '=', 't.tenant_id').on('vf.staff_id', '=', viewer).onRef('vf.ticket_id', '=', 't.id'),
      )
      .leftJoin('read_marks as vr', (join) =>
        join.onRef('vr.tenant_id', '=', 't.tenant_id').on('vr.staff_id', '=', viewer).onRef('vr.ticket_id', '=', 't.id'),
      )
      .select(['vf.ticket_id as favorite', 'vr.read_at as read_at']) as unknown as TicketQuery;
  } else if (viewer !== null) {
    query = query.select((eb) => [
      eb
        .selectFrom('favorites as f')
        .select(sql.lit(1).as('one'))
        .whereRef('f.tenant_id', '=', 't.tenant_id')
        .whereRef('f.ticket_id', '=', 't.id')
        .where('f.staff_id', '=', viewer)
        .as('favorite'),
      eb
        .selectFrom('read_marks as r')
        .select('r.read_at')
        .whereRef('r.tenant_id', '=', 't.tenant_id')
        .whereRef('r.ticket_id', '=', 't.id')
        .where('r.staff_id', '=', viewer)
        .as('read_at'),
    ]);
  }

  if (walks(step) && bound !== undefined) {
    if (step.rank === 2) return query.select(sql.lit(2).as('search_rank'));
    // A walk over the list: what it kept, in the list's order.
    if (step.rank === 'list') {
      let ranked = query.select((eb) => searchRank(ctx, eb, bound).as('search_rank'));
      sortKeys(ctx, q.sort).forEach((key, i) => (ranked = ranked.orderBy(sql.ref(`k.o${i}`), key.dir)));
      return ranked;
    }
    // The rank was checked on the walked rows (a walk in the `newest` order keeps every
    // rank: looked up for the page's rows); in the walk's order (the subquery's), which
    // the database keeps without sorting.
    const ranked =
      step.rank === 'any' ? query.select((eb) => searchRank(ctx, eb, bound).as('search_rank')) : query.select(sql.lit(step.rank).as('search_rank'));
    return ranked
      .orderBy(sql.ref('w.created_at'), 'desc')
      .orderBy(sql.ref('w.id'), 'desc');
  }
  if (bound !== undefined) {
    query = query
      .where((eb) => searchCondition(ctx, eb, scope, bound, matched))
      .select((eb) => searchRank(ctx, eb, bound).as('search_rank'));
  }

  // Keyset pagination: rows strictly after `q.after` in the sort order, ids breaking ties.
  const after = q.after;
  if (q.sort === 'relevance') {
    if (bound === undefined) throw new ValidationError('sort relevance needs a search', 'sort');
    // Rank, then newest first, ids breaking ties; the rank is recomputed, not stored.
    query = query.where((eb) => {
      if (!after) return sql<SqlBool>`1 = 1`;
      const at = hooks.toDate(after.at ?? NOT_WAITING);
      return keysetAfter(ctx, [searchRank(ctx, eb, bound), sql.ref('t.created_at'), sql.ref('t.id')], '<', [after.rank ?? 0, at, after.id]);
    });
    return newestFirst(query.orderBy(sql.ref('search_rank'), 'desc'));
  }
  // A rare phrase's hits drive the page (`'driven'`): SQLite must look them up and sort
  // them, not read the order's index for them (a rare word in the queue order read the
  // whole queue index: 146 ms at 1.1M tickets, 0.9 ms sorted). Other hits may be many.
  return sortedAfter(ctx, query, q.sort, after, step?.rank === 'driven' && hooks.capabilities.unaryPlusHidesIndex === true);
}

/**
 * What the list's order `sort` (any but relevance) orders by, in turn, on `tickets as t`;
 * with `hidden`, each as `+key`, which SQLite does not serve from an index.
 */
function sortKeys(ctx: QueryContext, sort: StoreListQuery['sort'], hidden = false): { expr: Expression<unknown>; dir: 'asc' | 'desc' }[] {
  if (hidden) return sortKeys(ctx, sort).map((key) => ({ expr: sql`+${key.expr}`, dir: key.dir }));
  if (sort === 'waiting') return [{ expr: sql.ref(WAITING_ORDER), dir: 'asc' }, { expr: sql.ref('t.id'), dir: 'asc' }];
  const order = SORT_ORDERS[sort as keyof typeof SORT_ORDERS];
  const keys: { expr: Expression<unknown>; dir: 'asc' | 'desc' }[] = [];
  if (order.attention) keys.push({ expr: sql.ref('t.attention'), dir: 'desc' });
  keys.push({ expr: sql.ref(order.at), dir: order.dir }, { expr: sql.ref('t.id'), dir: order.dir });
  return keys;
}

/**
 * `query` (on `tickets as t`) in the list's order `sort` (any but relevance), keyset-paged
 * after `after`: the rows strictly after it in that order, ids breaking ties (`hidden`:
 * ordered by `sortKeys(…, true)`).
 */
function sortedAfter<Q extends TicketQuery>(
  ctx: QueryContext,
  query: Q,
  sort: StoreListQuery['sort'],
  after: ListAfter | undefined,
  hidden = false,
): Q {
  const { hooks } = ctx;
  let out = query as TicketQuery;
  if (sort === 'waiting') {
    if (after) {
      const at = hooks.toDate(after.at ?? NOT_WAITING);
      out = out.where(keysetAfter(ctx, [sql.ref(WAITING_ORDER), sql.ref('t.id')], '>', [at, after.id]));
    }
  } else if (after) {
    const order = SORT_ORDERS[sort as keyof typeof SORT_ORDERS];
    const op = order.dir === 'desc' ? '<' : '>';
    const at = hooks.toDate(after.at ?? NOT_WAITING);
    out = out.where(
      order.attention
        ? keysetAfter(ctx, [sql.ref('t.attention'), sql.ref(order.at), sql.ref('t.id')], op, [after.attention ?? 0, at, after.id])
        : keysetAfter(ctx, [sql.ref(order.at), sql.ref('t.id')], op, [at, after.id]),
    );
  }
  for (const key of sortKeys(ctx, sort, hidden)) out = out.orderBy(key.expr, key.dir);
  return out as Q;
}

/**
 * Where a walk over the list (`'list'`) that read `step.rows` tickets after its cursor
 * stopped: the list's cursor after the last ticket it read, or `null` when fewer were
 * left (it read the whole list). Built each time (its SQL depends on the list's filters
 * as the page's does); asked only when a stretch did not fill the page.
 */
async function listBoundary(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  step: Extract<WalkStretch, { rank: 'list' }>,
): Promise<ListAfter | null> {
  const { hooks } = ctx;
  const at = q.sort === 'waiting' ? 't.waiting_since' : SORT_ORDERS[q.sort as keyof typeof SORT_ORDERS].at;
  const last = sortedAfter(ctx, listed(ctx, ctx.db.selectFrom('tickets as t'), scope, q), q.sort, step.after)
    .select([sql.ref(at).as('at'), 't.attention', 't.id'])
    .offset(step.rows - 1)
    .limit(1);
  const { rows } = await ctx.db.executeQuery(last.compile());
  const row = rows[0] as { at: unknown; attention: unknown; id: string } | undefined;
  if (row === undefined) return null;
  return {
    at: row.at === null ? null : hooks.fromDate(row.at as never),
    ...(SORT_ORDERS[q.sort as keyof typeof SORT_ORDERS]?.attention ? { attention: Number(row.attention) } : {}),
    id: row.id,
  };
}
