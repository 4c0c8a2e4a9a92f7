/**
 * Rebuilding and verifying the maintained stats aggregates (`ticket_stats`,
 * `ticket_stats_daily`, `ticket_stats_monthly`: migration 008; `ticket_stats_weekly`:
 * migration 013) against the tickets: what
 * `store.rebuildStats()` and `store.verifyStats()` run. The store keeps the tables up to
 * date in every ticket write's transaction; these are for when something wrote tickets
 * around it (host SQL, a bulk import, a restore of the tickets table alone, an old
 * release writing during a rolling upgrade).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StatsSums } from '../../src/stats/stats-accumulator.js';
import type { AddressLevel } from '../../src/types.js';
import {
  ALL_LEVELS,
  BUCKET_SUMS,
  bucketSumsOf,
  monthSpanOfTickets,
  rebuildStatsTables,
} from './migrations/008-stats-by-day.js';
import {
  needsMonthSpan,
  rebuildWeeklyTable,
  statsTableKey,
  statsTableSource,
  type StatsTableName,
} from './migrations/013-stats-by-week.js';
import type { MigrationContext } from './migrations/migration-context.js';
import { SUM_COLUMNS, firstDayOfMonth, sumsOfRow } from './ticket-stats.js';

/** One bucket whose stored sums differ from a fresh count of the tickets. */
export interface StatsDifference {
  /**
   * `ticket_stats` (whole-tenant buckets), `ticket_stats_daily` (per UTC day of
   * creation), `ticket_stats_weekly` (per week of a UTC calendar month: days 1-7, 8-14,
   * 15-21, 22-28, 29 to the end) or `ticket_stats_monthly` (per UTC calendar month).
   */
  table: StatsTableName;
  tenantId: string;
  /** The tickets' reseller, `null` for none (and for the tenant-wide buckets). */
  resellerId: string | null;
  /**
   * Who the tickets are addressed to; `null` for the tenant-wide buckets (every reseller
   * and level: each ticket is counted in its own scope's bucket and in one of these).
   */
  addressedTo: AddressLevel | null;
  /** The UTC day of creation, `YYYY-MM-DD` (daily buckets only). */
  day?: string;
  /** The UTC day the week of creation begins on, `YYYY-MM-DD` (weekly buckets only). */
  week?: string;
  /** The UTC month of creation, `YYYY-MM` (monthly buckets only). */
  month?: string;
  status: string;
  category: string;
  priority: string;
  createdByType: string;
  /** What the table holds (all zero when it has no row for the bucket). */
  stored: StatsSums;
  /** What the tickets add up to (all zero when no non-deleted ticket is in the bucket). */
  counted: StatsSums;
}

/** What `verifyStats` found. */
export interface StatsVerification {
  /** Whether every bucket of every table equals a fresh count of the tickets. */
  ok: boolean;
  /** The buckets that differ, ordered by table and key, at most `limit` of them per table. */
  differences: StatsDifference[];
  /** Whether more buckets differ than `differences` lists. */
  truncated: boolean;
}

/** Options of `verifyStats`. */
export interface VerifyStatsOptions {
  /** Only this tenant's buckets and tickets. Absent: every tenant. */
  tenantId?: string;
  /** Differences listed at most (per table). @default 100 */
  limit?: number;
}

/**
 * Recomputes the aggregate tables from the tickets (migration 008's rebuild and 013's),
 * in one transaction of `db` that holds off ticket writers: the caller runs this inside
 * its write transaction (SQLite `begin immediate`); where the dialect has table locks,
 * the rebuild takes them.
 */
export async function rebuildStats(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await rebuildStatsTables(db, ctx);
  await rebuildWeeklyTable(db, ctx);
}

const TABLES: readonly StatsTableName[] = ['ticket_stats', 'ticket_stats_daily', 'ticket_stats_monthly', 'ticket_stats_weekly'];

function qualify(ctx: MigrationContext, table: StatsTableName): RawBuilder<unknown> {
  const name = ctx.names.table(table);
  return sql.table(ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`);
}

/**
 * Compares the aggregate tables with a fresh count of the tickets. Each table is checked
 * by one statement (the stored buckets and the counted ones side by side, grouped by
 * key, keeping the keys whose sums differ), so each comparison reads one consistent
 * snapshot without locking anything: writers go on meanwhile.
 */
export async function verifyStats(
  db: Kysely<any>,
  ctx: MigrationContext,
  options: VerifyStatsOptions = {},
): Promise<StatsVerification> {
  const limit = options.limit ?? 100;
  const found: StatsDifference[] = [];
  let truncated = false;
  for (const table of TABLES) {
    const one = await differences(db, ctx, table, options.tenantId, limit);
    found.push(...one.rows);
    truncated ||= one.truncated;
  }
  return { ok: found.length === 0, differences: found, truncated };
}

async function differences(
  db: Kysely<any>,
  ctx: MigrationContext,
  table: StatsTableName,
  tenantId: string | undefined,
  limit: number,
): Promise<{ rows: StatsDifference[]; truncated: boolean }> {
  const key = statsTableKey(table);
  const keyList = sql.join(key.map((c) => sql.ref(c)));
  const stored = (c: string) => sql.ref(`s_${c}`);
  const counted = (c: string) => sql.ref(`c_${c}`);
  const zeros = (prefix: 's' | 'c') => sql.join(BUCKET_SUMS.map((c) => sql`0 as ${sql.ref(`${prefix}_${c}`)}`));
  const onlyTenant = tenantId === undefined ? sql`` : sql`and tenant_id = ${tenantId}`;
  const countedSums = bucketSumsOf(ctx).map((expr, i) => sql`${expr} as ${counted(BUCKET_SUMS[i]!)}`);
  const rows = await sql<Record<string, unknown>>`
    select ${keyList},
      ${sql.join(BUCKET_SUMS.map((c) => sql`sum(${stored(c)}) as ${stored(c)}`))},
      ${sql.join(BUCKET_SUMS.map((c) => sql`sum(${counted(c)}) as ${counted(c)}`))}
    from (
      select ${keyList}, ${sql.join(BUCKET_SUMS.map((c) => sql`${sql.ref(c)} as ${stored(c)}`))}, ${zeros('c')}
      from ${qualify(ctx, table)}
      where 1 = 1 ${onlyTenant}
      union all
      select ${keyList}, ${zeros('s')}, ${sql.join(countedSums)}
      from (${statsTableSource(ctx, table, needsMonthSpan(table) ? await monthSpanOfTickets(db, ctx, tenantId) : null, tenantId)}) t
      group by ${keyList}
    ) d
    group by ${keyList}
    having ${sql.join(
      BUCKET_SUMS.map((c) => sql`sum(${stored(c)}) <> sum(${counted(c)})`),
      sql` or `,
    )}
    order by ${keyList}
    limit ${sql.lit(limit + 1)}
  `.execute(db);
  const found = rows.rows.slice(0, limit).map((row): StatsDifference => {
    const sums = (prefix: 's' | 'c') =>
      sumsOfRow(Object.fromEntries(SUM_COLUMNS.map((c) => [c, row[`${prefix}_${c}`]])));
    const reseller = row.reseller_id as string;
    return {
      table,
      tenantId: row.tenant_id as string,
      resellerId: reseller === '' ? null : reseller,
      addressedTo: row.addressed_to === ALL_LEVELS ? null : (row.addressed_to as AddressLevel),
      ...(table === 'ticket_stats_daily' ? { day: new Date(Number(row.day) * 86_400_000).toISOString().slice(0, 10) } : {}),
      ...(table === 'ticket_stats_weekly' ? { week: new Date(Number(row.week) * 86_400_000).toISOString().slice(0, 10) } : {}),
      ...(table === 'ticket_stats_monthly'
        ? { month: new Date(firstDayOfMonth(Number(row.month)) * 86_400_000).toISOString().slice(0, 7) }
        : {}),
      status: row.status as string,
      category: row.category as string,
      priority: row.priority as string,
      createdByType: row.created_by_type as string,
      stored: sums('s'),
      counted: sums('c'),
    };
  });
  return { rows: found, truncated: rows.rows.length > limit };
}
