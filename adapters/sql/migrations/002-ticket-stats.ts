/**
 * Migration 002: `<prefix>ticket_stats`, the whole-tenant stats the store keeps up to
 * date in the same transaction as every ticket write (`../ticket-stats.ts`), so
 * `getStats` without a date range reads a few hundred rows instead of every ticket.
 *
 * Frozen once released, like 001: change the table with a new migration.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { MigrationContext } from './migration-context.js';

/** The bucket key, in the order the store sorts and locks buckets. */
const KEY = ['tenant_id', 'reseller_id', 'status', 'category', 'priority', 'created_by_type'] as const;

/** The additive columns. */
const SUMS = ['n', 'fr_ms_sum', 'fr_n', 'res_ms_sum', 'res_n', 'fr_met', 'fr_total', 'res_met', 'res_total'] as const;

function qualify(ctx: MigrationContext, table: 'tickets' | 'ticket_stats'): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/** `later - earlier` in integer milliseconds, as the dialect computes it. */
function millisBetween(ctx: MigrationContext, later: string, earlier: string): RawBuilder<number> {
  return ctx.dialect.millisBetween(sql.ref(later), sql.ref(earlier));
}

/**
 * Recomputes `ticket_stats` from the tickets: empties it and refills it with one
 * `INSERT … SELECT … GROUP BY` over the non-deleted tickets. Migration 002 runs it to
 * upgrade a store that already has tickets; a bulk load that writes tickets around the
 * store (the benchmark seed) runs it afterwards. Run it inside a transaction that holds
 * off ticket writers (SQLite `begin immediate`; where the dialect has table locks,
 * `lockTableForRebuild` here), or the table misses their changes.
 */
export async function rebuildTicketStats(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const tickets = sql.table(qualify(ctx, 'tickets'));
  const stats = sql.table(qualify(ctx, 'ticket_stats'));
  const lock = ctx.dialect.lockTableForRebuild(tickets);
  if (lock !== null) await lock.execute(db);
  await sql`delete from ${stats}`.execute(db);
  const resellerKey = sql`coalesce(${sql.ref('reseller_id')}, '')`;
  const isTrue = (column: string) => sql`sum(case when ${sql.ref(column)} then 1 else 0 end)`;
  await sql`
    insert into ${stats} (${sql.join([...KEY, ...SUMS].map((c) => sql.ref(c)))})
    select tenant_id, ${resellerKey}, status, category, priority, created_by_type,
      count(*),
      coalesce(sum(${millisBetween(ctx, 'first_response_at', 'created_at')}), 0),
      count(first_response_at),
      coalesce(sum(${millisBetween(ctx, 'resolved_at', 'created_at')}), 0),
      count(resolved_at),
      ${isTrue('sla_first_response_met')}, count(sla_first_response_met),
      ${isTrue('sla_resolution_met')}, count(sla_resolution_met)
    from ${tickets}
    where deleted_at is null
    group by tenant_id, ${resellerKey}, status, category, priority, created_by_type
  `.execute(db);
}

/** Builds migration 002 for a dialect and set of names. */
export function ticketStatsMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const table = qualify(ctx, 'ticket_stats');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let builder = db.schema.createTable(table);
      // Ids (tenant, reseller) as keys; the vocabulary columns as labels (the same type
      // except where a six-column key would pass the index size limit: MySQL, MariaDB).
      for (const column of KEY) {
        const type = column === 'tenant_id' || column === 'reseller_id' ? types.key : (types.label ?? types.key);
        builder = builder.addColumn(column, type, (c) => c.notNull());
      }
      // bigint sums: exact however many +/- differences they absorb.
      for (const column of SUMS) builder = builder.addColumn(column, types.bigint, (c) => c.notNull().defaultTo(0));
      // The upsert target of every stats change, and the tenant (+ reseller) read.
      builder = builder.addPrimaryKeyConstraint(names.object('ticket_stats_pk'), [...KEY] as never);
      // SQLite: the rows live in the primary-key B-tree itself, so the tenant read and
      // the upserts touch one tree instead of an index plus the rowid table.
      if (ctx.dialect.capabilities.clusteredPrimaryKey) builder = builder.modifyEnd(sql`without rowid`);
      await builder.execute();
      await rebuildTicketStats(db as Kysely<any>, ctx);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
