/**
 * Queries on the `outbox`: events written in the change's transaction, marked delivered
 * once emitted, and claimed by a recovery scan when a crash left them behind.
 */
import { sql } from 'kysely';
import type { OutboxEvent } from '../../src/store.js';
import { insertRow, lockRows, runCached, type QueryContext } from './query-context.js';
import { outboxFromRow, outboxToRow } from './row-mappers.js';

/** Writes an event to the outbox. */
export async function insertOutbox(ctx: QueryContext, tenantId: string, event: OutboxEvent): Promise<void> {
  await insertRow(ctx, 'outbox', outboxToRow(ctx.hooks, tenantId, event));
}

/** Marks the tenant's events `ids` delivered (already delivered ones keep their time). */
export async function markDelivered(
  ctx: QueryContext,
  tenantId: string,
  ids: readonly string[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  // `coalesce` rather than `where delivered_at is null`: with that predicate Postgres
  // matched the partial `outbox_undelivered_idx` (tenant first, same predicate) and
  // scanned every undelivered event of the tenant; by id alone it takes the unique
  // (tenant_id, id) index.
  await runCached(ctx, `mark ${ids.length} delivered`, [ctx.hooks.toDate(now), tenantId, ...ids], ([at, tenant, ...list]) =>
    ctx.db
      .updateTable('outbox')
      .set({ delivered_at: sql`coalesce(${sql.ref('delivered_at')}, ${at})` })
      .where('tenant_id', '=', tenant as string)
      .where('id', 'in', list as string[]),
  );
}

/**
 * Marks up to `limit` undelivered events created before `olderThan` as delivered and
 * returns them, oldest first, in one UPDATE … RETURNING where the dialect has it. Where it
 * has `SKIP LOCKED` the candidates are picked with it and the outer WHERE re-checks
 * `delivered_at`, so of several instances each event goes to one; SQLite runs one writer
 * at a time.
 */
export async function claimUndelivered(
  ctx: QueryContext,
  tenantId: string,
  olderThan: Date,
  limit: number,
  now: Date,
): Promise<OutboxEvent[]> {
  const candidates = lockRows(
    ctx,
    ctx.db
      .selectFrom('outbox as o')
      .select('o.id')
      .where('o.tenant_id', '=', tenantId)
      .where('o.delivered_at', 'is', null)
      .where('o.created_at', '<', ctx.hooks.toDate(olderThan))
      .orderBy('o.created_at', 'asc')
      .orderBy('o.position', 'asc')
      .limit(limit),
    'skip',
  );
  const set = { delivered_at: ctx.hooks.toDate(now) };
  let rows: Record<string, unknown>[];
  if (ctx.hooks.capabilities.returning) {
    // The candidates in a MATERIALIZED CTE: as a plain `IN (subquery … LIMIT … SKIP
    // LOCKED)` Postgres may run the subquery more than once and claim past the limit.
    rows = await ctx.db
      .with((cte) => cte('candidates').materialized(), () => candidates)
      .updateTable('outbox')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', (eb) => eb.selectFrom('candidates').select('candidates.id'))
      .where('delivered_at', 'is', null)
      .returningAll()
      .execute();
  } else {
    // Without RETURNING, one claimer must own the ids from pick to read-back: on such
    // dialects the caller runs this inside a transaction.
    const ids = (await candidates.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    await ctx.db.updateTable('outbox').set(set).where('tenant_id', '=', tenantId).where('id', 'in', ids).where('delivered_at', 'is', null).execute();
    rows = await ctx.db.selectFrom('outbox').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  }
  // RETURNING has no order: sort by creation, then insertion.
  return rows
    .map((row) => ({ row, at: ctx.hooks.fromDate(row.created_at).getTime(), pos: Number(row.position) }))
    .sort((a, b) => a.at - b.at || a.pos - b.pos)
    .map(({ row }) => outboxFromRow(ctx.hooks, row));
}
