/**
 * The maintained stats aggregates: `ticket_stats` (migration 002, per tenant) and
 * `ticket_stats_daily` (migration 008, the same buckets per UTC day of creation). What
 * one ticket contributes to its buckets, the differences a transaction collects as it
 * inserts and updates tickets, the upserts that apply them before commit, and the
 * bucket reads `getStats` folds (`./stats-queries.ts`).
 *
 * A bucket is (tenant, reseller, status, category, priority, created_by_type), plus the
 * day for the daily table; every value is a sum over the bucket's non-deleted tickets,
 * so a change is a difference: the old row's contribution subtracted, the new row's added.
 */
import { sql } from 'kysely';
import {
  STATS_SUMS,
  StatsAccumulator,
  compareCodePoints,
  ticketSums,
  type StatsSums,
} from '../../src/stats/stats-accumulator.js';
import type { StoreScope, StoreStats, StoreStatsQuery, TicketPatch, TicketRow } from '../../src/store.js';
import type { QueryContext } from './query-context.js';
import type { DbInteger } from './schema.js';

/** The additive columns of `ticket_stats`, one per `StatsSums` field, in `STATS_SUMS` order. */
export const SUM_COLUMNS = ['n', 'fr_ms_sum', 'fr_n', 'res_ms_sum', 'res_n', 'fr_met', 'fr_total', 'res_met', 'res_total'] as const;
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

/** The `tickets` columns a ticket's contribution depends on (read before an update). */
export const STATS_SOURCE_COLUMNS = [
  'reseller_id',
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
] as const;

/** The `Ticket` fields a patch may change that move a ticket's contribution. */
const STATS_PATCH_FIELDS: readonly string[] = [
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
}

const ms = (value: Date | null | undefined): number | null => (value === null || value === undefined ? null : value.getTime());

/** The facts of a ticket about to be inserted. */
export function factsOfTicket(row: TicketRow): StatsFacts {
  return {
    resellerId: row.resellerId ?? null,
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
  };
}

/** The facts of a stored row (its `STATS_SOURCE_COLUMNS`). */
export function factsOfRow(ctx: QueryContext, row: Record<string, unknown>): StatsFacts {
  const { hooks } = ctx;
  const date = (v: unknown) => (v === null || v === undefined ? null : hooks.fromDate(v).getTime());
  const bool = (v: unknown) => (v === null || v === undefined ? null : hooks.fromBoolean(v));
  return {
    resellerId: (row.reseller_id as string | null) ?? null,
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
  }
  return after;
}

/** Milliseconds in a UTC day: a ticket's daily bucket is `Math.floor(createdAt / DAY_MS)`. */
export const DAY_MS = 86_400_000;

/** The key columns of `ticket_stats`, in primary-key (and lock) order. */
const STATS_KEY = ['tenant_id', 'reseller_id', 'status', 'category', 'priority', 'created_by_type'] as const;

/** The key columns of `ticket_stats_daily` (migration 008), in primary-key (and lock) order. */
const DAILY_KEY = ['tenant_id', 'day', 'reseller_id', 'status', 'category', 'priority', 'created_by_type'] as const;

type BucketKey = (string | number)[];
type Buckets = Map<string, { key: BucketKey; sums: Sums }>;

/**
 * The differences one transaction makes to the buckets of `ticket_stats` and
 * `ticket_stats_daily`, applied by `flush` in one statement per table, each in
 * bucket-key order. Collecting them until the end (rather than upserting at each write)
 * is what keeps the lock order deterministic: a Postgres transaction takes its bucket
 * row locks in one sorted pass (whole-tenant buckets, then daily buckets) after all its
 * ticket locks, so two writers can never wait on each other's buckets in opposite orders.
 */
export class StatsDeltas {
  readonly #buckets: Buckets = new Map();
  readonly #daily: Buckets = new Map();

  /** Adds `sign` × the ticket's contribution (nothing for a deleted ticket). */
  add(tenantId: string, facts: StatsFacts, sign: 1 | -1): void {
    if (facts.deleted) return;
    const sums = ticketSums(facts);
    const contribution = STATS_SUMS.map((field) => sign * sums[field]);
    const reseller = facts.resellerId ?? '';
    const rest = [facts.status, facts.category, facts.priority, facts.createdByType];
    addTo(this.#buckets, [tenantId, reseller, ...rest], contribution);
    // `createdAt` never changes, so a ticket's updates move it between buckets of one day.
    addTo(this.#daily, [tenantId, Math.floor(facts.createdAt / DAY_MS), reseller, ...rest], contribution);
  }

  /** Records the move of one ticket from `before` to `after`. */
  move(tenantId: string, before: StatsFacts, after: StatsFacts): void {
    this.add(tenantId, before, -1);
    this.add(tenantId, after, 1);
  }

  /**
   * Applies the collected differences and forgets them: `ticket_stats` first, then
   * `ticket_stats_daily`, each in one `INSERT … ON CONFLICT DO UPDATE SET col = col +
   * excluded.col` with its buckets in key order. Buckets whose differences cancel out
   * are skipped.
   */
  async flush(ctx: QueryContext): Promise<void> {
    const whole = takeChanged(this.#buckets);
    const daily = takeChanged(this.#daily);
    if (whole.length > 0) await upsertBuckets(ctx, 'ticket_stats', STATS_KEY, whole);
    if (daily.length > 0) await upsertBuckets(ctx, 'ticket_stats_daily', DAILY_KEY, daily);
  }
}

function addTo(buckets: Buckets, key: BucketKey, contribution: readonly number[]): void {
  const id = JSON.stringify(key);
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

/** One multi-row upsert adding `rows`' sums to the table's buckets. */
async function upsertBuckets(
  ctx: QueryContext,
  table: 'ticket_stats' | 'ticket_stats_daily',
  keyColumns: readonly string[],
  buckets: readonly { key: BucketKey; sums: Sums }[],
): Promise<void> {
  const rows = buckets.map(({ key, sums }) => {
    const row: Record<string, unknown> = {};
    keyColumns.forEach((column, i) => (row[column] = key[i]));
    SUM_COLUMNS.forEach((column, i) => (row[column] = sums[i]));
    return row;
  });
  const insert = ctx.db.insertInto(table).values(rows as never);
  if (ctx.hooks.capabilities.upsert === 'on-duplicate-key') {
    // MySQL, MariaDB: `VALUES(col)` is the row that would have been inserted.
    await insert
      .onDuplicateKeyUpdate(
        Object.fromEntries(
          SUM_COLUMNS.map((column) => [column, sql<number>`${sql.ref(column)} + values(${sql.ref(column)})`]),
        ) as never,
      )
      .execute();
    return;
  }
  await insert
    .onConflict((oc) =>
      oc.columns(keyColumns as never).doUpdateSet(
        Object.fromEntries(
          SUM_COLUMNS.map((column) => [
            column,
            sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
          ]),
        ) as never,
      ),
    )
    .execute();
}

/** Key order: strings by code point, days as numbers. */
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
 * a created-at range, `ticket_stats_daily` plus a scan of the partial edge days with
 * one): not for a subscriber (a customer's few tickets are an indexed scan already),
 * nor a requester or addressed level (the buckets do not know them, so a reseller's
 * staff, whose scope leaves out tickets addressed over their head, scan). A reseller id
 * of `''` is the buckets' "no reseller", so it scans.
 */
export function canUseStatsBuckets(scope: StoreScope, _q: StoreStatsQuery): boolean {
  return (
    scope.subscriberId === undefined &&
    scope.requesterResellerId === undefined &&
    scope.addressedTo === undefined &&
    scope.resellerId !== ''
  );
}

/** The stats of the tenant (or one reseller's tickets), folded from the buckets. */
export async function statsFromBuckets(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreStatsQuery,
): Promise<StoreStats> {
  // Summed over resellers (and n = 0 buckets dropped) in SQL: at most one row per
  // status × category × priority × creator, instead of every reseller's buckets.
  let query = ctx.db
    .selectFrom('ticket_stats as s')
    .select((eb) => [
      's.status',
      's.category',
      's.priority',
      's.created_by_type',
      ...SUM_COLUMNS.map((c) => eb.fn.sum<DbInteger>(`s.${c}`).as(c)),
    ])
    .where('s.tenant_id', '=', scope.tenantId);
  if (scope.resellerId !== undefined) query = query.where('s.reseller_id', '=', scope.resellerId);
  query = query
    .groupBy(['s.status', 's.category', 's.priority', 's.created_by_type'])
    .having((eb) => eb.fn.sum('s.n'), '>', 0);
  return statsOfGroups(await query.execute(), q);
}

/**
 * The whole UTC days `[firstDay, endDay)` inside `[from, to)` (either end open), or null
 * when the window holds no whole day. `from`/`to` are epoch ms.
 */
export function wholeDays(from: number | undefined, to: number | undefined): { firstDay?: number; endDay?: number } | null {
  const firstDay = from === undefined ? undefined : Math.ceil(from / DAY_MS);
  const endDay = to === undefined ? undefined : Math.floor(to / DAY_MS);
  if (firstDay !== undefined && endDay !== undefined && firstDay >= endDay) return null;
  return {
    ...(firstDay === undefined ? {} : { firstDay }),
    ...(endDay === undefined ? {} : { endDay }),
  };
}

/**
 * The daily buckets of the days `[firstDay, endDay)` (either end open), summed per
 * status × category × priority × creator: one range read of the primary key.
 */
export function dailyBucketSums(ctx: QueryContext, scope: StoreScope, days: { firstDay?: number; endDay?: number }) {
  let query = ctx.db
    .selectFrom('ticket_stats_daily as s')
    .select((eb) => [
      's.status',
      's.category',
      's.priority',
      's.created_by_type',
      ...SUM_COLUMNS.map((c) => eb.fn.sum<DbInteger>(`s.${c}`).as(c)),
    ])
    .where('s.tenant_id', '=', scope.tenantId);
  if (days.firstDay !== undefined) query = query.where('s.day', '>=', days.firstDay);
  if (days.endDay !== undefined) query = query.where('s.day', '<', days.endDay);
  if (scope.resellerId !== undefined) query = query.where('s.reseller_id', '=', scope.resellerId);
  return query.groupBy(['s.status', 's.category', 's.priority', 's.created_by_type']);
}
