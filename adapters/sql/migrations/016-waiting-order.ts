/**
 * Migration 016: the `waiting` list order from an index.
 *
 * `sort: 'waiting'` lists the longest waiting first and tickets nobody waits on last:
 * `coalesce(waiting_since, NOT_WAITING)`, then the id. No index held that expression, so
 * every page of it read and sorted the scope's whole ticket list: about a second at a
 * million tickets, whatever the page's size or filters. An expression index would not
 * serve on every dialect (MariaDB has none, and the statement binds the constant as a
 * parameter, which an index expression cannot match), so the expression becomes a
 * generated column, `waiting_order`, which the database keeps itself on every write
 * (the store's and a host's own SQL alike), indexed in the order's two scopes:
 *
 * - `tickets_waiting_idx` (tenant, waiting_order, id, status, deleted_at): operator staff.
 * - `tickets_reseller_waiting_idx` (tenant, reseller, waiting_order, id, status,
 *   deleted_at): a reseller's staff.
 *
 * The column is virtual on SQLite (all `ALTER TABLE` may add), MySQL and MariaDB (their
 * indexes store its value), and stored on Postgres (the only kind before 18): there the
 * migration rewrites the tickets table once (seconds at a million tickets, holding it).
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';
import { createTicketIndexes, dropTicketIndexes, ticketsTable, type TicketIndex } from './ticket-indexes.js';

/**
 * The waiting order's key of a ticket nobody waits on: the last millisecond of year 9999,
 * which every dialect stores and parses, after every real instant.
 */
export const NOT_WAITING = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

/** Builds migration 016 for a dialect and set of names. */
export function waitingOrderMigration(ctx: MigrationContext): Migration {
  const tickets = ticketsTable(ctx);
  // Status and deletion trail the order's keys: a page with a status filter checks them in
  // the index, not the ticket row (past the waiting tickets come a million closed ones:
  // 437 ms a page at 1.1M on SQLite, 21 ms with them). Not on MySQL and MariaDB (whose
  // index names belong to their table): the reseller's would exceed InnoDB's 3,072-byte key.
  const filters = ctx.dialect.capabilities.indexesPerTable ? [] : ['status', 'deleted_at'];
  const indexes: TicketIndex[] = [
    ['tickets_waiting_idx', ['tenant_id', 'waiting_order', 'id', ...filters]],
    ['tickets_reseller_waiting_idx', ['tenant_id', 'reseller_id', 'waiting_order', 'id', ...filters]],
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const key = sql`coalesce(${sql.ref('waiting_since')}, ${ctx.dialect.timestampLiteral(NOT_WAITING)})`;
      await db.schema
        .alterTable(tickets)
        .addColumn('waiting_order', ctx.types.timestamp, (c) => {
          const generated = c.generatedAlwaysAs(key);
          return ctx.dialect.capabilities.generatedColumns === 'stored' ? generated.stored() : generated;
        })
        .execute();
      await createTicketIndexes(db, ctx, indexes);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await dropTicketIndexes(db, ctx, indexes);
      await db.schema.alterTable(tickets).dropColumn('waiting_order').execute();
    },
  };
}
