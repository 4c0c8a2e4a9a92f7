/**
 * The dispatcher's queue on the `outbox`: claims with a lease (`FOR UPDATE SKIP LOCKED`
 * where the dialect has it), outcomes fenced by the claim's attempt count, parked events
 * and their requeue.
 */
import { sql } from 'kysely';
import type { DispatchClaim, DispatchOutcome, ParkedEvent } from '../../src/store.js';
import { lockRows, type QueryContext } from './query-context.js';
import { outboxFromRow } from './row-mappers.js';

/** Ids per statement in `requeueParked`: far below every dialect's bound-parameter limit. */
const CHUNK = 500;

const EVENT_COLUMNS = ['id', 'ticket_id', 'type', 'payload', 'created_at', 'attempts', 'handled', 'position'] as const;

function handledOf(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

function claimOf(ctx: QueryContext, row: Record<string, unknown>, attempts: number): DispatchClaim {
  return { ...outboxFromRow(ctx.hooks, row), attempts, handled: handledOf(row.handled) };
}

/**
 * Claims up to `limit` due events, earliest due first (insertion order breaking ties):
 * `attempts + 1`, `dispatch_at` moved to the lease end.
 *
 * With `UPDATE … FROM` (Postgres) one statement: the candidates are picked in a
 * MATERIALIZED CTE with `FOR UPDATE SKIP LOCKED` (as a plain `IN (subquery … LIMIT)` the
 * planner may run the subquery more than once and claim past the limit), so concurrent
 * claimers take disjoint events without waiting on each other. Elsewhere (SQLite, MySQL,
 * MariaDB) pick-and-lock then update, which the caller must run inside one transaction:
 * SQLite's `begin immediate` excludes every other writer; MySQL keeps the picked rows
 * locked (`SKIP LOCKED`) until commit.
 */
export async function claimDispatch(
  ctx: QueryContext,
  tenantId: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<DispatchClaim[]> {
  if (limit <= 0) return [];
  const lease = ctx.hooks.toDate(leaseUntil);
  if (ctx.hooks.capabilities.updateFromCte && ctx.hooks.capabilities.returning) {
    const candidates = lockRows(
      ctx,
      ctx.db
        .selectFrom('outbox as c')
        .select(['c.id', 'c.dispatch_at as due'])
        .where('c.tenant_id', '=', tenantId)
        .where('c.dispatch_at', '<=', ctx.hooks.toDate(now))
        .orderBy('c.dispatch_at')
        .orderBy('c.position')
        .limit(limit),
      'skip',
    );
    const rows = (await ctx.db
      .with((cte) => cte('candidates').materialized(), () => candidates)
      .updateTable('outbox')
      .from('candidates')
      .set({ attempts: sql`${sql.ref('outbox.attempts')} + 1`, dispatch_at: lease })
      .where('outbox.tenant_id', '=', tenantId)
      .where('outbox.id', '=', sql.ref<string>('candidates.id'))
      .returning([...EVENT_COLUMNS.map((c) => `outbox.${c}` as const), 'candidates.due'])
      .execute()) as Record<string, unknown>[];
    // RETURNING has no order: back to the candidates' (due, then insertion).
    return rows
      .map((row) => ({ row, due: ctx.hooks.fromDate(row.due).getTime(), pos: Number(row.position) }))
      .sort((a, b) => a.due - b.due || a.pos - b.pos)
      .map(({ row }) => claimOf(ctx, row, Number(row.attempts)));
  }
  const picked = (await lockRows(
    ctx,
    ctx.db
      .selectFrom('outbox')
      .select([...EVENT_COLUMNS])
      .where('tenant_id', '=', tenantId)
      .where('dispatch_at', '<=', ctx.hooks.toDate(now))
      .orderBy('dispatch_at')
      .orderBy('position')
      .limit(limit),
    'skip',
  ).execute()) as Record<string, unknown>[];
  if (picked.length === 0) return [];
  await ctx.db
    .updateTable('outbox')
    .set({ attempts: sql`${sql.ref('attempts')} + 1`, dispatch_at: lease })
    .where('tenant_id', '=', tenantId)
    .where(
      'id',
      'in',
      picked.map((r) => r.id as string),
    )
    .execute();
  // The rows stay locked (or the database write-locked) until the caller commits, so
  // nothing changed them between the read and the update.
  return picked.map((row) => claimOf(ctx, row, Number(row.attempts) + 1));
}

/**
 * Whether any queued event of the tenant is due at `now`: one index seek, read-only. Where
 * a claim needs a write transaction (SQLite's `begin immediate` takes the database's write
 * lock), an idle dispatcher's poll asks this first and opens none.
 */
export async function anyDue(ctx: QueryContext, tenantId: string, now: Date): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('outbox')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('dispatch_at', '<=', ctx.hooks.toDate(now))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records outcomes, each only while the claim still holds the event: its `attempts` and
 * `dispatch_at` (the lease end) are still the claim's (a later claim, or an earlier outcome
 * for the same claim, wins; `attempts` alone repeats after a requeue).
 *
 * The `delivered` outcomes go in one UPDATE per (attempts, time, handlers) group: a batch
 * of first attempts on which every handler succeeded — the usual case — is one statement,
 * with plain bound values (a `CASE` per row would need dialect-specific casts on its
 * parameters). Each retry and park is its own statement.
 */
export async function finishDispatch(ctx: QueryContext, tenantId: string, outcomes: readonly DispatchOutcome[]): Promise<void> {
  const groups = new Map<string, DispatchOutcome[]>();
  for (const o of outcomes) {
    if (o.result !== 'delivered') continue;
    const k = `${o.attempts}\0${o.leaseUntil.getTime()}\0${o.at.getTime()}\0${JSON.stringify(o.handled)}`;
    const group = groups.get(k);
    if (group) group.push(o);
    else groups.set(k, [o]);
  }
  for (const group of groups.values()) {
    const { attempts, leaseUntil, at, handled } = group[0]!;
    await ctx.db
      .updateTable('outbox')
      .set({ dispatch_at: null, dispatched_at: ctx.hooks.toDate(at), handled: JSON.stringify(handled) })
      .where('tenant_id', '=', tenantId)
      .where(
        'id',
        'in',
        group.map((o) => o.id),
      )
      .where('attempts', '=', attempts)
      .where('dispatch_at', '=', ctx.hooks.toDate(leaseUntil))
      .execute();
  }
  for (const o of outcomes) {
    if (o.result === 'delivered') continue;
    const set =
      o.result === 'retry'
        ? { dispatch_at: ctx.hooks.toDate(o.retryAt ?? o.at), handled: JSON.stringify(o.handled), last_error: o.error ?? null }
        : {
            dispatch_at: null,
            parked_at: ctx.hooks.toDate(o.at),
            handled: JSON.stringify(o.handled),
            last_error: o.error ?? null,
          };
    await ctx.db
      .updateTable('outbox')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', o.id)
      .where('attempts', '=', o.attempts)
      .where('dispatch_at', '=', ctx.hooks.toDate(o.leaseUntil))
      .execute();
  }
}

/** Parked events in insertion order, after position `after`. */
export async function listParked(ctx: QueryContext, tenantId: string, limit: number, after?: number): Promise<ParkedEvent[]> {
  if (limit <= 0) return [];
  let query = ctx.db
    .selectFrom('outbox')
    .select([...EVENT_COLUMNS, 'parked_at', 'last_error'])
    .where('tenant_id', '=', tenantId)
    .where('parked_at', 'is not', null);
  if (after !== undefined) query = query.where('position', '>', after);
  const rows = (await query.orderBy('position').limit(limit).execute()) as Record<string, unknown>[];
  return rows.map((row) => ({
    ...outboxFromRow(ctx.hooks, row),
    position: Number(row.position),
    attempts: Number(row.attempts),
    handled: handledOf(row.handled),
    parkedAt: ctx.hooks.fromDate(row.parked_at),
    lastError: (row.last_error as string | null) ?? null,
  }));
}

/** Queues parked events again (`ids`, or all of the tenant's): due at `now`, attempts from 0, `handled` kept. */
export async function requeueParked(ctx: QueryContext, tenantId: string, ids: readonly string[] | null, now: Date): Promise<number> {
  const requeue = async (chunk: readonly string[] | null) => {
    let query = ctx.db
      .updateTable('outbox')
      .set({ parked_at: null, attempts: 0, dispatch_at: ctx.hooks.toDate(now) })
      .where('tenant_id', '=', tenantId)
      .where('parked_at', 'is not', null);
    if (chunk !== null) query = query.where('id', 'in', [...chunk]);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  };
  if (ids === null) return requeue(null);
  const unique = [...new Set(ids)];
  let count = 0;
  for (let i = 0; i < unique.length; i += CHUNK) count += await requeue(unique.slice(i, i + CHUNK));
  return count;
}
