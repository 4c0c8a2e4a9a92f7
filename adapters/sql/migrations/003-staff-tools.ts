/**
 * Migration 003: what issue 9's operations store. On `tickets`: the merge target, the
 * staff lock, the manual priority raise and the customer's own priority, the waiting
 * clock, the latest customer message (unread), and the addressed level. Three tables of
 * per-staff state: `favorites`, `read_marks`, `saved_filters`.
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

type Table = 'tickets' | 'favorites' | 'read_marks' | 'saved_filters';

/** Builds migration 003 for a dialect and set of names. */
export function staffToolsMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const qualified = (table: Table) =>
    names.schema === undefined ? names.table(table) : `${names.schema}.${names.table(table)}`;
  const tickets = qualified('tickets');

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      const columns: [string, MigrationContext['types']['key'], (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder][] = [
        ['merged_into_id', types.key, (c) => c],
        ['locked_by_id', types.key, (c) => c],
        ['locked_by_name', types.text, (c) => c],
        ['locked_until', types.timestamp, (c) => c],
        ['raised', types.boolean, (c) => c.notNull().defaultTo(false)],
        ['customer_priority', types.key, (c) => c.notNull().defaultTo('')],
        ['waiting_since', types.timestamp, (c) => c],
        ['customer_message_at', types.timestamp, (c) => c],
        [
          'addressed_to',
          types.key,
          (c) => c.notNull().defaultTo('operator').check(sql`addressed_to in ('reseller', 'operator')`),
        ],
        ['requester_reseller_id', types.key, (c) => c],
      ];
      for (const [column, type, build] of columns) {
        await db.schema.alterTable(tickets).addColumn(column, type, build).execute();
      }
      // Existing tickets: the customer's priority is the priority they have; a reseller's
      // subscriber's ticket is addressed to the reseller.
      // One pass over the table, not one per column.
      await sql`update ${sql.table(tickets)} set customer_priority = priority,
        addressed_to = case when reseller_id is null then 'operator' else 'reseller' end`.execute(db);
      await db.schema
        .createIndex(names.object('tickets_addressed_idx'))
        .on(tickets)
        .columns(['tenant_id', 'addressed_to', 'attention desc', 'updated_at desc', 'id desc'])
        .execute();

      const perStaff = (table: 'favorites' | 'read_marks', at: 'created_at' | 'read_at') =>
        db.schema
          .createTable(qualified(table))
          .addColumn('tenant_id', types.key, (c) => c.notNull())
          .addColumn('staff_id', types.key, (c) => c.notNull())
          .addColumn('ticket_id', types.key, (c) => c.notNull())
          .addColumn(at, types.timestamp, (c) => c.notNull())
          .addPrimaryKeyConstraint(names.object(`${table}_pk`), ['tenant_id', 'staff_id', 'ticket_id'])
          .addForeignKeyConstraint(
            names.object(`${table}_ticket_fk`),
            ['tenant_id', 'ticket_id'],
            tickets,
            ['tenant_id', 'id'],
            (fk) => fk.onDelete('cascade'),
          )
          .execute();
      await perStaff('favorites', 'created_at');
      await perStaff('read_marks', 'read_at');

      await db.schema
        .createTable(qualified('saved_filters'))
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('id', types.key, (c) => c.notNull())
        .addColumn('staff_id', types.key, (c) => c.notNull())
        .addColumn('name', types.key, (c) => c.notNull())
        .addColumn('query', types.json, (c) => c.notNull())
        .addColumn('created_at', types.timestamp, (c) => c.notNull())
        .addColumn('updated_at', types.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint(names.object('saved_filters_pk'), ['tenant_id', 'id'])
        // saveFilter's replace-by-name target, and listFilters.
        .addUniqueConstraint(names.object('saved_filters_name_key'), ['tenant_id', 'staff_id', 'name'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['saved_filters', 'read_marks', 'favorites'] as const) {
        await db.schema.dropTable(qualified(table)).ifExists().execute();
      }
      // Qualified: on Postgres an unqualified name would be looked up on the search_path,
      // and could drop another installation's index.
      const index = names.object('tickets_addressed_idx');
      // `withSchema`: a dotted name would be one quoted identifier, matching nothing.
      let drop = (names.schema === undefined ? db.schema : db.schema.withSchema(names.schema)).dropIndex(index).ifExists();
      // MySQL, MariaDB: index names belong to their table.
      if (ctx.dialect.capabilities.indexesPerTable) drop = drop.on(tickets);
      await drop.execute();
      for (const column of [
        'requester_reseller_id',
        'addressed_to',
        'customer_message_at',
        'waiting_since',
        'customer_priority',
        'raised',
        'locked_until',
        'locked_by_name',
        'locked_by_id',
        'merged_into_id',
      ]) {
        await db.schema.alterTable(tickets).dropColumn(column).execute();
      }
    },
  };
}
