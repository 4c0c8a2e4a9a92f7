/**
 * Migration 009: what a search that walks the list needs (`../search-walk.ts`).
 *
 * - On SQLite, each ticket's own indexed text (number and subject, folded, padded with a
 *   space on each side) beside its key in `ticket_search`, as MySQL's `ticket_search` has
 *   had since 007: the walk checks each ticket's own text on the row it already looks
 *   up; the contentless FTS5 table cannot give the text back, and asking it about one
 *   ticket at a time costs a whole phrase query per ticket. Postgres checks the row's
 *   `tsvector` and MySQL/MariaDB its `search_text`: nothing to add there.
 * - On every dialect, `tickets_reseller_created_idx` (tenant, reseller, created_at, id):
 *   a reseller's tickets newest first, the order a reseller's search walks (without it
 *   the walk read the reseller's whole queue and sorted it).
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { ownIndexText } from '../search-queries.js';
import type { MigrationContext } from './migration-context.js';

/** Rows read and written per statement while filling. */
const BATCH = 500;

function qualify(ctx: MigrationContext, table: 'tickets' | 'ticket_search'): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/**
 * Fills `ticket_search.search_text` on SQLite from the tickets' numbers and subjects, in
 * key order and batches, as the store's writes compute it. Run by the migration, and by
 * the search index rebuild (`rebuildSearchIndex`) once this migration has run.
 */
export async function fillTicketSearchText(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect.capabilities.fullText !== 'fts5') return;
  const search = sql.table(qualify(ctx, 'ticket_search'));
  const tickets = sql.table(qualify(ctx, 'tickets'));
  let after = 0;
  for (;;) {
    const { rows } = await sql<{ key: number; number: string; subject: string; reseller_id: string | null; subscriber_id: string }>`
      select s.key as key, t.number as number, t.subject as subject, t.reseller_id as reseller_id, t.subscriber_id as subscriber_id
      from ${search} as s
      join ${tickets} as t on t.tenant_id = s.tenant_id and t.id = s.ticket_id
      where s.key > ${after}
      order by s.key
      limit ${BATCH}`.execute(db);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.key;
    const text = (r: (typeof rows)[number]) =>
      ownIndexText('fts5', { number: r.number, subject: r.subject, resellerId: r.reseller_id, subscriberId: r.subscriber_id });
    const values = sql.join(rows.map((r) => sql`(${r.key}, ${` ${text(r)} `})`));
    await sql`
      with v(key, search_text) as (values ${values})
      update ${search} set search_text = (select v.search_text from v where v.key = ${search}.key)
      where key in (select key from v)`.execute(db);
  }
}

/** Builds migration 009 for a dialect and set of names. */
export function searchWalkMigration(ctx: MigrationContext): Migration {
  const fts5 = ctx.dialect.capabilities.fullText === 'fts5';
  const search = qualify(ctx, 'ticket_search');
  const tickets = qualify(ctx, 'tickets');
  const index = ctx.names.object('tickets_reseller_created_idx');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (fts5) {
        await db.schema.alterTable(search).addColumn('search_text', ctx.types.text).execute();
        await fillTicketSearchText(db as Kysely<any>, ctx);
      }
      await db.schema.createIndex(index).on(tickets).columns(['tenant_id', 'reseller_id', 'created_at', 'id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      // Qualified through `withSchema` (a dotted name would be quoted as one identifier);
      // MySQL, MariaDB: index names belong to the table.
      const schema = ctx.names.schema === undefined ? db.schema : db.schema.withSchema(ctx.names.schema);
      const drop = schema.dropIndex(index);
      await (ctx.dialect.capabilities.indexesPerTable ? drop.on(tickets) : drop).execute();
      if (fts5) await db.schema.alterTable(search).dropColumn('search_text').execute();
    },
  };
}
