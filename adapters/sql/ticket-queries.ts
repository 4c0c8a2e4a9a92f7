/**
 * Queries on the `tickets` table: find, lock, list with search and keyset pagination,
 * insert, versioned update. Written once for every dialect, in the form its declared
 * capabilities allow. (The scheduled-work scans are in `scan-queries.ts`, ticket numbers
 * in `counter-queries.ts`.)
 */
import { sql, type SqlBool } from 'kysely';
import { ConflictError, ValidationError } from '../../src/errors.js';
import { checkTicketPatch, checkTicketRow } from '../../src/store-checks.js';
import type { StoreListQuery, StoreScope, StoreTicketSummary, TicketPatch, TicketRow } from '../../src/store.js';
import type { Ticket } from '../../src/types.js';
import {
  insertIgnoringDuplicates,
  insertRow,
  runCached,
  scopeFromArgs,
  scopeParts,
  lockRows,
  ticketScope,
  type QueryContext,
  type WithTicketAlias,
} from './query-context.js';
import { TICKET_SELECTION, patchToRow, ticketFromRow, ticketToRow } from './row-mappers.js';
import { indexTicket, reindexTicket, searchCondition, searchRank } from './search-queries.js';
import {
  STATS_SOURCE_COLUMNS,
  factsAfterPatch,
  factsOfRow,
  factsOfTicket,
  patchMovesStats,
  type StatsDeltas,
  type StatsFacts,
} from './ticket-stats.js';

/** The ticket whose id or number is `ref`, within scope; optionally row-locked. */
export async function findTicket(
  ctx: QueryContext,
  scope: StoreScope,
  ref: string,
  lock = false,
): Promise<Ticket | null> {
  const { shape, args } = scopeParts(scope);
  const { rows } = await runCached(ctx, `find ticket ${shape}${lock ? ', locked' : ''}`, [...args, ref], (a) => {
    const r = a[a.length - 1] as string;
    const query = ctx.db
      .selectFrom('tickets as t')
      .select(TICKET_SELECTION)
      .where((eb) => ticketScope(eb, scopeFromArgs(shape, a)))
      .where((eb) => eb.or([eb('t.id', '=', r), eb('t.number', '=', r)]))
      // An id match wins over a number match, should one ticket's id be another's number.
      .orderBy(sql`case when ${sql.ref('t.id')} = ${r} then 0 else 1 end`)
      .limit(1);
    return lock ? lockRows(ctx, query, 'wait') : query;
  });
  const row = rows[0];
  return row ? ticketFromRow(ctx.hooks, row as Record<string, unknown>) : null;
}

/** Each sort: the time column, the direction, and whether `attention` leads (the staff queue). */
const SORT_ORDERS = {
  queue: { at: 't.updated_at', dir: 'desc', attention: true },
  updated: { at: 't.updated_at', dir: 'desc', attention: false },
  newest: { at: 't.created_at', dir: 'desc', attention: false },
  oldest: { at: 't.created_at', dir: 'asc', attention: false },
  waiting: { at: 't.waiting_since', dir: 'asc', attention: false },
} as const;

/**
 * Sort `waiting` orders by `coalesce(waiting_since, NOT_WAITING)`: the longest waiting
 * first, tickets nobody waits on last, one keyset for both (the last millisecond of
 * year 9999, which every dialect stores and parses).
 */
const NOT_WAITING = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

/**
 * A page of ticket summaries: the query's filters AND-ed within scope, the search text
 * in number, subject or a visible message body, keyset-paginated in the sort order. The
 * reply counts come from the ticket row (`list-columns.ts`), as the scope's visibility
 * counts them; the viewer's favorite and read mark from a primary-key lookup each.
 */
export async function listTickets(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
): Promise<StoreTicketSummary[]> {
  const { hooks } = ctx;
  const viewer = q.viewerId ?? null;
  let query = ctx.db
    .selectFrom('tickets as t')
    .select(TICKET_SELECTION)
    .select(
      scope.visibility === 'customer'
        ? ['t.public_reply_count as reply_count', 't.public_last_reply_at as last_reply_at']
        : ['t.reply_count as reply_count', 't.last_reply_at as last_reply_at'],
    )
    .where((eb) => ticketScope(eb, scope));
  // Without a viewer (a customer's list) there are no marks to look up.
  if (viewer !== null) {
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
    ]) as unknown as typeof query;
  }
  if (q.deleted) query = query.where('t.deleted_at', 'is not', null);
  if (q.addressedTo !== undefined) query = query.where('t.addressed_to', '=', q.addressedTo);
  if (q.favorites) {
    query = query.where((eb) =>
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
  if (q.status !== undefined) query = q.status.length ? query.where('t.status', 'in', [...q.status]) : query.where(none);
  if (q.priority !== undefined) {
    query = q.priority.length ? query.where('t.priority', 'in', [...q.priority]) : query.where(none);
  }
  if (q.category !== undefined) {
    query = q.category.length ? query.where('t.category', 'in', [...q.category]) : query.where(none);
  }
  if (q.department !== undefined) {
    query = q.department.length ? query.where('t.department', 'in', [...q.department]) : query.where(none);
  }
  if (q.assigneeId === null) query = query.where('t.assignee_id', 'is', null);
  else if (q.assigneeId !== undefined) query = query.where('t.assignee_id', '=', q.assigneeId);
  if (q.subscriberId !== undefined) query = query.where('t.subscriber_id', '=', q.subscriberId);
  if (q.archived !== undefined) query = query.where('t.archived', '=', hooks.toBoolean(q.archived));
  if (q.createdFrom !== undefined) query = query.where('t.created_at', '>=', hooks.toDate(q.createdFrom));
  if (q.createdTo !== undefined) query = query.where('t.created_at', '<', hooks.toDate(q.createdTo));

  const search = q.search;
  if (search !== undefined) {
    query = query
      .where((eb) => searchCondition(ctx, eb, scope, search))
      .select((eb) => searchRank(ctx, eb, search).as('search_rank'));
  }

  // Keyset pagination: rows strictly after `q.after` in the sort order, ids breaking ties.
  const after = q.after;
  if (q.sort === 'relevance') {
    if (search === undefined) throw new ValidationError('sort relevance needs a search', 'sort');
    // Rank, then newest first, ids breaking ties; the rank is recomputed, not stored.
    query = query.where((eb) => {
      if (!after) return sql<SqlBool>`1 = 1`;
      const at = hooks.toDate(after.at ?? NOT_WAITING);
      return sql<SqlBool>`(${searchRank(ctx, eb, search)}, ${sql.ref('t.created_at')}, ${sql.ref('t.id')}) < (${after.rank ?? 0}, ${at}, ${after.id})`;
    });
    query = query.orderBy(sql.ref('search_rank'), 'desc').orderBy('t.created_at', 'desc').orderBy('t.id', 'desc');
  } else if (q.sort === 'waiting') {
    const waited = sql`coalesce(${sql.ref('t.waiting_since')}, ${hooks.toDate(NOT_WAITING)})`;
    if (after) {
      const at = hooks.toDate(after.at ?? NOT_WAITING);
      query = query.where(sql<SqlBool>`(${waited}, ${sql.ref('t.id')}) > (${at}, ${after.id})`);
    }
    query = query.orderBy(waited, 'asc').orderBy('t.id', 'asc');
  } else {
    const order = SORT_ORDERS[q.sort];
    if (after) {
      const op = order.dir === 'desc' ? '<' : '>';
      const at = hooks.toDate(after.at ?? NOT_WAITING);
      query = query.where((eb) =>
        order.attention
          ? eb(eb.refTuple('t.attention', order.at, 't.id'), op, eb.tuple(after.attention ?? 0, at, after.id))
          : eb(eb.refTuple(order.at, 't.id'), op, eb.tuple(at, after.id)),
      );
    }
    if (order.attention) query = query.orderBy('t.attention', 'desc');
    query = query.orderBy(order.at, order.dir).orderBy('t.id', order.dir);
  }

  const rows = (await query.limit(q.limit).execute()) as Record<string, unknown>[];
  const summaries: StoreTicketSummary[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // The summary is built in place: one object per row, no spread copies of the ticket.
    const summary = ticketFromRow(hooks, row) as StoreTicketSummary;
    summary.replyCount = Number(row.reply_count);
    summary.lastReplyAt = row.last_reply_at === null ? null : hooks.fromDate(row.last_reply_at);
    summary.favorite = viewer !== null && row.favorite !== null && row.favorite !== undefined;
    summary.readAt = viewer === null || row.read_at === null || row.read_at === undefined ? null : hooks.fromDate(row.read_at);
    if (search !== undefined) summary.searchRank = Number(row.search_rank ?? 0);
    summaries[i] = summary;
  }
  return summaries;
}

/**
 * Inserts a ticket; a taken id or number is a `ConflictError`. Its contribution to the
 * stats buckets goes into `deltas`, applied before commit.
 */
export async function insertTicket(ctx: QueryContext, row: TicketRow, deltas: StatsDeltas): Promise<void> {
  checkTicketRow(row);
  // Ignoring the duplicate instead of catching the unique violation: in Postgres a failed
  // statement aborts the whole transaction, and the caller may want to carry on.
  const inserted =
    ctx.hooks.capabilities.upsert === 'on-conflict'
      ? await insertRow(ctx, 'tickets', ticketToRow(ctx.hooks, row), true)
      : await insertIgnoringDuplicates(ctx, ctx.db.insertInto('tickets').values(ticketToRow(ctx.hooks, row)));
  if (inserted) {
    deltas.add(row.tenantId, factsOfTicket(row), 1);
    await indexTicket(ctx, row.tenantId, row);
    return;
  }
  const clash = await ctx.db
    .selectFrom('tickets as t')
    .select(['t.id', 't.number'])
    .where('t.tenant_id', '=', row.tenantId)
    .where((eb) => eb.or([eb('t.id', '=', row.id), eb('t.number', '=', row.number)]))
    .executeTakeFirst();
  if (clash && clash.id === row.id) {
    throw new ConflictError(`A ticket with id ${row.id} already exists`, { params: { field: 'id', id: row.id } });
  }
  throw new ConflictError(`Ticket number ${row.number} is already taken`, {
    params: { field: 'number', number: row.number },
  });
}

/**
 * Applies `patch` if the stored version is `expectedVersion`; true if a row changed.
 * When the patch touches a column the stats depend on, the move from the row's old
 * contribution to its new one goes into `deltas`. The old values come from the row as
 * it was before the UPDATE: in Postgres from a `FOR UPDATE` CTE the UPDATE joins and
 * returns (one round trip); in SQLite from a SELECT just before it (in process, and the
 * immediate transaction excludes other writers). The core has normally locked the row
 * already (`lockTicket`).
 */
export async function updateTicket(
  ctx: QueryContext,
  tenantId: string,
  id: string,
  expectedVersion: number,
  patch: TicketPatch,
  deltas: StatsDeltas,
  /**
   * The row's stats facts at `expectedVersion`, when this transaction has read it under
   * its lock (`lockTicket`): the old values need not be read again.
   */
  known?: StatsFacts,
): Promise<boolean> {
  // Refused before the version check, so a bad patch is an error whatever the version.
  checkTicketPatch(patch);
  const set = { ...patchToRow(ctx.hooks, patch), version: expectedVersion + 1 };
  const changed = await updateTicketRow(ctx, tenantId, id, expectedVersion, patch, set, deltas, known);
  if (changed && patch.subject !== undefined) await reindexTicket(ctx, tenantId, id);
  return changed;
}

/** `updateTicket`'s UPDATE, with the stats move when the patch moves the ticket's stats. */
async function updateTicketRow(
  ctx: QueryContext,
  tenantId: string,
  id: string,
  expectedVersion: number,
  patch: TicketPatch,
  set: Record<string, unknown>,
  deltas: StatsDeltas,
  known: StatsFacts | undefined,
): Promise<boolean> {
  // One compiled statement per set of columns; the values are its arguments.
  const columns = Object.keys(set);
  const values = columns.map((c) => set[c]);
  const n = columns.length;
  const setOf = (a: readonly unknown[], from: number) => Object.fromEntries(columns.map((c, i) => [c, a[from + i]]));
  const versioned = () =>
    runCached(ctx, `update ticket (${columns.join(',')})`, [...values, tenantId, id, expectedVersion], (a) =>
      ctx.db
        .updateTable('tickets')
        .set(setOf(a, 0))
        .where('tenant_id', '=', a[n] as string)
        .where('id', '=', a[n + 1] as string)
        .where('version', '=', a[n + 2] as number),
    ).then((r) => Number(r.numAffectedRows ?? 0) > 0);
  if (!patchMovesStats(patch)) return versioned();
  if (known !== undefined) {
    // The transaction read this row under its lock at this version: its old facts are known.
    if (!(await versioned())) return false;
    deltas.move(tenantId, known, factsAfterPatch(known, patch));
    return true;
  }

  const current = (a: readonly unknown[]) =>
    ctx.db
      .selectFrom('tickets as t')
      .select(['t.id', ...STATS_SOURCE_COLUMNS.map((c) => `t.${c}` as const)])
      .where('t.tenant_id', '=', a[0] as string)
      .where('t.id', '=', a[1] as string)
      .where('t.version', '=', a[2] as number);
  let before: Record<string, unknown> | undefined;
  if (ctx.hooks.capabilities.updateFromCte) {
    const { rows } = await runCached(ctx, `update ticket returning old (${columns.join(',')})`, [tenantId, id, expectedVersion, ...values], (a) =>
      ctx.db
        .with('old', () => lockRows(ctx, current(a), 'wait'))
        .updateTable('tickets')
        .from('old')
        .set(setOf(a, 3))
        .where('tickets.tenant_id', '=', a[0] as string)
        .where('tickets.id', '=', sql.ref<string>('old.id'))
        .returning(STATS_SOURCE_COLUMNS.map((c) => `old.${c}` as const)),
    );
    before = rows[0] as Record<string, unknown> | undefined;
  } else {
    // Read the old row (locked where the dialect has row locks), then update it.
    const { rows } = await runCached(ctx, 'ticket stats columns', [tenantId, id, expectedVersion], (a) => lockRows(ctx, current(a), 'wait'));
    before = rows[0] as Record<string, unknown> | undefined;
    // Not at that version, so the versioned UPDATE cannot match either.
    if (before === undefined) return false;
    if (!(await versioned())) return false;
  }
  if (before === undefined) return false;
  const old = factsOfRow(ctx, before);
  deltas.move(tenantId, old, factsAfterPatch(old, patch));
  return true;
}
