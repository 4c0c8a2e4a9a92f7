/**
 * The stats aggregates, pushed down to SQL: counts per status, mean response and
 * resolution times (wall-clock and SLA-calendar), the backlog by category and priority,
 * SLA compliance per priority, resolution time by category. Whichever source answers
 * (the maintained buckets, the monthly and daily buckets of a window's whole months and
 * days, a scan), the rows are buckets of the same sums, folded by the core's
 * `StatsAccumulator`, so every source gives the same answer to the last ticket.
 */
import { sql, type SelectQueryBuilder } from 'kysely';
import type { StoreScope, StoreStats, StoreStatsQuery } from '../../src/store.js';
import { ticketScope, type QueryContext, type WithTicketAlias } from './query-context.js';
import {
  DAY_MS,
  canUseStatsBuckets,
  datedBucketSums,
  splitDays,
  statsFromBuckets,
  statsOfGroups,
  wholeDays,
  type GroupedStatsRow,
} from './ticket-stats.js';

/**
 * Aggregates over the non-deleted tickets in scope created in `[createdFrom, createdTo)`.
 * - Without a range: the maintained `ticket_stats` buckets (a few hundred rows at any size).
 * - With a range: the `ticket_stats_monthly` buckets of the whole UTC calendar months
 *   inside it, the `ticket_stats_daily` buckets of the whole UTC days around them, plus
 *   a scan (created-at index) of the partial days at its edges, in one statement; a
 *   window shorter than a whole day is only the scan. At most about two months of daily
 *   buckets and two partial days of tickets, however long the window.
 * - Scopes the buckets do not key (a subscriber, a requester): `scanStats`.
 */
export async function getStats(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreStatsQuery,
): Promise<StoreStats> {
  if (!canUseStatsBuckets(scope, q)) return scanStats(ctx, scope, q);
  if (q.createdFrom === undefined && q.createdTo === undefined) return statsFromBuckets(ctx, scope, q);
  return windowStats(ctx, scope, q);
}

/** A window over bucket-keyed scope: whole months and days from their buckets, the edges scanned. */
async function windowStats(ctx: QueryContext, scope: StoreScope, q: StoreStatsQuery): Promise<StoreStats> {
  const from = q.createdFrom?.getTime();
  const to = q.createdTo?.getTime();
  // An invalid date: the scan binds it, and the dialect refuses it as the scan always did.
  if (Number.isNaN(from) || Number.isNaN(to)) return scanStats(ctx, scope, q);
  if (from !== undefined && to !== undefined && from >= to) return statsOfGroups([], q);
  const days = wholeDays(from, to);
  if (days === null) return scanStats(ctx, scope, q);
  const parts = splitDays(days);
  const reads: SelectQueryBuilder<any, any, GroupedStatsRow>[] = [
    ...(parts.months === null ? [] : [datedBucketSums(ctx, scope, 'month', parts.months)]),
    ...parts.days.map((range) => datedBucketSums(ctx, scope, 'day', range)),
  ];
  let query = reads[0]!;
  for (const read of reads.slice(1)) query = query.unionAll(read);
  // The partial days at the edges: before the first whole day, from the end of the last.
  if (days.firstDay !== undefined && from! < days.firstDay * DAY_MS) {
    query = query.unionAll(scanQuery(ctx, scope, from, days.firstDay * DAY_MS));
  }
  if (days.endDay !== undefined && days.endDay * DAY_MS < to!) {
    query = query.unionAll(scanQuery(ctx, scope, days.endDay * DAY_MS, to));
  }
  return statsOfGroups(await query.execute(), q);
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
  return statsOfGroups(await scanQuery(ctx, scope, q.createdFrom?.getTime(), q.createdTo?.getTime()).execute(), q);
}

/** The scope's non-deleted tickets created in `[from, to)` (epoch ms, either end open), grouped into buckets. */
function scanQuery(
  ctx: QueryContext,
  scope: StoreScope,
  from: number | undefined,
  to: number | undefined,
): SelectQueryBuilder<WithTicketAlias, 't', GroupedStatsRow> {
  const { hooks } = ctx;
  const ms = (column: 't.first_response_at' | 't.resolved_at') =>
    sql<number>`coalesce(sum(${hooks.millisBetween(sql.ref(column), sql.ref('t.created_at'))}), 0)`;
  const isTrue = (column: 't.sla_first_response_met' | 't.sla_resolution_met') =>
    sql<number>`sum(case when ${sql.ref(column)} = ${hooks.toBoolean(true)} then 1 else 0 end)`;
  // SLA-clock minutes as whole milliseconds (`slaMillis`), over tickets whose clock ran.
  const clocked = (at: 't.first_response_at' | 't.resolved_at') =>
    sql`${sql.ref(at)} is not null and ${sql.ref('t.sla_clock_at')} is not null`;
  const slaMs = (at: 't.first_response_at' | 't.resolved_at', elapsed: string) =>
    sql<number>`coalesce(sum(case when ${clocked(at)} then round(${sql.ref(elapsed)} * 60000) else 0 end), 0)`;
  const slaN = (at: 't.first_response_at' | 't.resolved_at') => sql<number>`sum(case when ${clocked(at)} then 1 else 0 end)`;
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
      slaMs('t.first_response_at', 't.sla_first_response_elapsed').as('fr_sla_ms_sum'),
      slaN('t.first_response_at').as('fr_sla_n'),
      slaMs('t.resolved_at', 't.sla_resolution_elapsed').as('res_sla_ms_sum'),
      slaN('t.resolved_at').as('res_sla_n'),
    ])
    // Deleted tickets never count, whatever the scope says.
    .where((eb) => ticketScope(eb, { ...scope, includeDeleted: false }));
  if (from !== undefined) query = query.where('t.created_at', '>=', hooks.toDate(new Date(from)));
  if (to !== undefined) query = query.where('t.created_at', '<', hooks.toDate(new Date(to)));
  return query.groupBy(['t.status', 't.category', 't.priority', 't.created_by_type']) as never;
}
