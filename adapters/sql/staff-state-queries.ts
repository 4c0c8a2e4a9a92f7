/**
 * Per-staff state that is not part of a ticket: favorites, read marks, saved filters;
 * and the per-assignee counts behind least-open assignment.
 */
import { sql } from 'kysely';
import type { SavedFilter, Status } from '../../src/types.js';
import { insertIgnoringDuplicates, runCached, type QueryContext } from './query-context.js';
import { savedFilterFromRow, savedFilterToRow } from './row-mappers.js';

/** Adds or removes a favorite; adding twice keeps the first. */
export async function setFavorite(
  ctx: QueryContext,
  tenantId: string,
  staffId: string,
  ticketId: string,
  on: boolean,
  at: Date,
): Promise<void> {
  if (on) {
    await insertIgnoringDuplicates(
      ctx,
      ctx.db
        .insertInto('favorites')
        .values({ tenant_id: tenantId, staff_id: staffId, ticket_id: ticketId, created_at: ctx.hooks.toDate(at) }),
    );
    return;
  }
  await ctx.db
    .deleteFrom('favorites')
    .where('tenant_id', '=', tenantId)
    .where('staff_id', '=', staffId)
    .where('ticket_id', '=', ticketId)
    .execute();
}

/** Moves the read pointer to `at`, never backwards. */
export async function markRead(
  ctx: QueryContext,
  tenantId: string,
  staffId: string,
  ticketId: string,
  at: Date,
): Promise<void> {
  const { hooks } = ctx;
  await runCached(ctx, 'mark read', [tenantId, staffId, ticketId, hooks.toDate(at)], ([tenant, staff, ticket, when]) => {
    const insert = ctx.db
      .insertInto('read_marks')
      .values({ tenant_id: tenant as string, staff_id: staff as string, ticket_id: ticket as string, read_at: when as never });
    const later = sql<Date>`case when ${sql.ref('read_marks.read_at')} < ${when} then ${when} else ${sql.ref('read_marks.read_at')} end`;
    return hooks.capabilities.upsert === 'on-conflict'
      ? insert.onConflict((oc) => oc.columns(['tenant_id', 'staff_id', 'ticket_id']).doUpdateSet({ read_at: later }))
      : insert.onDuplicateKeyUpdate({ read_at: later });
  });
}

/** When `staffId` last read the ticket, or null: one primary-key lookup. */
export async function readMarkOf(ctx: QueryContext, tenantId: string, staffId: string, ticketId: string): Promise<Date | null> {
  const { rows } = await runCached(
    ctx,
    'read mark',
    [tenantId, staffId, ticketId],
    ([tenant, staff, ticket]) =>
      ctx.db
        .selectFrom('read_marks')
        .select('read_at')
        .where('tenant_id', '=', tenant as string)
        .where('staff_id', '=', staff as string)
        .where('ticket_id', '=', ticket as string),
    true,
  );
  const at = (rows[0] as { read_at: unknown } | undefined)?.read_at;
  return at === undefined || at === null ? null : ctx.hooks.fromDate(at);
}

/** A staff member's filters, oldest first (ties by id). */
export async function listFilters(ctx: QueryContext, tenantId: string, staffId: string): Promise<SavedFilter[]> {
  const rows = await ctx.db
    .selectFrom('saved_filters as f')
    .selectAll('f')
    .where('f.tenant_id', '=', tenantId)
    .where('f.staff_id', '=', staffId)
    .orderBy('f.created_at', 'asc')
    .orderBy('f.id', 'asc')
    .execute();
  return rows.map((row) => savedFilterFromRow(ctx.hooks, row));
}

/**
 * Inserts a filter, or replaces the query of the staff member's filter of the same name
 * (its id and `createdAt` stay). Returns the filter as stored.
 */
export async function saveFilter(ctx: QueryContext, tenantId: string, filter: SavedFilter): Promise<SavedFilter> {
  const { hooks } = ctx;
  const row = savedFilterToRow(hooks, tenantId, filter);
  const insert = ctx.db.insertInto('saved_filters').values(row);
  const replace = { query: row.query, updated_at: row.updated_at };
  await (hooks.capabilities.upsert === 'on-conflict'
    ? insert.onConflict((oc) => oc.columns(['tenant_id', 'staff_id', 'name']).doUpdateSet(replace))
    : insert.onDuplicateKeyUpdate(replace)
  ).execute();
  const stored = await ctx.db
    .selectFrom('saved_filters as f')
    .selectAll('f')
    .where('f.tenant_id', '=', tenantId)
    .where('f.staff_id', '=', filter.staffId)
    .where('f.name', '=', filter.name)
    .executeTakeFirstOrThrow();
  return savedFilterFromRow(hooks, stored);
}

/** Deletes a staff member's filter; false when they have none with that id. */
export async function deleteFilter(
  ctx: QueryContext,
  tenantId: string,
  staffId: string,
  filterId: string,
): Promise<boolean> {
  const result = await ctx.db
    .deleteFrom('saved_filters')
    .where('tenant_id', '=', tenantId)
    .where('staff_id', '=', staffId)
    .where('id', '=', filterId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Non-deleted tickets in `statuses` per assignee, every asked id present (0 included). */
export async function countOpenByAssignee(
  ctx: QueryContext,
  tenantId: string,
  assigneeIds: readonly string[],
  statuses: readonly Status[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(assigneeIds.map((id) => [id, 0]));
  if (assigneeIds.length === 0 || statuses.length === 0) return counts;
  const rows = await ctx.db
    .selectFrom('tickets as t')
    .select(['t.assignee_id', (eb) => eb.fn.countAll().as('n')])
    .where('t.tenant_id', '=', tenantId)
    .where('t.deleted_at', 'is', null)
    .where('t.assignee_id', 'in', [...new Set(assigneeIds)])
    .where('t.status', 'in', [...statuses])
    .groupBy('t.assignee_id')
    .execute();
  for (const row of rows) counts[row.assignee_id as string] = Number(row.n);
  return counts;
}
