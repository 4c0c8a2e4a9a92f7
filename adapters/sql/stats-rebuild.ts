/**
 * Rebuilding and verifying the maintained stats aggregates (`ticket_stats`, migration
 * 002; `ticket_stats_daily`, migration 008) against the tickets: what
 * `store.rebuildStats()` and `store.verifyStats()` run. The store keeps both tables up
 * to date in every ticket write's transaction; these are for when something wrote
 * tickets around it (host SQL, a bulk import, a restore of the tickets table alone, an
 * old release writing during a rolling upgrade).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StatsSums } from '../../src/stats/stats-accumulator.js';
import { rebuildTicketStats } from './migrations/002-ticket-stats.js';
import { rebuildDailyTicketStats, utcDayOf } from './migrations/008-stats-by-day.js';
import type { MigrationContext } from './migrations/migration-context.js';
import { SUM_COLUMNS, sumsOfRow } from './ticket-stats.js';

/** One bucket whose stored sums differ from a fresh count of the tickets. */
export interface StatsDifference {
  /** `ticket_stats` (whole-tenant buckets) or `ticket_stats_daily` (per UTC day of creation). */
  table: 'ticket_stats' | 'ticket_stats_daily';
  tenantId: string;
  /** The tickets' reseller, `null` for none. */
  resellerId: string | null;
  /** The UTC day of creation, `YYYY-MM-DD` (daily buckets only). */
  day?: string;
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
  /** Whether every bucket of both tables equals a fresh count of the tickets. */
  ok: boolean;
  /** The buckets that differ, ordered by table and key, at most `limit` of them. */
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
 * Recomputes both aggregate tables from the tickets (migration 002's and 008's rebuild
 * functions), in one transaction of `db` that holds off ticket writers: the caller runs
 * this inside its write transaction (SQLite `begin immediate`); where the dialect has
 * table locks, the rebuild functions take them.
 */
export async function rebuildStats(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await rebuildTicketStats(db, ctx);
  await rebuildDailyTicketStats(db, ctx);
}

const WHOLE_KEY = ['tenant_id', 'reseller_id', 'status', 'category', 'priority', 'created_by_type'] as const;
const DAILY_KEY = ['tenant_id', 'day', 'reseller_id', 'status', 'category', 'priority', 'created_by_type'] as const;

function qualify(ctx: MigrationContext, table: 'tickets' | 'ticket_stats' | 'ticket_stats_daily'): RawBuilder<unknown> {
  const name = ctx.names.table(table);
  return sql.table(ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`);
}

/**
 * Compares both aggregate tables with a fresh count of the tickets. Each table is
 * checked by one statement (the stored buckets and the counted ones side by side,
 * grouped by key, keeping the keys whose sums differ), so each comparison reads one
 * consistent snapshot without locking anything: writers go on meanwhile.
 */
export async function verifyStats(
  db: Kysely<any>,
  ctx: MigrationContext,
  options: VerifyStatsOptions = {},
): Promise<StatsVerification> {
  const limit = options.limit ?? 100;
  const whole = await differences(db, ctx, 'ticket_stats', options.tenantId, limit);
  const daily = await differences(db, ctx, 'ticket_stats_daily', options.tenantId, limit);
  return {
    ok: whole.rows.length === 0 && daily.rows.length === 0,
    differences: [...whole.rows, ...daily.rows],
    truncated: whole.truncated || daily.truncated,
  };
}

async function differences(
  db: Kysely<any>,
  ctx: MigrationContext,
  table: 'ticket_stats' | 'ticket_stats_daily',
  tenantId: string | undefined,
  limit: number,
): Promise<{ rows: StatsDifference[]; truncated: boolean }> {
  const daily = table === 'ticket_stats_daily';
  const key = daily ? DAILY_KEY : WHOLE_KEY;
  const ref = (c: string) => sql.ref(c);
  const keyList = sql.join(key.map(ref));
  const stored = (c: string) => sql.ref(`s_${c}`);
  const counted = (c: string) => sql.ref(`c_${c}`);
  const zeros = (prefix: 's' | 'c') => sql.join(SUM_COLUMNS.map((c) => sql`0 as ${sql.ref(`${prefix}_${c}`)}`));
  const onlyTenant = (column: string) => (tenantId === undefined ? sql`` : sql`and ${sql.ref(column)} = ${tenantId}`);
  const millis = (column: string) => ctx.dialect.millisBetween(sql.ref(column), sql.ref('created_at'));
  const isTrue = (column: string) => sql`sum(case when ${sql.ref(column)} then 1 else 0 end)`;
  // The tickets' columns in a derived table, the day computed there and grouped by
  // name (a bound parameter in the day expression would make the select list and the
  // GROUP BY two different expressions to Postgres).
  const source = sql`
    select tenant_id, ${daily ? sql`${utcDayOf(ctx, 'created_at')} as day,` : sql``}
      coalesce(reseller_id, '') as reseller_id, status, category, priority, created_by_type, created_at,
      first_response_at, resolved_at, sla_first_response_met, sla_resolution_met
    from ${qualify(ctx, 'tickets')}
    where deleted_at is null ${onlyTenant('tenant_id')}`;
  const rows = await sql<Record<string, unknown>>`
    select ${keyList},
      ${sql.join(SUM_COLUMNS.map((c) => sql`sum(${stored(c)}) as ${stored(c)}`))},
      ${sql.join(SUM_COLUMNS.map((c) => sql`sum(${counted(c)}) as ${counted(c)}`))}
    from (
      select ${keyList}, ${sql.join(SUM_COLUMNS.map((c) => sql`${ref(c)} as ${stored(c)}`))}, ${zeros('c')}
      from ${qualify(ctx, table)}
      where 1 = 1 ${onlyTenant('tenant_id')}
      union all
      select ${keyList}, ${zeros('s')},
        count(*), coalesce(sum(${millis('first_response_at')}), 0), count(first_response_at),
        coalesce(sum(${millis('resolved_at')}), 0), count(resolved_at),
        ${isTrue('sla_first_response_met')}, count(sla_first_response_met),
        ${isTrue('sla_resolution_met')}, count(sla_resolution_met)
      from (${source}) t
      group by ${keyList}
    ) d
    group by ${keyList}
    having ${sql.join(
      SUM_COLUMNS.map((c) => sql`sum(${stored(c)}) <> sum(${counted(c)})`),
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
      ...(daily ? { day: new Date(Number(row.day) * 86_400_000).toISOString().slice(0, 10) } : {}),
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
