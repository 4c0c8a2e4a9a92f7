/**
 * The maintained stats aggregates (migrations 008 and 013): `ticket_stats` (per
 * tenant), `ticket_stats_daily` (the same buckets per UTC day of creation),
 * `ticket_stats_weekly` (per week of a UTC calendar month: days 1-7, 8-14, 15-21, 22-28,
 * 29 to the end) and `ticket_stats_monthly` (per UTC calendar month). What one ticket
 * contributes to its buckets, the differences a transaction collects as it inserts and
 * updates tickets, the upserts that apply them before commit, and the bucket reads
 * `getStats` folds (`./stats-queries.ts`).
 *
 * A bucket is (tenant, reseller, addressed level, status, category, priority,
 * created_by_type), plus the day, week or month for the dated tables; every value is a sum
 * over the bucket's non-deleted tickets, so a change is a difference: the old row's
 * contribution subtracted, the new row's added. Every ticket counts twice in each table:
 * in its scope's bucket and in the tenant-wide bucket (reseller `''`, level `'*'`) of the
 * same vocabulary, which the operator's stats read.
 */
import { sql } from 'kysely';
import {
  STATS_SUMS,
  StatsAccumulator,
  compareCodePoints,
  ticketSums,
  type StatsSums,
} from '../../src/stats/stats-accumulator.js';
import type { AddressLevel } from '../../src/types.js';
import type { StoreScope, StoreStats, StoreStatsQuery, TicketPatch, TicketRow } from '../../src/store.js';
import { runCached, scopeFromArgs, scopeParts, type QueryContext } from './query-context.js';
import { DAY_MS, firstDayOfMonth, monthOfDay } from './migrations/008-stats-by-day.js';
import { weekOfDay } from './migrations/013-stats-by-week.js';

/** The additive columns of `ticket_stats`, one per `StatsSums` field, in `STATS_SUMS` order. */
export const SUM_COLUMNS = [
  'n',
  'fr_ms_sum',
  'fr_n',
  'res_ms_sum',
  'res_n',
  'fr_met',
  'fr_total',
  'res_met',
  'res_total',
  'fr_sla_ms_sum',
  'fr_sla_n',
  'res_sla_ms_sum',
  'res_sla_n',
] as const;
type Sums = number[];

/** A row of summed `SUM_COLUMNS` (bucket or scan) as the core's sums. */
export function sumsOfRow(row: Record<string, unknown>): StatsSums {
  const sums = {} as StatsSums;
  STATS_SUMS.forEach((field, i) => (sums[field] = Number(row[SUM_COLUMNS[i]!] ?? 0)));
  return sums;
}

/** A grouped row (key columns plus summed `SUM_COLUMNS`, from the buckets or a scan). */
export interface GroupedStatsRow {
  status: string;
  category: string;
  priority: string;
  created_by_type: string;
}

/** Folds grouped rows into the store's stats answer. */
export function statsOfGroups(rows: readonly GroupedStatsRow[], q: StoreStatsQuery): StoreStats {
  const stats = new StatsAccumulator(q);
  for (const row of rows) {
    stats.add({
      status: row.status,
      category: row.category,
      priority: row.priority,
      createdByType: row.created_by_type,
      ...sumsOfRow(row as unknown as Record<string, unknown>),
    });
  }
  return stats.result();
}

/**
 * The sums a ticket adds to the first-response averages only when its creator is one of
 * the query's `firstResponseOf` (the core's rule, `StatsAccumulator.add`).
 */
const FIRST_RESPONSE_SUMS: ReadonlySet<string> = new Set(['fr_ms_sum', 'fr_n', 'fr_sla_ms_sum', 'fr_sla_n']);

/** A row of sums grouped by status × category × priority (`foldedSums`). */
export interface FoldedStatsRow {
  status: string;
  category: string;
  priority: string;
}

/**
 * The `SUM_COLUMNS` of rows of `table` (an alias whose rows have the bucket columns)
 * summed for a `GROUP BY` status × category × priority: the first-response sums only
 * over rows created by one of `creators` (bound, so a cached statement takes them as
 * arguments), the others over all. Everything the stats fold keeps per creator is the
 * first-response averages, so grouping by creator too (a quarter to a half more rows at
 * scale, each 17 columns back to JavaScript) buys nothing.
 */
export function foldedSums(table: 's' | 'w', creators: readonly unknown[]) {
  const creator = sql.ref(`${table}.created_by_type`);
  return SUM_COLUMNS.map((column) => {
    const value = sql.ref(`${table}.${column}`);
    if (!FIRST_RESPONSE_SUMS.has(column)) return sql<number>`sum(${value})`.as(column);
    if (creators.length === 0) return sql<number>`0`.as(column);
    const of = sql.join(creators.map((c) => sql`${c}`));
    return sql<number>`sum(case when ${creator} in (${of}) then ${value} else 0 end)`.as(column);
  });
}

/**
 * Folds rows of `foldedSums` into the store's stats answer (their first-response sums
 * are already those of the query's `firstResponseOf` creators).
 */
export function statsOfFolded(rows: readonly FoldedStatsRow[], q: StoreStatsQuery): StoreStats {
  const stats = new StatsAccumulator(q);
  // A creator the fold counts first responses of (any, when none is: the sums are 0).
  const counted = q.firstResponseOf[0] ?? '';
  for (const row of rows) {
    stats.add({
      status: row.status,
      category: row.category,
      priority: row.priority,
      createdByType: counted,
      ...sumsOfRow(row as unknown as Record<string, unknown>),
    });
  }
  return stats.result();
}

/** The `tickets` columns a ticket's contribution depends on (read before an update). */
export const STATS_SOURCE_COLUMNS = [
  'reseller_id',
  'addressed_to',
  'status',
  'category',
  'priority',
  'created_by_type',
  'created_at',
  'deleted_at',
  'first_response_at',
  'resolved_at',
  'sla_first_response_met',
  'sla_resolution_met',
  'sla_clock_at',
  'sla_first_response_elapsed',
  'sla_resolution_elapsed',
] as const;

/** The `Ticket` fields a patch may change that move a ticket's contribution. */
const STATS_PATCH_FIELDS: readonly string[] = [
  'addressedTo',
  'status',
  'category',
  'priority',
  'deletedAt',
  'firstResponseAt',
  'resolvedAt',
  'sla',
];

/** What a ticket contributes, in plain values (instants as epoch ms). */
export interface StatsFacts {
  resellerId: string | null;
  addressedTo: AddressLevel;
  status: string;
  category: string;
  priority: string;
  createdByType: string;
  createdAt: number;
  deleted: boolean;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  firstResponseMet: boolean | null;
  resolutionMet: boolean | null;
  slaClockAt: number | null;
  firstResponseElapsed: number;
  resolutionElapsed: number;
}

const ms = (value: Date | null | undefined): number | null => (value === null || value === undefined ? null : value.getTime());

/** The facts of a ticket about to be inserted. */
export function factsOfTicket(row: TicketRow): StatsFacts {
  return {
    resellerId: row.resellerId ?? null,
    addressedTo: row.addressedTo,
    status: row.status,
    category: row.category,
    priority: row.priority,
    createdByType: row.createdByType,
    createdAt: row.createdAt.getTime(),
    deleted: row.deletedAt !== null && row.deletedAt !== undefined,
    firstResponseAt: ms(row.firstResponseAt),
    resolvedAt: ms(row.resolvedAt),
    firstResponseMet: row.sla.firstResponseMet ?? null,
    resolutionMet: row.sla.resolutionMet ?? null,
    slaClockAt: ms(row.sla.clockAt),
    firstResponseElapsed: row.sla.firstResponseElapsed,
    resolutionElapsed: row.sla.resolutionElapsed,
  };
}

/** The facts of a stored row (its `STATS_SOURCE_COLUMNS`). */
export function factsOfRow(ctx: QueryContext, row: Record<string, unknown>): StatsFacts {
  const { hooks } = ctx;
  const date = (v: unknown) => (v === null || v === undefined ? null : hooks.fromDate(v).getTime());
  const bool = (v: unknown) => (v === null || v === undefined ? null : hooks.fromBoolean(v));
  return {
    resellerId: (row.reseller_id as string | null) ?? null,
    addressedTo: row.addressed_to as AddressLevel,
    status: row.status as string,
    category: row.category as string,
    priority: row.priority as string,
    createdByType: row.created_by_type as string,
    createdAt: hooks.fromDate(row.created_at).getTime(),
    deleted: row.deleted_at !== null && row.deleted_at !== undefined,
    firstResponseAt: date(row.first_response_at),
    resolvedAt: date(row.resolved_at),
    firstResponseMet: bool(row.sla_first_response_met),
    resolutionMet: bool(row.sla_resolution_met),
    slaClockAt: date(row.sla_clock_at),
    firstResponseElapsed: Number(row.sla_first_response_elapsed),
    resolutionElapsed: Number(row.sla_resolution_elapsed),
  };
}

/** Whether applying `patch` can change a ticket's contribution. */
export function patchMovesStats(patch: TicketPatch): boolean {
  const fields = patch as Record<string, unknown>;
  return STATS_PATCH_FIELDS.some((field) => fields[field] !== undefined);
}

/** The facts after `patch` (fields left `undefined` in the patch are unchanged). */
export function factsAfterPatch(before: StatsFacts, patch: TicketPatch): StatsFacts {
  // The owner (`resellerId`) and `createdByType` are fixed: a patch never moves them.
  const after = { ...before };
  if (patch.addressedTo !== undefined) after.addressedTo = patch.addressedTo;
  if (patch.status !== undefined) after.status = patch.status;
  if (patch.category !== undefined) after.category = patch.category;
  if (patch.priority !== undefined) after.priority = patch.priority;
  if (patch.deletedAt !== undefined) after.deleted = patch.deletedAt !== null;
  if (patch.firstResponseAt !== undefined) after.firstResponseAt = ms(patch.firstResponseAt);
  if (patch.resolvedAt !== undefined) after.resolvedAt = ms(patch.resolvedAt);
  if (patch.sla !== undefined) {
    // A patch's `sla` is the whole SLA state (patchToRow replaces every sla_* column).
    after.firstResponseMet = patch.sla.firstResponseMet ?? null;
    after.resolutionMet = patch.sla.resolutionMet ?? null;
    after.slaClockAt = ms(patch.sla.clockAt);
    after.firstResponseElapsed = patch.sla.firstResponseElapsed;
    after.resolutionElapsed = patch.sla.resolutionElapsed;
  }
  return after;
}

// A ticket's daily bucket is `Math.floor(createdAt / DAY_MS)`; its month and a month's
// first day are migration 008's, which its rebuilds and checks map days to months with.
export { DAY_MS, firstDayOfMonth, monthOfDay };

/** The key columns of `ticket_stats`, in primary-key (and lock) order. */
const STATS_KEY = ['tenant_id', 'reseller_id', 'addressed_to', 'status', 'category', 'priority', 'created_by_type'] as const;

/** The key columns of `ticket_stats_daily`, in primary-key (and lock) order. */
const DAILY_KEY = ['tenant_id', 'reseller_id', 'addressed_to', 'day', 'status', 'category', 'priority', 'created_by_type'] as const;

/** The key columns of `ticket_stats_weekly`, in primary-key (and lock) order. */
const WEEKLY_KEY = ['tenant_id', 'reseller_id', 'addressed_to', 'week', 'status', 'category', 'priority', 'created_by_type'] as const;

/** The key columns of `ticket_stats_monthly`, in primary-key (and lock) order. */
const MONTHLY_KEY = ['tenant_id', 'reseller_id', 'addressed_to', 'month', 'status', 'category', 'priority', 'created_by_type'] as const;

/** The scope of the tenant-wide buckets: reseller `''` and this level (migration 008's `ALL_LEVELS`). */
const ALL_LEVELS = '*';

type BucketKey = (string | number)[];
type Buckets = Map<string, { key: BucketKey; sums: Sums }>;

/**
 * The differences one transaction makes to the buckets of `ticket_stats`,
 * `ticket_stats_daily`, `ticket_stats_monthly` and `ticket_stats_weekly`, applied by
 * `flush` in one statement per table, each in bucket-key order. Collecting them until
 * the end (rather than upserting at each write) is what keeps the lock order
 * deterministic: a Postgres transaction takes its bucket row locks in one sorted pass
 * (whole-tenant buckets, then daily, monthly and weekly buckets) after all its ticket
 * locks, so two writers can never wait on each other's buckets in opposite orders.
 */
export class StatsDeltas {
  readonly #buckets: Buckets = new Map();
  readonly #daily: Buckets = new Map();
  readonly #monthly: Buckets = new Map();
  readonly #weekly: Buckets = new Map();

  /** Adds `sign` × the ticket's contribution (nothing for a deleted ticket). */
  add(tenantId: string, facts: StatsFacts, sign: 1 | -1): void {
    if (facts.deleted) return;
    const sums = ticketSums(facts);
    const contribution = STATS_SUMS.map((field) => sign * sums[field]);
    const { status, category, priority, createdByType } = facts;
    // `createdAt` never changes, so a ticket's updates move it between buckets of one day (week, month).
    const day = Math.floor(facts.createdAt / DAY_MS);
    const month = monthOfDay(day);
    const week = weekOfDay(day);
    // A bucket's map key: JSON of its scope, its day or month, JSON of its vocabulary
    // (each JSON array is self-delimiting, so the key is as unambiguous as the JSON of
    // the whole bucket key, for fewer and shorter JSON.stringify calls).
    const vocabulary = JSON.stringify([status, category, priority, createdByType]);
    // Its scope's buckets, then the tenant-wide ones.
    for (let wide = 0; wide < 2; wide++) {
      const reseller = wide ? '' : (facts.resellerId ?? '');
      const level = wide ? ALL_LEVELS : facts.addressedTo;
      const scope = JSON.stringify([tenantId, reseller, level]);
      addTo(this.#buckets, `${scope}${vocabulary}`, [tenantId, reseller, level, status, category, priority, createdByType], contribution);
      addTo(this.#daily, `${scope}d${day}${vocabulary}`, [tenantId, reseller, level, day, status, category, priority, createdByType], contribution);
      addTo(this.#monthly, `${scope}m${month}${vocabulary}`, [tenantId, reseller, level, month, status, category, priority, createdByType], contribution);
      addTo(this.#weekly, `${scope}w${week}${vocabulary}`, [tenantId, reseller, level, week, status, category, priority, createdByType], contribution);
    }
  }

  /** Records the move of one ticket from `before` to `after`. */
  move(tenantId: string, before: StatsFacts, after: StatsFacts): void {
    this.add(tenantId, before, -1);
    this.add(tenantId, after, 1);
  }

  /**
   * Applies the collected differences and forgets them: `ticket_stats`, then
   * `ticket_stats_daily`, `ticket_stats_monthly` and `ticket_stats_weekly`, each in one
   * `INSERT … ON CONFLICT DO UPDATE SET col = col + excluded.col` with its buckets in
   * key order. Buckets whose differences cancel out are skipped.
   */
  async flush(ctx: QueryContext): Promise<void> {
    const whole = takeChanged(this.#buckets);
    const daily = takeChanged(this.#daily);
    const monthly = takeChanged(this.#monthly);
    const weekly = takeChanged(this.#weekly);
    if (whole.length > 0) await upsertBuckets(ctx, 'ticket_stats', STATS_KEY, whole);
    if (daily.length > 0) await upsertBuckets(ctx, 'ticket_stats_daily', DAILY_KEY, daily);
    if (monthly.length > 0) await upsertBuckets(ctx, 'ticket_stats_monthly', MONTHLY_KEY, monthly);
    if (weekly.length > 0) await upsertBuckets(ctx, 'ticket_stats_weekly', WEEKLY_KEY, weekly);
  }
}

function addTo(buckets: Buckets, id: string, key: BucketKey, contribution: readonly number[]): void {
  let bucket = buckets.get(id);
  if (bucket === undefined) {
    bucket = { key, sums: SUM_COLUMNS.map(() => 0) };
    buckets.set(id, bucket);
  }
  for (let i = 0; i < contribution.length; i++) bucket.sums[i]! += contribution[i]!;
}

/** The buckets with a non-zero difference, in key order; empties `buckets`. */
function takeChanged(buckets: Buckets): { key: BucketKey; sums: Sums }[] {
  const changed = [...buckets.values()].filter((b) => b.sums.some((v) => v !== 0));
  buckets.clear();
  return changed.sort((a, b) => compareKeys(a.key, b.key));
}

/** The aggregate tables. */
export type StatsTable = 'ticket_stats' | 'ticket_stats_daily' | 'ticket_stats_monthly' | 'ticket_stats_weekly';

/** One multi-row upsert adding `buckets`' sums to the table's buckets. */
async function upsertBuckets(
  ctx: QueryContext,
  table: StatsTable,
  keyColumns: readonly string[],
  buckets: readonly { key: BucketKey; sums: Sums }[],
): Promise<void> {
  // One compiled statement per table and number of buckets; the values are its arguments,
  // row by row: the key columns, then the sums.
  const width = keyColumns.length + SUM_COLUMNS.length;
  const args = new Array<unknown>(buckets.length * width);
  let at = 0;
  for (const { key, sums } of buckets) {
    for (let i = 0; i < keyColumns.length; i++) args[at++] = key[i];
    for (let i = 0; i < sums.length; i++) args[at++] = sums[i];
  }
  await runCached(ctx, `upsert ${table} ${buckets.length}`, args, (a) => {
    const columns = [...keyColumns, ...SUM_COLUMNS];
    const rows = buckets.map((_, r) => Object.fromEntries(columns.map((column, i) => [column, a[r * width + i]])));
    return upsertStatement(ctx, table, keyColumns, rows);
  });
}

function upsertStatement(
  ctx: QueryContext,
  table: string,
  keyColumns: readonly string[],
  rows: readonly Record<string, unknown>[],
) {
  const insert = ctx.db.insertInto(table as 'ticket_stats').values(rows as never);
  if (ctx.hooks.capabilities.upsert === 'on-duplicate-key') {
    // MySQL, MariaDB: `VALUES(col)` is the row that would have been inserted.
    return insert.onDuplicateKeyUpdate(
      Object.fromEntries(
        SUM_COLUMNS.map((column) => [column, sql<number>`${sql.ref(column)} + values(${sql.ref(column)})`]),
      ) as never,
    );
  }
  return insert
    .onConflict((oc) =>
      oc.columns(keyColumns as never).doUpdateSet(
        Object.fromEntries(
          SUM_COLUMNS.map((column) => [
            column,
            sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
          ]),
        ) as never,
      ),
    );
}

/** Key order: strings by code point, days and months as numbers. */
function compareKeys(a: BucketKey, b: BucketKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : compareCodePoints(String(x), String(y));
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether `getStats(scope, q)` can be answered from the buckets (`ticket_stats` without
 * a created-at range; the monthly and daily buckets plus a scan of the partial edge days
 * with one): the buckets are keyed by reseller and addressed level, so the tenant, a
 * reseller and a reseller's staff (their reseller, addressed to them) are. Not a
 * subscriber (a customer's few tickets are a scan of the subscriber index), nor a
 * requester (a reseller's own requests to the operator: a scan of their index). A
 * reseller id of `''` is the buckets' "no reseller", so it scans.
 */
export function canUseStatsBuckets(scope: StoreScope, _q: StoreStatsQuery): boolean {
  return scope.subscriberId === undefined && scope.requesterResellerId === undefined && scope.resellerId !== '';
}

/** The rows of a stats table in `scope`: the tenant-wide buckets, or one reseller's (or one level's). */
function scopedBuckets(ctx: QueryContext, table: StatsTable, scope: StoreScope) {
  const query = ctx.db.selectFrom(`${table} as s` as 'ticket_stats as s').where('s.tenant_id', '=', scope.tenantId);
  if (scope.resellerId === undefined && scope.addressedTo === undefined) {
    // The whole tenant: its tenant-wide buckets.
    return query.where('s.reseller_id', '=', '').where('s.addressed_to', '=', ALL_LEVELS);
  }
  const own = scope.resellerId === undefined ? query : query.where('s.reseller_id', '=', scope.resellerId);
  // Both levels of a reseller, as two ranges of the key (never the tenant-wide level).
  return own.where('s.addressed_to', 'in', scope.addressedTo !== undefined ? [scope.addressedTo] : ['operator', 'reseller']);
}

/** The stats of the tenant (or one reseller's tickets, or those addressed to a level), folded from the buckets. */
export async function statsFromBuckets(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreStatsQuery,
): Promise<StoreStats> {
  // Summed over resellers, levels and creators (`foldedSums`), n = 0 buckets dropped, in
  // SQL: at most one row per status × category × priority.
  const { shape, args } = scopeParts(scope);
  const creators = q.firstResponseOf;
  const { rows } = await runCached(ctx, `stats buckets ${shape} ${creators.length}`, [...args, ...creators], (a) =>
    scopedBuckets(ctx, 'ticket_stats', scopeFromArgs(shape, a))
      .select(['s.status', 's.category', 's.priority', ...foldedSums('s', a.slice(args.length))])
      .groupBy(['s.status', 's.category', 's.priority'])
      .having((eb) => eb.fn.sum('s.n'), '>', 0),
    true,
  );
  return statsOfFolded(rows as FoldedStatsRow[], q);
}

/** A range of days or months, `[first, end)`, either end open. */
export interface BucketRange {
  first?: number;
  end?: number;
}

/** The first day of the week after the one `day` is in (after the fifth week, 29 to the end: the next month's first). */
function nextWeek(day: number): number {
  return Math.min(weekOfDay(day) + 7, firstDayOfMonth(monthOfDay(day) + 1));
}

/** A range of months, weeks (their first days) or days whose buckets are added (`sign` 1) or subtracted (-1). */
export interface SignedRange extends BucketRange {
  unit: 'month' | 'week' | 'day';
  sign: 1 | -1;
}

type Unit = SignedRange['unit'];

/**
 * What reading one bucket period costs, relative to a day's: about the rows a period
 * holds (a million tickets over three years: 75 tenant-wide rows a day, 126 a week, 172 a
 * month; longer periods repeat more of the same keys).
 */
const UNIT_COST: Record<Unit, number> = { month: 2.3, week: 1.7, day: 1 };
const FINER: Record<Unit, Unit | null> = { month: 'week', week: 'day', day: null };

/** The period of `unit` that UTC day `day` is in (a month's number, a week's or day's first day). */
function periodOf(unit: Unit, day: number): number {
  return unit === 'month' ? monthOfDay(day) : unit === 'week' ? weekOfDay(day) : day;
}

/** The UTC day period `period` of `unit` begins on. */
function periodStart(unit: Unit, period: number): number {
  return unit === 'month' ? firstDayOfMonth(period) : period;
}

/** The period after `period`. */
function nextPeriod(unit: Unit, period: number): number {
  return unit === 'month' ? period + 1 : unit === 'week' ? nextWeek(period) : period + 1;
}

/** How many periods `[first, end)` holds. */
function periods(unit: Unit, first: number, end: number): number {
  if (unit !== 'week') return end - first;
  let n = 0;
  for (let week = first; week < end; week = nextWeek(week)) n++;
  return n;
}

const negated = (ranges: readonly SignedRange[]): SignedRange[] => ranges.map((r) => ({ ...r, sign: r.sign === 1 ? -1 : 1 }));

/** The cheapest reads of the whole days `[firstDay, endDay)` (both set, non-empty) with periods of `unit` and finer. */
function cover(unit: Unit, firstDay: number, endDay: number): { cost: number; ranges: SignedRange[] } {
  if (firstDay >= endDay) return { cost: 0, ranges: [] };
  const finer = FINER[unit];
  if (finer === null) return { cost: (endDay - firstDay) * UNIT_COST.day, ranges: [{ unit, sign: 1, first: firstDay, end: endDay }] };
  const inside = cover(finer, firstDay, endDay);
  const u = periodOf(unit, firstDay);
  const v = periodOf(unit, endDay);
  const uStart = periodStart(unit, u);
  const vStart = periodStart(unit, v);
  if (u === v) {
    // Inside one period: its finer reads, or the period less what lies outside the range.
    const before = cover(finer, uStart, firstDay);
    const after = cover(finer, endDay, periodStart(unit, nextPeriod(unit, u)));
    const minus = UNIT_COST[unit] + before.cost + after.cost;
    if (minus < inside.cost) {
      return { cost: minus, ranges: [{ unit, sign: 1, first: u, end: nextPeriod(unit, u) }, ...negated(before.ranges), ...negated(after.ranges)] };
    }
    return inside;
  }
  // The whole periods inside, and each edge either read finer, or as its whole period less
  // the part outside the range.
  let first = uStart === firstDay ? u : nextPeriod(unit, u);
  let end = v;
  const ranges: SignedRange[] = [];
  let cost = 0;
  if (uStart < firstDay) {
    const part = cover(finer, firstDay, periodStart(unit, first));
    const outside = cover(finer, uStart, firstDay);
    if (UNIT_COST[unit] + outside.cost < part.cost) {
      first = u;
      ranges.push(...negated(outside.ranges));
      cost += outside.cost;
    } else {
      ranges.push(...part.ranges);
      cost += part.cost;
    }
  }
  if (vStart < endDay) {
    const part = cover(finer, vStart, endDay);
    const outside = cover(finer, endDay, periodStart(unit, nextPeriod(unit, v)));
    if (UNIT_COST[unit] + outside.cost < part.cost) {
      end = nextPeriod(unit, v);
      ranges.push(...negated(outside.ranges));
      cost += outside.cost;
    } else {
      ranges.push(...part.ranges);
      cost += part.cost;
    }
  }
  if (first < end) {
    ranges.unshift({ unit, sign: 1, first, end });
    cost += periods(unit, first, end) * UNIT_COST[unit];
  }
  return cost < inside.cost ? { cost, ranges } : inside;
}

/**
 * How a range of whole days (either end open) reads from the dated buckets, at the
 * least cost: whole months, whole weeks, days, where a partial month (week) at an edge
 * reads either as its weeks and days (days) inside the range, or as the whole month
 * (week) less its weeks and days (days) outside, whichever reads fewer periods (a
 * window from the 3rd to the 31st is the month less two days). An open end reads the
 * months up to it. Exact either way: every bucket is a sum over its tickets.
 */
export function coverDays(days: { firstDay?: number; endDay?: number }): SignedRange[] {
  const { firstDay, endDay } = days;
  if (firstDay !== undefined && endDay !== undefined) return cover('month', firstDay, endDay).ranges;
  // An open end: the months from (to) the open side, the closed side's edge as `cover` reads it.
  const ranges: SignedRange[] = [];
  if (firstDay !== undefined) {
    const u = periodOf('month', firstDay);
    const start = periodStart('month', u) === firstDay ? u : u + 1;
    const edge = start === u ? { ranges: [] } : cover('month', firstDay, firstDayOfMonth(start));
    return [{ unit: 'month', sign: 1, first: start }, ...edge.ranges];
  }
  if (endDay !== undefined) {
    const v = periodOf('month', endDay);
    const edge = cover('month', firstDayOfMonth(v), endDay);
    return [{ unit: 'month', sign: 1, end: v }, ...edge.ranges];
  }
  return ranges;
}

/** The dated stats tables and their date column. */
const DATED = {
  day: ['ticket_stats_daily', 's.day'],
  week: ['ticket_stats_weekly', 's.week'],
  month: ['ticket_stats_monthly', 's.month'],
} as const;

/**
 * The daily, weekly or monthly buckets of `range` (days, weeks' first days, or months)
 * in `scope`, one row each (key and sums, unsummed: the window's one `GROUP BY` adds
 * them up): one range read of the primary key.
 */
export function datedBucketRows(
  ctx: QueryContext,
  scope: StoreScope,
  unit: 'day' | 'week' | 'month',
  range: BucketRange,
  sign: 1 | -1 = 1,
) {
  const [table, column] = DATED[unit];
  let query = scopedBuckets(ctx, table, scope).select([
    's.status',
    's.category',
    's.priority',
    's.created_by_type',
    ...SUM_COLUMNS.map((c) => (sign === 1 ? sql.ref(`s.${c}`) : sql<number>`-${sql.ref(`s.${c}`)}`).as(c)),
  ]);
  if (range.first !== undefined) query = query.where(column as 's.n', '>=', range.first);
  if (range.end !== undefined) query = query.where(column as 's.n', '<', range.end);
  return query;
}
