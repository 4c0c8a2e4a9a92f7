/**
 * Migration 005: exact event delivery and the email channel.
 * - `outbox`: the dispatcher's queue state. `dispatch_at` says when a queued event may be
 *   claimed next (a claim moves it to the end of its lease; null once delivered or parked,
 *   or never queued), `attempts` counts claims, `handled` lists the handlers that already
 *   succeeded (so a retry calls only the others), `parked_at`/`last_error` keep what gave up.
 * - `tickets`: the channel a ticket came in by (seed 003's `from_gate`) and the address an
 *   email ticket came from.
 * - `messages`: what an emailed message was (its Message-ID, sender, the untrimmed text).
 * - `email_messages`: every Message-ID ticketry received, unique per tenant, so the same
 *   mail ingested twice (even by two instances at once) is written once, and a reply's
 *   `In-Reply-To`/`References` finds its ticket.
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type SqlBool } from 'kysely';
import type { MigrationContext } from './migration-context.js';

type Table = 'tickets' | 'messages' | 'outbox' | 'email_messages';
type Column = [string, MigrationContext['types']['key'], (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder];

/** Builds migration 005 for a dialect and set of names. */
export function emailDeliveryMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const partial = ctx.dialect.capabilities.partialIndexes;
  const qualified = (table: Table) =>
    names.schema === undefined ? names.table(table) : `${names.schema}.${names.table(table)}`;

  const addColumns = async (db: Kysely<unknown>, table: Table, columns: Column[]) => {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    for (const [column, type, build] of columns) {
      await db.schema.alterTable(qualified(table)).addColumn(column, type, build).execute();
    }
  };
  const dropIndex = async (db: Kysely<unknown>, index: string, table: Table) => {
    const name = names.object(index);
    // Qualified: on Postgres an unqualified name is looked up on the search_path.
    // `withSchema`: a dotted name would be one quoted identifier (`"s.idx"`), matching nothing.
    let drop = (names.schema === undefined ? db.schema : db.schema.withSchema(names.schema)).dropIndex(name).ifExists();
    // MySQL, MariaDB: index names belong to their table.
    if (ctx.dialect.capabilities.indexesPerTable) drop = drop.on(qualified(table));
    await drop.execute();
  };

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addColumns(db, 'outbox', [
        ['dispatch_at', types.timestamp, (c) => c],
        ['attempts', types.integer, (c) => c.notNull().defaultTo(0)],
        ['dispatched_at', types.timestamp, (c) => c],
        ['parked_at', types.timestamp, (c) => c],
        ['last_error', types.text, (c) => c],
        ['handled', types.text, (c) => c],
      ]);
      // The dispatcher's claim: due queued events, oldest due first, ties in insertion
      // order (`position` in the key: Postgres keeps equal keys in heap order, and one bulk
      // write queues all its events at one instant; a claim of 100 among 50,000 equal
      // `dispatch_at`s took 17.7 ms without it, 1.5 ms with it). Without partial
      // indexes the nulls (everything delivered) are in the index too, but the claim's
      // range `dispatch_at <= now` never reads them.
      let dispatch = db.schema.createIndex(names.object('outbox_dispatch_idx')).on(qualified('outbox')).columns(['tenant_id', 'dispatch_at', 'position']);
      if (partial) dispatch = dispatch.where(sql<SqlBool>`dispatch_at is not null`);
      await dispatch.execute();
      // listParked, in parking order.
      let parked = db.schema
        .createIndex(names.object('outbox_parked_idx'))
        .on(qualified('outbox'))
        .columns(['tenant_id', 'parked_at', 'position']);
      if (partial) parked = parked.where(sql<SqlBool>`parked_at is not null`);
      await parked.execute();

      await addColumns(db, 'tickets', [
        ['channel', types.label ?? types.key, (c) => c.notNull().defaultTo('web').check(sql`channel in ('web', 'email')`)],
        ['requester_email', types.key, (c) => c],
      ]);
      await addColumns(db, 'messages', [['email', types.json, (c) => c]]);

      await db.schema
        .createTable(qualified('email_messages'))
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('message_id', types.key, (c) => c.notNull())
        .addColumn('ticket_id', types.key, (c) => c.notNull())
        .addColumn('ticket_message_id', types.key)
        .addColumn('direction', types.label ?? types.key, (c) => c.notNull())
        .addColumn('created_at', types.timestamp, (c) => c.notNull())
        // Ingest's once-only insert, and the threading lookup.
        .addPrimaryKeyConstraint(names.object('email_messages_pk'), ['tenant_id', 'message_id'])
        .addCheckConstraint(names.object('email_messages_direction_check'), sql`direction in ('in', 'out')`)
        .addForeignKeyConstraint(
          names.object('email_messages_ticket_fk'),
          ['tenant_id', 'ticket_id'],
          qualified('tickets'),
          ['tenant_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(qualified('email_messages')).ifExists().execute();
      await db.schema.alterTable(qualified('messages')).dropColumn('email').execute();
      for (const column of ['requester_email', 'channel']) {
        await db.schema.alterTable(qualified('tickets')).dropColumn(column).execute();
      }
      await dropIndex(db, 'outbox_parked_idx', 'outbox');
      await dropIndex(db, 'outbox_dispatch_idx', 'outbox');
      for (const column of ['handled', 'last_error', 'parked_at', 'dispatched_at', 'attempts', 'dispatch_at']) {
        await db.schema.alterTable(qualified('outbox')).dropColumn(column).execute();
      }
    },
  };
}
