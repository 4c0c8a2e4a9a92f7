/**
 * Migration 001: ticketry's tables, constraints and indexes.
 *
 * Frozen once released: the status and author value sets are spelled out here rather
 * than imported, so a later change to the core cannot silently alter what this
 * migration creates. Change the schema with a new migration file.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type RawBuilder, type SqlBool } from 'kysely';
import type { MigrationContext } from './migration-context.js';

const STATUSES = ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'];
const ACTOR_KINDS = ['customer', 'staff', 'system'];

/** Builds migration 001 for a dialect and set of names. */
export function initialMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const qualified = (table: 'tickets' | 'messages' | 'audit' | 'outbox' | 'counters') =>
    names.schema === undefined ? names.table(table) : `${names.schema}.${names.table(table)}`;
  const oneOf = (column: string, values: readonly string[]) =>
    sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
  const tickets = qualified('tickets');

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable(tickets)
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('id', types.key, (c) => c.notNull())
        .addColumn('number', types.key, (c) => c.notNull())
        .addColumn('subject', types.text, (c) => c.notNull())
        .addColumn('category', types.key, (c) => c.notNull())
        .addColumn('department', types.key)
        .addColumn('priority', types.key, (c) => c.notNull())
        .addColumn('status', types.key, (c) => c.notNull())
        .addColumn('subscriber_id', types.key, (c) => c.notNull())
        .addColumn('reseller_id', types.key)
        .addColumn('assignee_id', types.key)
        .addColumn('created_by_type', types.key, (c) => c.notNull())
        .addColumn('created_by_id', types.key)
        .addColumn('created_at', types.timestamp, (c) => c.notNull())
        .addColumn('updated_at', types.timestamp, (c) => c.notNull())
        .addColumn('status_changed_at', types.timestamp, (c) => c.notNull())
        .addColumn('version', types.integer, (c) => c.notNull())
        .addColumn('archived', types.boolean, (c) => c.notNull())
        .addColumn('deleted_at', types.timestamp)
        .addColumn('first_response_at', types.timestamp)
        .addColumn('resolved_at', types.timestamp)
        .addColumn('first_response_due_at', types.timestamp)
        .addColumn('resolution_due_at', types.timestamp)
        .addColumn('deadline_at', types.timestamp)
        .addColumn('attention', types.integer, (c) => c.notNull())
        .addColumn('sla_first_response_elapsed', types.real, (c) => c.notNull().defaultTo(0))
        .addColumn('sla_resolution_elapsed', types.real, (c) => c.notNull().defaultTo(0))
        .addColumn('sla_clock_at', types.timestamp)
        .addColumn('sla_first_response_remaining', types.real)
        .addColumn('sla_resolution_remaining', types.real)
        .addColumn('sla_first_response_warn_at', types.timestamp)
        .addColumn('sla_resolution_warn_at', types.timestamp)
        .addColumn('sla_first_response_warned_at', types.timestamp)
        .addColumn('sla_resolution_warned_at', types.timestamp)
        .addColumn('sla_first_response_breached_at', types.timestamp)
        .addColumn('sla_resolution_breached_at', types.timestamp)
        .addColumn('sla_first_response_met', types.boolean)
        .addColumn('sla_resolution_met', types.boolean)
        .addPrimaryKeyConstraint(names.object('tickets_pk'), ['tenant_id', 'id'])
        // findTicket by number; the last guard behind the gapless counter.
        .addUniqueConstraint(names.object('tickets_number_key'), ['tenant_id', 'number'])
        .addCheckConstraint(names.object('tickets_status_check'), oneOf('status', STATUSES))
        .addCheckConstraint(names.object('tickets_created_by_type_check'), oneOf('created_by_type', ACTOR_KINDS))
        .addCheckConstraint(names.object('tickets_version_check'), sql`version >= 1`)
        .execute();

      /**
       * `partial`: the rows still to claim (`where`), and the column a claim sets. Without
       * partial indexes (MySQL, MariaDB) that column, which the scan asks to be null, comes
       * right after the tenant instead: `IS NULL` is an equality the index can seek, so a
       * scan never reads the rows already claimed.
       */
      const ticketIndex = (name: string, columns: string[], partial?: { where: RawBuilder<SqlBool>; claim: string }) => {
        const partialIndexes = ctx.dialect.capabilities.partialIndexes;
        const cols = partial && !partialIndexes ? [columns[0]!, partial.claim, ...columns.slice(1)] : columns;
        let builder = db.schema.createIndex(names.object(name)).on(tickets).columns(cols);
        if (partial && partialIndexes) builder = builder.where(partial.where);
        return builder.execute();
      };
      // Staff queue (sort 'queue') over the whole tenant: operator staff, view_all.
      await ticketIndex('tickets_queue_idx', ['tenant_id', 'attention desc', 'updated_at desc', 'id desc']);
      // Staff queue of reseller staff (scope.resellerId).
      await ticketIndex('tickets_reseller_queue_idx', [
        'tenant_id',
        'reseller_id',
        'attention desc',
        'updated_at desc',
        'id desc',
      ]);
      // A customer's own list (scope.subscriberId, sort 'newest') and the subscriber filter.
      await ticketIndex('tickets_subscriber_idx', ['tenant_id', 'subscriber_id', 'created_at desc', 'id desc']);
      // The assignee filter ('me', a staff id, unassigned = null) in queue order.
      await ticketIndex('tickets_assignee_idx', [
        'tenant_id',
        'assignee_id',
        'attention desc',
        'updated_at desc',
        'id desc',
      ]);
      // Sorts 'newest'/'oldest' and the created-at ranges of list and stats.
      await ticketIndex('tickets_created_idx', ['tenant_id', 'created_at', 'id']);
      // Sort 'updated'.
      await ticketIndex('tickets_updated_idx', ['tenant_id', 'updated_at desc', 'id desc']);
      // The auto-close scan (listStale) and the status filter.
      await ticketIndex('tickets_stale_idx', ['tenant_id', 'status', 'status_changed_at', 'id']);
      // SLA scans (claimSlaAlerts): only tickets whose alert is still to claim are indexed.
      await ticketIndex(
        'tickets_first_response_breach_idx',
        ['tenant_id', 'first_response_due_at', 'id'],
        { where: sql<SqlBool>`first_response_due_at is not null and sla_first_response_breached_at is null`, claim: 'sla_first_response_breached_at' },
      );
      await ticketIndex(
        'tickets_resolution_breach_idx',
        ['tenant_id', 'resolution_due_at', 'id'],
        { where: sql<SqlBool>`resolution_due_at is not null and sla_resolution_breached_at is null`, claim: 'sla_resolution_breached_at' },
      );
      await ticketIndex(
        'tickets_first_response_warn_idx',
        ['tenant_id', 'sla_first_response_warn_at', 'id'],
        { where: sql<SqlBool>`sla_first_response_warn_at is not null and sla_first_response_warned_at is null`, claim: 'sla_first_response_warned_at' },
      );
      await ticketIndex(
        'tickets_resolution_warn_idx',
        ['tenant_id', 'sla_resolution_warn_at', 'id'],
        { where: sql<SqlBool>`sla_resolution_warn_at is not null and sla_resolution_warned_at is null`, claim: 'sla_resolution_warned_at' },
      );

      const position = (builder: ColumnDefinitionBuilder) =>
        types.positionMode === 'identity'
          ? builder.generatedAlwaysAsIdentity().primaryKey()
          : builder.primaryKey().autoIncrement();

      await db.schema
        .createTable(qualified('messages'))
        .addColumn('position', types.position, position)
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('id', types.key, (c) => c.notNull())
        .addColumn('ticket_id', types.key, (c) => c.notNull())
        .addColumn('author_type', types.key, (c) => c.notNull())
        .addColumn('author_id', types.key)
        .addColumn('author_name', types.text)
        .addColumn('body', types.text, (c) => c.notNull())
        .addColumn('html', types.text, (c) => c.notNull())
        .addColumn('internal', types.boolean, (c) => c.notNull())
        .addColumn('hidden', types.boolean, (c) => c.notNull())
        .addColumn('opening', types.boolean, (c) => c.notNull())
        .addColumn('system', types.json)
        .addColumn('created_at', types.timestamp, (c) => c.notNull())
        .addColumn('edited_at', types.timestamp)
        .addUniqueConstraint(names.object('messages_id_key'), ['tenant_id', 'id'])
        .addForeignKeyConstraint(
          names.object('messages_ticket_fk'),
          ['tenant_id', 'ticket_id'],
          tickets,
          ['tenant_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .addCheckConstraint(names.object('messages_author_type_check'), oneOf('author_type', ACTOR_KINDS))
        .execute();
      // The thread (listMessages) and the reply-count subqueries of listTickets.
      await db.schema
        .createIndex(names.object('messages_thread_idx'))
        .on(qualified('messages'))
        .columns(['tenant_id', 'ticket_id', 'created_at', 'position'])
        .execute();

      await db.schema
        .createTable(qualified('audit'))
        .addColumn('position', types.position, position)
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('id', types.key, (c) => c.notNull())
        .addColumn('ticket_id', types.key, (c) => c.notNull())
        .addColumn('action', types.key, (c) => c.notNull())
        .addColumn('actor_kind', types.key, (c) => c.notNull())
        .addColumn('actor_id', types.key)
        .addColumn('actor_name', types.text)
        .addColumn('changes', types.json, (c) => c.notNull())
        .addColumn('ip', types.text)
        .addColumn('user_agent', types.text)
        .addColumn('request_id', types.text)
        .addColumn('created_at', types.timestamp, (c) => c.notNull())
        .addUniqueConstraint(names.object('audit_id_key'), ['tenant_id', 'id'])
        .addForeignKeyConstraint(
          names.object('audit_ticket_fk'),
          ['tenant_id', 'ticket_id'],
          tickets,
          ['tenant_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .addCheckConstraint(names.object('audit_actor_kind_check'), oneOf('actor_kind', ACTOR_KINDS))
        .execute();
      // A ticket's audit trail (listAudit), oldest first.
      await db.schema
        .createIndex(names.object('audit_ticket_idx'))
        .on(qualified('audit'))
        .columns(['tenant_id', 'ticket_id', 'created_at', 'position'])
        .execute();

      // No foreign key to tickets: an event outlives nothing it must point at, and a host
      // may purge tickets while events are still being delivered.
      await db.schema
        .createTable(qualified('outbox'))
        .addColumn('position', types.position, position)
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('id', types.key, (c) => c.notNull())
        .addColumn('ticket_id', types.key)
        .addColumn('type', types.key, (c) => c.notNull())
        .addColumn('payload', types.json, (c) => c.notNull())
        .addColumn('created_at', types.timestamp, (c) => c.notNull())
        .addColumn('delivered_at', types.timestamp)
        // markDelivered by id.
        .addUniqueConstraint(names.object('outbox_id_key'), ['tenant_id', 'id'])
        .execute();
      // The crash-recovery scan (claimUndelivered): only undelivered events are indexed.
      let undelivered = db.schema
        .createIndex(names.object('outbox_undelivered_idx'))
        .on(qualified('outbox'))
        // Without partial indexes, `delivered_at` (the scan asks for null) after the tenant.
        .columns(ctx.dialect.capabilities.partialIndexes ? ['tenant_id', 'created_at'] : ['tenant_id', 'delivered_at', 'created_at']);
      if (ctx.dialect.capabilities.partialIndexes) undelivered = undelivered.where(sql<SqlBool>`delivered_at is null`);
      await undelivered.execute();

      await db.schema
        .createTable(qualified('counters'))
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('key', types.key, (c) => c.notNull())
        .addColumn('value', types.bigint, (c) => c.notNull())
        // nextSequence's upsert target.
        .addPrimaryKeyConstraint(names.object('counters_pk'), ['tenant_id', 'key'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['counters', 'outbox', 'audit', 'messages', 'tickets'] as const) {
        await db.schema.dropTable(qualified(table)).ifExists().execute();
      }
    },
  };
}
