/**
 * Migration 008: `<prefix>ticket_stats_daily`, the stats buckets of migration 002 per UTC
 * day of creation (`day`: whole days since 1970-01-01), kept up to date in the same
 * transaction and the same `flush` as `ticket_stats` (`../ticket-stats.ts`). Stats over a
 * window add up the buckets of the whole days inside it and scan only the partial days
 * at its edges (`../stats-queries.ts`), so a window costs about the same however long it
 * is and however many tickets it holds.
 *
 * Frozen once released, like 001: change the table with a new migration.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { MigrationContext } from './migration-context.js';

/**
 * The bucket key, in primary-key order (and the order the store sorts and locks
 * buckets): a tenant's days are one contiguous range of the key, whatever the reseller,
 * so a window over the whole tenant or one reseller is one range read.
 */
const KEY = ['tenant_id', 'day', 'reseller_id', 'status', 'category', 'priority', 'created_by_type'] as const;

/** The additive columns (the same as `ticket_stats`). */
const SUMS = ['n', 'fr_ms_sum', 'fr_n', 'res_ms_sum', 'res_n', 'fr_met', 'fr_total', 'res_met', 'res_total'] as const;

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

function qualify(ctx: MigrationContext, table: 'tickets' | 'ticket_stats_daily'): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
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
  return sql<number>`((${ms} - ((${ms} % ${sql.lit(DAY_MS)}) + ${sql.lit(DAY_MS)}) % ${sql.lit(DAY_MS)}) / ${sql.lit(DAY_MS)})`;
}

/**
 * Recomputes `ticket_stats_daily` from the tickets: empties it and refills it with one
 * `INSERT … SELECT … GROUP BY` over the non-deleted tickets. Migration 008 runs it to
 * upgrade a store that already has tickets; a bulk load that writes tickets around the
 * store (the benchmark seed) runs it afterwards, as it runs `rebuildTicketStats` (002);
 * `store.rebuildStats()` runs both. Run it inside a transaction that holds off ticket
 * writers (SQLite `begin immediate`; where the dialect has table locks,
 * `lockTableForRebuild` here), or the table misses their changes.
 */
export async function rebuildDailyTicketStats(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const tickets = sql.table(qualify(ctx, 'tickets'));
  const daily = sql.table(qualify(ctx, 'ticket_stats_daily'));
  const lock = ctx.dialect.lockTableForRebuild(tickets);
  if (lock !== null) await lock.execute(db);
  await sql`delete from ${daily}`.execute(db);
  const resellerKey = sql`coalesce(${sql.ref('reseller_id')}, '')`;
  const millis = (column: string) => ctx.dialect.millisBetween(sql.ref(column), sql.ref('created_at'));
  const isTrue = (column: string) => sql`sum(case when ${sql.ref(column)} then 1 else 0 end)`;
  // The day is computed in a derived table and grouped by name: a bound parameter in it
  // (the epoch, as the dialect binds a Date) would make the select list and the GROUP BY
  // two different expressions to Postgres.
  await sql`
    insert into ${daily} (${sql.join([...KEY, ...SUMS].map((c) => sql.ref(c)))})
    select tenant_id, day, reseller_key, status, category, priority, created_by_type,
      count(*),
      coalesce(sum(${millis('first_response_at')}), 0),
      count(first_response_at),
      coalesce(sum(${millis('resolved_at')}), 0),
      count(resolved_at),
      ${isTrue('sla_first_response_met')}, count(sla_first_response_met),
      ${isTrue('sla_resolution_met')}, count(sla_resolution_met)
    from (
      select tenant_id, ${utcDayOf(ctx, 'created_at')} as day, ${resellerKey} as reseller_key, status, category,
        priority, created_by_type, created_at, first_response_at, resolved_at, sla_first_response_met,
        sla_resolution_met
      from ${tickets}
      where deleted_at is null
    ) t
    group by tenant_id, day, reseller_key, status, category, priority, created_by_type
  `.execute(db);
}

/** Builds migration 008 for a dialect and set of names. */
export function statsByDayMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const table = qualify(ctx, 'ticket_stats_daily');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let builder = db.schema.createTable(table);
      for (const column of KEY) {
        const type =
          column === 'day'
            ? types.integer
            : column === 'tenant_id' || column === 'reseller_id'
              ? types.key
              : (types.label ?? types.key);
        builder = builder.addColumn(column, type, (c) => c.notNull());
      }
      for (const column of SUMS) builder = builder.addColumn(column, types.bigint, (c) => c.notNull().defaultTo(0));
      // The upsert target of every stats change, and the window read (tenant, day range).
      builder = builder.addPrimaryKeyConstraint(names.object('ticket_stats_daily_pk'), [...KEY] as never);
      if (ctx.dialect.capabilities.clusteredPrimaryKey) builder = builder.modifyEnd(sql`without rowid`);
      await builder.execute();
      await rebuildDailyTicketStats(db as Kysely<any>, ctx);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
