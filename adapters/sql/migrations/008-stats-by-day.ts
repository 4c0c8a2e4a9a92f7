/**
 * Migration 008: stats for any window and any staff scope.
 * - `<prefix>ticket_stats` (migration 002) is rebuilt with the tickets' addressed level
 *   in its key (reseller staff do not see tickets addressed over their head, so their
 *   stats come from buckets too) and four more sums: the SLA-calendar minutes behind the
 *   business-time averages.
 * - `<prefix>ticket_stats_daily`: the same buckets per UTC day of creation (`day`: whole
 *   days since 1970-01-01).
 * - `<prefix>ticket_stats_monthly`: the same buckets per UTC calendar month of creation
 *   (`month`: whole months since January 1970).
 *
 * All three are kept up to date in the same transaction and the same `flush`
 * (`../ticket-stats.ts`). Stats over a window add up the monthly buckets of the whole
 * months inside it, the daily buckets of the whole days around them, and scan only the
 * partial days at its edges (`../stats-queries.ts`), so a window costs about the same
 * however long it is and however many tickets it holds.
 *
 * Frozen once released, like 001: change the tables with a new migration.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import { ticketStatsMigration } from './002-ticket-stats.js';
import type { MigrationContext } from './migration-context.js';

/** The aggregate tables this migration shapes. */
export type StatsBucketTable = 'ticket_stats' | 'ticket_stats_daily' | 'ticket_stats_monthly';

/** The dated level of each table (`null`: the whole-tenant buckets). */
const LEVEL: Record<StatsBucketTable, 'day' | 'month' | null> = {
  ticket_stats: null,
  ticket_stats_daily: 'day',
  ticket_stats_monthly: 'month',
};

/** The vocabulary part of every bucket key, after the scope (and the day or month). */
const VOCABULARY = ['status', 'category', 'priority', 'created_by_type'] as const;

/**
 * `addressed_to` of the tenant-wide buckets (with `reseller_id` `''`): every ticket is
 * counted once in its own scope's bucket (its reseller and addressed level) and once in
 * the tenant-wide bucket of the same vocabulary, so the operator's stats read a few
 * hundred rows whatever the number of resellers.
 */
export const ALL_LEVELS = '*';

/**
 * A table's bucket key, in primary-key order (and the order the store sorts and locks
 * buckets): tenant, scope (reseller, addressed level; the tenant-wide buckets are
 * `('', '*')`), then the day or month, then the vocabulary. A scope's days (months) are
 * one contiguous range of the key, so a window over the tenant or one reseller's staff
 * is one range read.
 */
export function bucketKey(table: StatsBucketTable): string[] {
  const level = LEVEL[table];
  return ['tenant_id', 'reseller_id', 'addressed_to', ...(level === null ? [] : [level]), ...VOCABULARY];
}

/** The additive columns (the same in every table). */
export const BUCKET_SUMS = [
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

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

function qualify(ctx: MigrationContext, table: 'tickets' | StatsBucketTable): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/** `a` divided by the positive constant `b`, rounded down, exact in every dialect (MySQL's `/` is decimal division). */
function floorDiv(a: RawBuilder<number>, b: number): RawBuilder<number> {
  return sql<number>`((${a} - ((${a} % ${sql.lit(b)}) + ${sql.lit(b)}) % ${sql.lit(b)}) / ${sql.lit(b)})`;
}

/**
 * The UTC day (whole days since 1970-01-01, rounded down, also before 1970) of a
 * timestamp column, as an integer SQL expression: the day `Math.floor(ms / DAY_MS)`
 * gives in JavaScript, which is what the store writes.
 */
export function utcDayOf(ctx: Pick<MigrationContext, 'dialect'>, column: string): RawBuilder<number> {
  const ms = ctx.dialect.millisBetween(sql.ref(column), sql`${ctx.dialect.toDate(new Date(0))}`);
  // Floor division written with `%` and an exact division, so every dialect agrees on
  // negative values (SQLite and Postgres truncate integer division toward zero; MySQL's
  // `/` is decimal division).
  return floorDiv(ms, DAY_MS);
}

/** The UTC calendar month (months since January 1970) of the UTC day `day`. */
export function monthOfDay(day: number): number {
  const date = new Date(day * DAY_MS);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

/**
 * The UTC day the month `month` (months since January 1970) begins on. `setUTCFullYear`,
 * not `Date.UTC`, which reads the years 0-99 as 1900-1999 (the rebuilds and checks that
 * map days to months with it put a ticket of the year 50 in the wrong month).
 */
export function firstDayOfMonth(month: number): number {
  const year = 1970 + Math.floor(month / 12);
  const date = new Date(0);
  date.setUTCFullYear(year, month - (year - 1970) * 12, 1);
  return date.getTime() / DAY_MS;
}

/**
 * The months a monthly rebuild or check maps days to (see `utcMonthOfDay`), ascending and
 * distinct: every month a ticket in scope was created in is one of them.
 */
export interface MonthSpan {
  months: readonly number[];
}

/**
 * The UTC calendar month of the UTC day in column `day`, for days of the months `span`
 * (a day maps to the last of them that begins on or before it; earlier days to the
 * first): a balanced `CASE` over the months' first days, so a row costs a dozen
 * comparisons in every dialect (the calendar arithmetic would repeat the day expression
 * hundreds of times once the database inlines it).
 */
export function utcMonthOfDay(day: string, span: MonthSpan): RawBuilder<number> {
  const ref = sql.ref(day);
  const { months } = span;
  const tree = (first: number, end: number): RawBuilder<number> => {
    if (end - first <= 1) return sql<number>`${sql.lit(months[first]!)}`;
    const mid = Math.floor((first + end) / 2);
    return sql<number>`case when ${ref} < ${sql.lit(firstDayOfMonth(months[mid]!))} then ${tree(first, mid)} else ${tree(mid, end)} end`;
  };
  return tree(0, months.length);
}

/**
 * Most months `monthSpanOfTickets` lists as one run from the oldest ticket's to the
 * newest's or a year from now: beyond, it lists only the months that hold tickets (one
 * ticket dated in the year 50, or 9999, would otherwise make every rebuild and check map
 * days over some 24,000 (96,000) months: 50 s on a four-ticket SQLite store).
 */
const DENSE_MONTHS = 240;

/**
 * The months the tickets (of `tenantId`, or all) were created in, and every month up to
 * a year from now (tickets written while a check runs): what `utcMonthOfDay` must cover.
 * Every month from the oldest ticket's when that is at most `DENSE_MONTHS` of them (one
 * `min`/`max` read of the days), else the months of the tickets' distinct days (a second
 * read, of every ticket in scope) and those from this month on.
 */
export async function monthSpanOfTickets(db: Kysely<any>, ctx: MigrationContext, tenantId?: string): Promise<MonthSpan> {
  const onlyTenant = tenantId === undefined ? sql`` : sql`where tenant_id = ${tenantId}`;
  const days = sql`select ${utcDayOf(ctx, 'created_at')} as day from ${sql.table(qualify(ctx, 'tickets'))} ${onlyTenant}`;
  const { rows } = await sql<{ lo: number | string | null; hi: number | string | null }>`
    select min(day) as lo, max(day) as hi from (${days}) t
  `.execute(db);
  const today = Math.floor(Date.now() / DAY_MS);
  const lo = rows[0]?.lo === null || rows[0]?.lo === undefined ? today : Number(rows[0].lo);
  const hi = rows[0]?.hi === null || rows[0]?.hi === undefined ? today : Number(rows[0].hi);
  // This month to a year from now, whatever the tickets' dates.
  const ahead = { first: monthOfDay(today), end: monthOfDay(today + 366) + 1 };
  const first = Math.min(monthOfDay(lo), ahead.first);
  const end = Math.max(monthOfDay(hi) + 1, ahead.end);
  if (end - first <= DENSE_MONTHS) return { months: monthRange(first, end) };
  const { rows: found } = await sql<{ day: number | string }>`select distinct day from (${days}) t`.execute(db);
  const months = new Set(monthRange(ahead.first, ahead.end));
  for (const { day } of found) months.add(monthOfDay(Number(day)));
  return { months: [...months].sort((a, b) => a - b) };
}

/** The months `[first, end)`. */
function monthRange(first: number, end: number): number[] {
  return Array.from({ length: Math.max(end - first, 0) }, (_, i) => first + i);
}

/**
 * The tickets' columns a bucket needs, one row per non-deleted ticket (of `tenantId`
 * only, when given), with the day and month computed in derived tables and named (a
 * bound parameter in the day expression would make the select list and a GROUP BY two
 * different expressions to Postgres).
 */
export function bucketSource(
  ctx: MigrationContext,
  table: StatsBucketTable,
  months: MonthSpan | null,
  tenantId?: string,
): RawBuilder<unknown> {
  const tickets = sql.table(qualify(ctx, 'tickets'));
  const onlyTenant = tenantId === undefined ? sql`` : sql`and tenant_id = ${tenantId}`;
  const level = LEVEL[table];
  // Each ticket twice: in its own scope's bucket, and in the tenant-wide one.
  const rows = (scope: RawBuilder<unknown>) => sql`
    select tenant_id, ${scope}, ${level === null ? sql`` : sql`${utcDayOf(ctx, 'created_at')} as day,`}
      status, category, priority, created_by_type,
      created_at, first_response_at, resolved_at, sla_first_response_met, sla_resolution_met, sla_clock_at,
      sla_first_response_elapsed, sla_resolution_elapsed
    from ${tickets}
    where deleted_at is null ${onlyTenant}`;
  const both = sql`${rows(sql`coalesce(reseller_id, '') as reseller_id, addressed_to`)}
    union all ${rows(sql`'' as reseller_id, ${sql.lit(ALL_LEVELS)} as addressed_to`)}`;
  if (level !== 'month') return both;
  if (months === null) throw new Error('bucketSource: the monthly buckets need the span of months');
  return sql`select d.*, ${utcMonthOfDay('day', months)} as month from (${both}) d`;
}

/**
 * The summed columns of a `GROUP BY` over `bucketSource` rows, in `BUCKET_SUMS` order.
 * SLA minutes are summed as whole milliseconds (`round(minutes * 60000)`, as the store's
 * `slaMillis`): integers, so the sums stay exact.
 */
export function bucketSumsOf(ctx: MigrationContext): RawBuilder<unknown>[] {
  const millis = (column: string) => ctx.dialect.millisBetween(sql.ref(column), sql.ref('created_at'));
  const isTrue = (column: string) => sql`sum(case when ${sql.ref(column)} then 1 else 0 end)`;
  const slaMs = (elapsed: string, at: string) =>
    sql`coalesce(sum(case when ${sql.ref(at)} is not null and sla_clock_at is not null then round(${sql.ref(elapsed)} * 60000) else 0 end), 0)`;
  const slaN = (at: string) => sql`sum(case when ${sql.ref(at)} is not null and sla_clock_at is not null then 1 else 0 end)`;
  return [
    sql`count(*)`,
    sql`coalesce(sum(${millis('first_response_at')}), 0)`,
    sql`count(first_response_at)`,
    sql`coalesce(sum(${millis('resolved_at')}), 0)`,
    sql`count(resolved_at)`,
    isTrue('sla_first_response_met'),
    sql`count(sla_first_response_met)`,
    isTrue('sla_resolution_met'),
    sql`count(sla_resolution_met)`,
    slaMs('sla_first_response_elapsed', 'first_response_at'),
    slaN('first_response_at'),
    slaMs('sla_resolution_elapsed', 'resolved_at'),
    slaN('resolved_at'),
  ];
}

/**
 * Recomputes one aggregate table from the tickets: empties it and refills it with one
 * `INSERT … SELECT … GROUP BY` over the non-deleted tickets. Run it inside a transaction
 * that holds off ticket writers (SQLite `begin immediate`; where the dialect has table
 * locks, `lockTableForRebuild` here), or the table misses their changes.
 */
export async function rebuildBucketTable(db: Kysely<any>, ctx: MigrationContext, table: StatsBucketTable): Promise<void> {
  const lock = ctx.dialect.lockTableForRebuild(sql.table(qualify(ctx, 'tickets')));
  if (lock !== null) await lock.execute(db);
  const target = sql.table(qualify(ctx, table));
  await sql`delete from ${target}`.execute(db);
  const key = sql.join(bucketKey(table).map((c) => sql.ref(c)));
  const months = LEVEL[table] === 'month' ? await monthSpanOfTickets(db, ctx) : null;
  await sql`
    insert into ${target} (${key}, ${sql.join(BUCKET_SUMS.map((c) => sql.ref(c)))})
    select ${key}, ${sql.join(bucketSumsOf(ctx))}
    from (${bucketSource(ctx, table, months)}) t
    group by ${key}
  `.execute(db);
}

/**
 * Recomputes the three aggregate tables (`ticket_stats`, `ticket_stats_daily`,
 * `ticket_stats_monthly`) from the tickets. Migration 008 runs it to upgrade a store
 * that already has tickets; a bulk load that writes tickets around the store (the
 * benchmark seed) runs it afterwards; `store.rebuildStats()` runs it. Run it inside a
 * transaction that holds off ticket writers (see `rebuildBucketTable`).
 */
export async function rebuildStatsTables(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  for (const table of ['ticket_stats', 'ticket_stats_daily', 'ticket_stats_monthly'] as const) {
    await rebuildBucketTable(db, ctx, table);
  }
}

/** Builds migration 008 for a dialect and set of names. */
export function statsByDayMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const create = async (db: Kysely<unknown>, table: StatsBucketTable) => {
    let builder = db.schema.createTable(qualify(ctx, table));
    for (const column of bucketKey(table)) {
      // Ids (tenant, reseller) as keys; the vocabulary columns as labels (the same type
      // except where an eight-column key would pass the index size limit: MySQL,
      // MariaDB); the addressed level is a short word (or `*`): 8 characters keep the
      // key under InnoDB's 3072 bytes with two keys, four labels and the day.
      const type =
        column === 'day' || column === 'month'
          ? types.integer
          : column === 'tenant_id' || column === 'reseller_id'
            ? types.key
            : column === 'addressed_to'
              ? sql`varchar(8)`
              : (types.label ?? types.key);
      builder = builder.addColumn(column, type, (c) => c.notNull());
    }
    // bigint sums: exact however many +/- differences they absorb.
    for (const column of BUCKET_SUMS) builder = builder.addColumn(column, types.bigint, (c) => c.notNull().defaultTo(0));
    // The upsert target of every stats change, and the read (tenant [, day or month range] [, reseller, level]).
    builder = builder.addPrimaryKeyConstraint(names.object(`${table}_pk`), bucketKey(table) as never);
    // SQLite: the rows live in the primary-key B-tree itself, so the reads and the
    // upserts touch one tree instead of an index plus the rowid table.
    if (ctx.dialect.capabilities.clusteredPrimaryKey) builder = builder.modifyEnd(sql`without rowid`);
    await builder.execute();
  };
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Migration 002's table had neither the addressed level nor the SLA sums: made anew.
      await db.schema.dropTable(qualify(ctx, 'ticket_stats')).execute();
      for (const table of ['ticket_stats', 'ticket_stats_daily', 'ticket_stats_monthly'] as const) await create(db, table);
      await rebuildStatsTables(db as Kysely<any>, ctx);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['ticket_stats_monthly', 'ticket_stats_daily', 'ticket_stats'] as const) {
        await db.schema.dropTable(qualify(ctx, table)).ifExists().execute();
      }
      // Back to migration 002's table, filled from the tickets.
      await ticketStatsMigration(ctx).up(db);
    },
  };
}
