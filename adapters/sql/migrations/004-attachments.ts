/**
 * Migration 004: `<prefix>attachments`, what ticketry knows of each attached file (its
 * bytes live in the host's blob store under `blob_key`). A row belongs to a message and
 * follows it when a merge or split moves it to another ticket.
 *
 * Frozen once released, like 001: change the table with a new migration.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

const ACTOR_KINDS = ['customer', 'staff', 'system'];

/** Builds migration 004 for a dialect and set of names. */
export function attachmentsMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const qualified = (table: 'tickets' | 'messages' | 'attachments') =>
    names.schema === undefined ? names.table(table) : `${names.schema}.${names.table(table)}`;
  const attachments = qualified('attachments');

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const position = (builder: ColumnDefinitionBuilder) =>
        types.positionMode === 'identity'
          ? builder.generatedAlwaysAsIdentity().primaryKey()
          : builder.primaryKey().autoIncrement();
      await db.schema
        .createTable(attachments)
        .addColumn('position', types.position, position)
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('id', types.key, (c) => c.notNull())
        .addColumn('ticket_id', types.key, (c) => c.notNull())
        .addColumn('message_id', types.key, (c) => c.notNull())
        .addColumn('filename', types.text, (c) => c.notNull())
        .addColumn('content_type', types.key, (c) => c.notNull())
        .addColumn('size', types.bigint, (c) => c.notNull())
        .addColumn('checksum', types.key, (c) => c.notNull())
        .addColumn('blob_key', types.key, (c) => c.notNull())
        .addColumn('uploaded_by_type', types.key, (c) => c.notNull())
        .addColumn('uploaded_by_id', types.key)
        .addColumn('created_at', types.timestamp, (c) => c.notNull())
        .addUniqueConstraint(names.object('attachments_id_key'), ['tenant_id', 'id'])
        // The orphan sweep asks which keys have a row.
        .addUniqueConstraint(names.object('attachments_blob_key'), ['tenant_id', 'blob_key'])
        .addForeignKeyConstraint(
          names.object('attachments_message_fk'),
          ['tenant_id', 'message_id'],
          qualified('messages'),
          ['tenant_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .addForeignKeyConstraint(
          names.object('attachments_ticket_fk'),
          ['tenant_id', 'ticket_id'],
          qualified('tickets'),
          ['tenant_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .addCheckConstraint(
          names.object('attachments_uploaded_by_type_check'),
          sql`uploaded_by_type in (${sql.join(ACTOR_KINDS.map((k) => sql.lit(k)))})`,
        )
        .addCheckConstraint(names.object('attachments_size_check'), sql`size >= 0`)
        .execute();
      // A thread's attachments (listMessages), in the order they were attached.
      await db.schema
        .createIndex(names.object('attachments_message_idx'))
        .on(attachments)
        .columns(['tenant_id', 'message_id', 'position'])
        .execute();
      // A ticket's files (purge), and moving them with their messages.
      await db.schema
        .createIndex(names.object('attachments_ticket_idx'))
        .on(attachments)
        .columns(['tenant_id', 'ticket_id'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(attachments).ifExists().execute();
    },
  };
}
