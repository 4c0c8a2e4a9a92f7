/**
 * Migration 006: the reply counts and last reply times a list row shows, kept on the
 * ticket row (`../list-columns.ts`), so a queue page reads its 50 rows from one index
 * range scan instead of running two correlated subqueries per row. Per visibility:
 * `reply_count`/`last_reply_at` as staff count them, `public_reply_count`/
 * `public_last_reply_at` without internal notes and hidden messages (the customer's).
 * Existing tickets are counted from their messages.
 *
 * Two list orders that had no index of their own scanned the whole tenant's index and
 * skipped what the scope cannot see: a reseller's staff sorting by `updated`
 * (`tickets_reseller_updated_idx`), and a reseller's own requests to the operator
 * listed by the reseller acting as a customer (`requesterResellerId`,
 * `tickets_requester_reseller_idx`, only over the tickets that have one where the
 * dialect has partial indexes).
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type SqlBool } from 'kysely';
import { recountAllTickets } from '../list-columns.js';
import type { TicketryDatabase } from '../schema.js';
import { TableNamePlugin } from '../table-names.js';
import type { MigrationContext } from './migration-context.js';

type Column = [string, MigrationContext['types']['key'], (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder];

function qualify(ctx: MigrationContext, table: 'tickets' | 'messages'): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/**
 * Recomputes the list columns of every ticket from the messages, in one UPDATE.
 * Migration 006 runs it to upgrade a store that already has tickets; a bulk load that
 * writes tickets and messages around the store (the benchmark seed) runs it afterwards.
 * Run it inside a transaction (SQLite `begin immediate`); where the dialect has table
 * locks it keeps message writers off until that transaction ends
 * (`lockTableForRebuild`), or the columns would miss their changes.
 */
export async function rebuildListColumns(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const lock = ctx.dialect.lockTableForRebuild(sql.table(qualify(ctx, 'messages')));
  if (lock !== null) await lock.execute(db);
  // The store's own naming (schema, prefix), so the UPDATE is the one the store runs.
  let named = db.withoutPlugins() as Kysely<TicketryDatabase>;
  if (ctx.names.schema !== undefined) named = named.withSchema(ctx.names.schema);
  await recountAllTickets(named.withPlugin(new TableNamePlugin(ctx.names)));
}

/** Builds migration 006 for a dialect and set of names. */
export function listColumnsMigration(ctx: MigrationContext): Migration {
  const { types } = ctx;
  const tickets = qualify(ctx, 'tickets');
  const columns: Column[] = [
    ['reply_count', types.integer, (c) => c.notNull().defaultTo(0)],
    ['last_reply_at', types.timestamp, (c) => c],
    ['public_reply_count', types.integer, (c) => c.notNull().defaultTo(0)],
    ['public_last_reply_at', types.timestamp, (c) => c],
  ];
  const dropIndex = async (db: Kysely<unknown>, index: string) => {
    // Qualified through `withSchema` (a dotted name would be quoted as one identifier,
    // and `if exists` would then drop nothing); MySQL, MariaDB: names belong to the table.
    const schema = ctx.names.schema === undefined ? db.schema : db.schema.withSchema(ctx.names.schema);
    const drop = schema.dropIndex(ctx.names.object(index));
    await (ctx.dialect.capabilities.indexesPerTable ? drop.on(tickets) : drop).execute();
  };
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      for (const [column, type, build] of columns) {
        await db.schema.alterTable(tickets).addColumn(column, type, build).execute();
      }
      await rebuildListColumns(db, ctx);
      // Sort 'updated' of a reseller's staff (scope.resellerId).
      await db.schema
        .createIndex(ctx.names.object('tickets_reseller_updated_idx'))
        .on(tickets)
        .columns(['tenant_id', 'reseller_id', 'updated_at desc', 'id desc'])
        .execute();
      // A reseller's own requests (scope.requesterResellerId), newest first. Without
      // partial indexes (MySQL, MariaDB) over every ticket, the nulls included.
      let requester = db.schema
        .createIndex(ctx.names.object('tickets_requester_reseller_idx'))
        .on(tickets)
        .columns(['tenant_id', 'requester_reseller_id', 'created_at desc', 'id desc']);
      if (ctx.dialect.capabilities.partialIndexes) requester = requester.where(sql<SqlBool>`requester_reseller_id is not null`);
      await requester.execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await dropIndex(db, 'tickets_requester_reseller_idx');
      await dropIndex(db, 'tickets_reseller_updated_idx');
      for (const [column] of [...columns].reverse()) {
        await db.schema.alterTable(tickets).dropColumn(column).execute();
      }
    },
  };
}
