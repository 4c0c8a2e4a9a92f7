/**
 * Queries on the `tickets` table (and the `counters` behind ticket numbers): find, lock,
 * list with search and keyset pagination, insert, versioned update, SLA alert claims and
 * the stale scan. Written once for SQLite and Postgres.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { ConflictError } from '../../src/errors.js';
import type {
  SlaAlertKind,
  StoreListQuery,
  StoreScope,
  TicketPatch,
  TicketRow,
} from '../../src/store.js';
import type { Status, Ticket, TicketSummary } from '../../src/types.js';
import {
  containsPattern,
  ticketScope,
  type QueryContext,
  type WithTicketAlias,
} from './query-context.js';
import { patchToRow, ticketFromRow, ticketToRow } from './row-mappers.js';
import type { MessageTable } from './schema.js';
import {
  STATS_SOURCE_COLUMNS,
  factsAfterPatch,
  factsOfRow,
  factsOfTicket,
  patchMovesStats,
  type StatsDeltas,
} from './ticket-stats.js';

/** The ticket whose id or number is `ref`, within scope; optionally row-locked. */
export async function findTicket(
  ctx: QueryContext,
  scope: StoreScope,
  ref: string,
  lock = false,
): Promise<Ticket | null> {
  let query = ctx.db
    .selectFrom('tickets as t')
    .selectAll('t')
    .where((eb) => ticketScope(eb, scope))
    .where((eb) => eb.or([eb('t.id', '=', ref), eb('t.number', '=', ref)]))
    // An id match wins over a number match, should one ticket's id be another's number.
    .orderBy(sql`case when ${sql.ref('t.id')} = ${ref} then 0 else 1 end`)
    .limit(1);
  if (lock) query = ctx.hooks.lockRows(query, 'wait');
  const row = await query.executeTakeFirst();
  return row ? ticketFromRow(ctx.hooks, row) : null;
}

/**
 * The conditions that make a message count for the scope in a list: a customer or staff
 * reply (not the opening message, never a system note), and for customers neither
 * internal nor hidden.
 */
function countedReply(
  ctx: QueryContext,
  eb: ExpressionBuilder<WithTicketAlias & { m: MessageTable }, 't' | 'm'>,
  scope: StoreScope,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [
    eb('m.tenant_id', '=', eb.ref('t.tenant_id')),
    eb('m.ticket_id', '=', eb.ref('t.id')),
    eb('m.opening', '=', ctx.hooks.toBoolean(false)),
    eb('m.author_type', 'in', ['customer', 'staff']),
  ];
  if (scope.visibility === 'customer') {
    conditions.push(eb('m.internal', '=', ctx.hooks.toBoolean(false)));
    conditions.push(eb('m.hidden', '=', ctx.hooks.toBoolean(false)));
  }
  return eb.and(conditions);
}

/** Each sort: the time column, the direction, and whether `attention` leads (the staff queue). */
const SORT_ORDERS = {
  queue: { at: 't.updated_at', dir: 'desc', attention: true },
  updated: { at: 't.updated_at', dir: 'desc', attention: false },
  newest: { at: 't.created_at', dir: 'desc', attention: false },
  oldest: { at: 't.created_at', dir: 'asc', attention: false },
} as const;

/**
 * A page of ticket summaries: the query's filters AND-ed within scope, the search text
 * in number, subject or a visible message body, keyset-paginated in the sort order, with
 * reply counts from correlated subqueries (one statement, no N+1).
 */
export async function listTickets(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
): Promise<TicketSummary[]> {
  const { hooks } = ctx;
  let query = ctx.db
    .selectFrom('tickets as t')
    .selectAll('t')
    .select((eb) => [
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.countAll().as('n'))
        .where((e) => countedReply(ctx, e, scope))
        .as('reply_count'),
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.max('m.created_at').as('at'))
        .where((e) => countedReply(ctx, e, scope))
        .as('last_reply_at'),
    ])
    .where((eb) => ticketScope(eb, scope));

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

  if (q.q !== undefined && q.q !== '') {
    const pattern = containsPattern(q.q);
    const like = (value: Expression<string>) =>
      sql<SqlBool>`${hooks.fold(value)} like ${pattern} escape '\\'`;
    query = query.where((eb) =>
      eb.or([
        like(eb.ref('t.number')),
        like(eb.ref('t.subject')),
        eb.exists(
          eb
            .selectFrom('messages as b')
            .select(sql.lit(1).as('one'))
            .where((e) => {
              const conditions: Expression<SqlBool>[] = [
                e('b.tenant_id', '=', e.ref('t.tenant_id')),
                e('b.ticket_id', '=', e.ref('t.id')),
                like(e.ref('b.body')),
              ];
              if (scope.visibility === 'customer') {
                conditions.push(e('b.internal', '=', hooks.toBoolean(false)));
                conditions.push(e('b.hidden', '=', hooks.toBoolean(false)));
              }
              return e.and(conditions);
            }),
        ),
      ]),
    );
  }

  // Keyset pagination: rows strictly after `q.after` in the sort order, ids breaking ties.
  const order = SORT_ORDERS[q.sort];
  const after = q.after;
  if (after) {
    const op = order.dir === 'desc' ? '<' : '>';
    const at = hooks.toDate(after.at);
    query = query.where((eb) =>
      order.attention
        ? eb(eb.refTuple('t.attention', order.at, 't.id'), op, eb.tuple(after.attention ?? 0, at, after.id))
        : eb(eb.refTuple(order.at, 't.id'), op, eb.tuple(at, after.id)),
    );
  }
  if (order.attention) query = query.orderBy('t.attention', 'desc');
  query = query.orderBy(order.at, order.dir).orderBy('t.id', order.dir);

  const rows = await query.limit(q.limit).execute();
  return rows.map((row) => ({
    ...ticketFromRow(hooks, row),
    replyCount: Number(row.reply_count ?? 0),
    lastReplyAt: row.last_reply_at === null || row.last_reply_at === undefined ? null : hooks.fromDate(row.last_reply_at),
  }));
}

/**
 * Inserts a ticket; a taken id or number is a `ConflictError`. Its contribution to the
 * stats buckets goes into `deltas`, applied before commit.
 */
export async function insertTicket(ctx: QueryContext, row: TicketRow, deltas: StatsDeltas): Promise<void> {
  // ON CONFLICT DO NOTHING instead of catching the unique violation: in Postgres a failed
  // statement aborts the whole transaction, and the caller may want to carry on.
  const inserted = await ctx.db
    .insertInto('tickets')
    .values(ticketToRow(ctx.hooks, row))
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) {
    deltas.add(row.tenantId, factsOfTicket(row), 1);
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
): Promise<boolean> {
  const set = { ...patchToRow(ctx.hooks, patch), version: expectedVersion + 1 };
  if (!patchMovesStats(patch)) {
    const updated = await ctx.db
      .updateTable('tickets')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returning('id')
      .executeTakeFirst();
    return updated !== undefined;
  }

  const current = ctx.db
    .selectFrom('tickets as t')
    .select(['t.id', ...STATS_SOURCE_COLUMNS.map((c) => `t.${c}` as const)])
    .where('t.tenant_id', '=', tenantId)
    .where('t.id', '=', id)
    .where('t.version', '=', expectedVersion);
  let before: Record<string, unknown> | undefined;
  if (ctx.hooks.dialect === 'postgres') {
    before = await ctx.db
      .with('old', () => ctx.hooks.lockRows(current, 'wait'))
      .updateTable('tickets')
      .from('old')
      .set(set)
      .where('tickets.tenant_id', '=', tenantId)
      .where('tickets.id', '=', sql.ref<string>('old.id'))
      .returning(STATS_SOURCE_COLUMNS.map((c) => `old.${c}` as const))
      .executeTakeFirst();
  } else {
    before = await current.executeTakeFirst();
    // Not at that version, so the versioned UPDATE cannot match either.
    if (before === undefined) return false;
    const updated = await ctx.db
      .updateTable('tickets')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returning('id')
      .executeTakeFirst();
    if (updated === undefined) return false;
  }
  if (before === undefined) return false;
  const old = factsOfRow(ctx, before);
  deltas.move(tenantId, old, factsAfterPatch(old, patch));
  return true;
}

/**
 * Increments the tenant's counter `key` and returns the new value (1 for a new key). The
 * upsert holds the counter row's lock until the transaction ends, so numbers are gapless
 * and unique: a concurrent creator waits, a rollback gives the number back.
 */
export async function nextSequence(ctx: QueryContext, tenantId: string, key: string): Promise<number> {
  const row = await ctx.db
    .insertInto('counters')
    .values({ tenant_id: tenantId, key, value: 1 })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'key']).doUpdateSet({ value: sql<number>`${sql.ref('counters.value')} + 1` }),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

const ALERT_COLUMNS = {
  firstResponse: {
    warning: { due: 'sla_first_response_warn_at', claim: 'sla_first_response_warned_at' },
    breach: { due: 'first_response_due_at', claim: 'sla_first_response_breached_at' },
  },
  resolution: {
    warning: { due: 'sla_resolution_warn_at', claim: 'sla_resolution_warned_at' },
    breach: { due: 'resolution_due_at', claim: 'sla_resolution_breached_at' },
  },
} as const;

/**
 * Claims up to `limit` due, unclaimed alerts in one UPDATE and returns the claimed
 * tickets. In Postgres the candidate ids are picked `FOR UPDATE SKIP LOCKED`, and the
 * outer WHERE re-checks the claim column, so concurrent scanners never claim one ticket
 * twice; SQLite's immediate transactions serialise the scanners.
 */
export async function claimSlaAlerts(
  ctx: QueryContext,
  tenantId: string,
  alert: SlaAlertKind,
  now: Date,
  limit: number,
): Promise<Ticket[]> {
  const { due, claim } = ALERT_COLUMNS[alert.target][alert.kind];
  const at = ctx.hooks.toDate(now);
  const candidates = ctx.hooks.lockRows(
    ctx.db
      .selectFrom('tickets as c')
      .select('c.id')
      .where('c.tenant_id', '=', tenantId)
      .where('c.deleted_at', 'is', null)
      .where(`c.${due}`, '<=', at)
      .where(`c.${claim}`, 'is', null)
      .orderBy(`c.${due}`)
      .orderBy('c.id')
      .limit(limit),
    'skip',
  );
  const rows = await ctx.db
    .updateTable('tickets')
    .set({ [claim]: at, version: sql<number>`${sql.ref('version')} + 1` })
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', candidates)
    .where(claim, 'is', null)
    .returningAll()
    .execute();
  return rows
    .map((row) => ticketFromRow(ctx.hooks, row))
    .sort((a, b) => cmpDate(a, b, alert) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// RETURNING gives no order; hand the claims back in due order like the candidate scan.
function cmpDate(a: Ticket, b: Ticket, alert: SlaAlertKind): number {
  const due = (t: Ticket) =>
    (alert.kind === 'warning'
      ? alert.target === 'firstResponse'
        ? t.sla.firstResponseWarnAt
        : t.sla.resolutionWarnAt
      : alert.target === 'firstResponse'
        ? t.firstResponseDueAt
        : t.resolutionDueAt
    )?.getTime() ?? 0;
  return due(a) - due(b);
}

/** Non-deleted tickets in `statuses` unchanged since before `before`, oldest first. */
export async function listStale(
  ctx: QueryContext,
  tenantId: string,
  statuses: readonly Status[],
  before: Date,
  limit: number,
): Promise<Ticket[]> {
  if (statuses.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('tickets as t')
    .selectAll('t')
    .where('t.tenant_id', '=', tenantId)
    .where('t.deleted_at', 'is', null)
    .where('t.status', 'in', [...statuses])
    .where('t.status_changed_at', '<', ctx.hooks.toDate(before))
    .orderBy('t.status_changed_at', 'asc')
    .orderBy('t.id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ticketFromRow(ctx.hooks, row));
}
