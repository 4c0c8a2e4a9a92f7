/**
 * The stats aggregates, pushed down to SQL: counts per status, mean response and
 * resolution times, the backlog by category and priority, SLA compliance per priority.
 * Whichever source answers (the maintained buckets or a scan), the rows are buckets of
 * the same sums, folded by the core's `StatsAccumulator`.
 */
import { sql } from 'kysely';
import type { StoreScope, StoreStats, StoreStatsQuery } from '../../src/store.js';
import { ticketScope, type QueryContext } from './query-context.js';
import { canUseStatsBuckets, statsFromBuckets, statsOfGroups } from './ticket-stats.js';

/**
 * Aggregates over the non-deleted tickets in scope created in `[createdFrom, createdTo)`.
 * Without a range and without a subscriber, from the maintained `ticket_stats` buckets
 * (a few hundred rows at any size); otherwise `scanStats`.
 */
export async function getStats(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreStatsQuery,
): Promise<StoreStats> {
  return canUseStatsBuckets(scope, q) ? statsFromBuckets(ctx, scope, q) : scanStats(ctx, scope, q);
}

/**
 * The same aggregates computed from the tickets: one statement grouping the scope's
 * tickets into buckets like `ticket_stats` (served by the created-at index for a range
 * and the subscriber index for a customer).
 */
export async function scanStats(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreStatsQuery,
): Promise<StoreStats> {
  const { hooks } = ctx;
  const ms = (column: 't.first_response_at' | 't.resolved_at') =>
    sql<number>`coalesce(sum(${hooks.millisBetween(sql.ref(column), sql.ref('t.created_at'))}), 0)`;
  const isTrue = (column: 't.sla_first_response_met' | 't.sla_resolution_met') =>
    sql<number>`sum(case when ${sql.ref(column)} = ${hooks.toBoolean(true)} then 1 else 0 end)`;
  let query = ctx.db
    .selectFrom('tickets as t')
    .select((eb) => [
      't.status',
      't.category',
      't.priority',
      't.created_by_type',
      eb.fn.countAll().as('n'),
      ms('t.first_response_at').as('fr_ms_sum'),
      eb.fn.count('t.first_response_at').as('fr_n'),
      ms('t.resolved_at').as('res_ms_sum'),
      eb.fn.count('t.resolved_at').as('res_n'),
      isTrue('t.sla_first_response_met').as('fr_met'),
      eb.fn.count('t.sla_first_response_met').as('fr_total'),
      isTrue('t.sla_resolution_met').as('res_met'),
      eb.fn.count('t.sla_resolution_met').as('res_total'),
    ])
    // Deleted tickets never count, whatever the scope says.
    .where((eb) => ticketScope(eb, { ...scope, includeDeleted: false }));
  if (q.createdFrom !== undefined) query = query.where('t.created_at', '>=', hooks.toDate(q.createdFrom));
  if (q.createdTo !== undefined) query = query.where('t.created_at', '<', hooks.toDate(q.createdTo));
  return statsOfGroups(await query.groupBy(['t.status', 't.category', 't.priority', 't.created_by_type']).execute(), q);
}
