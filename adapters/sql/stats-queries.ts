/**
 * The stats aggregates, pushed down to SQL: counts per status, mean response and
 * resolution times, the backlog by category and priority, SLA compliance per priority.
 */
import { sql, type SelectQueryBuilder } from 'kysely';
import type { StoreScope, StoreStats, StoreStatsQuery } from '../../src/store.js';
import type { SlaCompliance, Status } from '../../src/types.js';
import { ticketScope, type QueryContext, type WithTicketAlias } from './query-context.js';
import { statsFromBuckets, canUseStatsBuckets } from './ticket-stats.js';

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
 * The same aggregates computed from the tickets: four grouped statements over the same
 * filter, served by the created-at index for a range and the subscriber index for a
 * customer.
 */
export async function scanStats(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreStatsQuery,
): Promise<StoreStats> {
  const { hooks } = ctx;
  // Deleted tickets never count, whatever the scope says.
  const base = (): SelectQueryBuilder<WithTicketAlias, 't', object> => {
    let query = ctx.db
      .selectFrom('tickets as t')
      .where((eb) => ticketScope(eb, { ...scope, includeDeleted: false }));
    if (q.createdFrom !== undefined) query = query.where('t.created_at', '>=', hooks.toDate(q.createdFrom));
    if (q.createdTo !== undefined) query = query.where('t.created_at', '<', hooks.toDate(q.createdTo));
    return query;
  };

  const isTrue = (column: 't.sla_first_response_met' | 't.sla_resolution_met') =>
    sql<number>`sum(case when ${sql.ref(column)} = ${hooks.toBoolean(true)} then 1 else 0 end)`;

  const [statusRows, averages, backlogRows, slaRows] = await Promise.all([
    base()
      .select((eb) => ['t.status', eb.fn.countAll().as('n')])
      .groupBy('t.status')
      .execute(),
    base()
      .select([
        sql<unknown>`avg(case when ${sql.ref('t.first_response_at')} is not null and ${sql.ref('t.created_by_type')} in (${sql.join(
          q.firstResponseOf.length > 0 ? [...q.firstResponseOf] : [''],
        )}) then ${hooks.secondsBetween(sql.ref('t.first_response_at'), sql.ref('t.created_at'))} end)`.as('fr'),
        sql<unknown>`avg(case when ${sql.ref('t.resolved_at')} is not null then ${hooks.secondsBetween(sql.ref('t.resolved_at'), sql.ref('t.created_at'))} end)`.as('res'),
      ])
      .executeTakeFirst(),
    q.unresolved.length === 0
      ? Promise.resolve([])
      : base()
          .select((eb) => ['t.category', 't.priority', eb.fn.countAll().as('n')])
          .where('t.status', 'in', [...q.unresolved])
          .groupBy(['t.category', 't.priority'])
          .orderBy('t.category')
          .orderBy('t.priority')
          .execute(),
    base()
      .select((eb) => [
        't.priority',
        isTrue('t.sla_first_response_met').as('fr_met'),
        eb.fn.count('t.sla_first_response_met').as('fr_total'),
        isTrue('t.sla_resolution_met').as('res_met'),
        eb.fn.count('t.sla_resolution_met').as('res_total'),
      ])
      .where((eb) =>
        eb.or([eb('t.sla_first_response_met', 'is not', null), eb('t.sla_resolution_met', 'is not', null)]),
      )
      .groupBy('t.priority')
      .orderBy('t.priority')
      .execute(),
  ]);

  const counts: Partial<Record<Status, number>> = {};
  for (const row of statusRows) counts[row.status as Status] = Number(row.n);
  const average = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    counts,
    avgFirstResponseSeconds: average(averages?.fr),
    avgResolutionSeconds: average(averages?.res),
    backlog: backlogRows.map((row) => ({ category: row.category, priority: row.priority, count: Number(row.n) })),
    sla: slaRows.map(
      (row): SlaCompliance => ({
        priority: row.priority,
        firstResponse: { met: Number(row.fr_met ?? 0), total: Number(row.fr_total) },
        resolution: { met: Number(row.res_met ?? 0), total: Number(row.res_total) },
      }),
    ),
  };
}
