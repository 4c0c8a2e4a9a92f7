/**
 * The stats aggregates, pushed down to SQL: counts per status, mean response and
 * resolution times (wall-clock and SLA-calendar), the backlog by category and priority,
 * SLA compliance per priority, resolution time by category. Whichever source answers
 * (the maintained buckets, the monthly, weekly and daily buckets of a window's whole
 * months, weeks and days, a scan), the rows are buckets of the same sums, folded by the core's
 * `StatsAccumulator`, so every source gives the same answer to the last ticket.
 */
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { StoreScope, StoreStats, StoreStatsQuery } from '../../src/store.js';
import {
  runCached,
  scopeArgCount,
  scopeFromArgs,
  scopeParts,
  ticketScope,
  type QueryContext,
  type WithTicketAlias,
} from './query-context.js';
import {
  DAY_MS,
  canUseStatsBuckets,
  datedBucketRows,
  coverDays,
  statsFromBuckets,
  foldedSums,
  statsOfFolded,
  statsOfGroups,
  type FoldedStatsRow,
  type GroupedStatsRow,
} from './ticket-stats.js';

/**
 * Aggregates over the non-deleted tickets in scope created in `[createdFrom, createdTo)`.
 * - Without a range: the maintained `ticket_stats` buckets (a few hundred rows at any size).
 * - With a range: the `ticket_stats_monthly` buckets of the whole UTC calendar months
 *   inside it, the `ticket_stats_weekly` buckets of the whole weeks around them (days
 *   1-7, 8-14, 15-21, 22-28, 29 to the end of a month), the `ticket_stats_daily` buckets
 *   of the whole UTC days around those, a partial month or week at an edge read as the
 *   whole period less the weeks and days outside when that reads fewer rows
 *   (`coverDays`), and each partial day at an edge scanned (created-at index), or its
 *   bucket less a scan of the part outside the window, in one statement; a window inside
 *   one UTC day is only the scan. A few weeks, days and two half days of tickets besides
 *   the months, however long the window.
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

/** A window over bucket-keyed scope: whole months, weeks and days from their buckets, the edges scanned. */
async function windowStats(ctx: QueryContext, scope: StoreScope, q: StoreStatsQuery): Promise<StoreStats> {
  const from = q.createdFrom?.getTime();
  const to = q.createdTo?.getTime();
  const parts = windowParts(from, to);
  if (parts === 'scan') return scanStats(ctx, scope, q);
  if (parts === 'empty') return statsOfGroups([], q);
  // A window whose end falls inside a day (its end day scanned, or its bucket less a scan
  // of the rest): when the tenant has no ticket created at or after that end (a window
  // that ends now), the window is the same as one with no end, which reads the month it
  // ends in from its monthly buckets, where the weeks and days up to the end held more
  // rows (a 30-day window ending 2 March 10:00 at 1.1M tickets: the 206 buckets of March
  // for the 321 of 1 and 2 March), and scans nothing at that end.
  const endsInsideADay = parts.some((p) => p.read === 'scan' && (p.to === to || p.from === to));
  if (endsInsideADay && from === undefined) {
    // With no start either, every ticket: the whole-tenant buckets.
    if ((await newestTicket(ctx, scope.tenantId)) < to!) return statsFromBuckets(ctx, scope, q);
  } else if (endsInsideADay) {
    // Read with no end, the statement also giving the tenant's newest ticket (one round
    // trip, not two): the usual window, one that ends now, is then answered. One that
    // ends before a ticket created later reads again with its end. No rows: no ticket at
    // or after `from`, so none in the window either.
    const { rows } = await runWindow(ctx, scope, windowParts(from, undefined) as WindowPart[], q.firstResponseOf, true);
    const newest = (rows[0] as { newest?: unknown } | undefined)?.newest;
    if (newest === undefined || newest === null || ctx.hooks.fromDate(newest).getTime() < to!) {
      return statsOfFolded(rows as FoldedStatsRow[], q);
    }
  }
  const { rows } = await runWindow(ctx, scope, parts, q.firstResponseOf);
  return statsOfFolded(rows as FoldedStatsRow[], q);
}

/**
 * When the tenant's newest ticket was created (epoch ms; -Infinity for none): one step
 * down the created-at index.
 */
async function newestTicket(ctx: QueryContext, tenantId: string): Promise<number> {
  const { rows } = await runCached(ctx, 'stats newest ticket', [tenantId], ([tenant]) => newestCreated(ctx, tenant), true);
  const at = (rows[0] as { at: unknown } | undefined)?.at;
  return at === null || at === undefined ? -Infinity : ctx.hooks.fromDate(at).getTime();
}

/** The select of the tenant's newest creation time (`at`; null for none): one step down the created-at index. */
function newestCreated(ctx: QueryContext, tenant: unknown) {
  return ctx.db
    .selectFrom('tickets as nt')
    .select((eb) => eb.fn.max('nt.created_at').as('at'))
    .where('nt.tenant_id', '=', tenant as string);
}

/**
 * One read of a window: the monthly, weekly or daily buckets of a range (months, weeks'
 * first days or days; either end open), or
 * a scan of the tickets created in `[from, to)` (epoch ms, either end open) whose sums
 * are added (`sign` 1) or subtracted (-1, the part of an edge day outside the window).
 */
export type WindowPart =
  | { read: 'month' | 'week' | 'day'; first?: number; end?: number; sign: 1 | -1 }
  | { read: 'scan'; from?: number; to?: number; sign: 1 | -1 };

/**
 * How a window `[from, to)` (epoch ms, either end open) reads: its whole UTC days from
 * the monthly, weekly and daily buckets, a partial month or week at an edge read finer or
 * as the whole period less what lies outside (see `coverDays`), and each partial day at
 * an edge as whichever is shorter: a scan of the part inside the window, or the day's
 * bucket minus a scan of the part outside it (a window from 23:00 scans one hour, not
 * 23). `'scan'`: the window is one scan (an invalid date, whose scan the dialect refuses
 * as it always did, or a window inside one UTC day); `'empty'`: it holds nothing.
 */
export function windowParts(from: number | undefined, to: number | undefined): WindowPart[] | 'scan' | 'empty' {
  if (Number.isNaN(from) || Number.isNaN(to)) return 'scan';
  if (from !== undefined && to !== undefined && from >= to) return 'empty';
  const fromDay = from === undefined ? undefined : Math.floor(from / DAY_MS);
  const toDay = to === undefined ? undefined : Math.floor(to / DAY_MS);
  if (fromDay !== undefined && fromDay === toDay) return 'scan';
  const scans: WindowPart[] = [];
  let firstDay: number | undefined;
  if (from !== undefined) {
    const dayStart = fromDay! * DAY_MS;
    const before = from - dayStart;
    if (before === 0) firstDay = fromDay;
    else if (before < DAY_MS - before) {
      firstDay = fromDay;
      scans.push({ read: 'scan', from: dayStart, to: from, sign: -1 });
    } else {
      firstDay = fromDay! + 1;
      scans.push({ read: 'scan', from, to: dayStart + DAY_MS, sign: 1 });
    }
  }
  let endDay: number | undefined;
  if (to !== undefined) {
    const dayStart = toDay! * DAY_MS;
    const inside = to - dayStart;
    if (inside === 0) endDay = toDay;
    else if (inside <= DAY_MS - inside) {
      endDay = toDay;
      scans.push({ read: 'scan', from: dayStart, to, sign: 1 });
    } else {
      endDay = toDay! + 1;
      scans.push({ read: 'scan', from: to, to: dayStart + DAY_MS, sign: -1 });
    }
  }
  const parts: WindowPart[] = [];
  if (firstDay === undefined || endDay === undefined || firstDay < endDay) {
    const ranges = coverDays({
      ...(firstDay === undefined ? {} : { firstDay }),
      ...(endDay === undefined ? {} : { endDay }),
    });
    for (const { unit, sign, ...range } of ranges) parts.push({ read: unit, sign, ...range });
  }
  return [...parts, ...scans];
}

/**
 * Runs a window's parts as one statement: the buckets' rows and the scans' groups (their
 * sums negated where subtracted) in a `UNION ALL`, added up by one `GROUP BY` status ×
 * category × priority (`foldedSums`; one sort, and at most a row per key back to
 * JavaScript, rather than a sort and a set of rows per part), keys whose tickets all lie
 * outside the window dropped. Compiled once per shape of scope and parts (`runCached`:
 * building and compiling the union with Kysely cost a good part of what SQLite takes to
 * run it).
 */
function runWindow(
  ctx: QueryContext,
  scope: StoreScope,
  parts: readonly WindowPart[],
  creators: readonly string[],
  withNewest = false,
) {
  const { hooks } = ctx;
  const { shape, args } = scopeParts(scope);
  let key = `stats window ${shape}`;
  const bound = (value: number | undefined, convert: (v: number) => unknown) => {
    if (value === undefined) return '-';
    args.push(convert(value));
    return '1';
  };
  const day = (v: number) => v;
  const instant = (v: number) => hooks.toDate(new Date(v));
  for (const part of parts) {
    if (part.read === 'scan') key += ` s${part.sign}${bound(part.from, instant)}${bound(part.to, instant)}`;
    else key += ` ${part.read[0]}${part.sign}${bound(part.first, day)}${bound(part.end, day)}`;
  }
  // The creators whose first responses count, last (`foldedSums`).
  key += ` c${creators.length}`;
  args.push(...creators);
  // The tenant's newest creation time on every row (`newest`), its tenant bound last.
  if (withNewest) {
    key += ' newest';
    args.push(scope.tenantId);
  }
  return runCached(ctx, key, args, (a) => {
    const argScope = scopeFromArgs(shape, a);
    let next = scopeArgCount(shape);
    const arg = (value: number | undefined) => (value === undefined ? undefined : a[next++]);
    const reads = parts.map((part): SelectQueryBuilder<any, any, GroupedStatsRow> => {
      if (part.read === 'scan') {
        const from = arg(part.from);
        const to = arg(part.to);
        return scanQuery(ctx, argScope, from, to, part.sign);
      }
      const first = arg(part.first);
      const end = arg(part.end);
      const range = { ...(first === undefined ? {} : { first: first as number }), ...(end === undefined ? {} : { end: end as number }) };
      return datedBucketRows(ctx, argScope, part.read, range, part.sign) as never;
    });
    let union = reads[0]!;
    for (const read of reads.slice(1)) union = union.unionAll(read);
    const sums = foldedSums('w', a.slice(next, next + creators.length));
    const query = ctx.db
      .selectFrom(union.as('w'))
      .select(['w.status', 'w.category', 'w.priority', ...sums])
      .groupBy(['w.status', 'w.category', 'w.priority'])
      .having((eb) => eb.fn.sum('w.n' as 'w.status'), '<>', 0);
    if (!withNewest) return query;
    return query.select(() => newestCreated(ctx, a[next + creators.length]).as('newest'));
    // Ranges of bucket keys and of the created-at index, whatever the values: keyed.
  }, true);
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
  const bound = (at: Date | undefined) => (at === undefined ? undefined : hooks.toDate(at));
  return statsOfGroups(await scanQuery(ctx, scope, bound(q.createdFrom), bound(q.createdTo), 1).execute(), q);
}

/**
 * The scope's non-deleted tickets created in `[from, to)` (bound values, as the dialect's
 * `toDate` gives them; either end open), grouped into buckets, every sum multiplied by
 * `sign`.
 */
function scanQuery(
  ctx: QueryContext,
  scope: StoreScope,
  from: unknown,
  to: unknown,
  sign: 1 | -1,
): SelectQueryBuilder<WithTicketAlias, 't', GroupedStatsRow> {
  const { hooks } = ctx;
  const signed = <T>(expr: RawBuilder<T>): RawBuilder<T> => (sign === 1 ? expr : sql<T>`-(${expr})`);
  const ms = (column: 't.first_response_at' | 't.resolved_at') =>
    signed(sql<number>`coalesce(sum(${hooks.millisBetween(sql.ref(column), sql.ref('t.created_at'))}), 0)`);
  const isTrue = (column: 't.sla_first_response_met' | 't.sla_resolution_met') =>
    signed(sql<number>`sum(case when ${sql.ref(column)} = ${hooks.toBoolean(true)} then 1 else 0 end)`);
  const count = (column?: string) => signed(column === undefined ? sql<number>`count(*)` : sql<number>`count(${sql.ref(column)})`);
  // SLA-clock minutes as whole milliseconds (`slaMillis`), over tickets whose clock ran.
  const clocked = (at: 't.first_response_at' | 't.resolved_at') =>
    sql`${sql.ref(at)} is not null and ${sql.ref('t.sla_clock_at')} is not null`;
  const slaMs = (at: 't.first_response_at' | 't.resolved_at', elapsed: string) =>
    signed(sql<number>`coalesce(sum(case when ${clocked(at)} then round(${sql.ref(elapsed)} * 60000) else 0 end), 0)`);
  const slaN = (at: 't.first_response_at' | 't.resolved_at') =>
    signed(sql<number>`sum(case when ${clocked(at)} then 1 else 0 end)`);
  let query = ctx.db
    .selectFrom('tickets as t')
    .select([
      't.status',
      't.category',
      't.priority',
      't.created_by_type',
      count().as('n'),
      ms('t.first_response_at').as('fr_ms_sum'),
      count('t.first_response_at').as('fr_n'),
      ms('t.resolved_at').as('res_ms_sum'),
      count('t.resolved_at').as('res_n'),
      isTrue('t.sla_first_response_met').as('fr_met'),
      count('t.sla_first_response_met').as('fr_total'),
      isTrue('t.sla_resolution_met').as('res_met'),
      count('t.sla_resolution_met').as('res_total'),
      slaMs('t.first_response_at', 't.sla_first_response_elapsed').as('fr_sla_ms_sum'),
      slaN('t.first_response_at').as('fr_sla_n'),
      slaMs('t.resolved_at', 't.sla_resolution_elapsed').as('res_sla_ms_sum'),
      slaN('t.resolved_at').as('res_sla_n'),
    ])
    // Deleted tickets never count, whatever the scope says.
    .where((eb) => ticketScope(eb, { ...scope, includeDeleted: false }));
  if (from !== undefined) query = query.where('t.created_at', '>=', from as never);
  if (to !== undefined) query = query.where('t.created_at', '<', to as never);
  return query.groupBy(['t.status', 't.category', 't.priority', 't.created_by_type']) as never;
}
