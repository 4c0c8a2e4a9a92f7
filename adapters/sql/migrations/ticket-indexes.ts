/**
 * Creating and dropping a migration's indexes on the tickets table, named with the store's
 * names (prefix, schema). Shared by the migrations that only add indexes there (016, 017).
 */
import type { Kysely } from 'kysely';
import type { MigrationContext } from './migration-context.js';

/** An index: its unprefixed name and its columns (`'col desc'` for a descending one). */
export type TicketIndex = readonly [name: string, columns: readonly string[]];

/** The tickets table's name as DDL takes it (qualified by the schema, if any). */
export function ticketsTable(ctx: MigrationContext): string {
  return ctx.names.schema === undefined ? ctx.names.table('tickets') : `${ctx.names.schema}.${ctx.names.table('tickets')}`;
}

/** Creates `indexes` on the tickets table, in order. */
export async function createTicketIndexes(db: Kysely<unknown>, ctx: MigrationContext, indexes: readonly TicketIndex[]): Promise<void> {
  for (const [name, columns] of indexes) {
    await db.schema.createIndex(ctx.names.object(name)).on(ticketsTable(ctx)).columns([...columns]).execute();
  }
}

/** Drops `indexes` from the tickets table, last first. */
export async function dropTicketIndexes(db: Kysely<unknown>, ctx: MigrationContext, indexes: readonly TicketIndex[]): Promise<void> {
  // Qualified through `withSchema` (a dotted name would be quoted as one identifier);
  // MySQL, MariaDB: index names belong to the table.
  const schema = ctx.names.schema === undefined ? db.schema : db.schema.withSchema(ctx.names.schema);
  for (const [name] of [...indexes].reverse()) {
    const drop = schema.dropIndex(ctx.names.object(name));
    await (ctx.dialect.capabilities.indexesPerTable ? drop.on(ticketsTable(ctx)) : drop).execute();
  }
}
