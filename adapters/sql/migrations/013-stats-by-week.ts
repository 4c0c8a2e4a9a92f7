/**
 * Migration 013: `<prefix>ticket_stats_weekly`, the stats buckets of migration 008 per
 * week of a UTC calendar month: days 1-7, 8-14, 15-21, 22-28 and 29 to the end of the
 * month (`week`: the UTC day the week begins on, whole days since 1970-01-01). Weeks
 * nest in months and days in weeks, so a window reads its whole months from
 * `ticket_stats_monthly`, the whole weeks around them here, and only the days around
 * those from `ticket_stats_daily` (`../stats-queries.ts`): at most six days at either
 * end instead of up to a month.
 *
 * Why: a window with no whole month inside read every one of its days' buckets (about
 * 75 tenant-wide rows a day at a million tickets over three years): a 30-day window
 * summed 2,200 rows, which cost SQLite twice the whole-tenant stats.
 *
 * Kept up to date in the same transaction and the same `flush` as the other three
 * tables (`../ticket-stats.ts`), rebuilt and verified with them (`../stats-rebuild.ts`).
 *
 * Frozen once released, like 001: change the table with a new migration.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import {
  BUCKET_SUMS,
  bucketKey,
  bucketSource,
  bucketSumsOf,
  firstDayOfMonth,
  monthOfDay,
  monthSpanOfTickets,
  type MonthSpan,
  type StatsBucketTable,
} from './008-stats-by-day.js';
import type { MigrationContext } from './migration-context.js';

/** Every maintained stats table: migration 008's three and this one. */
export type StatsTableName = StatsBucketTable | 'ticket_stats_weekly';

/** The vocabulary part of every bucket key (as in migration 008). */
const VOCABULARY = ['status', 'category', 'priority', 'created_by_type'] as const;

/** The weekly table's key, in primary-key (and lock) order: tenant, scope, week, vocabulary. */
const WEEKLY_KEY = ['tenant_id', 'reseller_id', 'addressed_to', 'week', ...VOCABULARY];

/** A stats table's bucket key, in primary-key order. */
export function statsTableKey(table: StatsTableName): string[] {
  return table === 'ticket_stats_weekly' ? [...WEEKLY_KEY] : bucketKey(table);
}

/**
 * The UTC day the week of UTC day `day` begins on: weeks are days 1-7, 8-14, 15-21,
 * 22-28 and 29 to the end of a calendar month (the last is 0 to 3 days long).
 */
export function weekOfDay(day: number): number {
  const first = firstDayOfMonth(monthOfDay(day));
  return first + 7 * Math.min(4, Math.floor((day - first) / 7));
}

/** The days the weeks of the months `span` begin on, in order. */
function weekStarts(span: MonthSpan): number[] {
  const starts: number[] = [];
  for (const month of span.months) {
    const first = firstDayOfMonth(month);
    const next = firstDayOfMonth(month + 1);
    for (let start = first; start < next && start <= first + 28; start += 7) starts.push(start);
  }
  return starts;
}

/**
 * The week (`weekOfDay`) of the UTC day in column `day`, for days of the months `span`
 * (earlier days map to its first week, later ones to its last): a balanced `CASE` over
 * the weeks' first days, as migration 008's `utcMonthOfDay`, so every dialect computes
 * it with a few comparisons and no division.
 */
export function utcWeekOfDay(day: string, span: MonthSpan): RawBuilder<number> {
  const ref = sql.ref(day);
  const starts = weekStarts(span);
  const tree = (first: number, end: number): RawBuilder<number> => {
    if (end - first <= 1) return sql<number>`${sql.lit(starts[first]!)}`;
    const mid = Math.floor((first + end) / 2);
    return sql<number>`case when ${ref} < ${sql.lit(starts[mid]!)} then ${tree(first, mid)} else ${tree(mid, end)} end`;
  };
  return tree(0, starts.length);
}

function qualify(ctx: MigrationContext, table: 'tickets' | StatsTableName): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/**
 * One row per non-deleted ticket (of `tenantId` only, when given) and scope, with the
 * columns `table`'s buckets need: migration 008's source, and for the weekly table its
 * daily rows with their week. `months` (the span of the tickets' months) is needed by the
 * monthly and weekly tables.
 */
export function statsTableSource(
  ctx: MigrationContext,
  table: StatsTableName,
  months: MonthSpan | null,
  tenantId?: string,
): RawBuilder<unknown> {
  if (table !== 'ticket_stats_weekly') return bucketSource(ctx, table, months, tenantId);
  if (months === null) throw new Error('statsTableSource: the weekly buckets need the span of months');
  return sql`select d.*, ${utcWeekOfDay('day', months)} as week from (${bucketSource(ctx, 'ticket_stats_daily', null, tenantId)}) d`;
}

/** Whether `table`'s source needs the span of the tickets' months. */
export function needsMonthSpan(table: StatsTableName): boolean {
  return table === 'ticket_stats_monthly' || table === 'ticket_stats_weekly';
}

/**
 * Recomputes `ticket_stats_weekly` from the tickets: empties it and refills it with one
 * `INSERT … SELECT … GROUP BY`. Run it inside a transaction that holds off ticket
 * writers, like migration 008's `rebuildBucketTable`.
 */
export async function rebuildWeeklyTable(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const lock = ctx.dialect.lockTableForRebuild(sql.table(qualify(ctx, 'tickets')));
  if (lock !== null) await lock.execute(db);
  const target = sql.table(qualify(ctx, 'ticket_stats_weekly'));
  await sql`delete from ${target}`.execute(db);
  const key = sql.join(WEEKLY_KEY.map((c) => sql.ref(c)));
  const months = await monthSpanOfTickets(db, ctx);
  await sql`
    insert into ${target} (${key}, ${sql.join(BUCKET_SUMS.map((c) => sql.ref(c)))})
    select ${key}, ${sql.join(bucketSumsOf(ctx))}
    from (${statsTableSource(ctx, 'ticket_stats_weekly', months)}) t
    group by ${key}
  `.execute(db);
}

/** Builds migration 013 for a dialect and set of names. */
export function statsByWeekMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let builder = db.schema.createTable(qualify(ctx, 'ticket_stats_weekly'));
      // The column types of migration 008's dated tables (its comments say why).
      for (const column of WEEKLY_KEY) {
        const type =
          column === 'week'
            ? types.integer
            : column === 'tenant_id' || column === 'reseller_id'
              ? types.key
              : column === 'addressed_to'
                ? sql`varchar(8)`
                : (types.label ?? types.key);
        builder = builder.addColumn(column, type, (c) => c.notNull());
      }
      for (const column of BUCKET_SUMS) builder = builder.addColumn(column, types.bigint, (c) => c.notNull().defaultTo(0));
      builder = builder.addPrimaryKeyConstraint(names.object('ticket_stats_weekly_pk'), WEEKLY_KEY as never);
      if (ctx.dialect.capabilities.clusteredPrimaryKey) builder = builder.modifyEnd(sql`without rowid`);
      await builder.execute();
      await rebuildWeeklyTable(db as Kysely<any>, ctx);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(qualify(ctx, 'ticket_stats_weekly')).ifExists().execute();
    },
  };
}
