/**
 * The maintained stats aggregate (`ticket_stats`, migration 002): what one ticket
 * contributes to its bucket, the differences a transaction collects as it inserts and
 * updates tickets, the one upsert that applies them before commit, and whole-tenant
 * (or reseller) stats folded from the buckets.
 *
 * A bucket is (tenant, reseller, status, category, priority, created_by_type); every
 * value is a sum over the bucket's non-deleted tickets, so a change is a difference:
 * the old row's contribution subtracted, the new row's added.
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

/**
 * The differences one transaction makes to the buckets, applied by `flush` in one
 * statement in bucket-key order. Collecting them until the end (rather than upserting
 * at each write) is what keeps the lock order deterministic: a Postgres transaction
 * takes its bucket row locks in one sorted pass after all its ticket locks, so two
 * writers can never wait on each other's buckets in opposite orders.
 */
export class StatsDeltas {
  readonly #buckets = new Map<string, { key: string[]; sums: Sums }>();

  /** Adds `sign` × the ticket's contribution (nothing for a deleted ticket). */
  add(tenantId: string, facts: StatsFacts, sign: 1 | -1): void {
    if (facts.deleted) return;
    const key = [tenantId, facts.resellerId ?? '', facts.status, facts.category, facts.priority, facts.createdByType];
    const id = JSON.stringify(key);
    let bucket = this.#buckets.get(id);
    if (bucket === undefined) {
      bucket = { key, sums: SUM_COLUMNS.map(() => 0) };
      this.#buckets.set(id, bucket);
    }
    const sums = ticketSums(facts);
    const contribution = STATS_SUMS.map((field) => sums[field]);
    for (let i = 0; i < contribution.length; i++) bucket.sums[i]! += sign * contribution[i]!;
  }

  /** Records the move of one ticket from `before` to `after`. */
  move(tenantId: string, before: StatsFacts, after: StatsFacts): void {
    this.add(tenantId, before, -1);
    this.add(tenantId, after, 1);
  }

  /**
   * Applies the collected differences, buckets in key order, in one
   * `INSERT … ON CONFLICT DO UPDATE SET col = col + excluded.col`, and forgets them.
   * Buckets whose differences cancel out are skipped.
   */
  async flush(ctx: QueryContext): Promise<void> {
    const changed = [...this.#buckets.values()].filter((b) => b.sums.some((v) => v !== 0));
    this.#buckets.clear();
    if (changed.length === 0) return;
    changed.sort((a, b) => compareKeys(a.key, b.key));
    const rows = changed.map(({ key, sums }) => {
      const row: Record<string, unknown> = {
        tenant_id: key[0],
        reseller_id: key[1],
        status: key[2],
        category: key[3],
        priority: key[4],
        created_by_type: key[5],
      };
      SUM_COLUMNS.forEach((column, i) => (row[column] = sums[i]));
      return row;
    });
    const insert = ctx.db.insertInto('ticket_stats').values(rows as never);
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
        oc
          .columns(['tenant_id', 'reseller_id', 'status', 'category', 'priority', 'created_by_type'])
          .doUpdateSet(
            Object.fromEntries(
              SUM_COLUMNS.map((column) => [
                column,
                sql<number>`${sql.ref(`ticket_stats.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
              ]),
            ),
          ),
      )
      .execute();
  }
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = compareCodePoints(a[i]!, b[i]!);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether `getStats(scope, q)` can be answered from the buckets: no created-at range
 * (buckets have no dates), no subscriber (a customer's few tickets are an indexed scan
 * already), and no requester or addressed level (the buckets do not know them, so a
 * reseller's staff, whose scope leaves out tickets addressed over their head, scan). A
 * reseller id of `''` is the buckets' "no reseller", so it scans.
 */
export function canUseStatsBuckets(scope: StoreScope, q: StoreStatsQuery): boolean {
  return (
    q.createdFrom === undefined &&
    q.createdTo === undefined &&
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
